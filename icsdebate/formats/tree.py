"""A map document seen as a tree: each node under its first parent, in document order."""
from dataclasses import dataclass, field


@dataclass
class Tree:
    nodes: dict[str, dict]
    root: str
    home: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (first parent, relation)
    children: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # parent -> [(child, relation)]


def tree(document: dict) -> Tree:
    nodes = {node["key"]: node for node in document["nodes"]}
    result = Tree(nodes, document["debates"][0]["thesis"])
    for node in document["nodes"]:
        parents = [(p, "supports") for p in node.get("supports", [])] + [(p, "opposes") for p in node.get("opposes", [])]
        if parents:
            result.home[node["key"]] = parents[0]
        for parent, relation in parents:
            result.children.setdefault(parent, []).append((node["key"], relation))
    return result
