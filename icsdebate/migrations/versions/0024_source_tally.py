"""each source's count of quotes held by active points, kept by triggers

Revision ID: 0024_source_tally
Revises: 0023_quote_tally
Create Date: 2026-12-01

The sources index says how often each source is quoted. Counting that joined every citation to its point on each
request, so the index of a site with 100,000 citing points read 100,000 rows. As in 0011 and 0023, PostgreSQL's
triggers run once a statement and SQLite's once a row; a point archived or restored moves its quotes out of or
back into the count.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_source_tally"
down_revision = "0023_quote_tally"
branch_labels = None
depends_on = None

UPSERT = "ON CONFLICT (source_id) DO UPDATE SET n = sourcetally.n + excluded.n"


def _sqlite_citation(row: str, sign: str) -> str:
    return (
        f"INSERT INTO sourcetally (source_id, n) SELECT {row}.source_id, {sign}1 "
        f"FROM node WHERE id = {row}.node_id AND status = 'active' {UPSERT};"
    )


def _sqlite_node(row: str, sign: str) -> str:
    return (
        f"INSERT INTO sourcetally (source_id, n) SELECT source_id, {sign}count(*) "
        f"FROM citation WHERE node_id = {row}.id GROUP BY source_id {UPSERT};"
    )


SQLITE_TRIGGERS = {
    "source_tally_ai": f"AFTER INSERT ON citation BEGIN {_sqlite_citation('new', '+')} END",
    "source_tally_au": "AFTER UPDATE OF node_id, source_id ON citation "
    f"BEGIN {_sqlite_citation('old', '-')} {_sqlite_citation('new', '+')} END",
    "source_tally_ad": f"AFTER DELETE ON citation BEGIN {_sqlite_citation('old', '-')} END",
    "source_tally_node_au_old": "AFTER UPDATE OF status ON node WHEN old.status = 'active' AND new.status <> 'active' "
    f"BEGIN {_sqlite_node('old', '-')} END",
    "source_tally_node_au_new": "AFTER UPDATE OF status ON node WHEN old.status <> 'active' AND new.status = 'active' "
    f"BEGIN {_sqlite_node('new', '+')} END",
}


def _cited(rows: str, sign: str) -> str:
    """(source, ±1) for citations whose point is active; OFFSET 0 keeps each lookup an index probe (0009)."""
    return (
        f"SELECT r.source_id, {sign}1 AS s FROM {rows} r CROSS JOIN LATERAL "
        f"(SELECT 1 FROM node WHERE id = r.node_id AND status = 'active' OFFSET 0) n"
    )


def _citations_of(rows: str, sign: str) -> str:
    """(source, ±1) for each citation of the active points in `rows`."""
    return (
        f"SELECT c.source_id, {sign}1 AS s FROM {rows} r CROSS JOIN LATERAL "
        f"(SELECT source_id FROM citation WHERE node_id = r.id OFFSET 0) c WHERE r.status = 'active'"
    )


def _apply(delta: str) -> str:
    return (
        f"INSERT INTO sourcetally (source_id, n) SELECT source_id, sum(s) FROM ({delta}) d "
        f"GROUP BY source_id HAVING sum(s) <> 0 {UPSERT};"
    )


def _status_changed(rows: str) -> str:
    """The rows of `rows` (old_rows or new_rows) whose status the statement changed."""
    other = "new_rows" if rows == "old_rows" else "old_rows"
    return f"(SELECT r.* FROM {rows} r JOIN {other} x ON x.id = r.id WHERE r.status <> x.status)"


ARCHIVED, RESTORED = _status_changed("old_rows"), _status_changed("new_rows")  # _citations_of keeps the active

# (table, event, transition tables, the statement that applies the net change)
POSTGRES_TRIGGERS = {
    "source_tally_insert": ("citation", "INSERT", "NEW TABLE AS new_rows", _apply(_cited("new_rows", "+"))),
    "source_tally_update": (
        "citation",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _apply(f"{_cited('old_rows', '-')} UNION ALL {_cited('new_rows', '+')}"),
    ),
    "source_tally_delete": ("citation", "DELETE", "OLD TABLE AS old_rows", _apply(_cited("old_rows", "-"))),
    "source_tally_node_update": (
        "node",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _apply(f"{_citations_of(ARCHIVED, '-')} UNION ALL {_citations_of(RESTORED, '+')}"),
    ),
}

BACKFILL = (
    "INSERT INTO sourcetally (source_id, n) SELECT citation.source_id, count(*) FROM citation "
    "JOIN node ON node.id = citation.node_id WHERE node.status = 'active' GROUP BY citation.source_id"
)


def upgrade() -> None:
    op.create_table(
        "sourcetally",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_sourcetally_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_sourcetally")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for name, (table, event, transition, body) in POSTGRES_TRIGGERS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    op.execute(BACKFILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name, (table, *_) in POSTGRES_TRIGGERS.items():
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("sourcetally")
