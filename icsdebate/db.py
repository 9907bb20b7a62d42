"""One engine per app, one session per request, SQLite set up properly."""
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, insert, text
from sqlmodel import Session

_immediate: ContextVar[bool] = ContextVar("immediate", default=False)


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine for `url`. PostgreSQL runs without JIT: it compiled the recursive queries of the map, whose cost
    it overestimates, for 200 ms each time, and short queries never gain from it. SQLite gets foreign keys, WAL
    and a busy timeout."""
    if not url.startswith("sqlite"):
        return create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"options": "-c jit=off"})
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 15})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")

    return engine


def init_app(app: Flask) -> None:
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"], app.config["SQL_ECHO"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["engine"]


def session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        if exc is not None:
            db_session.rollback()
        db_session.close()


@contextmanager
def write_session():
    """A session whose transaction takes the write lock up front, raises the content version, and commits.

    Every write goes through here: on SQLite for the lock, and everywhere so that cached pages go stale; and
    the quotes it wrote are checked against their sources' attached copies (quotecheck.check_pending)."""
    from . import quotecheck

    token = _immediate.set(True)
    try:
        with Session(engine(), expire_on_commit=False) as db_session:
            with db_session.begin():
                yield db_session
                quotecheck.check_pending(db_session)
                _raise_version(db_session)
    finally:
        _immediate.reset(token)
    if "db_session" in g:  # end the request's read snapshot, so its next read sees this write
        g.db_session.commit()


def insert_rows(db_session: Session, model, rows: list[dict], chunk: int = 1000) -> list:
    """Insert `rows` into `model`'s table and return their primary keys, in order. In chunks of one statement
    each, so that the cost stays in proportion to the rows: the table's statement triggers run once a chunk
    (a driver's executemany would run them once a row), and SQLAlchemy joins the RETURNING rows of one call in
    a way that grows with the square of their number."""
    table = model.__table__  # a Core insert: the ORM's would split the rows wherever a value is None
    statement = insert(table).returning(*table.primary_key.columns, sort_by_parameter_order=True)
    return [key for start in range(0, len(rows), chunk)
            for key in db_session.execute(statement, rows[start:start + chunk]).all()]


def analyze() -> None:
    """After a bulk load, refresh PostgreSQL's statistics, so its planner knows the tables' new sizes at once
    rather than when autovacuum next comes by. SQLite's planner keeps no such statistics here."""
    if engine().dialect.name == "postgresql":
        with engine().begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def _raise_version(db_session: Session) -> None:
    """Last in the transaction, so that on PostgreSQL concurrent writers hold the row only briefly."""
    db_session.execute(text("INSERT INTO contentversion (id, n) VALUES (1, 1) "
                            "ON CONFLICT (id) DO UPDATE SET n = contentversion.n + 1"))


def content_version() -> int:
    """The number of the last write, read in the request's own snapshot."""
    return session().execute(text("SELECT n FROM contentversion WHERE id = 1")).scalar() or 0


@contextmanager
def count_queries(target: Engine):
    """Counts the SQL statements `target` runs inside the block: `with count_queries(e) as n: ...; n[0]`."""
    counter = [0]

    def _count(*_args):
        counter[0] += 1

    event.listen(target, "before_cursor_execute", _count)
    try:
        yield counter
    finally:
        event.remove(target, "before_cursor_execute", _count)
