"""One engine per app, one session per request, SQLite set up properly."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from flask import Flask, current_app, g
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, create_engine, event, insert, text
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from .params import MAX_ID

_immediate: ContextVar[bool] = ContextVar("immediate", default=False)


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine for `url`. PostgreSQL runs without JIT: it compiled the recursive queries of the map, whose cost
    it overestimates, for 200 ms each time, and short queries never gain from it. SQLite gets foreign keys, WAL
    and a busy timeout."""
    if not url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"options": "-c jit=off"})
        event.listen(engine, "checkin", _server_default_access)
        return engine
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


def _server_default_access(dbapi_connection, _record) -> None:
    """As a PostgreSQL connection returns to the pool: its next transactions start with a plain BEGIN again.

    The request's session makes its connection's transactions READ ONLY (session), and SQLAlchemy undoes that as
    the connection returns by setting psycopg's `read_only` to False, which psycopg sends as BEGIN READ WRITE: that
    would override a server or database made read-only (default_transaction_read_only, as for maintenance), and a
    write would go through. None leaves the server's default in force."""
    if dbapi_connection is not None and not dbapi_connection.closed and dbapi_connection.read_only is not None:
        if dbapi_connection.info.transaction_status == TransactionStatus.IDLE:
            dbapi_connection.read_only = None


def init_app(app: Flask) -> None:
    bound = app.extensions["engine"] = make_engine(app.config["DATABASE_URL"], app.config["SQL_ECHO"])
    if bound.dialect.name == "postgresql":
        bound = bound.execution_options(postgresql_readonly=True)
    app.extensions["reader"] = bound
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["engine"]


