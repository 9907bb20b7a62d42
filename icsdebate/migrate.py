"""Alembic, driven from the app's own engine."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

SCRIPTS = Path(__file__).resolve().parent / "migrations"


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for a database no migration has touched."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(_config(None)).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision`."""
    _run(engine, command.downgrade, revision)


def _run(engine: Engine, step, revision: str) -> None:
    """Run a migration step; on SQLite, foreign keys are off while tables are rebuilt, and checked after."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # must be set outside a transaction, so on the driver's connection
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        with connection.begin():
            step(_config(connection), revision)
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.rollback()
            if problems:
                raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {problems[:5]}")


def revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
