"""which side of each debate's thesis every point argues, stored, and tallies of points and voices by side

Revision ID: 0018_node_sides_by_debate
Revises: 0017_source_texts
Create Date: 2026-11-30

The home and debate pages count distinct points by the side of the thesis they argue (a point under two parents
counts once), and the distinct voices on each side; see sides.py, which writes NodeSide. Triggers keep the two
tallies from NodeSide's rows: once a row on SQLite, once a statement on PostgreSQL (as in 0009).
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

from icsdebate import sides

revision = "0018_node_sides_by_debate"
down_revision = "0017_source_texts"
branch_labels = None
depends_on = None


SIDE_UPSERT = "ON CONFLICT (debate_id, side, kind) DO UPDATE SET n = sidekindtally.n + excluded.n"
VOICE_UPSERT = "ON CONFLICT (debate_id, side, voice_id) DO UPDATE SET n = sidevoicetally.n + excluded.n"


def _sqlite(row: str, sign: str) -> str:
    return (
        f"INSERT INTO sidekindtally (debate_id, side, kind, n) VALUES ({row}.debate_id, {row}.side, {row}.kind, "
        f"{sign}1) {SIDE_UPSERT}; INSERT INTO sidevoicetally (debate_id, side, voice_id, n) SELECT "
        f"{row}.debate_id, {row}.side, {row}.voice_id, {sign}1 WHERE {row}.voice_id IS NOT NULL {VOICE_UPSERT};"
    )


SQLITE_TRIGGERS = {
    "side_kind_tally_ai": f"AFTER INSERT ON nodeside BEGIN {_sqlite('new', '+')} END",
    "side_kind_tally_ad": f"AFTER DELETE ON nodeside BEGIN {_sqlite('old', '-')} END",
    "side_kind_tally_au": f"AFTER UPDATE ON nodeside BEGIN {_sqlite('old', '-')} {_sqlite('new', '+')} END",
}


def _postgres(rows: str, sign: str) -> str:
    return (
        f"INSERT INTO sidekindtally (debate_id, side, kind, n) SELECT debate_id, side, kind, {sign}count(*) "
        f"FROM {rows} GROUP BY debate_id, side, kind {SIDE_UPSERT}; "
        f"INSERT INTO sidevoicetally (debate_id, side, voice_id, n) SELECT debate_id, side, voice_id, "
        f"{sign}count(*) FROM {rows} WHERE voice_id IS NOT NULL GROUP BY debate_id, side, voice_id {VOICE_UPSERT};"
    )


POSTGRES_TRIGGERS = {
    "side_kind_tally_insert": ("INSERT", "NEW TABLE AS new_rows", _postgres("new_rows", "+")),
    "side_kind_tally_delete": ("DELETE", "OLD TABLE AS old_rows", _postgres("old_rows", "-")),
    "side_kind_tally_update": (
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _postgres("old_rows", "-") + " " + _postgres("new_rows", "+"),
    ),
}


def upgrade() -> None:
    op.create_table(
        "nodeside",
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("voice_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_nodeside_node_id_node"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["debate_id"], ["debate.id"], name=op.f("fk_nodeside_debate_id_debate"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["voice_id"], ["voice.id"], name=op.f("fk_nodeside_voice_id_voice")),
        sa.PrimaryKeyConstraint("node_id", "debate_id", name=op.f("pk_nodeside")),
    )
    op.create_index(op.f("ix_nodeside_debate_id"), "nodeside", ["debate_id"])
    op.create_table(
        "sidekindtally",
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["debate_id"], ["debate.id"], name=op.f("fk_sidekindtally_debate_id_debate"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("debate_id", "side", "kind", name=op.f("pk_sidekindtally")),
    )
    op.create_table(
        "sidevoicetally",
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("voice_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["debate_id"], ["debate.id"], name=op.f("fk_sidevoicetally_debate_id_debate"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["voice_id"], ["voice.id"], name=op.f("fk_sidevoicetally_voice_id_voice"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("debate_id", "side", "voice_id", name=op.f("pk_sidevoicetally")),
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
                f"CREATE TRIGGER {name} AFTER {event} ON nodeside REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    sides.refresh_all(Session(bind=op.get_bind()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON nodeside")
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("sidevoicetally")
    op.drop_table("sidekindtally")
    op.drop_index(op.f("ix_nodeside_debate_id"), table_name="nodeside")
    op.drop_table("nodeside")
