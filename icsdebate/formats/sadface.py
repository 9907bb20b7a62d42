"""SADFace JSON: atoms for points, 'support' and 'conflict' scheme nodes between them."""
import json
import uuid

from . import FormatError, imported

NAMES = {"supports": "support", "opposes": "conflict"}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "icsdebate:" + ":".join(parts)))


def dump(document: dict) -> str:
    origin = document["exported_from"]
    sources = {source["key"]: source for source in document["sources"]}
    nodes, edges = [], []
    for node in document["nodes"]:
        nodes.append({"id": _id(origin, node["key"]), "type": "atom", "text": node["title"], "metadata": {
            "icsdebate": {"kind": node["kind"], "voice": node.get("voice"), "themes": node.get("themes", [])}},
            "sources": [{"resource_id": _id(origin, "source", c["source"]), "text": c["quote"], "offset": -1,
                         "length": len(c["quote"])} for c in node.get("citations", [])]})
    for node in document["nodes"]:
        for relation, name in NAMES.items():
            for parent in node.get(relation, []):
                scheme = _id(origin, node["key"], relation, parent)
                nodes.append({"id": scheme, "type": "scheme", "name": name, "metadata": {}})
                edges.append({"id": _id(scheme, "in"), "source_id": _id(origin, node["key"]), "target_id": scheme})
                edges.append({"id": _id(scheme, "out"), "source_id": scheme, "target_id": _id(origin, parent)})
    resources = [{"id": _id(origin, "source", key), "type": "text", "title": source["title"],
                  "content": "", "url": source.get("address", ""), "metadata": {}} for key, source in sources.items()]
    metadata = {"core": {"id": _id(origin), "title": document["debates"][0]["title"], "version": "0.2",
                         "created": document["exported_at"][:19], "edited": document["exported_at"][:19],
                         "description": f"Exported from ICS Debate ({origin})", "analyst_name": "ICS Debate",
                         "analyst_email": "", "notes": ""}}
    return json.dumps({"metadata": metadata, "resources": resources, "nodes": nodes, "edges": edges},
                      ensure_ascii=False, indent=1) + "\n"


OPPOSING = {"conflict", "attack", "rebut", "rebuttal", "undercut", "undermine"}


def parse(text: str, name: str) -> dict:
    """SADFace JSON as a map document: atoms become points, scheme nodes join premises to conclusions
    (conflict-like schemes as opposition, every other scheme as support)."""
    from .aif import _field, _load

    data = _load(text, name)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) or not isinstance(data.get("edges"), list):
        raise FormatError(f"{name}: $: expected an object with 'nodes' and 'edges' lists.")
    kinds, schemes, statements = {}, {}, []
    for index, node in enumerate(data["nodes"]):
        node_id = _field(node, "id", f"$.nodes[{index}]", name)
        kinds[node_id] = _field(node, "type", f"$.nodes[{index}]", name)
        if kinds[node_id] == "atom":
            statements.append(imported.Statement(node_id, _field(node, "text", f"$.nodes[{index}]", name) or "(empty)",
                                                 f"SADFace atom {node_id}"))
        elif kinds[node_id] == "scheme":
            schemes[node_id] = str(node.get("name", "support")).lower()
    into, out = {}, {}
    for index, edge in enumerate(data["edges"]):
        start, end = (_field(edge, key, f"$.edges[{index}]", name) for key in ("source_id", "target_id"))
        for key, end_id in (("source_id", start), ("target_id", end)):
            if end_id not in kinds:
                raise FormatError(f"{name}: $.edges[{index}].{key}: {end_id} is not a node in the file.")
        into.setdefault(end, []).append(start)
        out.setdefault(start, []).append(end)
    relations = []
    for scheme, scheme_name in schemes.items():
        relation = "opposes" if scheme_name in OPPOSING else "supports"
        for premise in (n for n in into.get(scheme, []) if kinds[n] == "atom"):
            relations.extend((premise, c, relation) for c in out.get(scheme, []) if kinds[c] == "atom")
    core = (data.get("metadata") or {}).get("core") or {}
    return imported.document(title=str(core.get("title") or name), tool="SADFace", name=name, content=text,
                             statements=statements, relations=relations)
