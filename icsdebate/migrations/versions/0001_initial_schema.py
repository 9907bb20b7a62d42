"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "debate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("summary_html", sa.Text(), nullable=False),
        sa.Column("thesis_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debate")),
        sa.UniqueConstraint("slug", name=op.f("uq_debate_slug")),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("date", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.CheckConstraint(
            "kind IN ('think tank', 'parliament', 'campaign', 'comment', 'encyclopedia', 'government', 'news')",
            name=op.f("ck_source_kind_allowed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
    )
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("key", name=op.f("uq_theme_key")),
    )
    op.create_table(
        "voice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("group_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice")),
        sa.UniqueConstraint("key", name=op.f("uq_voice_key")),
    )
    with op.batch_alter_table("voice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_group_name"), ["group_name"], unique=False)

    op.create_table(
        "debatetheme",
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["debate_id"], ["debate.id"], name=op.f("fk_debatetheme_debate_id_debate")),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_debatetheme_theme_id_theme")),
        sa.PrimaryKeyConstraint("debate_id", "theme_id", name=op.f("pk_debatetheme")),
    )
    op.create_table(
        "node",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
        sa.Column("annotation", sa.Text(), nullable=False),
        sa.Column("annotation_html", sa.Text(), nullable=False),
        sa.Column("voice_id", sa.Integer(), nullable=True),
        sa.Column("argued_on", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("happened_on", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('thesis', 'claim', 'evidence', 'question', 'event')", name=op.f("ck_node_kind_allowed")
        ),
        sa.CheckConstraint("status IN ('active', 'archived')", name=op.f("ck_node_status_allowed")),
        sa.ForeignKeyConstraint(["debate_id"], ["debate.id"], name=op.f("fk_node_debate_id_debate")),
        sa.ForeignKeyConstraint(["voice_id"], ["voice.id"], name=op.f("fk_node_voice_id_voice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node")),
        sa.UniqueConstraint("key", name=op.f("uq_node_key")),
    )
    with op.batch_alter_table("node", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_node_debate_id"), ["debate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_node_voice_id"), ["voice_id"], unique=False)

    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("locator", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_citation_node_id_node")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_citation_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citation")),
    )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citation_node_id"), ["node_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citation_source_id"), ["source_id"], unique=False)

    op.create_table(
        "link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("relation", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("relation IN ('supports', 'opposes')", name=op.f("ck_link_relation_allowed")),
        sa.CheckConstraint("child_id <> parent_id", name=op.f("ck_link_not_self")),
        sa.ForeignKeyConstraint(["child_id"], ["node.id"], name=op.f("fk_link_child_id_node")),
        sa.ForeignKeyConstraint(["parent_id"], ["node.id"], name=op.f("fk_link_parent_id_node")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link")),
        sa.UniqueConstraint("child_id", "parent_id", name="uq_link_child_parent"),
    )
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_link_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "nodetheme",
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_nodetheme_node_id_node")),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_nodetheme_theme_id_theme")),
        sa.PrimaryKeyConstraint("node_id", "theme_id", name=op.f("pk_nodetheme")),
    )
    with op.batch_alter_table("nodetheme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nodetheme_theme_id"), ["theme_id"], unique=False)

    # debate.thesis_id -> node.id closes a loop with node.debate_id, so it is added once both tables exist
    with op.batch_alter_table("debate", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_debate_thesis", "node", ["thesis_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("debate", schema=None) as batch_op:
        batch_op.drop_constraint("fk_debate_thesis", type_="foreignkey")
    with op.batch_alter_table("nodetheme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nodetheme_theme_id"))

    op.drop_table("nodetheme")
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_parent_id"))
        batch_op.drop_index(batch_op.f("ix_link_child_id"))

    op.drop_table("link")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citation_source_id"))
        batch_op.drop_index(batch_op.f("ix_citation_node_id"))

    op.drop_table("citation")
    with op.batch_alter_table("node", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_node_voice_id"))
        batch_op.drop_index(batch_op.f("ix_node_debate_id"))

    op.drop_table("node")
    op.drop_table("debatetheme")
    with op.batch_alter_table("voice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_group_name"))

    op.drop_table("voice")
    op.drop_table("theme")
    op.drop_table("source")
    op.drop_table("debate")
