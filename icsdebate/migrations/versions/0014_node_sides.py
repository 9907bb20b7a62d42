"""which side of each debate's thesis every point argues, stored, and tallies of points and voices by side

Revision ID: 0014_h14a
Revises: 0013_h14a
Create Date: 2026-11-30

The home and debate pages count distinct points by the side of the thesis they argue (a point under two parents
counts once), and the distinct voices on each side; see sides.py.
"""
from alembic import op
import sqlalchemy as sa
from sqlmodel import Session

from icsdebate import sides

revision = '0014_h14a'
down_revision = '0013_h14a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'nodeside',
        sa.Column('node_id', sa.Integer(), nullable=False),
        sa.Column('debate_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('voice_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['node_id'], ['node.id'], name=op.f('fk_nodeside_node_id_node'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['debate_id'], ['debate.id'], name=op.f('fk_nodeside_debate_id_debate'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['voice_id'], ['voice.id'], name=op.f('fk_nodeside_voice_id_voice')),
        sa.PrimaryKeyConstraint('node_id', 'debate_id', name=op.f('pk_nodeside')),
    )
    op.create_index(op.f('ix_nodeside_debate_id'), 'nodeside', ['debate_id'])
    op.create_table(
        'sidetally',
        sa.Column('debate_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['debate_id'], ['debate.id'], name=op.f('fk_sidetally_debate_id_debate'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('debate_id', 'side', 'kind', name=op.f('pk_sidetally')),
    )
    op.create_table(
        'sidevoicetally',
        sa.Column('debate_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=10), nullable=False),
        sa.Column('voice_id', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['debate_id'], ['debate.id'], name=op.f('fk_sidevoicetally_debate_id_debate'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['voice_id'], ['voice.id'], name=op.f('fk_sidevoicetally_voice_id_voice'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('debate_id', 'side', 'voice_id', name=op.f('pk_sidevoicetally')),
    )
    sides.refresh_all(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_table('sidevoicetally')
    op.drop_table('sidetally')
    op.drop_index(op.f('ix_nodeside_debate_id'), table_name='nodeside')
    op.drop_table('nodeside')
