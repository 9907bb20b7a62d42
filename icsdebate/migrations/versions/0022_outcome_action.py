"""a version that set a point's outcome is recorded as 'outcome', not 'status'

Revision ID: 0022_outcome_action
Revises: 0020_key_lengths
Create Date: 2026-11-30

"Status" is a point's archive state (active or archived) and nothing else; what later events made of a point is
its outcome, in the form, the route (/nodes/<id>/outcome) and the history alike. Versions already kept under
the action 'status' are renamed so that a point's history reads the same before and after.
"""

from alembic import op

revision = "0022_outcome_action"
down_revision = "0020_key_lengths"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE revision SET action = 'outcome' WHERE action = 'status'")


def downgrade() -> None:
    op.execute("UPDATE revision SET action = 'status' WHERE action = 'outcome'")
