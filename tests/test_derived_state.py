"""docs/derived-state.md names every trigger a migrated database has: none is added or dropped unseen; and the
values kept in code are kept through one after-write step."""

import re
from pathlib import Path

from sqlalchemy import text

from icsdebate import db

PAGE = Path(__file__).resolve().parent.parent / "docs" / "derived-state.md"


def _documented(dialect: str) -> set[str]:
    heading = {"sqlite": "### SQLite", "postgresql": "### PostgreSQL"}[dialect]
    section = PAGE.read_text().split(heading, 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    return set(block.split())


def _live(connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = connection.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
    return {name for (name,) in rows}


def test_every_live_trigger_is_on_the_derived_state_page(app):
    with app.app_context(), db.engine().connect() as connection:
        live, documented = _live(connection), _documented(connection.dialect.name)
    assert live - documented == set(), "triggers missing from docs/derived-state.md"
    assert documented - live == set(), "docs/derived-state.md names triggers the database does not have"


def test_every_trigger_family_is_explained_in_the_table():
    """Each trigger's family (`node_tally_*`, `version_*`, ...) has a row saying what it keeps and when."""
    table = PAGE.read_text().split("## Triggers", 1)[0]
    for name in _documented("sqlite") | _documented("postgresql"):
        family = "version" if name.startswith("version_") else "_".join(name.split("_")[:2])
        assert f"`{family}_*`" in table, name


PACKAGE = Path(__file__).resolve().parent.parent / "icsdebate"
REFRESHERS = re.compile(r"\b(standing|strength|sides)\.refresh(_all)?\(|\bgraph\.refresh_sides\(")


def test_standing_support_and_sides_are_refreshed_only_through_the_after_write_step():
    """Every write reaches standing, support and sides through `derived`, so no write can forget one of them;
    migrations, which work them out once for the rows already there, are the only other callers."""
    callers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and REFRESHERS.search(path.read_text())
    }
    assert callers == {"derived.py"}


# a transition table (old_rows, new_rows) joined to another: PL/pgSQL keeps the plan of a trigger's first run, and
# a one-row first run left a nested loop that compared every pair of rows of a 5,000-row update (0026)
TRANSITION_JOIN = re.compile(r"\b(old_rows|new_rows)\b[^()]*?(\bJOIN\s+|,\s*)(old_rows|new_rows)\b", re.I)


def test_no_trigger_joins_one_transition_table_to_the_other(app):
    """The rows a statement changed are found with EXCEPT (hashed, linear in the rows), never with a join of the
    two transition tables, whose kept plan may compare every pair."""
    with app.app_context(), db.engine().connect() as connection:
        if connection.dialect.name == "sqlite":
            return  # SQLite's triggers run once a row, with old and new in hand
        bodies = connection.execute(
            text(
                "SELECT p.proname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE NOT t.tgisinternal"
            )
        ).all()
    assert bodies
    assert [name for name, body in bodies if TRANSITION_JOIN.search(body)] == []
