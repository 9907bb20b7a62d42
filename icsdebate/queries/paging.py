"""Pages of points from many debates, grouped by debate and by the side of its thesis each argues, read a page
at a time by key (keyset)."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from .. import graph
from ..models import Debate, Node, Voice
from .cards import ACTIVE, COUNTS, Card, _decorate
from .keyset import Seek, Window, seek_page


@dataclass
class Group:
    """Nodes of one debate, split by the side of its thesis they argue."""

    debate: Debate
    sides: dict[str, list[Card]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class GroupedPage:
    """One page of points from many debates, grouped by debate and side; `start` numbers its first point."""

    groups: list[Group]
    window: Window
    start: int
    count: int

    @property
    def page(self) -> int:
        return self.window.page

    @property
    def has_more(self) -> bool:
        return self.window.has_more


def grouped(rows: list[tuple], cards: list[Card]) -> list[Group]:
    """Cards grouped by debate, then by the side of its thesis each point argues (stored with the point)."""
    groups: dict[int, Group] = {}
    for card_, (_node, _voice, debate, *_counts) in zip(cards, rows, strict=True):
        group = groups.setdefault(debate.id, Group(debate))
        side = "thesis" if card_.node.kind == "thesis" else graph.SIDE_OF[card_.node.side]
        group.sides[side].append(card_)
    return list(groups.values())


def _grouped_page(session: Session, query, keys: tuple, types: tuple, seek: Seek, size: int) -> GroupedPage:
    """One page of the points `query` selects (Node, Voice, Debate rows), in the order of `keys`, grouped:
    three queries, each reading from an index where the previous page ended."""
    rows, window = seek_page(session, query, keys, types, seek, size)
    cards = _decorate(
        session,
        [Card(node, voice, pros=pros or 0, cons=cons or 0) for node, voice, _, pros, cons in rows],
        counts=False,
    )
    return GroupedPage(grouped(rows, cards), window, (seek.page - 1) * size + 1, len(rows))


def _points():
    return (
        select(Node, Voice, Debate, *COUNTS)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .join(Debate, Debate.id == Node.debate_id)
        .where(ACTIVE)
    )
