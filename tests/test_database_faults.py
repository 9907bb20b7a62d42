"""A database that dies, refuses or turns read-only mid-request gets a page of ours, never a crash, and a form
that could not be saved comes back with everything the user typed (SQLite and PostgreSQL)."""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from icsdebate import db, pagecache
from icsdebate.models import Link, Node, Revision

from .conftest import sign_in
from .factories import post_add

READ_ONLY = "The site is read-only for a moment; nothing was saved. Your text is below; copy it or send it again."


def _postgres(app) -> bool:
    return app.extensions["engine"].dialect.name == "postgresql"


def _refuse(app):
    """From now on every new connection of the app fails as a stopped server's would (a real driver error)."""
    if _postgres(app):
        import psycopg

        def connect(*_args):
            return psycopg.connect("host=127.0.0.1 port=1 connect_timeout=2")
    else:

        def connect(*_args):
            return sqlite3.connect("/nonexistent-directory/icsdebate.db")

    event.listen(app.extensions["engine"], "do_connect", connect)
    return connect


def _kill_request_connection(app) -> None:
    """Break the connection the request's session holds: terminated by the server on PostgreSQL, closed under the
    app's feet on SQLite."""
    connection = db.session().connection()
    if _postgres(app):
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        other = db.make_engine(app.config["DATABASE_URL"])
        with other.begin() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()
    else:
        connection.connection.dbapi_connection.close()


@pytest.fixture
def outage(app):
    """Call outage(refuse=True) before a request: once the request has loaded its user, its connection dies
    (and, with refuse, no new one can be made)."""
    state = {"armed": False, "refuse": False, "listener": None}

    @app.before_request
    def _die():
        if state["armed"]:
            state["armed"] = False
            _kill_request_connection(app)
            if state["refuse"]:
                state["listener"] = _refuse(app)

    def arm(refuse: bool = True):
        state.update(armed=True, refuse=refuse)

    def heal():
        if state["listener"] is not None:
            event.remove(app.extensions["engine"], "do_connect", state.pop("listener"))
            state["listener"] = None
        app.extensions["engine"].dispose()

    arm.heal = heal
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: unhandled errors go to the 500 page
    yield arm
    heal()


