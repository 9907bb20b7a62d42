"""SQLite: the search index keeps prefix indexes, so that a word read as a prefix is one list, not a merge

Revision ID: 0027_search_prefixes
Revises: 0026_source_tally_changes
Create Date: 2026-12-01

A search reads each word as a stem and as a prefix ("integrated" finds "integration"). Without a prefix index FTS5
answers a prefix by reading every indexed term that starts with it and merging all their lists in memory before
the first match comes back, so a search cost more the more points there were: at 171,000 points, 2.5 ms per
query for "integrated care" and 12 ms for a one-letter word, before ranking. With `prefix` FTS5 keeps, for each
length listed, one list per prefix (https://sqlite.org/fts5.html#prefix_indexes): the newest matches are then
read from the top of that list and the reading stops once a page's worth is found (0.35 ms and 0.17 ms). Stems
of up to MAX_PREFIX characters are covered; a longer stem still merges, but few terms share so long a beginning.
The index grows about five times (8 MB to 45 MB of index at 171,000 points). The table holds nothing of its
own: it is made again from node and citation, and the triggers of 0006 and 0009, which name it, go on as they
were. PostgreSQL's tsvector index is unchanged.
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0027_search_prefixes"
down_revision = "0026_source_tally_changes"
branch_labels = None
depends_on = None

MAX_PREFIX = 12
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"


def _rebuild(options: str) -> None:
    quotes = _earlier("0006_search").QUOTES
    op.execute("DROP TABLE node_search")
    op.execute(f"CREATE VIRTUAL TABLE node_search USING fts5(title, annotation, quotes, {options})")
    op.execute(
        "INSERT INTO node_search(rowid, title, annotation, quotes) "
        "SELECT id, title, annotation, " + quotes.format(id="node.id") + " FROM node"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        lengths = " ".join(str(n) for n in range(1, MAX_PREFIX + 1))
        _rebuild(f"{TOKENIZE}, prefix = '{lengths}'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(TOKENIZE)


def _earlier(name: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
