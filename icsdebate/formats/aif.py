"""AIF JSON as AIFdb and OVA read it: I-nodes for points, RA 'Default Inference' for support,
CA 'Default Conflict' for opposition, each joined by an edge from the child and an edge to the parent."""
import json

from . import imported

SCHEMES = {"supports": ("RA", "Default Inference", "72"), "opposes": ("CA", "Default Conflict", "71")}


def dump(document: dict) -> str:
    stamp = document["exported_at"].replace("T", " ")[:19]
    ids = {node["key"]: str(n) for n, node in enumerate(document["nodes"], start=1)}
    nodes = [{"nodeID": ids[node["key"]], "text": node["title"], "type": "I", "timestamp": stamp}
             for node in document["nodes"]]
    edges = []
    next_id = len(ids) + 1
    for node in document["nodes"]:
        for relation, (kind, scheme, scheme_id) in SCHEMES.items():
            for parent in node.get(relation, []):
                scheme_node = str(next_id)
                next_id += 1
                nodes.append({"nodeID": scheme_node, "text": scheme, "type": kind, "timestamp": stamp,
                              "scheme": scheme, "schemeID": scheme_id})
                edges.append({"edgeID": str(len(edges) + 1), "fromID": ids[node["key"]], "toID": scheme_node, "formEdgeID": None})
                edges.append({"edgeID": str(len(edges) + 1), "fromID": scheme_node, "toID": ids[parent], "formEdgeID": None})
    return json.dumps({"nodes": nodes, "edges": edges, "locutions": []}, ensure_ascii=False, indent=1) + "\n"


def parse(text: str, name: str) -> dict:
    """AIF JSON (AIFdb, OVA) as a map document: I-nodes become points; each RA joins its premises to its
    conclusion as support, each CA as opposition. Locutions and other nodes are left out."""
    graph = imported.scheme_graph(imported.load_json(text, name), name, id_key="nodeID", edge_keys=("fromID", "toID"))
    statements = [imported.Statement(node_id, graph.texts[node_id] or "(empty)", f"AIF node {node_id}")
                  for node_id, kind in graph.kinds.items() if kind == "I"]
    relations = graph.links(lambda _id, kind: {"RA": "supports", "CA": "opposes"}.get(kind),
                            lambda node_id: graph.kinds[node_id] == "I")
    title = statements[0].text if statements else name
    return imported.document(title=f"AIF map: {title[:80]}", tool="AIF", name=name, content=text,
                             statements=statements, relations=relations)