def session() -> Session:
    """The request's session, opened on first use: it reads; every write goes through write_session.

    On PostgreSQL its transactions are READ ONLY, and it ends with COMMIT rather than ROLLBACK (discard_session).
    psycopg forgets the statements it has prepared on a connection whenever that connection rolls back
    (`Connection.rollback`, psycopg 3), and it prepares a statement only once it has run it 5 times on the
    connection (`prepare_threshold`): ended by ROLLBACK, every request planned each of its statements afresh,
    which took PostgreSQL 0.1 to 2.2 ms a statement, more than running it. A read-only transaction holds
    nothing to keep, so its COMMIT keeps nothing by mistake."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["reader"], expire_on_commit=False)
    return g.db_session


def reads_only(bind: Engine | Connection) -> bool:
    """Whether transactions on `bind` (an Engine or a Connection) can only read: the request's session's on
    PostgreSQL. Their COMMIT changes nothing, so whoever waits for writes can let it pass."""
    return bool(bind.get_execution_options().get("postgresql_readonly"))


def _close_session(_exc: BaseException | None) -> None:
    discard_session()


def discard_session() -> None:
    """End the request's session without needing the database, and never raise.

    Closing gives the connection back to the pool, which rolls back any open transaction and, when that fails
    (the connection is gone), throws the connection away instead; a rollback of our own would raise on a dead
    connection. Rows already read stay readable (nothing is expired), so the user's name can still be shown.
    The next db.session() starts afresh. A read-only session (PostgreSQL's, see session) whose transaction is
    open and has not failed first commits, so its connection keeps the statements it has prepared. A failed
    transaction is rolled back by closing, which drops them: a statement that failed (say, a prepared plan whose
    result types a migration changed) is prepared afresh next time rather than failing on every request."""
    db_session = g.pop("db_session", None)
    if db_session is None:
        return
    if reads_only(db_session.get_bind()) and db_session.in_transaction():
        try:
            driver = db_session.connection().connection.dbapi_connection
            if driver is not None and driver.info.transaction_status == TransactionStatus.INTRANS:
                db_session.commit()
        except Exception:  # noqa: BLE001,S110 - closing below rolls back, or throws a dead connection away
            pass
    try:
        db_session.close()
    except Exception:  # noqa: BLE001 - a dead connection must not turn an error page into a crash
        try:
            db_session.invalidate()
        except Exception:  # noqa: BLE001
            pass


# SQLSTATE classes and codes of PostgreSQL meaning "not now" rather than "not this": connection exceptions (08),
# insufficient resources such as a full disk (53), operator intervention such as pg_terminate_backend or a
# shutdown (57P), system errors (58), and a read-only transaction (25006, a standby or default_transaction_read_only).
_UNAVAILABLE_SQLSTATES = ("08", "53", "57P", "58", "25006")
# PostgreSQL refuses a prepared statement whose result columns changed type since it was prepared (a migration run
# while the site serves, ALTER COLUMN ... TYPE): the rollback that ends the request drops the connection's prepared
# statements (discard_session), so the request sent again works.
_STALE_PLAN = ("0A000", "cached plan must not change result type")
# SQLite's primary result codes with the same meaning: read-only file, disk full, I/O error, cannot open, locked
# for longer than the busy timeout. https://www.sqlite.org/rescode.html
_UNAVAILABLE_SQLITE = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_BUSY")


def unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be written or reached for a while (read-only, disk full,
    connection refused or lost, shut down, locked too long, a prepared plan gone stale) rather than that the
    request was wrong: the request should be answered 503 and may be sent again. Takes any exception;
    SQLAlchemy wraps the driver's."""
    if isinstance(exc, (DisconnectionError, PoolTimeout)):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    original = exc.orig
    sqlstate = getattr(original, "sqlstate", None) or ""
    if sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
        return True
    if sqlstate == _STALE_PLAN[0] and _STALE_PLAN[1] in str(original):
        return True
    if (getattr(original, "sqlite_errorname", None) or "").startswith(_UNAVAILABLE_SQLITE):
        return True
    # a connection that never opened has no SQLSTATE (psycopg) or error name (a closed sqlite3 connection)
    return isinstance(exc, OperationalError) and not sqlstate and type(original).__module__.startswith("psycopg")


@contextmanager
def snapshot() -> Iterator[Session]:
    """A read-only session of its own on one state of the database, closed (its connection returned) on leaving.

    For a reader that must see one state throughout, such as a download or a backup, read a batch at a time.
    PostgreSQL reads at REPEATABLE READ; SQLite's transactions read one state already."""
    bound = engine()
    if bound.dialect.name == "postgresql":
        bound = bound.execution_options(isolation_level="REPEATABLE READ")
    with Session(bound, expire_on_commit=False) as db_session:
        yield db_session


@contextmanager
def write_session():
    """A session whose transaction takes the write lock up front (on SQLite), and commits.

    Every write goes through here. Cached pages go stale through the content versions, which triggers on the
    content tables raise (migration 0013): a write that changes no content (a sign-in, say) raises none. The
    quotes a write adds are checked against their sources' attached copies (quotecheck.check_pending)."""
    from . import quotecheck

    token = _immediate.set(True)
    try:
        with Session(engine(), expire_on_commit=False) as db_session:
            with db_session.begin():
                yield db_session
                quotecheck.check_pending(db_session)
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
    return [
        key
        for start in range(0, len(rows), chunk)
        for key in db_session.execute(statement, rows[start : start + chunk]).all()
    ]


def analyze() -> None:
    """After a bulk load, refresh PostgreSQL's statistics, so its planner knows the tables' new sizes at once
    rather than when autovacuum next comes by. SQLite's planner keeps no such statistics here."""
    if engine().dialect.name == "postgresql":
        with engine().begin() as connection:
            connection.exec_driver_sql("ANALYZE")


# A debate's version covers every debate bridged to it, directly or not (a point's title shows in both).
_BRIDGED = """
    WITH RECURSIVE bridged(id) AS ({start} UNION SELECT b FROM debatebridge JOIN bridged ON a = bridged.id)
    SELECT coalesce(sum(n), 0), max(changed_at) FROM debateversion WHERE debate_id IN (SELECT id FROM bridged)"""
_BY_SLUG = text(_BRIDGED.format(start="SELECT id FROM debate WHERE slug = :ref"))
_BY_NODE = text(_BRIDGED.format(start="SELECT debate_id FROM node WHERE id = :ref"))
_SITE = text("SELECT coalesce(sum(n), 0), max(changed_at) FROM debateversion")


def content_version(*, slug: str | None = None, node_id: int | None = None) -> tuple[int, datetime | None]:
    """(number, time of the last change) of what a page shows, in one query, read in the request's snapshot: of
    the debate at /debates/<slug>, or of the debate point `node_id` belongs to, with the debates bridged to it;
    of the whole site when neither is given. The number only grows (versions are raised by triggers, never
    lowered, rows never deleted); the time is naive UTC, None before any write. A slug or point that names no
    debate gives (0, None)."""
    if slug is not None:
        statement = _BY_SLUG.bindparams(ref=slug)
    elif node_id is not None:
        statement = _BY_NODE.bindparams(ref=node_id if 0 < node_id <= MAX_ID else 0)
    else:
        statement = _SITE
    number, changed_at = session().execute(statement).one()
    if isinstance(changed_at, str):  # SQLite returns max() of a timestamp column as text
        changed_at = datetime.fromisoformat(changed_at)
    return int(number), changed_at


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
