"""content version: a number that every write raises, for the page cache

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import time

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contentversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contentversion")),
    )
    # start from the clock, so that a database made again never reuses the numbers of an earlier one
    op.execute(f"INSERT INTO contentversion (id, n) VALUES (1, {int(time.time())})")


def downgrade() -> None:
    op.drop_table("contentversion")
