"""one count of who argued what on each side: the voice matrix reads sidevoicetally (0018), and sidetally goes

Revision ID: 0021_one_side_tally
Revises: 0020_key_lengths
Create Date: 2026-11-30

Two tallies counted a voice's points by side: `sidetally` (0016) counted each point once, in its own debate, by
the side stored on the node; `sidevoicetally` (0018) counts it in every debate it reaches, as the debate pages
do. The voice matrix read the first and the debate pages the second, so a point linked into another debate
counted in one and not the other. The matrix now reads `sidevoicetally`; `sidetally` and its triggers are dropped.
Going down builds them again with 0016's own statements, and counts them again from the nodes.
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0021_one_side_tally"
down_revision = "0020_key_lengths"
branch_labels = None
depends_on = None


def _0016():
    """Migration 0016, whose statements made the table and its triggers."""
    path = Path(__file__).with_name("0016_sides_and_seek.py")
    spec = importlib.util.spec_from_file_location("sides_and_seek_0016", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    made = _0016()
    if op.get_bind().dialect.name == "sqlite":
        for name in made.SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name in made.POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON node")
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("sidetally")


def downgrade() -> None:
    import sqlalchemy as sa

    made = _0016()
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
        for name, body in made.SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for name, (event, transition, body) in made.POSTGRES_TRIGGERS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON node REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    op.execute(made.BACKFILL)
