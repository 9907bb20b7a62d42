"""each node's count of active supporting and opposing points, kept by triggers

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23

A card shows how many points support and oppose its point; counting them read every child of a point that
many answer. As in 0009, PostgreSQL's triggers run once a statement and SQLite's once a row.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UPSERT = "ON CONFLICT (node_id, relation) DO UPDATE SET n = childtally.n + excluded.n"


def _sqlite_link(row: str, sign: str) -> str:
    return (
        f"INSERT INTO childtally (node_id, relation, n) SELECT {row}.parent_id, {row}.relation, {sign}1 "
        f"FROM node WHERE id = {row}.child_id AND status = 'active' {UPSERT};"
    )


def _sqlite_node(row: str, sign: str) -> str:
    return (
        f"INSERT INTO childtally (node_id, relation, n) SELECT parent_id, relation, {sign}count(*) "
        f"FROM link WHERE child_id = {row}.id GROUP BY parent_id, relation {UPSERT};"
    )


SQLITE_TRIGGERS = {
    "child_tally_link_ai": f"AFTER INSERT ON link BEGIN {_sqlite_link('new', '+')} END",
    "child_tally_link_au": "AFTER UPDATE OF relation, child_id, parent_id ON link "
    f"BEGIN {_sqlite_link('old', '-')} {_sqlite_link('new', '+')} END",
    "child_tally_link_ad": f"AFTER DELETE ON link BEGIN {_sqlite_link('old', '-')} END",
    "child_tally_node_au_old": "AFTER UPDATE OF status ON node WHEN old.status = 'active' AND new.status <> 'active' "
    f"BEGIN {_sqlite_node('old', '-')} END",
    "child_tally_node_au_new": "AFTER UPDATE OF status ON node WHEN old.status <> 'active' AND new.status = 'active' "
    f"BEGIN {_sqlite_node('new', '+')} END",
}


def _linked(rows: str, sign: str) -> str:
    """(parent, relation, ±1) for links whose child is active; OFFSET 0 keeps each lookup an index probe (0009)."""
    return (
        f"SELECT r.parent_id, r.relation, {sign}1 AS s FROM {rows} r CROSS JOIN LATERAL "
        f"(SELECT 1 FROM node WHERE id = r.child_id AND status = 'active' OFFSET 0) n"
    )


def _links_of(rows: str, sign: str) -> str:
    """(parent, relation, ±1) for each link of the active nodes in `rows`."""
    return (
        f"SELECT l.parent_id, l.relation, {sign}1 AS s FROM {rows} r CROSS JOIN LATERAL "
        f"(SELECT parent_id, relation FROM link WHERE child_id = r.id OFFSET 0) l WHERE r.status = 'active'"
    )


def _apply(delta: str) -> str:
    return (
        f"INSERT INTO childtally (node_id, relation, n) SELECT parent_id, relation, sum(s) FROM ({delta}) d "
        f"GROUP BY parent_id, relation HAVING sum(s) <> 0 {UPSERT};"
    )


POSTGRES_TRIGGERS = {
    "child_tally_link_insert": ("link", "INSERT", "NEW TABLE AS new_rows", _apply(_linked("new_rows", "+"))),
    "child_tally_link_update": (
        "link",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _apply(f"{_linked('old_rows', '-')} UNION ALL {_linked('new_rows', '+')}"),
    ),
    "child_tally_link_delete": ("link", "DELETE", "OLD TABLE AS old_rows", _apply(_linked("old_rows", "-"))),
    "child_tally_node_update": (
        "node",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _apply(f"{_links_of('old_rows', '-')} UNION ALL {_links_of('new_rows', '+')}"),
    ),
}

BACKFILL = (
    "INSERT INTO childtally (node_id, relation, n) SELECT link.parent_id, link.relation, count(*) FROM link "
    "JOIN node ON node.id = link.child_id WHERE node.status = 'active' GROUP BY link.parent_id, link.relation"
)


def upgrade() -> None:
    op.create_table(
        "childtally",
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("relation", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_childtally_node_id_node"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("node_id", "relation", name=op.f("pk_childtally")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        for name, (table, event, transition, body) in POSTGRES_TRIGGERS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    op.execute(BACKFILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name, (table, *_) in POSTGRES_TRIGGERS.items():
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("childtally")
