"""attached copies of sources' texts, and whether each quote is found in its source's copy

Revision ID: 0017_source_texts
Revises: 0016_sides_and_seek
Create Date: 2026-11-30

A source's copy is kept as given and normalised for matching (see icsdebate/quotecheck.py). Each citation
stores whether its quote was found in the copy (NULL while the source has none); a partial index finds the
citations not yet checked, so that checking after each write reads only those. A source's page shows its
quotes in their sentences from the copy: attaching, replacing or removing a copy makes every kept page stale,
as a change to a source does (0013).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_source_texts"
down_revision = "0016_sides_and_seek"
branch_labels = None
depends_on = None


EVENTS = ("INSERT", "UPDATE", "DELETE")
RAISE_ALL = "UPDATE debateversion SET n = n + 1, changed_at = {now};"


def _triggers(sqlite: bool) -> list[str]:
    statements = []
    for event in EVENTS:
        name = f"version_sourcetext_{event.lower()}"
        if sqlite:
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON sourcetext "
                f"BEGIN {RAISE_ALL.format(now='CURRENT_TIMESTAMP')} END"
            )
        else:
            statements += [
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {RAISE_ALL.format(now='now()')} "
                "RETURN NULL; END $$ LANGUAGE plpgsql",
                f"CREATE TRIGGER {name} AFTER {event} ON sourcetext FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            ]
    return statements


def upgrade() -> None:
    op.create_table(
        "sourcetext",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("attached_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name="fk_sourcetext_source_id_source", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source_id", name="pk_sourcetext"),
    )
    for statement in _triggers(op.get_bind().dialect.name == "sqlite"):
        op.execute(statement)
    op.add_column("citation", sa.Column("found_in_copy", sa.Boolean(), nullable=True))
    op.create_index(
        "ix_citation_unchecked",
        "citation",
        ["source_id"],
        sqlite_where=sa.text("found_in_copy IS NULL"),
        postgresql_where=sa.text("found_in_copy IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_citation_unchecked", table_name="citation")
    op.execute("ALTER TABLE citation DROP COLUMN found_in_copy")  # SQLite 3.35+ too; not a rebuild, so triggers stay
    sqlite = op.get_bind().dialect.name == "sqlite"
    for event in EVENTS:
        name = f"version_sourcetext_{event.lower()}"
        op.execute(f"DROP TRIGGER {name}" if sqlite else f"DROP TRIGGER {name} ON sourcetext")
        if not sqlite:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("sourcetext")
