"""Points as cards (a point with its voice, sources and counts of pros and cons), and a page of a point's
children."""

import functools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy.orm import Bundle
from sqlmodel import Session, col, select

from .. import strength
from ..models import ChildTally, Citation, Link, Node, Source, Voice
from ..standing import STANDS
from .keyset import FIRST_PAGE, Seek, seek_page, signed

ACTIVE = Node.status == "active"


TALLIED = {"supports": "pros", "opposes": "cons"}  # answers (a position under a question) is neither


class _Found(Bundle):
    """Columns of an outer-joined row read as one row with their names (`row.name`), or None when the join found
    nothing (its first column, the id, is None)."""

    def create_row_processor(self, query, procs, labels):
        make = super().create_row_processor(query, procs, labels)

        def found(row):
            made = make(row)
            return None if made[0] is None else made

        return found


# What a card shows of a point, its voice and a source it cites (templates/browse/_card.html, _outline_items.html),
# read as rows with the models' names, not as ORM objects: a page of cards is read several times faster so.
POINT: Bundle = Bundle(
    "node",
    col(Node.id),
    col(Node.title),
    col(Node.kind),
    col(Node.status),
    col(Node.standing),
    col(Node.outcome),
    col(Node.outcome_on),
    col(Node.outcome_reason),
    col(Node.happened_on),
)
VOICE = _Found("voice", col(Voice.id), col(Voice.key), col(Voice.name), col(Voice.group_name))
SOURCE: Bundle = Bundle(
    "source", col(Source.id), col(Source.key), col(Source.kind), col(Source.title), col(Source.publisher)
)


@dataclass
class Card:
    """A node as a card: its voice, the sources it cites and how many pros and cons it has itself. The node,
    voice and sources are the models' objects, or rows of their POINT, VOICE and SOURCE columns."""

    node: Any  # a Node, or a row of POINT
    voice: Any  # a Voice, a row of VOICE, or None
    relation: str | None = None
    sources: list[Any] = field(default_factory=list)  # Sources, or rows of SOURCE
    pros: int = 0
    cons: int = 0


@dataclass
class Page:
    """One page of cards under a parent, for one relation: its number, whether more follow, and the keys of its
    first and last cards, which the links to the pages before and after it carry (None on an empty page)."""

    cards: list[Card]
    page: int
    has_more: bool
    last: str | None = None
    first: str | None = None


def _tally(relation: str):
    """A point's count of active children that `relation` it (ChildTally), as a column of the query that reads
    the point, so that a list of cards needs no query of its own for their counts."""
    return select(ChildTally.n).where(ChildTally.node_id == Node.id, ChildTally.relation == relation).scalar_subquery()


COUNTS = (_tally("supports"), _tally("opposes"))


# The sources and counts of a list of cards, built once and run with their ids.
_SOURCES = (
    select(Citation.node_id, SOURCE)
    .join(Source, Source.id == Citation.source_id)
    .where(Citation.node_id.in_(bindparam("ids", expanding=True)))
    .order_by(Citation.position)
)
_COUNTS = select(ChildTally.node_id, ChildTally.relation, ChildTally.n).where(
    ChildTally.node_id.in_(bindparam("ids", expanding=True))
)


def _decorate(session: Session, cards: list[Card], counts: bool = True) -> list[Card]:
    """Fill in sources (and, unless the cards were read with COUNTS, child counts from ChildTally) for a list of
    cards: one or two queries."""
    ids = [card.node.id for card in cards]
    if not ids:
        return cards
    by_id = {card.node.id: card for card in cards}
    rows = session.exec(_SOURCES, params={"ids": ids})
    for node_id, source in rows:
        if source not in by_id[node_id].sources:
            by_id[node_id].sources.append(source)
    if not counts:
        return cards
    counts = session.exec(_COUNTS, params={"ids": ids})
    for parent_id, relation, count in counts:
        if relation in TALLIED:
            setattr(by_id[parent_id], TALLIED[relation], count)
    return cards


def card(session: Session, node: Node, voice: Voice | None) -> Card:
    return _decorate(session, [Card(node, voice)])[0]


@functools.cache
def _children_query(relation: str, still: bool) -> tuple[Select, tuple]:
    """The statement reading a parent's children that `relation` it (the parent's id bound as :parent_id), built
    once for each relation and reading, and its sort keys."""
    query = (
        select(POINT, VOICE, Link.relation)
        .add_columns(*COUNTS)
        .join(Link, Link.child_id == Node.id)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .where(Link.parent_id == bindparam("parent_id"), Link.relation == relation, ACTIVE)
    )
    if still:
        query = query.where(Link.child_rank == strength.RANK[STANDS])
    return query, (*strength.sort_keys(), Link.position, Link.child_id)


def children(
    session: Session,
    *,
    parent_id: int,
    relation: str,
    seek: Seek = FIRST_PAGE,
    size: int = 40,
    still: bool = False,
) -> Page:
    """A page of a node's active children that `relation` it ('supports' or 'opposes'), strongest first
    (strength.py), only those that still stand when `still`. The page starts after `seek.after` (the key of the
    previous page's last card), so a late page costs what the first costs; without a key, at page `seek.page`.
    Two queries; BadRequest (400) for a key that is not one of this list's."""
    query, keys = _children_query(relation, still)
    params = {"parent_id": parent_id}
    rows, window = seek_page(session, query, keys, (int, signed, int, int), seek, size, params=params, built_once=True)
    cards = [Card(node, voice, rel, pros=pros or 0, cons=cons or 0) for node, voice, rel, pros, cons in rows]
    return Page(_decorate(session, cards, counts=False), window.page, window.has_more, window.last, window.first)
