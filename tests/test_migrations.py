"""The migrations run both ways on a database that holds data, and keep it."""

import warnings

from alembic.script import ScriptDirectory
from sqlalchemy import text

from icsdebate import db, migrate

from .factories import snapshot


def test_downgrade_and_upgrade_keep_the_data(app, mini):
    """Down to 0002 and back: every table that 0002 already had keeps its rows."""
    later_tables = {"glossaryterm", "debateversion", "debatebridge"}
    before = {table: rows for table, rows in snapshot(app).items() if table not in later_tables}
    with app.app_context():
        migrate.downgrade(db.engine(), "0002")
        migrate.upgrade(db.engine())
        head = ScriptDirectory(str(migrate.SCRIPTS)).get_current_head()
        assert db.session().exec(text("SELECT version_num FROM alembic_version")).one()[0] == head
    assert {table: rows for table, rows in snapshot(app).items() if table not in later_tables} == before


def test_the_models_match_the_migrations(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with app.app_context(), db.engine().connect() as connection, warnings.catch_warnings():
        # the timeline's indexes are on expressions (migration 0016), which the models cannot declare
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if not (isinstance(d, tuple) and d[0] in ("add_constraint", "remove_constraint"))
            and not _search_index(d)
            and "timeline" not in repr(d)
        ]
        assert differences == []


def _search_index(difference) -> bool:
    """The full-text index lives outside the models, kept by triggers (migration 0006)."""
    text_ = repr(difference)
    return "node_search" in text_ or "ix_node_search" in text_ or "'search'" in text_
