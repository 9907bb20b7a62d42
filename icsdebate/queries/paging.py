"""Long lists read a page at a time by key (Seek, Window), so that a deep page costs what the first costs, and
pages of points grouped by debate and side."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import tuple_
from sqlmodel import Session, select
from werkzeug.exceptions import BadRequest

from .. import graph
from ..models import Debate, Node, Voice
from ..params import parse_int
from .cards import ACTIVE, COUNTS, Card, _decorate


@dataclass(frozen=True)
class Seek:
    """Where a page of a list starts: after the row whose key is `after`, before the row whose key is `before`,
    or (with neither) at row (page - 1) * size, for old ?page=N addresses. `page` is the number shown. A key is
    the row's sort values joined with '~', as the links of the previous page carry them."""

    page: int = 1
    after: str | None = None
    before: str | None = None


FIRST_PAGE = Seek()


@dataclass
class Window:
    """Where a page of a list sits: its number, the keys of its first and last rows, and whether there are
    rows before and after it. A page's links carry these keys, so page 2,000 costs what page 1 costs."""

    page: int
    first: str | None
    last: str | None
    has_previous: bool
    has_more: bool


def _key(values) -> str:
    return "~".join(str(int(v)) if isinstance(v, bool) else str(v) for v in values)


def _strict_int(part: str) -> int:
    """A whole number in a list's key: plain digits that fit the database; ValueError otherwise."""
    number = parse_int(part, lo=0)
    if number is None:
        raise ValueError(part)
    return number


def _parse(key: str, types: tuple) -> tuple:
    parts = key.split("~")
    try:
        if len(parts) != len(types):
            raise ValueError(key)
        return tuple(_strict_int(part) if kind is int else kind(part) for kind, part in zip(types, parts, strict=True))
    except ValueError:
        raise BadRequest(
            f"“{key[:80]}” is not a place in this list; open its first page and follow its links."
        ) from None


def _seek(session: Session, query, keys: tuple, types: tuple, seek: Seek, size: int, descending: bool = False):
    """Rows of `query` (without its sort keys) for one page in the order of `keys`, and the page's Window.
    Reading after or before a key is a seek in an index on `keys`, whatever the page number; one query."""
    query = query.add_columns(*keys)
    row_key = tuple_(*keys)
    order = [key.desc() if descending else key for key in keys]
    backwards = [key if descending else key.desc() for key in keys]
    if seek.after:
        value = tuple_(*_parse(seek.after, types))
        query = query.where(row_key < value if descending else row_key > value).order_by(*order)
    elif seek.before:
        value = tuple_(*_parse(seek.before, types))
        query = query.where(row_key > value if descending else row_key < value).order_by(*backwards)
    else:
        query = query.order_by(*order).offset((seek.page - 1) * size)
    rows = list(session.exec(query.limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    if seek.before:
        rows.reverse()
        window = Window(seek.page, None, None, more and seek.page > 1, True)
    else:
        window = Window(seek.page, None, None, seek.page > 1, more)
    if rows:
        window.first, window.last = _key(rows[0][-len(keys) :]), _key(rows[-1][-len(keys) :])
    return [tuple(row[: -len(keys)]) for row in rows], window


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
    rows, window = _seek(session, query, keys, types, seek, size)
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
