"""Which points still stand: grounded semantics over the 'opposes' links.

A point stands when every point opposing it has been answered; it is answered when at least one point
opposing it stands. Points caught in a circle of unresolved opposition are left undecided. Supporting
links do not attack, so they never change a point's standing.

Each node stores its standing, so that a page reads it with the node however deep the chains of opposition
below it run. Every write that changes what opposes a point calls `refresh`; bulk loads call `refresh_all`.
The map has no circles (graph.py refuses them), so a stored standing is never undecided.
"""
from sqlalchemy import bindparam, text, update
from sqlmodel import Session, select

from .models import Link, Node

STANDS, ANSWERED, UNDECIDED = "stands", "answered", "undecided"

_LABELS = text("""
    SELECT node.id, node.standing, EXISTS (
        SELECT 1 FROM link JOIN node AS opponent ON opponent.id = link.child_id
        WHERE link.parent_id = node.id AND link.relation = 'opposes'
        AND opponent.status = 'active' AND opponent.standing = 'stands') AS answered
    FROM node WHERE node.id IN :ids""").bindparams(bindparam("ids", expanding=True))
_OPPOSED = text("SELECT DISTINCT parent_id FROM link WHERE child_id IN :ids AND relation = 'opposes'"
                ).bindparams(bindparam("ids", expanding=True))


def grounded(nodes: list[str], attacks: list[tuple[str, str]]) -> dict[str, str]:
    """Label each node from (attacker, attacked) pairs: the least fixed point, computed by propagation."""
    attackers: dict[str, set[str]] = {node: set() for node in nodes}
    targets: dict[str, set[str]] = {node: set() for node in nodes}
    for attacker, attacked in attacks:
        attackers[attacked].add(attacker)
        targets[attacker].add(attacked)
    label: dict[str, str] = {}
    undecided_attackers = {node: len(attackers[node]) for node in nodes}
    queue = [node for node in nodes if not attackers[node]]
    while queue:
        node = queue.pop()
        if node in label:
            continue
        label[node] = STANDS
        for target in targets[node]:
            if target not in label:
                label[target] = ANSWERED
                for further in targets[target]:
                    undecided_attackers[further] -= 1
                    if undecided_attackers[further] == 0 and further not in label:
                        queue.append(further)
    return {node: label.get(node, UNDECIDED) for node in nodes}


def refresh(session: Session, node_ids: list[int]) -> None:
    """Work out again the standing of `node_ids` and of the points they oppose, after a write changed what
    opposes them or whether they count; then of each point above whose standing that changes, and so on up."""
    session.flush()
    pending = set(node_ids) | set(session.exec(_OPPOSED, params={"ids": list(node_ids)}).scalars())
    while pending:
        rows = session.exec(_LABELS, params={"ids": sorted(pending)}).all()
        changed = {node_id: ANSWERED if answered else STANDS for node_id, stored, answered in rows
                   if stored != (ANSWERED if answered else STANDS)}
        _store(session, changed)
        pending = set(session.exec(_OPPOSED, params={"ids": list(changed)}).scalars()) if changed else set()


def refresh_all(session: Session, debate_ids: list[int] | None = None) -> None:
    """Work out the standing of every active point at once, after a bulk load; only of the points of
    `debate_ids` when given, for debates just made, which nothing outside them opposes yet."""
    session.flush()
    opponent, target = Node.__table__.alias(), Node.__table__.alias()
    counted = [Node.status == "active"]
    pairs = [Link.relation == "opposes", opponent.c.status == "active", target.c.status == "active"]
    if debate_ids is not None:
        counted.append(Node.debate_id.in_(debate_ids))
        pairs += [opponent.c.debate_id.in_(debate_ids), target.c.debate_id.in_(debate_ids)]
    stored = dict(session.exec(select(Node.id, Node.standing).where(*counted)).all())
    attacks = session.exec(
        select(Link.child_id, Link.parent_id).join(opponent, opponent.c.id == Link.child_id)
        .join(target, target.c.id == Link.parent_id).where(*pairs)).all()
    labels = grounded(list(stored), attacks)
    _store(session, {node_id: label for node_id, label in labels.items() if stored[node_id] != label})


def _store(session: Session, labels: dict[int, str], chunk: int = 1000) -> None:
    for label in (STANDS, ANSWERED, UNDECIDED):
        ids = [node_id for node_id, new in labels.items() if new == label]
        for start in range(0, len(ids), chunk):
            session.execute(update(Node).where(Node.id.in_(ids[start:start + chunk])).values(standing=label)
                         .execution_options(synchronize_session="fetch"))
