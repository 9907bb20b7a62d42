"""Long lists read a page at a time by key: a page's links carry the sort values of its first and last rows, and
the next page is a seek in an index from there, so that page 2,000 costs what page 1 costs."""

import functools
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, tuple_
from sqlmodel import Session
from werkzeug.exceptions import BadRequest

from ..params import parse_int
from .rows import run


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


def key_of(values) -> str:
    """The key of a row from its sort values: the values joined with '~' (booleans as 0 and 1)."""
    return "~".join(str(int(v)) if isinstance(v, bool) else str(v) for v in values)


def _strict_int(part: str) -> int:
    """A whole number in a list's key: plain digits that fit the database; ValueError otherwise."""
    number = parse_int(part, lo=0)
    if number is None:
        raise ValueError(part)
    return number


def signed(part: str) -> int:
    """A whole number in a list's key that may be negative (a sort value negated to run the other way)."""
    return -_strict_int(part[1:]) if part.startswith("-") else _strict_int(part)


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


def _runs(keys: tuple, values: tuple, upward: bool) -> list[tuple]:
    """The rows past `values` in the order of `keys` (upward: greater values), as runs read one after another:
    first the rows sharing every key but the last, then those sharing one key fewer, ..., then those past the
    first key. Each run is a plain index seek (equalities, then one range), which SQLite makes of a row
    comparison only on the first key: `(debate_id, id) > (8, 161126)` read every point of debate 8 up to there."""
    runs = []
    for index in range(len(keys) - 1, -1, -1):
        past = keys[index] > values[index] if upward else keys[index] < values[index]
        runs.append((*(keys[j] == values[j] for j in range(index)), past))
    return runs


@functools.lru_cache(maxsize=256)
def _first_pages(query, keys: tuple, descending: bool):
    """`query` with its sort keys as columns, in their order, from row :seek_offset, :seek_limit rows; kept for a
    query built once (seek_page's `built_once`)."""
    order = [key.desc() if descending else key for key in keys]
    query = query.add_columns(*keys).order_by(*order)
    return query.offset(bindparam("seek_offset", type_=Integer)).limit(bindparam("seek_limit", type_=Integer))


def seek_page(
    session: Session,
    query,
    keys: tuple,
    types: tuple,
    seek: Seek,
    size: int,
    descending: bool = False,
    params: dict | None = None,
    built_once: bool = False,
    plain: bool = False,
):
    """Rows of `query` (without its sort keys) for one page in the order of `keys`, and the page's Window.
    Reading after or before a key is a seek in an index on `keys`, whatever the page number: one query on
    PostgreSQL (a row comparison); on SQLite one query a run of _runs until the page is full, at most len(keys).
    `params` are the values of the query's bound parameters; a query `built_once` (kept for the life of the
    process) has its first pages' statement kept too. A `plain` query selects columns, no models: it runs without
    the ORM (rows.run), and its rows are plain.
    BadRequest (400) for a key that is not one of this list's."""

    def execute(statement, values: dict) -> list:
        return list(run(session, statement, values) if plain else session.exec(statement, params=values))

    if not (seek.after or seek.before):
        statement = (_first_pages if built_once else _first_pages.__wrapped__)(query, keys, descending)
        offset = {"seek_offset": (seek.page - 1) * size, "seek_limit": size + 1}
        rows = execute(statement, {**(params or {}), **offset})
    else:
        query = query.add_columns(*keys)
        order = [key.desc() if descending else key for key in keys]
        backwards = [key if descending else key.desc() for key in keys]
        parsed = _parse(seek.after or seek.before, types)  # type: ignore[arg-type]
        upward = bool(seek.after) != descending
        ordering = order if seek.after else backwards
        if session.get_bind().dialect.name == "sqlite":
            rows = []
            numbers = tuple(int(value) if isinstance(value, bool) else value for value in parsed)  # SQLite: 0, 1
            for terms in _runs(keys, numbers, upward):
                # ordered by the keys the run does not hold equal only: SQLite sorted the run otherwise
                fixed = len(terms) - 1
                page = query.where(*terms).order_by(*ordering[fixed:]).limit(size + 1 - len(rows))
                rows += execute(page, params or {})
                if len(rows) > size:
                    break
        else:
            # the first key bounded on its own too, so an expression index (the timeline's) is sought by it
            row_key, value, lead = tuple_(*keys), tuple_(*parsed), keys[0]
            where = (lead >= parsed[0], row_key > value) if upward else (lead <= parsed[0], row_key < value)
            rows = execute(query.where(*where).order_by(*ordering).limit(size + 1), params or {})
    more = len(rows) > size
    rows = rows[:size]
    if seek.before:
        rows.reverse()
        window = Window(seek.page, None, None, more and seek.page > 1, True)
    else:
        window = Window(seek.page, None, None, seek.page > 1, more)
    if rows:
        window.first, window.last = key_of(rows[0][-len(keys) :]), key_of(rows[-1][-len(keys) :])
    return [tuple(row[: -len(keys)]) for row in rows], window
