"""A page's statements are prepared once: the second time a page is made on SQLite, every statement is found ready
in the connection's statement cache, not compiled again; on PostgreSQL, once a page has been made a few times, its
statements are prepared on the server: parsed once, and planned again only while PostgreSQL judges a plan for the
values at hand worth making (plan_cache_mode auto: its first five runs, and after them where a generic plan costs more).

SQLite compiles a statement again on every run when the value of one of its parameters could change its plan
(a parameter compared with a column that a partial index's condition names, as `node.status = ?` against
ix_node_timeline's `status = 'active'`). That cost 130 µs of a point's 145 µs detail statement. SQLite calls the
connection's authorizer for each column a statement reads as it compiles it, so those calls name the statements
compiled. FTS5 compiles its own small statements on its shadow tables as a search reads them: those are not ours."""

import re
import sqlite3

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from icsdebate import db, pagecache
from icsdebate.models import Debate

from .test_query_counts import PAGES, build

# every page a reader opens: those whose queries are counted, and the rest of what a reader reads
READ = PAGES + [
    "/timeline",
    "/changes",
    "/debates/{slug}/changes",
    "/nodes/{node}/history",
    "/glossary",
    "/debates/{slug}/map",
    "/nodes/{node}/map",
    "/nodes/{node}/map.svg",
    "/debates/{slug}/summary",
    "/nodes/{node}/summary",
    "/nodes/{node}/children/opposes",
]


def test_making_a_page_again_compiles_no_statement(app):
    engine = app.extensions["engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("statement compilation is SQLite's; PostgreSQL plans are measured by make bench")
    ids = build(app, 60)
    with app.app_context():
        found = db.session().exec(text("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"))
        shadows = tuple(f"{name}_" for name in found.scalars())
    assert shadows, "the search index is an FTS5 table"
    compiled: set[str] = set()
    running = [""]
    watched: set[int] = set()  # connections given the authorizer: setting it again would expire their statements

    def authorize(action, table, *_names):
        if action == sqlite3.SQLITE_READ and not table.startswith(shadows):
            compiled.add(running[0])
        return sqlite3.SQLITE_OK

    def watch(connection, _cursor, statement, *_rest) -> None:
        running[0] = statement
        driver = connection.connection.driver_connection
        if id(driver) not in watched:
            watched.add(id(driver))
            driver.set_authorizer(authorize)

    event.listen(engine, "before_cursor_execute", watch)
    client = app.test_client()
    again = {}
    try:
        for page in READ:
            address = page.format(**ids)
            for _ in range(2):
                with app.app_context():
                    pagecache.cache.clear()  # the page is made, not taken from the cache
                compiled.clear()
                assert client.get(address).status_code == 200, address
            again[address] = sorted(statement[:200] for statement in compiled)
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert {address: statements for address, statements in again.items() if statements} == {}


def _postgres(app) -> None:
    if app.extensions["engine"].dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements are PostgreSQL's")


def _placeholders(statement: str) -> str:
    """`statement` with its parameters as one mark: psycopg sends %(name)s to the server as $1."""
    return re.sub(r"%\(\w+\)s|\$\d+", "?", statement)


def test_postgresql_keeps_a_pages_statements_prepared_from_one_request_to_the_next(app):
    _postgres(app)
    ids = build(app, 60)
    engine = app.extensions["engine"]
    client = app.test_client()
    ran: list[str] = []

    def record(_connection, _cursor, statement, *_rest) -> None:
        ran.append(statement)

    for page in ["/nodes/{node}", "/debates/{slug}", "/sources/{source}"]:
        address = page.format(**ids)
        for _ in range(8):  # psycopg prepares a statement the 6th time a connection runs it (prepare_threshold 5)
            with app.app_context():
                pagecache.cache.clear()
            ran.clear()
            event.listen(engine, "before_cursor_execute", record)
            try:
                assert client.get(address).status_code == 200, address
            finally:
                event.remove(engine, "before_cursor_execute", record)
        made = {_placeholders(statement) for statement in ran}
        held = [engine.raw_connection() for _ in range(engine.pool.checkedin())]  # every connection of the pool
        prepared: set[str] = set()
        try:
            for connection in held:
                cursor = connection.cursor()
                cursor.execute("SELECT statement FROM pg_prepared_statements")
                prepared |= {_placeholders(statement) for (statement,) in cursor.fetchall()}
                connection.rollback()
        finally:
            for connection in held:
                connection.close()
        assert made and made <= prepared, address


def test_the_requests_session_cannot_write_on_postgresql(app, mini):
    _postgres(app)
    with app.app_context():
        with pytest.raises(DBAPIError) as refused:
            db.session().exec(text("UPDATE debate SET title = 'Renamed by a read' WHERE slug = 'mini'"))
        assert refused.value.orig.sqlstate == "25006"  # read_only_sql_transaction
        db.discard_session()
        with db.write_session() as session:  # writes go through write_session, as ever
            session.exec(text("UPDATE debate SET title = 'Renamed by a write' WHERE slug = 'mini'"))
    with app.app_context():
        assert db.session().exec(select(Debate.title).where(Debate.slug == "mini")).one() == "Renamed by a write"
