"""Points as cards (a point with its voice, sources and counts of pros and cons), and a page of a point's
children."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam
from sqlmodel import Session, select

from .. import strength
from ..models import ChildTally, Citation, Link, Node, Source, Voice
from ..standing import STANDS
from .keyset import FIRST_PAGE, Seek, seek_page, signed
from .rows import Part, run, select_of, split

ACTIVE = Node.status == "active"


TALLIED = {"supports": "pros", "opposes": "cons"}  # answers (a position under a question) is neither


# What a card shows of a point, its voice and a source it cites (templates/browse/_card.html, _outline_items.html),
# read as rows with the models' names (rows.py), not as ORM objects.
POINT = Part(
    "Point",
    (
        Node.id,
        Node.title,
        Node.kind,
        Node.status,
        Node.standing,
        Node.outcome,
        Node.outcome_on,
        Node.outcome_reason,
        Node.happened_on,
    ),
)
VOICE = Part("Voice", (Voice.id, Voice.key, Voice.name, Voice.group_name), outer=True)
SOURCE = Part("Source", (Source.id, Source.key, Source.kind, Source.title, Source.publisher))


@dataclass
class Card:
    """A node as a card: its voice, the sources it cites and how many pros and cons it has itself. The node,
    voice and sources are the models' objects, or rows of their POINT, VOICE and SOURCE columns."""

    node: Any  # a Node, or a POINT
    voice: Any  # a Voice, a VOICE, or None
    relation: str | None = None
    sources: list[Any] = field(default_factory=list)  # SOURCEs
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
    select_of(Citation.node_id, SOURCE)
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
    for node_id, source in (split(row, 1, SOURCE) for row in run(session, _SOURCES, {"ids": ids})):
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
def _children_query(still: bool) -> tuple[Select, tuple]:
    """The statement reading a parent's children that a relation links to it (bound as :parent_id and :relation),
    built once for each reading, and its sort keys. One statement for both relations: two statements alike but for
    a value would share one compiled form, and SQLAlchemy would map the result columns of the second to the
    first's on each run."""
    query = (
        select_of(POINT, VOICE, Link.relation, *COUNTS)
        .join(Link, Link.child_id == Node.id)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .where(Link.parent_id == bindparam("parent_id"), Link.relation == bindparam("relation"), ACTIVE)
    )
    if still:
        query = query.where(Link.child_rank == strength.RANK[STANDS])
    return query, (*strength.sort_keys(), Link.position, Link.child_id)


def _page(session: Session, parent_id: int, relation: str, seek: Seek, size: int, still: bool) -> Page:
    """A page of cards (without their sources) of the children that `relation` `parent_id`: one query."""
    query, keys = _children_query(still)
    params = {"parent_id": parent_id, "relation": relation}
    rows, window = seek_page(
        session, query, keys, (int, signed, int, int), seek, size, params=params, built_once=True, plain=True
    )
    cards = [
        Card(point, voice, rel, pros=pros or 0, cons=cons or 0)
        for point, voice, rel, pros, cons in (split(row, POINT, VOICE, 3) for row in rows)
    ]
    return Page(cards, window.page, window.has_more, window.last, window.first)


def sides(
    session: Session,
    *,
    parent_id: int,
    relations: Sequence[str],
    seek: Seek = FIRST_PAGE,
    size: int = 40,
    still: bool = False,
) -> dict[str, Page]:
    """A page of a node's active children for each of `relations` ('supports', 'opposes'), by relation: each
    strongest first (strength.py), only those that still stand when `still`. Each page starts after `seek.after`
    (the key of the previous page's last card), so a late page costs what the first costs; without a key, at page
    `seek.page`. One query a relation, and one for the sources of all their cards; BadRequest (400) for a key that
    is not one of the list's."""
    pages = {relation: _page(session, parent_id, relation, seek, size, still) for relation in relations}
    _decorate(session, [card_ for page in pages.values() for card_ in page.cards], counts=False)
    return pages
