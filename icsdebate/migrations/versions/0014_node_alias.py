"""node aliases: a point merged into another keeps its old number and key, which lead to the point it became

Revision ID: 0014_node_alias
Revises: 0013_debate_versions
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014_node_alias"
down_revision = "0013_debate_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nodealias",
        sa.Column("old_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("old_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_nodealias_node_id_node")),
        sa.PrimaryKeyConstraint("old_id", name=op.f("pk_nodealias")),
        sa.UniqueConstraint("old_key", name=op.f("uq_nodealias_old_key")),
    )
    op.create_index(op.f("ix_nodealias_node_id"), "nodealias", ["node_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_nodealias_node_id"), table_name="nodealias")
    op.drop_table("nodealias")
