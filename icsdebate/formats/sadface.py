"""SADFace JSON: atoms for points, 'support' and 'conflict' scheme nodes between them."""
import json
import uuid

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
