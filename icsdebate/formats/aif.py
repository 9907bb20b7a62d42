"""AIF JSON as AIFdb and OVA read it: I-nodes for points, RA 'Default Inference' for support,
CA 'Default Conflict' for opposition, MA 'Default Rephrase' for a position answering a question (as arguebuf reads
Kialo's neutral relation), each joined by an edge from the child and an edge to the parent. OVA3 saves the same
graph under an "AIF" key (xAIF); locutions (L), their transitions (TA) and illocutions (YA) are the dialogue, not
the argument, and stay out of the map."""

from collections.abc import Iterable, Iterator

from . import Section, head_and_nodes, imported, jsonstream

SCHEMES = {
    "supports": ("RA", "Default Inference", "72"),
    "opposes": ("CA", "Default Conflict", "71"),
    "answers": ("MA", "Default Rephrase", "144"),
}
RELATION_OF = {kind: relation for relation, (kind, _scheme, _id) in SCHEMES.items()}


def write(document: Iterable[Section]) -> Iterator[str]:
    """A map document given as (name, value) pairs (gather.sections; the nodes may come as an iterator read once)
    as chunks of AIF JSON, each node written as it comes: its I-node, then a scheme node for each of its links.
    Kept meanwhile: a number for each point and three numbers for each link, for the edges written after the
    nodes. KeyError when a link names a point that is not in the map."""
    head, entries = head_and_nodes(document)
    stamp = head["exported_at"].replace("T", " ")[:19]
    numbers: dict[str, str] = {}
    links: list[tuple[str, str, str]] = []  # (the child's number, the scheme node's, the parent's key)

    def nodes() -> Iterator[dict]:
        for node in entries:
            number = numbers[node["key"]] = str(len(numbers) + len(links) + 1)
            yield {"nodeID": number, "text": node["title"], "type": "I", "timestamp": stamp}
            for relation, (kind, scheme, scheme_id) in SCHEMES.items():
                for parent in node.get(relation, []):
                    between = str(len(numbers) + len(links) + 1)
                    links.append((number, between, parent))
                    yield {
                        "nodeID": between,
                        "text": scheme,
                        "type": kind,
                        "timestamp": stamp,
                        "scheme": scheme,
                        "schemeID": scheme_id,
                    }

    def edges() -> Iterator[dict]:
        for n, (child, between, parent) in enumerate(links):
            yield {"edgeID": str(2 * n + 1), "fromID": child, "toID": between, "formEdgeID": None}
            yield {"edgeID": str(2 * n + 2), "fromID": between, "toID": numbers[parent], "formEdgeID": None}

    return jsonstream.write([("nodes", nodes()), ("edges", edges()), ("locutions", [])])


def dump(document: dict) -> str:
    """A map document as AIF JSON text (`write`, whole)."""
    return "".join(write(document.items()))


def _statements_and_relations(text: str, name: str) -> tuple[list[imported.Statement], list[tuple[str, str, str]]]:
    graph, _rest = imported.scheme_graph(text, name, id_key="nodeID", edge_keys=("fromID", "toID"), inner="AIF")
    statements = [
        imported.Statement(node_id, graph.texts[node_id] or "(empty)", f"AIF node {node_id}")
        for node_id, kind in graph.kinds.items()
        if kind == "I"
    ]
    return statements, graph.links(lambda _id, kind: RELATION_OF.get(kind), lambda node_id: graph.kinds[node_id] == "I")


def parse(text: str, name: str) -> dict:
    """AIF JSON (AIFdb, or OVA3's xAIF with the graph under "AIF") as a map document: I-nodes become points; each
    RA joins its premises to its conclusion as support, each CA as opposition, each MA as an answer. Locutions and
    other nodes are left out. FormatError names the JSON path of what is wrong."""
    statements, relations = _statements_and_relations(text, name)  # the graph is let go before the document
    title = statements[0].text if statements else name
    return imported.document(
        title=f"AIF map: {title[:80]}", tool="AIF", name=name, content=text, statements=statements, relations=relations
    )
