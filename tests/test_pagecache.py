"""Anonymous readers get kept pages, never stale ones once the recheck time has passed (at once for a write made in
the same worker); signed-in readers and pending messages bypass them."""

import threading

from sqlalchemy import event, text

from icsdebate import create_app, db, pagecache
from icsdebate.db import count_queries

from .conftest import csrf_token, sign_in
from .factories import post_add


def test_a_second_anonymous_visit_is_served_whole_and_sets_no_cookie(app, client, mini):
    first = client.get("/debates/mini")
    with count_queries(app.extensions["engine"]) as queries:
        second = client.get("/debates/mini")
    assert "X-Page-Cache" not in first.headers and second.headers["X-Page-Cache"] == "hit"
    assert second.data == first.data and second.content_type == first.content_type
    assert queries[0] == 0  # the content version was read by the first visit, and this worker wrote nothing since
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert "csrf" not in first.get_data(as_text=True).lower()  # nothing personal to keep
    assert second.headers["Content-Security-Policy"] and second.headers["X-Frame-Options"] == "DENY"


def test_a_fragment_and_the_full_page_are_kept_apart(client, mini):
    full = client.get("/debates/mini").get_data(as_text=True)
    fragment = client.get("/debates/mini", headers={"HX-Request": "true", "HX-Target": "main"})
    assert "<html" in full and "<html" not in fragment.get_data(as_text=True)
    assert "<html" in client.get("/debates/mini").get_data(as_text=True)


def test_a_write_makes_every_kept_page_stale(app, client, mini, users, form):
    reader = app.test_client()
    reader.get(f"/nodes/{mini['pro-boards']}")
    assert reader.get(f"/nodes/{mini['pro-boards']}").headers.get("X-Page-Cache") == "hit"
    token = sign_in(client, "contributor-user")
    assert post_add(client, mini["pro-boards"], form, token).status_code == 302
    after = reader.get(f"/nodes/{mini['pro-boards']}")
    assert "X-Page-Cache" not in after.headers and "Boards answer to NHS England" in after.get_data(as_text=True)


def test_a_write_from_the_command_line_makes_kept_pages_stale(app, client, runner, mini):
    client.get("/")
    assert client.get("/").headers.get("X-Page-Cache") == "hit"
    assert runner.invoke(args=["gen-debate", "--nodes", "20", "--seed", "2", "--slug", "fresh"]).exit_code == 0
    assert "Generated debate of 20 points" in client.get("/").get_data(as_text=True)


