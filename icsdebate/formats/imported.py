"""Turn a map read from another tool into a map document: each point cites the imported file,
quoting its own text there, and is attributed to that file's authors."""
import hashlib
import json
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


@dataclass
class SchemeGraph:
    """A JSON graph of statements and scheme nodes (AIF, SADFace), read with its errors located."""

    kinds: dict[str, str]
    texts: dict[str, str]
    into: dict[str, list[str]]
    out: dict[str, list[str]]

    def links(self, relation_of, is_statement) -> list[tuple[str, str, str]]:
        """(premise, conclusion, relation) for every scheme node that `relation_of` names a relation for."""
        result = []
        for node_id, kind in self.kinds.items():
            relation = relation_of(node_id, kind)
            if relation:
                for premise in (n for n in self.into.get(node_id, []) if is_statement(n)):
                    result.extend((premise, c, relation) for c in self.out.get(node_id, []) if is_statement(c))
        return result


def load_json(text: str, name: str):
    if not text.strip():
        raise FormatError(f"{name}: the file is empty.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{name}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}).") from None


def _field(item, key: str, where: str, name: str) -> str:
    if not isinstance(item, dict) or key not in item:
        raise FormatError(f"{name}: {where}: missing '{key}'.")
    return str(item[key])


def scheme_graph(data, name: str, *, id_key: str, edge_keys: tuple[str, str]) -> SchemeGraph:
    """Nodes and edges of an AIF-like JSON graph; each problem names its JSON path."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) or not isinstance(data.get("edges"), list):
        raise FormatError(f"{name}: $: expected an object with 'nodes' and 'edges' lists.")
    graph = SchemeGraph({}, {}, {}, {})
    for index, node in enumerate(data["nodes"]):
        node_id = _field(node, id_key, f"$.nodes[{index}]", name)
        graph.kinds[node_id] = _field(node, "type", f"$.nodes[{index}]", name)
        graph.texts[node_id] = str(node.get("text") or node.get("name") or "")
    for index, edge in enumerate(data["edges"]):
        start, end = (_field(edge, key, f"$.edges[{index}]", name) for key in edge_keys)
        for key, end_id in zip(edge_keys, (start, end)):
            if end_id not in graph.kinds:
                raise FormatError(f"{name}: $.edges[{index}].{key}: {end_id} is not a node in the file.")
        graph.into.setdefault(end, []).append(start)
        graph.out.setdefault(start, []).append(end)
    return graph
