"""sources may be argument maps (imported files)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD = "'think tank', 'parliament', 'campaign', 'comment', 'encyclopedia', 'government', 'news'"
NEW = OLD + ", 'argument map'"


def _kinds(allowed: str) -> None:
    with op.batch_alter_table("source") as batch_op:
        batch_op.drop_constraint(op.f("ck_source_kind_allowed"), type_="check")
        batch_op.create_check_constraint("kind_allowed", f"kind IN ({allowed})")


def upgrade() -> None:
    _kinds(NEW)


def downgrade() -> None:
    _kinds(OLD)
