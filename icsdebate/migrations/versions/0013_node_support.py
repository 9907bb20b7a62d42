"""each node's support beneath it, stored: how cards are ordered strongest first (see strength.py)

Revision ID: 0013_h14a
Revises: 0012
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
from sqlmodel import Session

from icsdebate import strength

revision = '0013_h14a'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('node', sa.Column('support', sa.Integer(), nullable=False, server_default='0'))
    strength.refresh_all(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_column('node', 'support')
