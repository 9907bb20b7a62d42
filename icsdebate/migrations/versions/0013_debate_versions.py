"""a content version per debate, raised by triggers on the tables pages are made of

Revision ID: 0013_debate_versions
Revises: 0012
Create Date: 2026-11-30

Cached pages of one debate are kept under that debate's number, so a write in one debate leaves the others'
pages cached. Only changes to what readers see raise a number: the triggers sit on the content tables, and a
sign-in, a sign-up or a failed password never touches them.

- debateversion: one row per debate ever written, never deleted, so the sum over a set of debates only grows;
  changed_at is the time of the last change (a page's Last-Modified).
- debatebridge: pairs of debates joined by a link from a point in one to a point in the other (both ways). A
  point's title shows in the breadcrumbs and cards of the other debate, so a page's version covers every
  debate its own is bridged to, directly or not.
- A change to a source, voice, theme or glossary term shows wherever it is cited: it raises every debate.
The contentversion row of 0008 is no longer raised; site-wide pages read the sum over every debate.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_debate_versions"
down_revision = "0012"
branch_labels = None
depends_on = None

# What each table's changed rows say about which debates changed, as a query over the set of rows `{rows}`.
# The columns each query reads, so that SQLite's row triggers can build that set from new.* or old.*.
AFFECTED = {
    "node": (("debate_id",), "SELECT r.debate_id AS debate_id FROM {rows} r"),
    "link": (
        ("child_id", "parent_id"),
        "SELECT n.debate_id AS debate_id FROM {rows} r JOIN node n ON n.id = r.child_id OR n.id = r.parent_id",
    ),
    "citation": (("node_id",), "SELECT n.debate_id AS debate_id FROM {rows} r JOIN node n ON n.id = r.node_id"),
    "nodetheme": (("node_id",), "SELECT n.debate_id AS debate_id FROM {rows} r JOIN node n ON n.id = r.node_id"),
    "debate": (("id",), "SELECT r.id AS debate_id FROM {rows} r"),
    "debatetheme": (("debate_id",), "SELECT r.debate_id AS debate_id FROM {rows} r"),
}
EVERYWHERE = ("source", "voice", "theme", "glossaryterm")
# A debate's first number is the site's starting number (the clock when the database was made, 0008) plus one, so
# a database made again never reuses the numbers, and keys, of an earlier one in a shared cache.
FIRST = "coalesce((SELECT c.n FROM contentversion c WHERE c.id = 1), 0) + 1"
EVENTS = {"INSERT": ("new",), "UPDATE": ("old", "new"), "DELETE": ("old",)}


def _raise(affected: str, now: str) -> str:
    return (
        f"INSERT INTO debateversion (debate_id, n, changed_at) SELECT DISTINCT a.debate_id, {FIRST}, {now} "
        f"FROM ({affected}) a WHERE a.debate_id IS NOT NULL "
        f"ON CONFLICT (debate_id) DO UPDATE SET n = debateversion.n + 1, changed_at = excluded.changed_at;"
    )


def _raise_all(now: str) -> str:
    return f"UPDATE debateversion SET n = n + 1, changed_at = {now};"


def _bridge(rows: str) -> str:
    pairs = (
        f"SELECT c.debate_id AS a, p.debate_id AS b FROM {rows} r JOIN node c ON c.id = r.child_id "
        f"JOIN node p ON p.id = r.parent_id WHERE c.debate_id <> p.debate_id"
    )
    return (
        f"INSERT INTO debatebridge (a, b) SELECT a, b FROM ({pairs}) x WHERE true ON CONFLICT DO NOTHING; "
        f"INSERT INTO debatebridge (a, b) SELECT b, a FROM ({pairs}) x WHERE true ON CONFLICT DO NOTHING;"
    )


def _sqlite_rows(columns: tuple[str, ...], which: str) -> str:
    return "(SELECT " + ", ".join(f"{which}.{c} AS {c}" for c in columns) + ")"


def _sqlite_triggers() -> list[str]:
    now = "CURRENT_TIMESTAMP"
    statements = []
    for table, (columns, affected) in AFFECTED.items():
        for event, sides in EVENTS.items():
            body = " ".join(_raise(affected.format(rows=_sqlite_rows(columns, side)), now) for side in sides)
            if table == "link" and event != "DELETE":
                body += " " + _bridge(_sqlite_rows(columns, "new"))
            statements.append(
                f"CREATE TRIGGER version_{table}_{event.lower()} AFTER {event} ON {table} BEGIN {body} END"
            )
    for table in EVERYWHERE:
        for event in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER version_{table}_{event.lower()} AFTER {event} ON {table} BEGIN {_raise_all(now)} END"
            )
    return statements


def _postgres_triggers() -> list[str]:
    """Once per statement, reading its transition tables: a bulk insert raises each debate's number once."""
    now = "now()"
    statements = []
    for table, (_columns, affected) in AFFECTED.items():
        for event, sides in EVENTS.items():
            body = " ".join(_raise(affected.format(rows=f"{side}_rows"), now) for side in sides)
            if table == "link" and event != "DELETE":
                body += " " + _bridge("new_rows")
            transition = " ".join(f"{side.upper()} TABLE AS {side}_rows" for side in sides)
            statements += _postgres_trigger(f"version_{table}_{event.lower()}", table, event, body, transition)
    for table in EVERYWHERE:
        for event in ("UPDATE", "DELETE"):
            statements += _postgres_trigger(f"version_{table}_{event.lower()}", table, event, _raise_all(now), "")
    return statements


def _postgres_trigger(name: str, table: str, event: str, body: str, transition: str) -> list[str]:
    referencing = f"REFERENCING {transition} " if transition else ""
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {referencing}FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def trigger_names() -> list[str]:
    """The names of the triggers this migration makes (the same on both databases)."""
    return [f"version_{table}_{event.lower()}" for table in AFFECTED for event in EVENTS] + [
        f"version_{table}_{event.lower()}" for table in EVERYWHERE for event in ("UPDATE", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "debateversion",
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("debate_id", name=op.f("pk_debateversion")),
    )
    op.create_table(
        "debatebridge",
        sa.Column("a", sa.Integer(), nullable=False),
        sa.Column("b", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("a", "b", name=op.f("pk_debatebridge")),
    )
    # every debate starts from the site's number, so no page is ever kept under a number used before
    op.execute(
        "INSERT INTO debateversion (debate_id, n, changed_at) "
        "SELECT d.id, coalesce((SELECT n FROM contentversion WHERE id = 1), 0), CURRENT_TIMESTAMP FROM debate d"
    )
    op.execute(
        "INSERT INTO debatebridge (a, b) SELECT DISTINCT c.debate_id, p.debate_id FROM link l "
        "JOIN node c ON c.id = l.child_id JOIN node p ON p.id = l.parent_id WHERE c.debate_id <> p.debate_id"
    )
    op.execute(
        "INSERT INTO debatebridge (a, b) SELECT DISTINCT p.debate_id, c.debate_id FROM link l "
        "JOIN node c ON c.id = l.child_id JOIN node p ON p.id = l.parent_id WHERE c.debate_id <> p.debate_id"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite_triggers() if sqlite else _postgres_triggers():
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    tables = {name: name.split("_")[1] for name in trigger_names()}
    for name, table in tables.items():
        op.execute(f"DROP TRIGGER {name}" if sqlite else f"DROP TRIGGER {name} ON {table}")
        if not sqlite:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("debatebridge")
    op.drop_table("debateversion")
