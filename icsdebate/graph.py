"""Queries over the link graph: cycles, ancestors, sides. Recursive CTEs that run on SQLite and PostgreSQL."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from sqlalchemy import bindparam, text, update
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


def add_link(
    session: Session, *, child: Node, parent: Node, relation: str, created_by_id: int | None = None, fresh: bool = False
) -> Link:
    """Link `child` under `parent`, refusing theses, self-links, duplicates and cycles with a clear message, and
    give `child` and every point below it the sides the new paths bring. `fresh` says the child was made just
    now with its side set (graph.side_below) and nothing linked to it, so there is nothing to check or walk."""
    if relation not in RELATIONS:
        raise GraphError(f"A link must support, oppose or answer, not '{relation}'.")
    if child.kind == "thesis":
        raise GraphError(
            f"“{child.title}” is a debate's thesis: it heads its own debate and cannot go under another point."
        )
    if child.id == parent.id:
        raise GraphError("A claim cannot support or oppose itself.")
    if not fresh and _linked(session, child.id, parent.id):
        raise GraphError(f"“{child.title}” is already linked under “{parent.title}”.")
    if not fresh and would_cycle(session, child_id=child.id, parent_id=parent.id):
        raise GraphError(
            f"“{child.title}” cannot go under “{parent.title}”: that claim already sits below it, "
            "so the link would make a circle."
        )
    link = Link(child_id=child.id, parent_id=parent.id, relation=relation, created_by_id=created_by_id)
    session.add(link)
    session.flush()
    if not fresh:
        extend_sides(session, link=link, parent=parent)
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


# How far up a point's page walks: its breadcrumbs show the nearest LEVELS points above it on each path, so the
# page costs the same at the bottom of a chain 5,000 deep as one step below the thesis. Rows one level further
# up say whether the topmost point shown has more above it.
LEVELS = 12

_ANCESTORS = text("""
    WITH RECURSIVE up(child_id, parent_id, relation, level) AS (
        SELECT link.child_id, link.parent_id, link.relation, 1 FROM link WHERE link.child_id = :node
        UNION
        SELECT link.child_id, link.parent_id, link.relation, up.level + 1
        FROM link JOIN up ON link.child_id = up.parent_id
        WHERE up.level <= :levels
    )
    SELECT up.child_id, up.parent_id, up.relation, node.title, node.kind
    FROM up JOIN node ON node.id = up.parent_id
    WHERE node.status = 'active'
    ORDER BY up.parent_id
