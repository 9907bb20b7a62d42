"""a theme's and a glossary term's key take 80 characters, like every other key (icsdebate/fields.py)

Revision ID: 0020_key_lengths
Revises: 0019_answers
Create Date: 2026-11-30

The seed files, imports and forms allowed keys of 80 characters everywhere, while `theme.key` held 60 and
`glossaryterm.key` 40: PostgreSQL refused a longer key with a database error instead of the loader refusing it
with a message. Widening a varchar is a catalogue change on PostgreSQL (no rewrite). SQLite does not enforce
varchar lengths, so nothing changes there, and its tables (with their triggers) are left as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_key_lengths"
down_revision = "0019_answers"
branch_labels = None
depends_on = None

WIDENED = (("theme", 60), ("glossaryterm", 40))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, before in WIDENED:
        op.alter_column(table, "key", type_=sa.String(80), existing_type=sa.String(before), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, before in WIDENED:
        op.alter_column(table, "key", type_=sa.String(before), existing_type=sa.String(80), existing_nullable=False)
