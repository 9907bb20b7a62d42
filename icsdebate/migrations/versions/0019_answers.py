"""links may also be 'answers': a position answering a question, neither for nor against it

Revision ID: 0019_answers
Revises: 0018_node_sides_by_debate
Create Date: 2026-11-30

Kialo's multi-thesis discussions and IBIS-style issue maps have a question at the top with several positions
beneath; a position answers the question without supporting or opposing it. Only the CHECK constraint on
link.relation changes. SQLite rebuilds the table to change a constraint, which drops the triggers on it
(0007, 0009, 0011): they are read from sqlite_master first and created again after.
"""

import warnings

from alembic import op
from sqlalchemy import text
from sqlalchemy.exc import SAWarning

revision = "0019_answers"
down_revision = "0018_node_sides_by_debate"
branch_labels = None
depends_on = None

NAME = "ck_link_relation_allowed"


def _check(relations: tuple[str, ...]) -> str:
    return "relation IN (" + ", ".join(f"'{r}'" for r in relations) + ")"


def _switch(relations: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(NAME), "link", type_="check")
        op.create_check_constraint("relation_allowed", "link", _check(relations))
        return
    triggers = (
        bind.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'link'")).scalars().all()
    )
    op.execute("PRAGMA legacy_alter_table = ON")  # the rename at the end must not re-check other tables' triggers
    with warnings.catch_warnings():  # reflecting link reaches node, whose timeline index is an expression
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
        with op.batch_alter_table("link", recreate="always") as batch:
            batch.drop_constraint(op.f(NAME), type_="check")
            batch.create_check_constraint("relation_allowed", _check(relations))
    op.execute("PRAGMA legacy_alter_table = OFF")
    for sql in triggers:
        op.execute(sql)


def upgrade() -> None:
    _switch(("supports", "opposes", "answers"))


def downgrade() -> None:
    op.execute("DELETE FROM link WHERE relation = 'answers'")
    _switch(("supports", "opposes"))
