"""AIF JSON as AIFdb and OVA read it: I-nodes for points, RA 'Default Inference' for support,
CA 'Default Conflict' for opposition, MA 'Default Rephrase' for a position answering a question (as arguebuf reads
Kialo's neutral relation), each joined by an edge from the child and an edge to the parent. OVA3 saves the same
graph under an "AIF" key (xAIF); locutions (L), their transitions (TA) and illocutions (YA) are the dialogue, not
the argument, and stay out of the map."""

import json

from . import imported

SCHEMES = {
    "supports": ("RA", "Default Inference", "72"),
    "opposes": ("CA", "Default Conflict", "71"),
    "answers": ("MA", "Default Rephrase", "144"),
}
RELATION_OF = {kind: relation for relation, (kind, _scheme, _id) in SCHEMES.items()}


def dump(document: dict) -> str:
    stamp = document["exported_at"].replace("T", " ")[:19]
    ids = {node["key"]: str(n) for n, node in enumerate(document["nodes"], start=1)}
    nodes = [
        {"nodeID": ids[node["key"]], "text": node["title"], "type": "I", "timestamp": stamp}
        for node in document["nodes"]
    ]
    edges = []
    next_id = len(ids) + 1
    for node in document["nodes"]:
        for relation, (kind, scheme, scheme_id) in SCHEMES.items():
            for parent in node.get(relation, []):
                scheme_node = str(next_id)
                next_id += 1
                nodes.append(
                    {
                        "nodeID": scheme_node,
                        "text": scheme,
                        "type": kind,
                        "timestamp": stamp,
                        "scheme": scheme,
                        "schemeID": scheme_id,
                    }
                )
                edges.append(
                    {"edgeID": str(len(edges) + 1), "fromID": ids[node["key"]], "toID": scheme_node, "formEdgeID": None}
                )
                edges.append(
                    {"edgeID": str(len(edges) + 1), "fromID": scheme_node, "toID": ids[parent], "formEdgeID": None}
                )
    return json.dumps({"nodes": nodes, "edges": edges, "locutions": []}, ensure_ascii=False, indent=1) + "\n"


def parse(text: str, name: str) -> dict:
    """AIF JSON (AIFdb, or OVA3's xAIF with the graph under "AIF") as a map document: I-nodes become points; each
    RA joins its premises to its conclusion as support, each CA as opposition, each MA as an answer. Locutions and
    other nodes are left out. FormatError names the JSON path of what is wrong."""
    data = imported.load_json(text, name)
    path = "$"
    if isinstance(data, dict) and isinstance(data.get("AIF"), dict) and "nodes" not in data:
        data, path = data["AIF"], "$.AIF"
    graph = imported.scheme_graph(data, name, id_key="nodeID", edge_keys=("fromID", "toID"), path=path)
    statements = [
        imported.Statement(node_id, graph.texts[node_id] or "(empty)", f"AIF node {node_id}")
        for node_id, kind in graph.kinds.items()
        if kind == "I"
    ]
    relations = graph.links(lambda _id, kind: RELATION_OF.get(kind), lambda node_id: graph.kinds[node_id] == "I")
    title = statements[0].text if statements else name
    return imported.document(
        title=f"AIF map: {title[:80]}", tool="AIF", name=name, content=text, statements=statements, relations=relations
    )