@pytest.mark.parametrize("refuse", [False, True], ids=["connection killed", "database gone"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
def test_a_connection_that_dies_mid_request_gets_a_503_page(app, client, mini, users, outage, refuse, signed_in):
    if signed_in:
        sign_in(client, "contributor-user")
    outage(refuse=refuse)
    response = client.get(f"/nodes/{mini['pro-boards']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html
    assert "cannot read its database for a moment" in html and "<html" in html
    assert ("contributor-user" in html) == signed_in  # the name was already read: no query needed to show it
    assert response.headers["Retry-After"]


def test_the_500_page_needs_no_database(app, client, mini, users, outage):
    """An unexpected error after the connection died: the error handler's clean-up must not raise."""

    @app.get("/test-fails-after-the-connection-died")
    def fails():
        raise RuntimeError("a bug")

    sign_in(client, "contributor-user")
    outage(refuse=True)
    response = client.get("/test-fails-after-the-connection-died")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong on our side" in html
    assert "contributor-user" in html


@contextmanager
def _read_only(app, how: str):
    """The database refuses every write as it does when read-only (`readonly`) or when its disk is full (`full`),
    for new connections; reads still work."""
    engine = app.extensions["engine"]
    if _postgres(app):
        if how == "full":  # the server's own error for a full disk, raised where a write would extend a file
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
                        "'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$"
                    )
                )
                connection.execute(
                    text(
                        "CREATE TRIGGER test_disk_full BEFORE INSERT ON revision "
                        "FOR EACH STATEMENT EXECUTE FUNCTION test_disk_full()"
                    )
                )
            statement = None
        else:
            statement = "SET default_transaction_read_only = on"
    else:
        if how == "full":
            raw = engine.raw_connection()
            try:
                raw.driver_connection.execute("VACUUM")  # no free pages left to fill
            finally:
                raw.close()
            statement = "PRAGMA max_page_count = {pages}"
        else:
            statement = "PRAGMA query_only = ON"  # SQLite answers 'attempt to write a readonly database'

    def on_connect(dbapi_connection, _record):
        if statement:
            cursor = dbapi_connection.cursor()
            if "{pages}" in statement:
                cursor.execute("PRAGMA page_count")
                pages = cursor.fetchone()[0]
                cursor.execute(statement.format(pages=pages))
            else:
                cursor.execute(statement)
            cursor.close()
            if _postgres(app):
                dbapi_connection.commit()  # SET in a transaction rolled back would be undone

    engine.dispose()
    event.listen(engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(engine, "connect", on_connect)
        engine.dispose()
        if _postgres(app) and how == "full":
            with engine.begin() as connection:
                connection.execute(text("DROP TRIGGER test_disk_full ON revision"))
                connection.execute(text("DROP FUNCTION test_disk_full()"))


def _counts(app) -> tuple:
    with app.app_context():
        session = db.session()
        return tuple(
            len(session.exec(select(model.id if model is not Link else model.child_id)).all())
            for model in (Node, Revision, Link)
        )


LONG = "Written with care. " * 400  # long enough to need new pages in the file


@pytest.mark.parametrize("how", ["readonly", "full"])
def test_a_read_only_or_full_database_keeps_the_add_form(app, client, mini, users, form, how):
    token = sign_in(client, "contributor-user")
    before = _counts(app)
    sent = {**form, "title": "Nothing I typed is lost", "annotation": LONG}
    with _read_only(app, how):
        response = post_add(client, mini["pro-boards"], sent, token)
        inline = post_add(
            client, mini["pro-boards"], sent, token, **{"HX-Request": "true", "HX-Target": "add-slot-opposes"}
        )
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and READ_ONLY in html
    assert 'value="Nothing I typed is lost"' in html and LONG.strip() in html
    assert form["quote"] in html and "section: Accountability" in html
    assert f'value="{form["voice"]}" selected' in html
    assert inline.status_code == 503 and inline.get_data(as_text=True).startswith('<div id="add-slot-opposes"')
    assert READ_ONLY in inline.get_data(as_text=True)
    assert _counts(app) == before


@pytest.mark.parametrize("how", ["readonly", "full"])
def test_a_read_only_database_keeps_the_edit_and_link_forms(app, client, mini, users, how):
    token = sign_in(client, "moderator-user")
    before = _counts(app)
    with app.app_context():
        voice = db.session().get(Node, mini["pro-boards"]).voice_id
    edit = {
        "kind": "claim",
        "title": "An edit that must not vanish",
        "annotation": LONG,
        "voice": str(voice),
        "note": "my reasons",
        "csrf_token": token,
    }
    with _read_only(app, how):
        edited = client.post(f"/nodes/{mini['pro-boards']}/edit", data=edit)
        linked = client.post(
            f"/nodes/{mini['pro-boards']}/link",
            data={"child": mini["question"], "relation": "opposes", "csrf_token": token},
        )
    html = edited.get_data(as_text=True)
    assert edited.status_code == 503 and READ_ONLY in html
    assert 'value="An edit that must not vanish"' in html and LONG.strip() in html and 'value="my reasons"' in html
    html = linked.get_data(as_text=True)
    if how == "readonly" or _postgres(app):  # a link is a few bytes: SQLite may still find room for it
        assert linked.status_code == 503 and READ_ONLY in html
        assert f'name="child" value="{mini["question"]}" checked' in html
        assert 'value="opposes" checked' in html
        assert _counts(app) == before
    with app.app_context():
        assert db.session().get(Node, mini["pro-boards"]).title == "Private companies could sit on ICS boards"


def test_a_database_that_refuses_connections_still_gives_back_what_was_typed(app, client, mini, users, form, outage):
    """When even reads fail, the form cannot be drawn again; the text comes back to copy or send again."""
    token = sign_in(client, "contributor-user")
    before = _counts(app)
    outage(refuse=True)
    response = post_add(client, mini["pro-boards"], {**form, "title": "Kept while the database is down"}, token)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and READ_ONLY in html
    assert "Kept while the database is down" in html and form["quote"] in html
    assert f'action="/nodes/{mini["pro-boards"]}/add' in html and 'name="csrf_token"' in html
    signin = client.post(
        "/signin", data={"name": "contributor-user", "password": "secret words here", "csrf_token": token}
    )
    assert signin.status_code == 503 and "secret words here" not in signin.get_data(as_text=True)
    assert 'value="contributor-user"' not in signin.get_data(as_text=True) or "Name" in signin.get_data(as_text=True)
    outage.heal()
    assert _counts(app) == before


def test_unavailable_tells_transient_failures_from_bugs():
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    readonly.sqlite_errorname = "SQLITE_READONLY"
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorname = "SQLITE_FULL"
    syntax = sqlite3.OperationalError("near x: syntax error")
    syntax.sqlite_errorname = "SQLITE_ERROR"
    assert db.unavailable(OperationalError("INSERT", {}, readonly))
    assert db.unavailable(OperationalError("INSERT", {}, full))
    assert not db.unavailable(OperationalError("SELECT", {}, syntax))
    assert not db.unavailable(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")))
    assert not db.unavailable(ProgrammingError("SELECT", {}, sqlite3.ProgrammingError("bad parameter")))
    assert not db.unavailable(RuntimeError("not a database error"))


def test_pages_answer_again_after_a_migration_changes_a_columns_type_under_prepared_statements(app, client, mini):
    if not _postgres(app):
        pytest.skip("prepared statements kept from one request to the next are PostgreSQL's")
    app.testing = False  # answer errors as the site does, rather than raising them into the test
    app.config["PAGE_CACHE_PAGES"] = 0
    pages = ["/themes", "/debates/mini", "/"]

    def alter(length: int) -> None:
        other = db.make_engine(app.config["DATABASE_URL"])  # from another process, as `flask db upgrade` runs
        try:
            with other.begin() as connection:  # as migration 0020 widened theme.key, while the site serves
                connection.exec_driver_sql(f"ALTER TABLE theme ALTER COLUMN key TYPE varchar({length})")
        finally:
            other.dispose()

    for _ in range(8):  # each page's statements prepared on the connection
        for page in pages:
            with app.app_context():
                pagecache.cache.clear()
            assert client.get(page).status_code == 200, page
    alter(81)
    try:
        answers = {}
        for page in pages:
            for _ in range(3):
                with app.app_context():
                    pagecache.cache.clear()
                answers.setdefault(page, []).append(client.get(page).status_code)
    finally:
        alter(80)
    assert all(set(codes) <= {200, 503} and codes[-1] == 200 for codes in answers.values()), answers
