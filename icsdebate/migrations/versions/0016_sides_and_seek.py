"""each point's side of its thesis, stored; who-argued-what counted by triggers; indexes that read every list
from where the last page ended

Revision ID: 0016_sides_and_seek
Revises: 0015_node_support
Create Date: 2026-11-30

`node.side` holds which side of its debate's thesis a point argues, over every path up to it (1 for, 2 against,
3 both; 0 while no path reaches the thesis), kept by the write path (graph.py). `sidetally` counts a debate's
active points (not the thesis) by voice and side, kept by triggers as in 0007/0009/0011: once a row on SQLite,
once a statement on PostgreSQL. The indexes serve keyset pages: a source's and a theme's points by number, the
timeline by date, and recent changes newest first, overall and per debate.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision = "0016_sides_and_seek"
down_revision = "0015_node_support"
branch_labels = None
depends_on = None

UPSERT = "ON CONFLICT (debate_id, voice_id, side) DO UPDATE SET n = sidetally.n + excluded.n"
COUNTED = "{row}.status = 'active' AND {row}.kind <> 'thesis' AND {row}.voice_id IS NOT NULL"


def _sqlite_row(row: str, sign: str) -> str:
    return (
        f"INSERT INTO sidetally (debate_id, voice_id, side, n) "
        f"SELECT {row}.debate_id, {row}.voice_id, {row}.side, {sign}1 WHERE {COUNTED.format(row=row)} {UPSERT};"
    )


SQLITE_TRIGGERS = {
    "side_tally_ai": f"AFTER INSERT ON node BEGIN {_sqlite_row('new', '+')} END",
    "side_tally_au": "AFTER UPDATE OF status, kind, debate_id, voice_id, side ON node "
    f"BEGIN {_sqlite_row('old', '-')} {_sqlite_row('new', '+')} END",
    "side_tally_ad": f"AFTER DELETE ON node BEGIN {_sqlite_row('old', '-')} END",
}


def _rows(rows: str, sign: str) -> str:
    return f"SELECT debate_id, voice_id, side, {sign}1 AS s FROM {rows} r WHERE {COUNTED.format(row='r')}"


def _apply(delta: str) -> str:
    return (
        f"INSERT INTO sidetally (debate_id, voice_id, side, n) SELECT debate_id, voice_id, side, sum(s) "
        f"FROM ({delta}) d GROUP BY debate_id, voice_id, side HAVING sum(s) <> 0 {UPSERT};"
    )


POSTGRES_TRIGGERS = {
    "side_tally_insert": ("INSERT", "NEW TABLE AS new_rows", _apply(_rows("new_rows", "+"))),
    "side_tally_update": (
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _apply(f"{_rows('old_rows', '-')} UNION ALL {_rows('new_rows', '+')}"),
    ),
    "side_tally_delete": ("DELETE", "OLD TABLE AS old_rows", _apply(_rows("old_rows", "-"))),
}

BACKFILL = (
    f"INSERT INTO sidetally (debate_id, voice_id, side, n) SELECT debate_id, voice_id, side, count(*) "
    f"FROM node WHERE {COUNTED.format(row='node')} GROUP BY debate_id, voice_id, side"
)

WHEN = "coalesce(happened_on, argued_on)"
TIMELINE = f"({WHEN}), (kind <> 'event'), id"
EXPRESSION_INDEXES = {
    "ix_node_timeline": f"ON node ({TIMELINE}) WHERE status = 'active' AND kind <> 'thesis'",
    "ix_node_debate_timeline": f"ON node (debate_id, {TIMELINE}) WHERE status = 'active' AND kind <> 'thesis'",
}
INDEXES = {
    "ix_citation_source_node": ("citation", ["source_id", "node_id"]),
    "ix_nodetheme_theme_node": ("nodetheme", ["theme_id", "node_id"]),
    "ix_revision_created_id": ("revision", ["created_at", "id"]),
    "ix_revision_debate_created_id": ("revision", ["debate_id", "created_at", "id"]),
}


def upgrade() -> None:
    op.add_column("node", sa.Column("side", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "sidetally",
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("voice_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["debate_id"], ["debate.id"], name=op.f("fk_sidetally_debate_id_debate"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["voice_id"], ["voice.id"], name=op.f("fk_sidetally_voice_id_voice"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("debate_id", "voice_id", "side", name=op.f("pk_sidetally")),
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
                f"CREATE TRIGGER {name} AFTER {event} ON node REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    op.execute(BACKFILL)
    from icsdebate import graph

    graph.refresh_sides(Session(bind=op.get_bind()))  # the triggers move each point to its side
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    for name, body in EXPRESSION_INDEXES.items():
        op.execute(f"CREATE INDEX {name} {body}")


def downgrade() -> None:
    for name in EXPRESSION_INDEXES:
        op.execute(f"DROP INDEX {name}")
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON node")
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("sidetally")
    op.drop_column("node", "side")  # in place on SQLite too, which keeps the node table's triggers
