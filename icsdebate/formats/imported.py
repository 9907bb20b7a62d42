"""Turn a map read from another tool into a map document: each point cites the imported file,
quoting its own text there, and is attributed to that file's authors."""
import hashlib
import re
from dataclasses import dataclass

from . import FormatError

TITLE_LIMIT = 280


@dataclass
class Statement:
    id: str
    text: str
    locator: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "map"


def _title(text: str) -> tuple[str, str]:
    """A title within the limit, and the full text as annotation when it had to be cut."""
    flat = " ".join(text.split())
    if len(flat) <= TITLE_LIMIT:
        return flat, ""
    return flat[: TITLE_LIMIT - 1].rsplit(" ", 1)[0] + "…", text


def document(*, title: str, tool: str, name: str, content: str, statements: list[Statement],
             relations: list[tuple[str, str, str]]) -> dict:
    """A map document from (id, text) statements and (child, parent, relation) pairs, in file order."""
    if not statements:
        raise FormatError(f"{name}: no statements were found in the file.")
    known = {s.id for s in statements}
    for child, parent, _relation in relations:
        for end in (child, parent):
            if end not in known:
                raise FormatError(f"{name}: a relation refers to {end!r}, which is not a statement in the file.")
    digest = hashlib.sha256(content.encode()).hexdigest()[:10]
    source_key, voice_key = f"import-{_slug(name)}-{digest}", f"import-{_slug(tool)}"
    keys = {s.id: f"n{index}" for index, s in enumerate(statements, start=1)}
    parents: dict[str, list[tuple[str, str]]] = {}
    for child, parent, relation in relations:
        if (parent, relation) not in parents.setdefault(child, []):
            parents[child].append((parent, relation))
    roots = [s for s in statements if s.id not in parents]
    if not roots:
        raise FormatError(f"{name}: every statement answers another, so there is no top claim to start from.")
    nodes = []
    if len(roots) == 1:
        thesis = keys[roots[0].id]
    else:  # several top claims: they hang under the map itself, so the whole map can be browsed
        thesis = "n0"
        nodes.append({"key": "n0", "kind": "thesis", "title": _title(title)[0], "voice": voice_key,
                      "annotation": f"The imported map has {len(roots)} top-level claims; they are listed here as "
                                    "points bearing on it.",
                      "citations": [{"source": source_key, "quote": title, "locator": "title of the map"}]})
    for statement in statements:
        short, annotation = _title(statement.text)
        node = {"key": keys[statement.id], "kind": "thesis" if keys[statement.id] == thesis else "claim",
                "title": short, "voice": voice_key, "annotation": annotation,
                "citations": [{"source": source_key, "quote": statement.text, "locator": statement.locator}]}
        for parent, relation in parents.get(statement.id, [("n0", "supports")] if thesis == "n0" else []):
            node.setdefault(relation, []).append(keys.get(parent, parent))
        nodes.append(node)
    return {
        "themes": [],
        "sources": [{"key": source_key, "title": title or name, "publisher": tool, "author": "", "kind": "argument map"}],
        "voices": [{"key": voice_key, "name": f"Authors of imported {tool} maps", "role": "", "organisation": "",
                    "group": "Imported maps"}],
        "debates": [{"key": _slug(title or name), "title": _title(title or name)[0], "thesis": thesis,
                     "summary": f"Imported from the {tool} file {name}."}],
        "nodes": nodes,
    }
