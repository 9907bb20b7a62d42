"""AIF JSON as AIFdb and OVA read it: I-nodes for points, RA 'Default Inference' for support,
CA 'Default Conflict' for opposition, each joined by an edge from the child and an edge to the parent."""
import json

from . import FormatError, imported

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


def _load(text: str, name: str):
    if not text.strip():
        raise FormatError(f"{name}: the file is empty.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{name}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}).") from None


def _field(item, key: str, where: str, name: str):
    if not isinstance(item, dict) or key not in item:
        raise FormatError(f"{name}: {where}: missing '{key}'.")
    return str(item[key])


def parse(text: str, name: str) -> dict:
    """AIF JSON (AIFdb, OVA) as a map document: I-nodes become points; each RA joins its premises to its
    conclusion as support, each CA as opposition. Locutions and other nodes are left out."""
    data = _load(text, name)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) or not isinstance(data.get("edges"), list):
        raise FormatError(f"{name}: $: expected an object with 'nodes' and 'edges' lists.")
    kinds, statements = {}, []
    for index, node in enumerate(data["nodes"]):
        node_id = _field(node, "nodeID", f"$.nodes[{index}]", name)
        kinds[node_id] = _field(node, "type", f"$.nodes[{index}]", name)
        if kinds[node_id] == "I":
            statements.append(imported.Statement(node_id, _field(node, "text", f"$.nodes[{index}]", name) or "(empty)",
                                                 f"AIF node {node_id}"))
    into, out = {}, {}
    for index, edge in enumerate(data["edges"]):
        start, end = (_field(edge, key, f"$.edges[{index}]", name) for key in ("fromID", "toID"))
        for key, end_id in (("fromID", start), ("toID", end)):
            if end_id not in kinds:
                raise FormatError(f"{name}: $.edges[{index}].{key}: {end_id} is not a node in the file.")
        into.setdefault(end, []).append(start)
        out.setdefault(start, []).append(end)
    relations = []
    for node_id, kind in kinds.items():
        if kind in ("RA", "CA"):
            relation = "supports" if kind == "RA" else "opposes"
            for premise in (n for n in into.get(node_id, []) if kinds[n] == "I"):
                relations.extend((premise, c, relation) for c in out.get(node_id, []) if kinds[c] == "I")
    title = next((str(n.get("text")) for n in data["nodes"] if isinstance(n, dict) and n.get("type") == "I"), name)
    return imported.document(title=f"AIF map: {title[:80]}", tool="AIF", name=name, content=text,
                             statements=statements, relations=relations)
