"""SADFace JSON: atoms for points, 'support' and 'conflict' scheme nodes between them, and 'rephrase' for a position
answering a question (the name arguebuf gives Kialo's neutral relation)."""

import sys
import uuid
from collections.abc import Iterable, Iterator

from .. import fields
from . import Section, head_and_nodes, imported, jsonstream

NAMES = {"supports": "support", "opposes": "conflict", "answers": "rephrase"}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "icsdebate:" + ":".join(parts)))


def write(document: Iterable[Section]) -> Iterator[str]:
    """A map document given as (name, value) pairs (gather.sections; the nodes may come as an iterator read once)
    as chunks of SADFace JSON, each node written as it comes: its atom, then a scheme node for each of its links.
    Kept meanwhile: the child's and the parent's keys and the relation of each link, for the edges written after
    the nodes."""
    head, entries = head_and_nodes(document)
    origin = head["exported_from"]
    links: list[tuple[str, str, str]] = []  # (the child's key, the relation, the parent's key)

    def nodes() -> Iterator[dict]:
        for node in entries:
            yield {
                "id": _id(origin, node["key"]),
                "type": "atom",
                "text": node["title"],
                "metadata": {
                    "icsdebate": {"kind": node["kind"], "voice": node.get("voice"), "themes": node.get("themes", [])}
                },
                "sources": [
                    {
                        "resource_id": _id(origin, "source", c["source"]),
                        "text": c["quote"],
                        "offset": -1,
                        "length": len(c["quote"]),
                    }
                    for c in node.get("citations", [])
                ],
            }
            for relation, name in NAMES.items():
                for parent in node.get(relation, []):
                    links.append((node["key"], relation, parent))
                    yield {
                        "id": _id(origin, node["key"], relation, parent),
                        "type": "scheme",
                        "name": name,
                        "metadata": {},
                    }

    def edges() -> Iterator[dict]:
        for key, relation, parent in links:
            scheme = _id(origin, key, relation, parent)
            yield {"id": _id(scheme, "in"), "source_id": _id(origin, key), "target_id": scheme}
            yield {"id": _id(scheme, "out"), "source_id": scheme, "target_id": _id(origin, parent)}

    resources = [
        {
            "id": _id(origin, "source", source["key"]),
            "type": "text",
            "title": source["title"],
            "content": "",
            "url": source.get("address", ""),
            "metadata": {},
        }
        for source in {source["key"]: source for source in head["sources"]}.values()
    ]
    metadata = {
        "core": {
            "id": _id(origin),
            "title": head["debates"][0]["title"],
            "version": "0.2",
            "created": head["exported_at"][:19],
            "edited": head["exported_at"][:19],
            "description": f"Exported from ICS Debate ({origin})",
            "analyst_name": "ICS Debate",
            "analyst_email": "",
            "notes": "",
        }
    }
    return jsonstream.write([("metadata", metadata), ("resources", resources), ("nodes", nodes()), ("edges", edges())])


def dump(document: dict) -> str:
    """A map document as SADFace JSON text (`write`, whole)."""
    return "".join(write(document.items()))


OPPOSING = {"conflict", "attack", "rebut", "rebuttal", "undercut", "undermine"}


def parse(text: str, name: str) -> dict:
    """SADFace JSON as a map document: atoms become points, scheme nodes join premises to conclusions
    (conflict-like schemes as opposition, every other scheme as support)."""
    statements, relations, themes, core = _read(text, name)  # the graph is let go before the document
    return imported.document(
        title=str(core.get("title") or name),
        tool="SADFace",
        name=name,
        content=text,
        statements=statements,
        relations=relations,
        themes=[{"key": key, "name": name_} for key, name_ in themes.items()],
    )


def _read(text: str, name: str) -> tuple[list[imported.Statement], list[tuple[str, str, str]], dict, dict]:
    """The atoms as statements, the links the schemes make, the themes named, and the metadata's core."""
    ours: dict[str, tuple[str | None, tuple[str, ...]]] = {}  # what the site's own export keeps of an atom
    alike: dict = {}

    def keep(node: dict) -> None:
        metadata = node.get("metadata") if isinstance(node.get("metadata"), dict) else {}
        kept = metadata.get("icsdebate")
        if isinstance(kept, dict):
            tags: list = kept["themes"] if isinstance(kept.get("themes"), list) else []
            kind = kept.get("kind") if kept.get("kind") in ("claim", "evidence", "question") else None
            kept_ = (kind, tuple(str(t) for t in tags if isinstance(t, (str, int))))
            ours[sys.intern(str(node.get("id")))] = alike.setdefault(kept_, kept_)  # one copy of each (kind, themes)

    graph, data = imported.scheme_graph(text, name, id_key="id", edge_keys=("source_id", "target_id"), on_node=keep)
    themes, statements = {}, []
    for node_id, kind in graph.kinds.items():
        if kind != "atom":
            continue
        kept_kind, tags = ours.get(node_id, (None, ()))
        for tag in tags:
            themes.setdefault(imported.theme_key(tag), tag[: fields.THEME_NAME])
        statements.append(
            imported.Statement(
                node_id,
                graph.texts[node_id] or "(empty)",
                f"SADFace atom {node_id}",
                themes=tuple(imported.theme_key(tag) for tag in tags),
                kind=kept_kind,
            )
        )
    relations = graph.links(
        lambda node_id, kind: (
            None
            if kind != "scheme"
            else "opposes"
            if graph.texts[node_id].lower() in OPPOSING
            else "answers"
            if graph.texts[node_id].lower() == "rephrase"
            else "supports"
        ),
        lambda node_id: graph.kinds[node_id] == "atom",
    )
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    core: dict = metadata["core"] if isinstance(metadata.get("core"), dict) else {}
    return statements, relations, themes, core