""")


class Path(Sequence[Step]):
    """One path down to a point, the top first, as a sequence of Steps made only when read. `cut` is True when
    the path was followed LEVELS points up and its top point has more above it (the thesis is further up);
    otherwise the top is a root (a thesis, or a point whose parents are archived)."""

    def __init__(self, steps: list[tuple[int, str | None]], info: dict[int, tuple[str, str]], cut: bool) -> None:
        self._steps, self._info = steps, info  # (node id, relation to the step above); id -> (title, kind)
        self.cut = cut

    def __len__(self) -> int:
        return len(self._steps)

    def _step(self, step_id: int, relation: str | None) -> Step:
        return Step(step_id, *self._info[step_id], relation)

    @overload
    def __getitem__(self, index: int) -> Step: ...

    @overload
    def __getitem__(self, index: slice) -> list[Step]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._step(*step) for step in self._steps[index]]
        return self._step(*self._steps[index])


def ancestor_paths(session: Session, *, node: Node) -> tuple[list[Path], bool]:
    """The paths down to `node` from the points above it, each followed at most LEVELS points up, at most
    MAX_PATHS of them, in one query whose cost does not grow with the depth of the point: ([Path, ...],
    complete). `complete` is True when the list holds every path from a root: none was cut at LEVELS and none
    was left out past MAX_PATHS; when False, the point appears in at least len(paths) places."""
    parents: dict[int, dict[int, str]] = {}  # child -> {parent: relation}, parents in id order
    info: dict[int, tuple[str, str]] = {node.id: (node.title, node.kind)}
    rows = session.exec(_ANCESTORS, params={"node": node.id, "levels": LEVELS}).all()
    for child_id, parent_id, relation, title, kind in rows:
        parents.setdefault(child_id, {})[parent_id] = relation
        info[parent_id] = (title, kind)

    # depth first with a stack; the part of a path below a point is shared, as (step, rest) pairs
    paths: list[Path] = []
    complete = True
    start = int(node.id or 0)
    stack: list[tuple[int, tuple | None, int]] = [(start, None, 0)]  # (point, the path below it, its height)
    while stack:
        if len(paths) == MAX_PATHS:
            complete = False
            break
        current, below, height = stack.pop()
        above = parents.get(current, {})
        cut = bool(above) and height == LEVELS
        if not above or cut:
            steps: list[tuple[int, str | None]] = [(current, None)]
            rest = below
            while rest is not None:
                steps.append(rest[0])
                rest = rest[1]
            paths.append(Path(steps, info, cut))
            complete = complete and not cut
            continue
        for parent_id, relation in reversed(above.items()):
            stack.append((parent_id, ((current, relation), below), height + 1))
    return paths, complete


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


# A point's side, as stored in node.side: a bit for each parity of the paths from it up to its debate's thesis.
FOR, AGAINST, BOTH = 1, 2, 3
SIDE_OF = {0: "both", FOR: "for", AGAINST: "against", BOTH: "both"}  # a point no path reaches counts as both


def side_below(parent_side: int, relation: str) -> int:
    """The side of a point whose only link is `relation` to a point on `parent_side` (bits as in node.side)."""
    if relation == "supports":
        return parent_side
    return ((parent_side & FOR) << 1) | ((parent_side & AGAINST) >> 1)


# Every (point, parity) pair reachable down from each debate's thesis: UNION keeps one row a pair, so a map with
# 2^20 paths costs its links, not its paths, and a circle (which the site refuses) would still end.
_SIDES_FROM_THESES = """
    WITH RECURSIVE walk(debate_id, id, parity) AS (
        SELECT debate.id, debate.thesis_id, 0 FROM debate WHERE debate.thesis_id IS NOT NULL {debates}
        UNION
        SELECT walk.debate_id, link.child_id,
               (walk.parity + CASE WHEN link.relation = 'opposes' THEN 1 ELSE 0 END) % 2
        FROM walk JOIN link ON link.parent_id = walk.id
    ), sides(id, side) AS (
        SELECT walk.id, max(CASE walk.parity WHEN 0 THEN 1 ELSE 0 END) + max(CASE walk.parity WHEN 1 THEN 2 ELSE 0 END)
        FROM walk JOIN node ON node.id = walk.id AND node.debate_id = walk.debate_id GROUP BY walk.id
    )
    UPDATE node SET side = sides.side FROM sides WHERE sides.id = node.id AND node.side <> sides.side
"""


def refresh_sides(session: Session, debate_ids: list[int] | None = None) -> None:
    """Work out the side of every point (of `debate_ids` only, when given) from the links, after a bulk load:
    one or two statements. A side is reckoned along the paths up to the point's own debate's thesis."""
    session.flush()
    if debate_ids is None:  # links may have gone (seeding again): from nothing
        session.execute(text("UPDATE node SET side = 0 WHERE side <> 0"))
        statement = text(_SIDES_FROM_THESES.format(debates=""))
    elif not debate_ids:
        return
    else:
        statement = text(_SIDES_FROM_THESES.format(debates="AND debate.id IN :ids")).bindparams(
            bindparam("ids", expanding=True)
        )
    session.execute(statement, {"ids": list(debate_ids)} if debate_ids is not None else {})
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, Node):
            session.expire(loaded, ["side"])


_BELOW = text("""
    WITH RECURSIVE down(id, parity) AS (
        SELECT CAST(:child AS INTEGER), CAST(:parity AS INTEGER)
        UNION
        SELECT link.child_id, (down.parity + CASE WHEN link.relation = 'opposes' THEN 1 ELSE 0 END) % 2
        FROM down JOIN link ON link.parent_id = down.id
    )
    SELECT node.id, node.side, down.parity FROM down JOIN node ON node.id = down.id
    WHERE node.debate_id = :debate
""")


def extend_sides(session: Session, *, link: Link, parent: Node) -> None:
    """After `link` put a point under `parent`, add the sides its new paths give to it and to every point
    below it (in the parent's debate): one query down the graph, and one update a side that changed."""
    changed: dict[int, int] = {}
    params = {"child": link.child_id, "parity": int(link.relation == "opposes"), "debate": parent.debate_id}
    for node_id, side, parity in session.exec(_BELOW, params=params):
        gained = side_below(parent.side, "opposes" if parity else "supports")
        if side | gained != side:
            changed[node_id] = side | gained
    for side in (FOR, AGAINST, BOTH):
        ids = [node_id for node_id, new in changed.items() if new == side]
        for start in range(0, len(ids), 30_000):
            session.execute(
                update(Node)
                .where(Node.id.in_(ids[start : start + 30_000]))
                .values(side=side)
                .execution_options(synchronize_session="fetch")
            )
