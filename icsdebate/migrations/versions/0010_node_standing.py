"""each node's standing, stored: stands or answered (see standing.py)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

from icsdebate import standing

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("node", sa.Column("standing", sa.String(length=10), nullable=False, server_default="stands"))
    standing.refresh_all(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_column("node", "standing")  # in place on SQLite too, which keeps the node table's triggers
