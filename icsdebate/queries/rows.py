"""Rows read without the ORM, for the statements a page runs most: a statement selects the columns the page
shows and runs on the session's connection, and each row is split into named parts (a point, its voice, ...):
named tuples with the models' column names, so that a template reads `card.node.title` as from a model.

Reading so skips the ORM's work on each statement and row (its compile state, identity map and objects): a point's
detail statement took 121 µs through the session and 38 µs so, a page of ten cards 138 and 68 µs (in a warm loop
on a 10,000-point SQLite debate)."""

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, inspect, select
from sqlmodel import Session


class Part:
    """Columns of one table, read as a named tuple of their names (`columns`: SQLAlchemy columns, of a model or
    of an alias of one). `outer`: the table is outer-joined, and a row where it found nothing (its first column,
    the id, is None) reads as None."""

    def __init__(self, name: str, columns: Sequence, *, outer: bool = False):
        self.columns = tuple(columns)
        self.outer = outer
        shape: Any = namedtuple(name, [column.key for column in self.columns])  # type: ignore[misc]
        self._make = shape._make

    @classmethod
    def of(cls, model: Any, *, outer: bool = False) -> "Part":
        """Every column of `model` (a table's model class), named after it."""
        return cls(model.__name__, tuple(inspect(model).columns), outer=outer)

    def __len__(self) -> int:
        return len(self.columns)

    def read(self, values: Sequence) -> Any:
        """The part from its columns' `values` (in the order of `columns`): a named tuple, or None (see `outer`)."""
        return None if self.outer and values[0] is None else self._make(values)


def select_of(*items: Any) -> Select:
    """A select of each Part's columns and of each other column given, in turn: the order `split` reads."""
    return select(*(column for item in items for column in (item.columns if isinstance(item, Part) else (item,))))


def split(row: Sequence, *parts: Part | int) -> tuple:
    """The values of `row` taken in turn: a Part's columns as the part (Part.read), an int n as n plain values.
    Columns left over at the end (sort keys, say) are dropped."""
    values: list = []
    at = 0
    for part in parts:
        if isinstance(part, Part):
            values.append(part.read(row[at : at + len(part)]))
            at += len(part)
        else:
            values.extend(row[at : at + part])
            at += part
    return tuple(values)


def run(session: Session, statement, params: dict | None = None):
    """`statement` run on `session`'s connection (its transaction), without the ORM: a Result of plain rows."""
    return session.connection().execute(statement, params or {})
