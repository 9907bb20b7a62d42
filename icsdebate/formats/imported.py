"""Turn a map read from another tool into a map document: each point cites the imported file,
quoting its own text there, and is attributed to that file's authors."""

import hashlib
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .. import fields
from . import FormatError, jsonstream


@dataclass(slots=True)
class Statement:
    """A point read from another tool's file: its id there, its text, where in the file it is, and what else the
    file says of it (an annotation, (source, quote, locator) citations of the file's own references, themes, a kind)."""

    id: str
    text: str
    locator: str
    annotation: str = ""
    cites: tuple[tuple[str, str, str], ...] = ()
    themes: tuple[str, ...] = ()
    kind: str | None = None


RELATIONS = ("supports", "opposes", "answers")


def _digest(content: str, chunk: int = 1 << 20) -> str:
    """The first ten hex digits of the SHA-256 of `content` as UTF-8, encoded a chunk of characters at a time rather
    than copied whole."""
    hashed = hashlib.sha256()
    for start in range(0, len(content), chunk):
        hashed.update(content[start : start + chunk].encode("utf-8", "surrogatepass"))
    return hashed.hexdigest()[:10]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "map"


def theme_key(name: str) -> str:
    """The key of a theme named in an imported file (an Argdown tag, say)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[: fields.KEY] or "theme"


def _title(text: str) -> tuple[str, str]:
    """A title within the limit, and the full text as annotation when it had to be cut."""
    flat = " ".join(text.split())
    if len(flat) <= fields.TITLE:
        return flat, ""
    return flat[: fields.TITLE - 1].rsplit(" ", 1)[0] + "…", text


def document(
    *,
    title: str,
    tool: str,
    name: str,
    content: str,
    statements: list[Statement],
    relations: list[tuple[str, str, str]],
    sources: list[dict] = (),
    themes: list[dict] = (),
    summary: str = "",
) -> dict:
    """A map document from statements and (child, parent, relation) triples, in file order; relation is one of
    supports, opposes, answers. Nothing is invented: one statement without a parent heads the debate as its thesis
    (as a question when positions answer it); several head it as its top-level points. `sources` ({key, title,
    ...} with keys local to the file) are what statements' `cites` name; `themes` ({key, name}) what their
    `themes` name. FormatError when there is nothing to import or a relation names no statement."""
    if not statements:
        raise FormatError(f"{name}: no statements were found in the file.")
    known = {s.id for s in statements}
    for child, parent, _relation in relations:
        for end in (child, parent):
            if end not in known:
                raise FormatError(f"{name}: a relation refers to {end!r}, which is not a statement in the file.")
    del known  # a set of every statement's id, not wanted past the check
    digest = _digest(content)
    source_key, voice_key = f"import-{_slug(name)}-{digest}", f"import-{_slug(tool)}"
    local = {source["key"]: f"{source_key}-{_slug(source['key'])}" for source in sources}
    keys = {s.id: f"n{index}" for index, s in enumerate(statements, start=1)}
    parents: dict[str, list[tuple[str, str]]] = {}
    circular = []
    for child, parent, relation in relations:
        if child == parent or any(p == parent for p, _ in parents.get(child, [])):
            continue
        if _reaches(parents, parent, child):  # the site holds no circles: the link that closes one stays out
            circular.append((child, parent, relation))
            continue
        parents.setdefault(child, []).append((parent, relation))
    roots = [s for s in statements if not parents.get(s.id)]
    if not roots:
        raise FormatError(f"{name}: every statement answers another, so there is no top claim to start from.")
    answered = {parent for links in parents.values() for parent, relation in links if relation == "answers"}
    thesis = roots[0] if len(roots) == 1 else None
    nodes = Points(statements, keys, parents, answered, thesis, (local, source_key, voice_key))
    summary = summary or f"Imported from the {tool} file {name}."
    if circular:
        texts = {s.id: " ".join(s.text.split())[:80] for s in statements}
        summary += (
            f"\n\n{len(circular)} link{'s' * (len(circular) > 1)} of the file closed a circle and "
            "{} left out: ".format("were" if len(circular) > 1 else "was")
            + "; ".join(f"“{texts[c]}” {r} “{texts[p]}”" for c, p, r in circular)
            + "."
        )
    debate = {"key": _slug(title or name), "title": _title(title or name)[0], "summary": summary}
    if len(roots) == 1:
        debate["thesis"] = keys[roots[0].id]
    else:
        debate["top"] = [keys[root.id] for root in roots]
    return {
        "themes": [dict(theme) for theme in themes],
        "sources": [
            {
                "key": source_key,
                "title": _title(title or name)[0],
                "publisher": tool,
                "author": "",
                "kind": "argument map",
            }
        ]
        + [{**source, "key": local[source["key"]]} for source in sources],
        "voices": [
            {
                "key": voice_key,
                "name": f"Authors of imported {tool} maps",
                "role": "",
                "organisation": "",
                "group": "Imported maps",
            }
        ],
        "debates": [debate],
        "nodes": nodes,
    }


class Points(Sequence):
    """The points of an imported map as seed entries (dicts), each made from its statement when it is read, so that
    the document holds its statements once rather than a second copy of the map; read it as often as wanted."""

    def __init__(
        self,
        statements: list[Statement],
        keys: dict[str, str],
        parents: dict[str, list[tuple[str, str]]],
        answered: set[str],
        thesis: Statement | None,
        cited: tuple[dict[str, str], str, str],
    ):
        """`keys`: each statement's key by its id; `parents`: its (parent id, relation) links; `answered`: the ids
        of statements answered; `thesis`: the statement that heads the map alone, if one does; `cited`: the keys of
        the file's own references by their key in the file, the key of the file as a source, and of its voice."""
        self.statements, self.keys, self.parents, self.answered = statements, keys, parents, answered
        self.thesis = thesis
        self.local, self.source_key, self.voice_key = cited

    def __len__(self) -> int:
        return len(self.statements)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._entry(self.statements[index])

    def _entry(self, statement: Statement) -> dict:
        short, cut = _title(statement.text or "(empty)")
        is_thesis = statement is self.thesis
        kind = statement.kind or (
            "question"
            if statement.id in self.answered and not self.parents.get(statement.id)
            else "thesis"
            if is_thesis
            else "claim"
        )
        if kind == "thesis" and not is_thesis:
            kind = "claim"
        annotation = "\n\n".join(part for part in (statement.annotation, cut) if part)
        citations = [
            {"source": self.local[key], "quote": quote or statement.text, "locator": locator[: fields.LOCATOR]}
            for key, quote, locator in statement.cites
            if key in self.local
        ]
        citations.append(
            {
                "source": self.source_key,
                "quote": statement.text or "(empty)",
                "locator": statement.locator[: fields.LOCATOR],
            }
        )
        node = {
            "key": self.keys[statement.id],
            "kind": kind,
            "title": short,
            "voice": self.voice_key,
            "annotation": annotation,
            "citations": citations,
        }
        if statement.themes:
            node["themes"] = list(dict.fromkeys(statement.themes))
        for parent, relation in self.parents.get(statement.id, []):
            node.setdefault(relation, []).append(self.keys[parent])
        return node


