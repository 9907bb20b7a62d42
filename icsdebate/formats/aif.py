"""AIF JSON as AIFdb and OVA read it: I-nodes for points, RA 'Default Inference' for support,
CA 'Default Conflict' for opposition, each joined by an edge from the child and an edge to the parent."""
import json

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
