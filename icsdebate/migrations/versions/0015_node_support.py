"""each node's support beneath it, stored: how cards are ordered strongest first (see strength.py)

Revision ID: 0015_node_support
Revises: 0014_node_alias
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

from icsdebate import strength

revision = "0015_node_support"
down_revision = "0014_node_alias"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("node", sa.Column("support", sa.Integer(), nullable=False, server_default="0"))
    strength.refresh_all(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_column("node", "support")
