"""Strongest first, by one rule everywhere (debate and point pages, the outline, the briefing).

A point that stands (nothing that opposes it stands) comes before an undecided one, and that before an answered
one; among equals, the point with more support beneath it comes first. The support beneath a point is how many
points support it, directly or through a chain of supporting points, counted once for each chain (a point that
supports two points beneath the same parent adds to each of them).

Each node stores its support, so that a page orders its cards with one indexed query however deep the chains run:
every write reaches `refresh`, and every bulk load `refresh_all`, through `derived`.
"""

from collections.abc import Hashable, Iterable

from sqlalchemy import bindparam, case, text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from .models import Link, Node
from .standing import ANSWERED, STANDS, UNDECIDED

RANK = {STANDS: 0, UNDECIDED: 1, ANSWERED: 2}


def order_key(standing: str, support: int) -> tuple[int, int]:
    """The sort key of a point: (rank of its standing, minus its support); smaller is stronger."""
    return RANK.get(standing, len(RANK)), -support


def order_by():
    """The same rule as SQL ORDER BY terms over Node: standing rank, then support, most first."""
    return case(RANK, value=Node.standing, else_=len(RANK)), Node.support.desc()


def sort_keys():
    """The same rule as two SQL values that sort it ascending, for lists read by key (queries/keyset.py): the
    standing rank, then the support negated, as each link holds them for its child (migration 0025), so that
    ix_link_parent_order reads a page of a point's replies in order."""
    return Link.child_rank, Link.child_less_support


def support_weights(children: dict[Hashable, list[tuple[Hashable, str]]], keys: Iterable[Hashable]) -> dict:
    """{key: support beneath it} for `keys`, from {parent: [(child, relation), ...]}: the sum over its supporting
    children of one plus their own support. Walks with an explicit stack (no recursion); the graph has no
    circles (graph.py refuses them)."""
    weight: dict = {}
    for start in keys:
        stack = [(start, False)]
        while stack:
            key, expanded = stack.pop()
            if key in weight:
                continue
            kids = [child for child, relation in children.get(key, ()) if relation == "supports"]
            if expanded:
                weight[key] = sum(1 + weight[child] for child in kids)
                continue
            stack.append((key, True))
            stack.extend((child, False) for child in kids if child not in weight)
    return weight


# The points whose support a write may change: those written, and every point above them along 'supports' links.
# UNION, not UNION ALL, so that a circle (which the site refuses) would still end the walk. For each, the support
# its active supporting children outside that set bring; and the active 'supports' links inside the set.
_REGION = text("""
    WITH RECURSIVE up(id) AS (
        SELECT node.id FROM node WHERE node.id IN :ids
        UNION
        SELECT link.parent_id FROM link JOIN up ON link.child_id = up.id WHERE link.relation = 'supports'
    )
    SELECT node.id, NULL AS child, node.support, (
        SELECT COALESCE(SUM(1 + child.support), 0) FROM link JOIN node AS child ON child.id = link.child_id
        WHERE link.parent_id = node.id AND link.relation = 'supports' AND child.status = 'active'
        AND child.id NOT IN (SELECT id FROM up)) AS outside
    FROM up JOIN node ON node.id = up.id
    UNION ALL
    SELECT link.parent_id, link.child_id, NULL, NULL
    FROM link JOIN up AS parent ON parent.id = link.parent_id JOIN up AS below ON below.id = link.child_id
    JOIN node AS child ON child.id = link.child_id
    WHERE link.relation = 'supports' AND child.status = 'active'
""").bindparams(bindparam("ids", expanding=True))


def refresh(session: Session, node_ids: list[int]) -> None:
    """Work out again the support beneath `node_ids` and every point above them along 'supports' links, after a
    write changed their links or whether they count. Two statements whatever the shape: one recursive query
    reads the region the write can reach (with what supports each point from outside it), the sums are worked
    out in memory, children before parents, and the changed points are updated in one executemany."""
    session.flush()
    if not node_ids:
        return
    stored: dict[int, int] = {}
    outside: dict[int, int] = {}
    children: dict[int, list[tuple[int, str]]] = {}
    for node_id, child, support, brought in session.exec(_REGION, params={"ids": sorted(set(node_ids))}):
        if child is None:
            stored[node_id], outside[node_id] = support, int(brought)
        else:
            children.setdefault(node_id, []).append((child, "supports"))
    total: dict[int, int] = {}
    for start in stored:  # children before parents, with an explicit stack (no recursion)
        stack = [(start, False)]
        while stack:
            node_id, expanded = stack.pop()
            if node_id in total:
                continue
            kids = [child for child, _relation in children.get(node_id, ())]
            if expanded:
                total[node_id] = outside[node_id] + sum(1 + total.get(child, 0) for child in kids)
                continue
            stack.append((node_id, True))
            stack.extend((child, False) for child in kids if child not in total)
    _store(session, {node_id: total[node_id] for node_id in stored if total[node_id] != stored[node_id]})


def refresh_all(session: Session, debate_ids: list[int] | None = None) -> None:
    """Work out the support beneath every point at once, after a bulk load; only of the points of `debate_ids`
    when given (debates just made, which nothing outside them supports yet)."""
    session.flush()
    child = Node.__table__.alias()
    nodes = select(Node.id, Node.support)
    links = (
        select(Link.parent_id, Link.child_id)
        .join(child, child.c.id == Link.child_id)
        .where(Link.relation == "supports", child.c.status == "active")
    )
    if debate_ids is not None:
        nodes = nodes.where(Node.debate_id.in_(debate_ids))
        links = links.where(child.c.debate_id.in_(debate_ids))
    stored = dict(session.exec(nodes).all())
    children: dict[int, list[tuple[int, str]]] = {}
    for parent_id, child_id in session.exec(links):
        children.setdefault(parent_id, []).append((child_id, "supports"))
    weights = support_weights(children, list(stored))
    _store(session, {node_id: weight for node_id, weight in weights.items() if stored[node_id] != weight})


_STORE_POSTGRES = text(
    "UPDATE node SET support = given.weight FROM unnest(CAST(:ids AS integer[]), CAST(:weights AS integer[])) "
    "AS given(id, weight) WHERE node.id = given.id"
)


def _store(session: Session, weights: dict[int, int]) -> None:
    """Write {node id: support}. On PostgreSQL one statement, so that the node table's statement triggers run
    once, not once a point (an executemany runs a statement a row); on SQLite, whose triggers run once a row
    anyway, an executemany."""
    if weights:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(_STORE_POSTGRES, {"ids": list(weights), "weights": list(weights.values())})
        else:
            table = Node.__table__
            session.execute(
                update(table).where(table.c.id == bindparam("node_id")).values(support=bindparam("weight")),
                [{"node_id": node_id, "weight": weight} for node_id, weight in weights.items()],
            )
        for held in list(session.identity_map.values()):  # rows this session holds see their new support
            if isinstance(held, Node) and held.id in weights:
                set_committed_value(held, "support", weights[held.id])