def _reaches(parents: dict[str, list[tuple[str, str]]], start: str, goal: str) -> bool:
    """Whether following parent links up from `start` reaches `goal` (a loop, not recursion)."""
    seen, todo = {start}, [start]
    while todo:
        for parent, _relation in parents.get(todo.pop(), []):
            if parent == goal:
                return True
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return False


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
    except RecursionError:
        raise FormatError(f"{name}: not valid JSON (arrays or objects nested too deeply).") from None


def _field(item, key: str, where: str, name: str) -> str:
    if not isinstance(item, dict) or key not in item:
        raise FormatError(f"{name}: {where}: expected an object with '{key}'.")
    if not isinstance(item[key], (str, int)) or isinstance(item[key], bool):
        raise FormatError(f"{name}: {where}.{key}: expected a string or a number.")
    return str(item[key])


def scheme_graph(
    text: str, name: str, *, id_key: str, edge_keys: tuple[str, str], inner: str | None = None, on_node=None
) -> tuple[SchemeGraph, dict]:
    """Nodes and edges of an AIF-like JSON graph, read as a stream (jsonstream), an entry at a time, so that the
    file is never held parsed whole: from the object at the top, or, when that has no 'nodes', from the object
    under its member `inner` (xAIF's "AIF"). `on_node(node)` sees each node as it is read. Returns the graph and
    the top's other members that are not lists (metadata, say). FormatError names the JSON path of what is
    wrong."""
    rest: dict = {}
    graph = _graph_of(jsonstream.sections(jsonstream.Text(text), name), name, id_key, edge_keys, "$", on_node, rest)
    if graph is None and inner and isinstance(rest.get(inner), dict):
        graph = _graph_of(rest[inner].items(), name, id_key, edge_keys, f"$.{inner}", on_node, {})
    if graph is None:
        path = f"$.{inner}" if inner and isinstance(rest.get(inner), dict) else "$"
        raise FormatError(f"{name}: {path}: expected an object with 'nodes' and 'edges' lists.")
    return graph, rest


def _graph_of(sections, name: str, id_key: str, edge_keys: tuple[str, str], path: str, on_node, rest: dict):
    """The graph in an object's members (name, value) at `path`, or None when it has no 'nodes' and 'edges'
    lists; members that are not lists go into `rest`. Edges given before the nodes wait, as their ends only."""
    graph, found, waiting = SchemeGraph({}, {}, {}, {}), set(), []
    for key, value in sections:
        is_list = isinstance(value, list | Iterator)
        if key == "nodes" and is_list:
            found.add(key)
            for index, node in enumerate(value):
                node_id = sys.intern(_field(node, id_key, f"{path}.nodes[{index}]", name))  # one copy, edges too
                graph.kinds[node_id] = sys.intern(_field(node, "type", f"{path}.nodes[{index}]", name))
                text = node.get("text") if isinstance(node.get("text"), str) else node.get("name")
                graph.texts[node_id] = text if isinstance(text, str) else ""
                if on_node:
                    on_node(node)
        elif key == "edges" and is_list:
            found.add(key)
            for index, edge in enumerate(value):
                ends = (sys.intern(_field(edge, end, f"{path}.edges[{index}]", name)) for end in edge_keys)
                waiting.append((index, *ends))
                if "nodes" in found:
                    _add_edges(graph, waiting, name, edge_keys, path)
        elif key in ("nodes", "edges"):
            return None
        elif isinstance(value, Iterator):
            for _item in value:  # a list the graph does not need (AIF's locutions): read past
                pass
        else:
            rest[key] = value
    if found != {"nodes", "edges"}:
        return None
    _add_edges(graph, waiting, name, edge_keys, path)
    return graph


def _add_edges(graph: SchemeGraph, waiting: list, name: str, edge_keys: tuple[str, str], path: str) -> None:
    for index, start, end in waiting:
        for key, end_id in zip(edge_keys, (start, end), strict=True):
            if end_id not in graph.kinds:
                raise FormatError(f"{name}: {path}.edges[{index}].{key}: {end_id!r} is not a node in the file.")
        graph.into.setdefault(end, []).append(start)
        graph.out.setdefault(start, []).append(end)
    waiting.clear()
