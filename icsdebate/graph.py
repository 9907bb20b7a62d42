"""Queries over the link graph: cycles, ancestors, sides. Recursive CTEs that run on SQLite and PostgreSQL."""
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session

from .models import RELATIONS, Link, Node

MAX_PATHS = 12


class GraphError(ValueError):
    """A link the graph rules refuse."""


_REACHES = text("""
    WITH RECURSIVE down(id) AS (
        SELECT CAST(:child AS INTEGER)
        UNION
        SELECT link.child_id FROM link JOIN down ON link.parent_id = down.id
    )
    SELECT 1 FROM down WHERE id = :parent LIMIT 1
""")


def would_cycle(session: Session, *, child_id: int, parent_id: int) -> bool:
    """True when linking child -> parent would close a loop (parent is the child or below it)."""
    return session.exec(_REACHES, params={"child": child_id, "parent": parent_id}).first() is not None


def add_link(session: Session, *, child: Node, parent: Node, relation: str) -> Link:
    """Link `child` under `parent`, refusing theses, self-links, duplicates and cycles with a clear message."""
    if relation not in RELATIONS:
        raise GraphError(f"A link must support or oppose, not '{relation}'.")
    if child.kind == "thesis":
        raise GraphError(f"“{child.title}” is a debate's thesis: it heads its own debate and cannot go under "
                         "another point.")
    if child.id == parent.id:
        raise GraphError("A claim cannot support or oppose itself.")
    if _linked(session, child.id, parent.id):
        raise GraphError(f"“{child.title}” is already linked under “{parent.title}”.")
    if would_cycle(session, child_id=child.id, parent_id=parent.id):
        raise GraphError(
            f"“{child.title}” cannot go under “{parent.title}”: that claim already sits below it, "
            "so the link would make a circle."
        )
    link = Link(child_id=child.id, parent_id=parent.id, relation=relation)
    session.add(link)
    session.flush()
    return link


def _linked(session: Session, child_id: int, parent_id: int) -> bool:
    query = text("SELECT 1 FROM link WHERE child_id = :c AND parent_id = :p")
    return session.exec(query, params={"c": child_id, "p": parent_id}).first() is not None


@dataclass(frozen=True)
class Step:
    """One node on a path from the thesis, and how the next node down relates to it."""

    id: int
    title: str
    kind: str
    relation: str | None  # how this node relates to the step above it


_ANCESTORS = text("""
    WITH RECURSIVE up(child_id, parent_id, relation) AS (
        SELECT link.child_id, link.parent_id, link.relation FROM link WHERE link.child_id = :node
        UNION
        SELECT link.child_id, link.parent_id, link.relation FROM link JOIN up ON link.child_id = up.parent_id
    )
    SELECT up.child_id, up.parent_id, up.relation, node.title, node.kind
    FROM up JOIN node ON node.id = up.parent_id
    WHERE node.status = 'active'
    ORDER BY up.parent_id
""")


def ancestor_paths(session: Session, *, node: Node) -> list[list[Step]]:
    """Every path from a root (a thesis) down to `node`, at most MAX_PATHS of them, in one query."""
    parents: dict[int, list[tuple[int, str]]] = {}
    info: dict[int, tuple[str, str]] = {node.id: (node.title, node.kind)}
    for child_id, parent_id, relation, title, kind in session.exec(_ANCESTORS, params={"node": node.id}):
        parents.setdefault(child_id, []).append((parent_id, relation))
        info[parent_id] = (title, kind)

    # Depth first, the first parent first, without recursion: each stack entry is a node and the path below it as
    # a chain of (step, rest) pairs, so that a step costs the same however deep the chain above it runs.
    paths: list[list[tuple[int, str | None]]] = []
    stack: list[tuple[int, tuple | None]] = [(node.id, None)]
    budget = MAX_PATHS * (len(info) + 1)  # more steps than this only in a circle, which add_link refuses
    while stack and len(paths) < MAX_PATHS and budget > 0:
        budget -= 1
        current, below = stack.pop()
        above = parents.get(current, [])
        if not above:
            path, rest = [(current, None)], below
            while rest is not None:
                path.append(rest[0])
                rest = rest[1]
            paths.append(path)
        for parent_id, relation in reversed(above):
            stack.append((parent_id, ((current, relation), below)))
    return [[Step(step_id, *info[step_id], relation) for step_id, relation in path] for path in paths]


_SIDES = text("""
    WITH RECURSIVE walk(origin, current, parity) AS (
        SELECT node.id, node.id, 0 FROM node WHERE node.id IN :ids
        UNION
        SELECT walk.origin, link.parent_id,
               (walk.parity + CASE WHEN link.relation = 'opposes' THEN 1 ELSE 0 END) % 2
        FROM walk JOIN link ON link.child_id = walk.current
    )
    SELECT walk.origin, debate.id, walk.parity
    FROM walk JOIN debate ON debate.thesis_id = walk.current
""").bindparams(bindparam("ids", expanding=True))

SIDE_NAMES = {frozenset({0}): "for", frozenset({1}): "against", frozenset({0, 1}): "both"}


def sides(session: Session, *, node_ids: list[int]) -> dict[tuple[int, int], str]:
    """(node id, debate id) -> 'for', 'against' or 'both': which side of that debate's thesis the node argues."""
    if not node_ids:
        return {}
    parities: dict[tuple[int, int], set[int]] = {}
    for origin, debate_id, parity in session.exec(_SIDES, params={"ids": list(node_ids)}):
        parities.setdefault((origin, debate_id), set()).add(parity)
    return {pair: SIDE_NAMES[frozenset(values)] for pair, values in parities.items()}
