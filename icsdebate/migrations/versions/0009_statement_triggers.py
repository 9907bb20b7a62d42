"""tallies and the quotes in the search index kept once per statement on PostgreSQL, not once per row

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23

A row trigger that adds one to the same tally row for each of many nodes inserted in one transaction makes
PostgreSQL walk an ever longer chain of row versions, so a bulk insert slowed with the square of its size.
These triggers read the statement's transition tables and write each tally row once, with the net change;
and a statement that adds many citations updates the search vector of each node it touches once.
SQLite updates a row in place, so it keeps the row triggers of 0006 and 0007, and gains the one PostgreSQL
already had: a citation's quote edited in place reaches the search index.
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UPSERT = "ON CONFLICT (debate_id, {key}) DO UPDATE SET n = t.n + excluded.n"
# OFFSET 0 keeps the lookup of each changed row's links or node an index probe: planned as a join, it could
# scan the whole table once per statement, and a bulk insert in many statements would again grow with the square.
PROBE = "OFFSET 0"


def _active(rows: str, sign: str) -> str:
    return f"SELECT id, debate_id, kind, voice_id, {sign}1 AS s FROM {rows} WHERE status = 'active'"


def _node_tally(delta: str) -> str:
    """The three tallies changed by a set of (id, debate_id, kind, voice_id, s) rows, s being +1 or -1."""
    return f"""
        INSERT INTO kindtally AS t (debate_id, kind, n)
            SELECT debate_id, kind, sum(s) FROM ({delta}) d GROUP BY debate_id, kind HAVING sum(s) <> 0
            {UPSERT.format(key="kind")};
        INSERT INTO voicetally AS t (debate_id, voice_id, n)
            SELECT debate_id, voice_id, sum(s) FROM ({delta}) d WHERE voice_id IS NOT NULL
            GROUP BY debate_id, voice_id HAVING sum(s) <> 0
            {UPSERT.format(key="voice_id")};
        INSERT INTO relationtally AS t (debate_id, relation, n)
            SELECT d.debate_id, l.relation, sum(d.s) FROM ({delta}) d
            CROSS JOIN LATERAL (SELECT relation FROM link WHERE child_id = d.id {PROBE}) l
            GROUP BY d.debate_id, l.relation HAVING sum(d.s) <> 0
            {UPSERT.format(key="relation")};"""


def _linked(rows: str, sign: str) -> str:
    return (
        f"SELECT n.debate_id, r.relation, {sign}1 AS s FROM {rows} r CROSS JOIN LATERAL "
        f"(SELECT debate_id FROM node WHERE id = r.child_id AND status = 'active' {PROBE}) n"
    )


def _link_tally(delta: str) -> str:
    return f"""
        INSERT INTO relationtally AS t (debate_id, relation, n)
            SELECT debate_id, relation, sum(s) FROM ({delta}) d GROUP BY debate_id, relation HAVING sum(s) <> 0
            {UPSERT.format(key="relation")};"""


def _touch(rows: str) -> str:
    return f"UPDATE node SET title = title WHERE id IN (SELECT node_id FROM {rows});"


# (table, event, transition tables, the statements that apply the net change)
TRIGGERS = {
    "node_tally_insert": ("node", "INSERT", "NEW TABLE AS new_rows", _node_tally(_active("new_rows", "+"))),
    "node_tally_update": (
        "node",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _node_tally(f"{_active('old_rows', '-')} UNION ALL {_active('new_rows', '+')}"),
    ),
    "node_tally_delete": ("node", "DELETE", "OLD TABLE AS old_rows", _node_tally(_active("old_rows", "-"))),
    "link_tally_insert": ("link", "INSERT", "NEW TABLE AS new_rows", _link_tally(_linked("new_rows", "+"))),
    "link_tally_update": (
        "link",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _link_tally(f"{_linked('old_rows', '-')} UNION ALL {_linked('new_rows', '+')}"),
    ),
    "link_tally_delete": ("link", "DELETE", "OLD TABLE AS old_rows", _link_tally(_linked("old_rows", "-"))),
    # a node's search vector holds its quotes: touching the node makes node_search_biu (0006) compute it again
    "citation_search_insert": ("citation", "INSERT", "NEW TABLE AS new_rows", _touch("new_rows")),
    "citation_search_update": (
        "citation",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _touch("old_rows UNION SELECT node_id FROM new_rows"),
    ),
    "citation_search_delete": ("citation", "DELETE", "OLD TABLE AS old_rows", _touch("old_rows")),
}

ROW_TRIGGERS = {"node_tally": "node", "link_tally": "link", "citation_search_aiud": "citation"}
ROW_FUNCTIONS = (
    "link_tally()",
    "tally_link(integer, varchar, integer)",
    "node_tally()",
    "tally_node(integer, integer, varchar, integer, integer)",
    "citation_search_touch()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        quotes = _earlier("0006_search").QUOTES
        op.execute(
            "CREATE TRIGGER citation_search_au AFTER UPDATE OF quote, node_id ON citation BEGIN "
            f"UPDATE node_search SET quotes = {quotes.format(id='old.node_id')} WHERE rowid = old.node_id; "
            f"UPDATE node_search SET quotes = {quotes.format(id='new.node_id')} WHERE rowid = new.node_id; END"
        )
        return
    for name, table in ROW_TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name} ON {table}")
    for function in ROW_FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    for name, (table, event, transition, body) in TRIGGERS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql")
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER citation_search_au")
        return
    for name, (table, *_) in TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(f"DROP FUNCTION {name}()")
    search_0006, tallies_0007 = _earlier("0006_search"), _earlier("0007_tallies")
    touch = [statement for statement in search_0006.POSTGRES if "citation_search" in statement]
    for statement in touch + tallies_0007.POSTGRES:  # the row triggers again, as made then
        op.execute(statement)


def _earlier(name: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
