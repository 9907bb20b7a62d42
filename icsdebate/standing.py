"""Which points still stand: grounded semantics over the 'opposes' links.

A point stands when every point opposing it has been answered; it is answered when at least one point
opposing it stands. Points caught in a circle of unresolved opposition are left undecided. Supporting
links do not attack, so they never change a point's standing.

Each node stores its standing, so that a page reads it with the node however deep the chains of opposition
below it run. Every write reaches `refresh`, and every bulk load `refresh_all`, through `derived`.
The map has no circles (graph.py refuses them), so a stored standing is never undecided.
"""

from sqlalchemy import bindparam, text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from .models import Link, Node

STANDS, ANSWERED, UNDECIDED = "stands", "answered", "undecided"

# The points whose standing a write may change: those written, and every point above them along 'opposes'
# links (support never changes standing). UNION, not UNION ALL, so that a circle (which the site refuses)
# would still end the walk. For each, whether an active point outside that set opposes it and stands; and
# the active 'opposes' links inside the set. One statement, whatever the depth or breadth of the map.
_REGION = text("""
    WITH RECURSIVE up(id) AS (
        SELECT node.id FROM node WHERE node.id IN :ids
        UNION
        SELECT link.parent_id FROM link JOIN up ON link.child_id = up.id WHERE link.relation = 'opposes'
    )
    SELECT node.id, NULL AS opponent, node.standing, EXISTS (
        SELECT 1 FROM link JOIN node AS opponent ON opponent.id = link.child_id
        WHERE link.parent_id = node.id AND link.relation = 'opposes' AND opponent.status = 'active'
        AND opponent.standing = 'stands' AND opponent.id NOT IN (SELECT id FROM up)) AS answered
    FROM up JOIN node ON node.id = up.id
    UNION ALL
    SELECT link.parent_id, link.child_id, NULL, NULL
    FROM link JOIN up AS target ON target.id = link.parent_id JOIN up AS attacker ON attacker.id = link.child_id
    JOIN node AS opponent ON opponent.id = link.child_id
    WHERE link.relation = 'opposes' AND opponent.status = 'active'
""").bindparams(bindparam("ids", expanding=True))
_OUTSIDE = "standing opponent outside the region"  # stands in for every such opponent in `grounded`


def grounded(nodes: list[str], attacks: list[tuple[str, str]]) -> dict[str, str]:
    """Label each node from (attacker, attacked) pairs: the least fixed point, computed by propagation. Sets are
    kept only for nodes that attack or are attacked, so the memory follows the attacks, not the nodes."""
    attackers: dict[str, set[str]] = {}
    targets: dict[str, set[str]] = {}
    for attacker, attacked in attacks:
        attackers.setdefault(attacked, set()).add(attacker)
        targets.setdefault(attacker, set()).add(attacked)
    label: dict[str, str] = {}
    undecided_attackers = {node: len(by) for node, by in attackers.items()}
    queue = [node for node in nodes if node not in attackers]
    while queue:
        node = queue.pop()
        if node in label:
            continue
        label[node] = STANDS
        for target in targets.get(node, ()):
            if target not in label:
                label[target] = ANSWERED
                for further in targets.get(target, ()):
                    undecided_attackers[further] -= 1
                    if undecided_attackers[further] == 0 and further not in label:
                        queue.append(further)
    return {node: label.get(node, UNDECIDED) for node in nodes}


def refresh(session: Session, node_ids: list[int]) -> None:
    """Work out again the standing of `node_ids` and of every point above them along 'opposes' links, after a
    write changed what opposes them or whether they count (add, link, archive, restore).

    Two to three statements whatever the shape: one recursive query reads the region the write can reach
    (points, the links that oppose inside it, and whether a standing point outside it answers each), the
    labels are worked out in memory with `grounded`, and the points whose label changed are updated, one
    statement per label (per 30,000 points). A chain of 5,000 opposing points flips in those few statements."""
    session.flush()
    if not node_ids:
        return
    stored: dict[int, str] = {}
    attacks: list[tuple[object, object]] = []
    for node_id, opponent, label, answered in session.exec(_REGION, params={"ids": sorted(set(node_ids))}):
        if opponent is None:
            stored[node_id] = label
            if answered:
                attacks.append((_OUTSIDE, node_id))
        else:
            attacks.append((opponent, node_id))
    labels = grounded([*stored, _OUTSIDE], attacks)
    _store(session, {node_id: labels[node_id] for node_id, label in stored.items() if labels[node_id] != label})


def refresh_all(session: Session, debate_ids: list[int] | None = None) -> None:
    """Work out the standing of every active point at once, after a bulk load; only of the points of
    `debate_ids` when given, for debates just made, which nothing outside them opposes yet."""
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # the rows just loaded are not in the planner's statistics yet: planned for empty tables, the join
        # below ran nested loops over whole tables (33 s for a chain of 2,000 points, growing with the square)
        session.execute(text("ANALYZE node, link"))
    opponent, target = Node.__table__.alias(), Node.__table__.alias()
    counted = [Node.status == "active"]
    pairs = [Link.relation == "opposes", opponent.c.status == "active", target.c.status == "active"]
    if debate_ids is not None:
        counted.append(Node.debate_id.in_(debate_ids))
        pairs += [opponent.c.debate_id.in_(debate_ids), target.c.debate_id.in_(debate_ids)]
    stored = dict(session.exec(select(Node.id, Node.standing).where(*counted)).all())
    attacks = session.exec(
        select(Link.child_id, Link.parent_id)
        .join(opponent, opponent.c.id == Link.child_id)
        .join(target, target.c.id == Link.parent_id)
        .where(*pairs)
    ).all()
    labels = grounded(list(stored), attacks)
    _store(session, {node_id: label for node_id, label in labels.items() if stored[node_id] != label})


def _store(session: Session, labels: dict[int, str], chunk: int = 30_000) -> None:
    """Write new labels: one UPDATE per label and per `chunk` ids (under SQLite's and PostgreSQL's limits on
    bound parameters), on the table itself; the rows this session holds are given their new label in place,
    rather than read back."""
    table = Node.__table__
    for label in (STANDS, ANSWERED, UNDECIDED):
        ids = [node_id for node_id, new in labels.items() if new == label]
        for start in range(0, len(ids), chunk):
            session.execute(update(table).where(table.c.id.in_(ids[start : start + chunk])).values(standing=label))
    for held in list(session.identity_map.values()):
        if isinstance(held, Node) and held.id in labels:
            set_committed_value(held, "standing", labels[held.id])
