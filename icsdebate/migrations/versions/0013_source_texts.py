"""attached copies of sources' texts, and whether each quote is found in its source's copy

Revision ID: 0013_h13b
Revises: 0012
Create Date: 2026-11-30

A source's copy is kept as given and normalised for matching (see icsdebate/quotecheck.py). Each citation
stores whether its quote was found in the copy (NULL while the source has none); a partial index finds the
citations not yet checked, so that checking after each write reads only those.
"""
from alembic import op
import sqlalchemy as sa

revision = '0013_h13b'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sourcetext',
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('original', sa.Text(), nullable=False),
        sa.Column('normalised', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=300), nullable=False),
        sa.Column('attached_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['source_id'], ['source.id'], name='fk_sourcetext_source_id_source',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('source_id', name='pk_sourcetext'),
    )
    op.add_column('citation', sa.Column('found_in_copy', sa.Boolean(), nullable=True))
    op.create_index('ix_citation_unchecked', 'citation', ['source_id'],
                    sqlite_where=sa.text('found_in_copy IS NULL'), postgresql_where=sa.text('found_in_copy IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_citation_unchecked', table_name='citation')
    op.execute("ALTER TABLE citation DROP COLUMN found_in_copy")  # SQLite 3.35+ too; not a rebuild, so triggers stay
    op.drop_table('sourcetext')
