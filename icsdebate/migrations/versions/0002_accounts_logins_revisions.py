"""accounts, logins and revisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('contributor', 'moderator', 'admin')", name=op.f("ck_user_role_allowed")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("name", name=op.f("uq_user_name")),
    )
    op.create_table(
        "login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_login_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_token_hash")),
    )
    with op.batch_alter_table("login", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_user_id"), ["user_id"], unique=False)

    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_revision_author_id_user")),
        sa.ForeignKeyConstraint(["debate_id"], ["debate.id"], name=op.f("fk_revision_debate_id_debate")),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_revision_node_id_node")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        sa.UniqueConstraint("node_id", "number", name="uq_revision_node_number"),
    )
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revision_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_revision_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_revision_debate_id"), ["debate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_revision_node_id"), ["node_id"], unique=False)

    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_link_created_by_id_user"), "user", ["created_by_id"], ["id"])

    with op.batch_alter_table("node", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_node_created_by_id_user"), "user", ["created_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("node", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_node_created_by_id_user"), type_="foreignkey")
        batch_op.drop_column("created_by_id")

    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_link_created_by_id_user"), type_="foreignkey")
        batch_op.drop_column("created_by_id")

    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revision_node_id"))
        batch_op.drop_index(batch_op.f("ix_revision_debate_id"))
        batch_op.drop_index(batch_op.f("ix_revision_created_at"))
        batch_op.drop_index(batch_op.f("ix_revision_author_id"))

    op.drop_table("revision")
    with op.batch_alter_table("login", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_user_id"))

    op.drop_table("login")
    op.drop_table("user")
