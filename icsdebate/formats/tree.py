"""A map document seen as a tree: each node under its first parent, in document order."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

RELATION_ORDER = ("supports", "opposes", "answers")


@dataclass
class Tree:
    nodes: dict[str, Any]  # key -> what a writer kept of its entry (tree_of)
    roots: list[str]  # the debate's thesis, or its top-level points when it has none
    home: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (first parent, relation)
    children: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # parent -> [(child, relation)]

    @property
    def root(self) -> str | None:
        """The thesis (or the question at the top); None for a debate headed by several top-level points."""
        return self.roots[0] if self.thesis else None

    thesis: bool = True


def parents(node: dict) -> list[tuple[str, str]]:
    """(parent key, relation) of a document node, supports first, then opposes, then answers."""
    return [(p, relation) for relation in RELATION_ORDER for p in node.get(relation, [])]


def tree_of(debate: dict, entries: Iterable[dict], keep: Callable[[dict], Any]) -> Tree:
    """The debate `debate` (a document's debate entry) as a tree of the node entries `entries`, read once in
    order (an iterator will do); its roots are its thesis, or its top-level points. Its nodes hold what `keep`
    makes of each entry, so that a writer keeps only what it writes out of a map too big to hold whole."""
    nodes: dict[str, Any] = {}
    thesis = debate.get("thesis")
    result = Tree(nodes, [thesis] if thesis else list(debate.get("top", [])), thesis=bool(thesis))
    for node in entries:
        nodes[node["key"]] = keep(node)
        linked = parents(node)
        if linked:
            result.home[node["key"]] = linked[0]
        for parent, relation in linked:
            result.children.setdefault(parent, []).append((node["key"], relation))
    return result
