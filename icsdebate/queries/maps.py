"""The shape under a map's root: its largest replies and their share of the strip."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..models import ChildTally, Link, Node


@dataclass
class Branch:
    """A reply to the map's root: the side it takes on the thesis ("for", "against", "both"), its own replies
    (`replies`, of which `pros` take the thesis's side and `cons` the other) and its share of the strip's
    width in twentieths (`width`, at least 1)."""

    node_id: int
    title: str
    relation: str
    side: str
    replies: int
    pros: int
    cons: int
    width: int = 1


@dataclass
class Shape:
    """The shape under a map's root: its `shown` largest replies, and how many replies (`rest`) and points
    beneath them (`rest_weight`) are left out of the strip."""

    shown: list[Branch]
    total: int
    rest: int
    rest_weight: int
    rest_width: int = 0


SHAPE_BRANCHES = 12


def branch_shape(session: Session, *, root_id: int, root_side: str, limit: int = SHAPE_BRANCHES) -> Shape:
    """The replies to `root_id`, largest first (by their own replies, read from ChildTally), at most `limit`;
    sides are relative to the thesis, given `root_side` ("thesis", "for", "against" or "both"). One query,
    whose cost grows with the root's own replies only, never with the debate."""
    pros = aliased(ChildTally)
    cons = aliased(ChildTally)
    weight = func.coalesce(pros.n, 0) + func.coalesce(cons.n, 0)
    rows = session.exec(
        select(
            Link.child_id,
            Link.relation,
            Node.title,
            func.coalesce(pros.n, 0),
            func.coalesce(cons.n, 0),
            func.count().over(),
            func.sum(weight + 1).over(),
        )
        .join(Node, Node.id == Link.child_id)
        .outerjoin(pros, (pros.node_id == Link.child_id) & (pros.relation == "supports"))
        .outerjoin(cons, (cons.node_id == Link.child_id) & (cons.relation == "opposes"))
        .where(Link.parent_id == root_id, Node.status == "active")
        .order_by(weight.desc(), Link.position, Link.id)
        .limit(limit)
    ).all()
    if not rows:
        return Shape([], 0, 0, 0)
    total, everything = rows[0][5], int(rows[0][6])
    base = "both" if root_side == "both" else "against" if root_side == "against" else "for"
    opposite = {"for": "against", "against": "for", "both": "both"}
    shown = []
    for child_id, relation, title, supports, opposes, _, _ in rows:
        side = base if relation == "supports" else opposite[base]
        with_thesis = supports if side == "for" else opposes if side == "against" else 0
        against_thesis = opposes if side == "for" else supports if side == "against" else 0
        shown.append(Branch(child_id, title, relation, side, supports + opposes, with_thesis, against_thesis))
    rest_weight = everything - sum(b.replies + 1 for b in shown)
    for branch in shown:
        branch.width = max(1, round(20 * (branch.replies + 1) / everything))
    return Shape(
        shown,
        total,
        total - len(shown),
        rest_weight,
        max(1, round(20 * rest_weight / everything)) if total > len(shown) else 0,
    )
