"""glossary

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "glossaryterm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("expansion", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("locator", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_glossaryterm_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossaryterm")),
        sa.UniqueConstraint("key", name=op.f("uq_glossaryterm_key")),
        sa.UniqueConstraint("term", name=op.f("uq_glossaryterm_term")),
    )


def downgrade() -> None:
    op.drop_table("glossaryterm")