def test_a_write_in_another_worker_reaches_this_ones_readers_within_the_recheck_time(
    app, client, database_url, mini, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(pagecache, "monotonic", lambda: now[0])
    client.get("/")
    assert client.get("/").headers.get("X-Page-Cache") == "hit"
    other = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"})  # a 2nd worker
    try:
        written = other.test_cli_runner().invoke(args=["gen-debate", "--nodes", "20", "--seed", "2", "--slug", "fresh"])
        assert written.exit_code == 0, written.output
    finally:
        other.extensions["engine"].dispose()
    within = client.get("/")
    assert within.headers.get("X-Page-Cache") == "hit"
    assert "Generated debate of 20 points" not in within.get_data(as_text=True)
    now[0] += app.config["PAGE_CACHE_RECHECK_SECONDS"] + 0.01
    after = client.get("/")
    assert "X-Page-Cache" not in after.headers and "Generated debate of 20 points" in after.get_data(as_text=True)


def test_a_version_read_while_a_commit_is_under_way_is_not_kept(app, client, mini, monkeypatch):
    monkeypatch.setattr(pagecache, "monotonic", lambda: 1000.0)  # the recheck time never runs out
    client.get("/")
    assert client.get("/").headers.get("X-Page-Cache") == "hit"
    seen = []

    def read_from_another_thread(connection) -> None:
        if db.reads_only(connection):  # the reader's own commit (PostgreSQL's read-only sessions commit)
            return

        def run() -> None:
            with app.app_context():
                seen.append(pagecache._version(None, None))
                db.discard_session()

        reader = threading.Thread(target=run)
        reader.start()
        reader.join()

    engine = app.extensions["engine"]
    event.listen(engine, "commit", read_from_another_thread)  # after the worker's own forget, before the commit
    try:
        with app.app_context(), db.write_session() as session:
            session.exec(text("UPDATE debate SET title = 'A renamed debate' WHERE slug = 'mini'"))
    finally:
        event.remove(engine, "commit", read_from_another_thread)
    assert seen  # a reader did read the version while the commit was under way
    page = client.get("/")
    assert "X-Page-Cache" not in page.headers and "A renamed debate" in page.get_data(as_text=True)


def test_a_kept_page_is_served_without_a_query_until_the_recheck_time_runs_out(app, client, mini, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(pagecache, "monotonic", lambda: now[0])
    for address in ("/", "/debates/mini", f"/nodes/{mini['pro-boards']}"):
        client.get(address)  # made, kept, and its version read
        with count_queries(app.extensions["engine"]) as counter:
            again = client.get(address)
        assert again.headers.get("X-Page-Cache") == "hit" and counter[0] == 0, address
    now[0] += app.config["PAGE_CACHE_RECHECK_SECONDS"] + 0.01
    with count_queries(app.extensions["engine"]) as counter:
        assert client.get("/").headers.get("X-Page-Cache") == "hit"
    assert counter[0] >= 1  # the version is read again, then the page is served from the cache


def test_signed_in_readers_are_never_served_a_kept_page(client, mini, users):
    client.get("/debates/mini")
    client.get("/debates/mini")
    sign_in(client, "contributor-user")
    page = client.get("/debates/mini")
    assert "X-Page-Cache" not in page.headers and "contributor-user" in page.get_data(as_text=True)
    assert "X-CSRFToken" in page.get_data(as_text=True)


def test_a_waiting_message_is_shown_not_skipped(client, mini, users):
    client.get("/")
    token = sign_in(client, "contributor-user")
    client.get("/")
    signed_out = client.post("/signout", data={"csrf_token": token}, follow_redirects=True)
    assert "You are signed out." in signed_out.get_data(as_text=True)


def _token_in(page) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_two_fresh_visitors_can_both_sign_in(app, users):
    """A page that carries a form's token is never kept: one visitor's token served to the next refuses them."""
    from .conftest import PASSWORD

    first, second = app.test_client(), app.test_client()
    for visitor in (first, first, second, second):  # the first visitor's second visit would be kept
        page = visitor.get("/signin")
        assert "X-Page-Cache" not in page.headers
    for visitor, name in ((first, "contributor-user"), (second, "moderator-user")):
        token = _token_in(visitor.get("/signin"))
        response = visitor.post("/signin", data={"name": name, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
    for visitor in (app.test_client(), app.test_client()):
        token = _token_in(visitor.get("/signup"))
        again = _token_in(visitor.get("/signup"))
        assert "X-Page-Cache" not in visitor.get("/signup").headers and token and again


def test_a_page_that_set_a_form_token_is_not_kept_for_the_next_visitor(app, mini):
    first, second = app.test_client(), app.test_client()
    first.get("/signin")
    first.get("/signin")
    page = second.get("/signin")
    assert "X-Page-Cache" not in page.headers
    assert "Set-Cookie" in page.headers  # the new visitor gets a token of their own


def _kept_twice(reader, path: str) -> None:
    reader.get(path)
    assert reader.get(path).headers.get("X-Page-Cache") == "hit", path


def test_a_write_in_one_debate_leaves_the_other_debates_pages_kept(app, client, runner, mini, users, form):
    assert runner.invoke(args=["gen-debate", "--nodes", "20", "--seed", "3", "--slug", "other"]).exit_code == 0
    reader = app.test_client()
    for path in ("/debates/other", "/debates/mini", "/"):
        _kept_twice(reader, path)
    token = sign_in(client, "contributor-user")
    assert post_add(client, mini["pro-boards"], form, token).status_code == 302
    assert reader.get("/debates/other").headers.get("X-Page-Cache") == "hit"
    assert "X-Page-Cache" not in reader.get("/debates/mini").headers
    assert "X-Page-Cache" not in reader.get("/").headers  # the home page counts every debate's points


def test_debates_joined_by_a_link_go_stale_together(app, client, runner, mini, users):
    """A point linked under a point of another debate shows in both: a change to it reaches both debates' pages."""
    from sqlmodel import select

    from icsdebate import db
    from icsdebate.models import Debate, Node

    assert runner.invoke(args=["gen-debate", "--nodes", "5", "--seed", "3", "--slug", "other"]).exit_code == 0
    with app.app_context():
        other, voice = (
            db.session()
            .exec(
                select(Node.id, Node.voice_id)
                .join(Debate, Debate.id == Node.debate_id)
                .where(Debate.slug == "other", Node.kind == "claim")
            )
            .first()
        )
    token = sign_in(client, "moderator-user")
    linked = client.post(
        f"/nodes/{mini['pro-boards']}/link", data={"child": other, "relation": "supports", "csrf_token": token}
    )
    assert linked.status_code in (302, 303), linked.get_data(as_text=True)
    reader = app.test_client()
    _kept_twice(reader, f"/nodes/{mini['pro-boards']}")
    edited = client.post(
        f"/nodes/{other}/edit",
        data={
            "title": "A title changed in the other debate",
            "kind": "claim",
            "voice": str(voice),
            "csrf_token": token,
        },
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)
    page = reader.get(f"/nodes/{mini['pro-boards']}")
    assert "X-Page-Cache" not in page.headers
    assert "A title changed in the other debate" in page.get_data(as_text=True)


def test_signing_in_or_failing_to_leaves_kept_pages_kept(app, client, mini, users):
    reader = app.test_client()
    _kept_twice(reader, "/debates/mini")
    token = csrf_token(client)
    client.post("/signin", data={"name": "contributor-user", "password": "wrong password here", "csrf_token": token})
    sign_in(client, "moderator-user")
    assert reader.get("/debates/mini").headers.get("X-Page-Cache") == "hit"


def test_anonymous_pages_revalidate_with_a_304_and_signed_in_pages_are_never_stored(client, mini, users):
    first = client.get("/debates/mini")
    assert first.headers["Cache-Control"] == "public, no-cache" and first.headers["ETag"]
    assert first.headers["Last-Modified"] and "Cookie" in first.vary
    again = client.get("/debates/mini", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/debates/mini", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    sign_in(client, "contributor-user")
    mine = client.get("/debates/mini", headers={"If-None-Match": first.headers["ETag"]})
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in mine.headers
    assert client.get("/signin").headers["Cache-Control"] == "private, no-store"


def test_with_redis_every_worker_shares_the_kept_pages(database_url, mini):
    """Two apps stand for two workers (or machines): a page one of them made is served by the other."""
    import redis

    from icsdebate import create_app

    url = "redis://127.0.0.1:6379/13"
    redis.Redis.from_url(url).flushdb()
    config = {"DATABASE_URL": database_url, "SECRET_KEY": "x", "CACHE_REDIS_URL": url}
    workers = [create_app(config), create_app(config)]
    try:
        assert "X-Page-Cache" not in workers[0].test_client().get("/debates/mini").headers
        assert workers[1].test_client().get("/debates/mini").headers.get("X-Page-Cache") == "hit"
    finally:
        redis.Redis.from_url(url).flushdb()
        for worker in workers:
            worker.extensions["engine"].dispose()


def test_account_writes_never_empty_the_page_cache(app, client, mini, users, form):
    """Only content writes make kept pages stale: anyone could otherwise empty the cache with a wrong password."""
    from icsdebate import db

    from .conftest import PASSWORD, csrf_token

    reader = app.test_client()
    page = f"/nodes/{mini['pro-boards']}"
    reader.get(page)

    def still_kept(step: str) -> None:
        assert reader.get(page).headers.get("X-Page-Cache") == "hit", f"the page cache was emptied by {step}"

    with app.app_context():
        version = db.content_version()
    still_kept("nothing")
    refused = client.post(
        "/signin", data={"name": "contributor-user", "password": "not the password", "csrf_token": csrf_token(client)}
    )
    assert refused.status_code == 401
    still_kept("a failed sign-in")
    unknown = client.post(
        "/signin", data={"name": "no-such-user", "password": "not the password", "csrf_token": csrf_token(client)}
    )
    assert unknown.status_code == 401
    still_kept("a sign-in with an unknown name")
    newcomer = app.test_client()
    assert (
        newcomer.post(
            "/signup",
            data={"name": "Newcomer", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf_token(newcomer)},
        ).status_code
        == 302
    )
    still_kept("a sign-up")
    token = sign_in(client, "contributor-user")
    still_kept("a sign-in")
    changed = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": PASSWORD + " again", "confirm": PASSWORD + " again", "csrf_token": token},
    )
    assert changed.status_code == 302
    still_kept("a password change")
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    still_kept("a sign-out")
    with app.app_context():
        assert db.content_version() == version
    token = sign_in(client, "moderator-user")
    assert post_add(client, mini["pro-boards"], form, token).status_code == 302  # a content write
    assert "X-Page-Cache" not in reader.get(page).headers


def test_personal_responses_are_private_and_not_stored(client, mini, users):
    """Signed-in pages, pages with a form token, flashes and cookies say `private, no-store`; anonymous pages
    keep what they had (they may be cached)."""
    anonymous = client.get("/debates/mini")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    assert client.get("/signin").headers["Cache-Control"] == "private, no-store"  # carries a CSRF token
    token = sign_in(client, "contributor-user")
    for path in ("/", "/debates/mini", f"/nodes/{mini['pro-boards']}", "/account/password", "/no-such-page"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path
    signed_out = client.post("/signout", data={"csrf_token": token})  # sets a flash and a cookie
    assert signed_out.headers["Cache-Control"] == "private, no-store"
    flashed = client.get("/")
    assert "You are signed out." in flashed.get_data(as_text=True)
    assert flashed.headers["Cache-Control"] == "private, no-store"
