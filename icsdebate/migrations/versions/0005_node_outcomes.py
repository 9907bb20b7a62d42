"""node outcomes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("node", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column("outcome_on", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column("outcome_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("outcome_source_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("outcome_quote", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column(
                "outcome_locator", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=""
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_node_outcome_source_id_source"), "source", ["outcome_source_id"], ["id"]
        )
        batch_op.create_check_constraint("outcome_allowed", "outcome IN ('open', 'answered', 'confirmed', 'contested')")


def downgrade() -> None:
    with op.batch_alter_table("node", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_node_outcome_allowed"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_node_outcome_source_id_source"), type_="foreignkey")
        batch_op.drop_column("outcome_locator")
        batch_op.drop_column("outcome_quote")
        batch_op.drop_column("outcome_source_id")
        batch_op.drop_column("outcome_reason")
        batch_op.drop_column("outcome_on")
        batch_op.drop_column("outcome")
