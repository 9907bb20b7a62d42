"""each source's count of quotes found and not found in its attached copy, kept by triggers

Revision ID: 0023_quote_tally
Revises: 0022_outcome_action
Create Date: 2026-11-30

A source's page says how many of the quotes citing it its attached copy holds. Counting them read every citation
of the source on each request, so a source cited by 50,000 points cost 50,000 rows a page. As in 0009 and 0011,
PostgreSQL's triggers run once a statement and SQLite's once a row. The column is found_in_copy, as in citation:
"found" is a variable of PL/pgSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_quote_tally"
down_revision = "0022_outcome_action"
branch_labels = None
depends_on = None

UPSERT = "ON CONFLICT (source_id, found_in_copy) DO UPDATE SET n = quotetally.n + excluded.n"


def _sqlite_row(row: str, sign: str) -> str:
    return (
        f"INSERT INTO quotetally (source_id, found_in_copy, n) SELECT {row}.source_id, {row}.found_in_copy, {sign}1 "
        f"WHERE {row}.found_in_copy IS NOT NULL {UPSERT};"
    )


SQLITE_TRIGGERS = {
    "quote_tally_ai": f"AFTER INSERT ON citation BEGIN {_sqlite_row('new', '+')} END",
    "quote_tally_au": "AFTER UPDATE OF found_in_copy, source_id ON citation "
    f"BEGIN {_sqlite_row('old', '-')} {_sqlite_row('new', '+')} END",
    "quote_tally_ad": f"AFTER DELETE ON citation BEGIN {_sqlite_row('old', '-')} END",
}


def _rows(rows: str, sign: str) -> str:
    return f"SELECT source_id, found_in_copy, {sign}1 AS s FROM {rows} WHERE found_in_copy IS NOT NULL"


def _apply(delta: str) -> str:
    return (
        "INSERT INTO quotetally (source_id, found_in_copy, n) "
        f"SELECT source_id, found_in_copy, sum(s) FROM ({delta}) d "
        f"GROUP BY source_id, found_in_copy HAVING sum(s) <> 0 {UPSERT};"
    )


POSTGRES_TRIGGERS = {
    "quote_tally_insert": ("INSERT", "NEW TABLE AS new_rows", _apply(_rows("new_rows", "+"))),
    "quote_tally_update": (
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _apply(f"{_rows('old_rows', '-')} UNION ALL {_rows('new_rows', '+')}"),
    ),
    "quote_tally_delete": ("DELETE", "OLD TABLE AS old_rows", _apply(_rows("old_rows", "-"))),
}

BACKFILL = (
    "INSERT INTO quotetally (source_id, found_in_copy, n) SELECT source_id, found_in_copy, count(*) FROM citation "
    "WHERE found_in_copy IS NOT NULL GROUP BY source_id, found_in_copy"
)


def upgrade() -> None:
    op.create_table(
        "quotetally",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("found_in_copy", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_quotetally_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source_id", "found_in_copy", name=op.f("pk_quotetally")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for name, (event, transition, body) in POSTGRES_TRIGGERS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON citation REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    op.execute(BACKFILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON citation")
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("quotetally")
