"""an index that reads a voice's points in page order, so a page of them costs the same however many there are

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_node_voice_debate", "node", ["voice_id", "debate_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_node_voice_debate", table_name="node")
