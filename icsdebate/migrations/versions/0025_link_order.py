"""each link holds its child's sort keys, so that a point's replies are read strongest first from an index

Revision ID: 0025_link_order
Revises: 0024_source_tally
Create Date: 2026-12-01

A page of a point's replies is ordered by the replies' standing and support (strength.py), which live on the
replies, while the parent and the relation live on the link: no index could serve the order, so a point with
1,000 replies sorted all 1,000 to show 10. Each link now holds its child's standing rank and support negated
(`child_rank`, `child_less_support`), copied by triggers whenever the child's standing or support changes or the
link is made, and `ix_link_parent_order` reads a page in order. As in 0011, PostgreSQL's triggers run once a
statement and SQLite's once a row. SQLite's content-version trigger on link updates (0013) is narrowed to the
link's own columns, so copying the keys does not count as a change of content; PostgreSQL's runs once for the
copying statement and raises only versions that the change of the point itself has raised. On PostgreSQL a link
made or moved locks its child FOR SHARE before copying, so that a concurrent change of the child's standing is
neither read before it commits nor made without seeing the new link.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_link_order"
down_revision = "0024_source_tally"
branch_labels = None
depends_on = None

# strength.RANK: stands 0, undecided 1, answered 2, anything else after them
RANK = "CASE {n}.standing WHEN 'stands' THEN 0 WHEN 'undecided' THEN 1 WHEN 'answered' THEN 2 ELSE 3 END"
COLUMNS = ["parent_id", "relation", "child_rank", "child_less_support", "position", "child_id"]
CONTENT = "child_id, parent_id, relation, position, created_at, created_by_id"  # a link's columns but the copies


def _sqlite_copy(link: str) -> str:
    """Copy the keys of the child of the link(s) `link` selects."""
    return (
        f"UPDATE link SET child_rank = (SELECT {RANK.format(n='node')} FROM node WHERE node.id = link.child_id), "
        f"child_less_support = (SELECT -node.support FROM node WHERE node.id = link.child_id) WHERE {link};"
    )


SQLITE_TRIGGERS = {
    "link_order_ai": f"AFTER INSERT ON link BEGIN {_sqlite_copy('id = new.id')} END",
    "link_order_au": f"AFTER UPDATE OF child_id ON link BEGIN {_sqlite_copy('id = new.id')} END",
    "link_order_node_au": "AFTER UPDATE OF standing, support ON node "
    "WHEN old.standing IS NOT new.standing OR old.support IS NOT new.support "
    f"BEGIN UPDATE link SET child_rank = {RANK.format(n='new')}, child_less_support = -new.support "
    "WHERE child_id = new.id; END",
}


def _postgres_copy(changed: str, lock: bool = False) -> str:
    """Copy the keys into the links `changed` selects as (link id, child id) rows. A statement trigger fires even
    for a statement that changed no rows, and this one's own UPDATE of link fires link_order_update again, so it
    updates only when there is something to copy: that ends the chain at once.

    With `lock` (a link made or moved), the children are first locked FOR SHARE: a transaction that is changing
    a child's standing or support is waited for, and the copy, a new statement with a new snapshot, reads what it
    committed; one that changes the child later waits for this one, and then sees the new link."""
    locked = f"PERFORM 1 FROM node WHERE id IN (SELECT child_id FROM ({changed}) c) FOR SHARE; " if lock else ""
    return (
        f"IF EXISTS ({changed}) THEN {locked}"
        f"UPDATE link SET child_rank = {RANK.format(n='n')}, child_less_support = -n.support "
        f"FROM ({changed}) c JOIN node n ON n.id = c.child_id WHERE link.id = c.link_id; END IF;"
    )


# The rows a statement changed are found with EXCEPT, a hashed set operation, not by joining new_rows to old_rows:
# under IF EXISTS the planner chose a nested loop over the two transition tables, which took 12 s for an update
# of 10,000 points (every pair compared) and did not end in minutes for 100,000.
MOVED = (
    "SELECT id AS link_id, child_id FROM (SELECT id, child_id FROM new_rows EXCEPT SELECT id, child_id FROM old_rows) c"
)
RESORTED = (
    "SELECT l.id AS link_id, l.child_id FROM (SELECT id, standing, support FROM new_rows "
    "EXCEPT SELECT id, standing, support FROM old_rows) c JOIN link l ON l.child_id = c.id"
)
POSTGRES_TRIGGERS = {
    "link_order_insert": (
        "link",
        "INSERT",
        "NEW TABLE AS new_rows",
        _postgres_copy("SELECT id AS link_id, child_id FROM new_rows", lock=True),
    ),
    "link_order_update": (
        "link",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _postgres_copy(MOVED, lock=True),
    ),
    "link_order_node_update": (
        "node",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _postgres_copy(RESORTED),
    ),
}

BACKFILL = _sqlite_copy("true")


def _sqlite_version_trigger(old: str, new: str) -> None:
    """Recreate 0013's version_link_update with its event changed from `old` to `new`."""
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'version_link_update'")).scalar_one()
    op.execute("DROP TRIGGER version_link_update")
    op.execute(sql.replace(old, new, 1))


def upgrade() -> None:
    op.add_column("link", sa.Column("child_rank", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("link", sa.Column("child_less_support", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        _sqlite_version_trigger("AFTER UPDATE ON link", f"AFTER UPDATE OF {CONTENT} ON link")
        op.execute(BACKFILL)
    else:
        op.execute(
            f"UPDATE link SET child_rank = {RANK.format(n='n')}, child_less_support = -n.support "
            "FROM node n WHERE n.id = link.child_id"
        )
        for name, (table, event, transition, body) in POSTGRES_TRIGGERS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    op.create_index("ix_link_parent_order", "link", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_link_parent_order", table_name="link")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_version_trigger(f"AFTER UPDATE OF {CONTENT} ON link", "AFTER UPDATE ON link")
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name, (table, *_) in POSTGRES_TRIGGERS.items():
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_column("link", "child_less_support")  # in place on SQLite too, which keeps the link table's triggers
    op.drop_column("link", "child_rank")
