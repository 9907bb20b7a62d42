"""Every long list reads its next page by seeking an index from where the last page ended, never by reading the
list from its start or sorting it (SQLite's query plans; PostgreSQL's are measured by `make bench`)."""

import html
import re

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from icsdebate import db
from icsdebate.db import insert_rows
from icsdebate.generate import generate, generate_shape
from icsdebate.models import Citation, Link, Node, NodeTheme, Revision, utcnow

PAGE_READ = re.compile(r"ORDER BY .* LIMIT", re.S)  # a statement reading a page of a list


@pytest.fixture
def long_lists(app, mini):
    """A debate of 400 points argued by one voice and citing one source, with an edit of each point, and a point
    with 60 supports: every list runs to several pages. Returns the address of the first page of each list."""
    with app.app_context():
        with db.write_session() as session:
            debate = generate(session, nodes=400, seed=7, slug="long", voices=1, sources=1)
            fan = generate_shape(session, shape="fan", size=120, slug="fan")  # a point with 60 supports
            points = session.exec(select(Node.id).where(Node.debate_id == debate.id).order_by(Node.id)).all()
            revision = {"number": 2, "action": "edited", "note": "", "author_id": None, "content": "{}"}
            insert_rows(
                session,
                Revision,
                [{**revision, "node_id": p, "debate_id": debate.id, "created_at": utcnow()} for p in points],
            )
        session = db.session()
        node = session.get(Node, points[-1])
        source_id = session.exec(select(Citation.source_id).where(Citation.node_id == node.id)).first()
        theme_id = session.exec(select(NodeTheme.theme_id).join(Node, Node.id == NodeTheme.node_id)).first()
        hub = session.exec(
            select(Link.parent_id)
            .join(Node, Node.id == Link.parent_id)
            .where(Link.relation == "supports", Node.debate_id == fan.id)
            .group_by(Link.parent_id)
            .order_by(text("count(*) DESC"))
        ).first()
        group = session.exec(text(f"SELECT group_name FROM voice WHERE id = {node.voice_id}")).scalar_one()
    return {
        "voice": f"/voices/{node.voice_id}",
        "source": f"/sources/{source_id}",
        "theme": f"/themes/{theme_id}",
        "group": f"/groups/{group}",
        "timeline": "/timeline",
        "debate timeline": "/debates/long/timeline",
        "changes": "/changes",
        "debate changes": "/debates/long/changes",
        "replies": f"/nodes/{hub}/children/supports",
    }


def _next(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'<a href="([^"]+)"[^>]*rel="next"', page)
    assert found, f"{url} has no next page"
    return html.unescape(found.group(1))


def _vm_steps(app, client, url: str) -> tuple[int, str]:
    """The SQLite virtual-machine instructions (in hundreds) the statements of one request run, and the page:
    the work of reading a page, which does not vary with the machine as a time does."""
    engine = app.extensions["engine"]
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    def watch(connection, _cursor, _statement, _parameters, _context, _many) -> None:
        connection.connection.driver_connection.set_progress_handler(count, 100)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        response = client.get(url)
        assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    return steps[0], response.get_data(as_text=True)


@pytest.mark.parametrize(
    "name", ["voice", "source", "theme", "group", "timeline", "debate timeline", "changes", "debate changes", "replies"]
)
def test_a_page_deep_in_a_list_does_no_more_work_than_page_2(app, client, long_lists, name):
    if app.extensions["engine"].dialect.name != "sqlite":
        pytest.skip("the work counted is SQLite's")
    address, work = _next(client, long_lists[name]), []
    while address:  # follow the links to the last page, each page read once (no page is cached yet)
        steps, page = _vm_steps(app, client, address)
        work.append(steps)
        found = re.search(r'<a href="([^"]+)"[^>]*rel="next"', page)
        address = html.unescape(found.group(1)) if found else None
    assert len(work) >= 3, name
    # the last full page (the last may be short) against page 2
    assert work[-2] <= 1.5 * work[0] + 2, (name, work)


@pytest.mark.parametrize(
    "name", ["voice", "source", "theme", "group", "timeline", "debate timeline", "changes", "debate changes", "replies"]
)
def test_the_next_page_of_each_list_is_a_seek_in_an_index(app, client, long_lists, name):
    engine = app.extensions["engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("the plans checked are SQLite's")
    url = _next(client, long_lists[name])
    seen = []

    def keep(_connection, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    seeks = [(statement, parameters) for statement, parameters in seen if PAGE_READ.search(statement)]
    assert seeks, f"the next page of {name} was not read by key"
    with engine.connect() as connection:
        for statement, parameters in seeks:
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert not [step for step in plan if step.startswith("SCAN") or "TEMP B-TREE" in step], (name, plan)


def _follow(client, url: str, rel: str) -> list[tuple[str, list[str]]]:
    """From `url`, each page reached by the links marked `rel` ('next' or 'prev'), with the points it links to,
    in the order visited."""
    pages = []
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append((url, re.findall(r'href="/nodes/(\d+)"', page)))
        found = re.search(rf'<a [^>]*href="([^"]+)"[^>]*rel="{rel}"|<a [^>]*rel="{rel}"[^>]*href="([^"]+)"', page)
        url = html.unescape(found.group(1) or found.group(2)) if found else None
    return pages


@pytest.mark.parametrize(
    "name", ["voice", "source", "theme", "group", "timeline", "debate timeline", "changes", "debate changes", "replies"]
)
def test_the_pages_of_each_list_are_the_same_read_forwards_and_back(client, long_lists, name):
    forwards = _follow(client, long_lists[name], "next")
    assert len(forwards) >= 3, name
    backwards = _follow(client, forwards[-1][0], "prev")
    assert [points for _url, points in reversed(backwards)] == [points for _url, points in forwards], name


@pytest.mark.parametrize(
    "key",
    [
        "2024-01-01~5",  # a moment without its UTC offset
        "0001-01-01T00:00:00%2B05:00~5",  # before the first moment UTC can hold
        "9999-12-31T23:00:00-05:00~5",  # after the last
        "2024-01-01T00:00:00%2B00:00",  # a part missing
        "nonsense~5",
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_crafted_key_for_recent_changes_is_refused_with_a_400(client, mini, key, direction):
    for url in (f"/changes?{direction}={key}&page=3", f"/debates/mini/changes?{direction}={key}&page=3"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "not a place in this list" in response.get_data(as_text=True)


def test_a_keyed_page_past_the_end_says_so_and_claims_no_rows(client, long_lists):
    for url, wrong in [
        ("/changes?after=2000-01-01T00:00:00%2B00:00~1&page=9", "No changes yet"),
        ("/timeline?after=9999~1~1&page=5", "No dated points yet"),
    ]:
        page = client.get(url).get_data(as_text=True)
        assert "Nothing on this page" in page and wrong not in page, url
    voice = client.get(f"{long_lists['voice']}?after=999999~1&page=4").get_data(as_text=True)
    assert not re.search(r"Points [\d,]+–[\d,]+", voice)  # no range of rows that are not there


def test_previous_from_page_2_of_replies_opens_the_first_page_as_it_now_stands(client, long_lists):
    second = _follow(client, long_lists["replies"], "next")[1][0]
    page = client.get(second).get_data(as_text=True)
    back = html.unescape(re.search(r'<a rel="prev" href="([^"]+)"', page).group(1))
    assert "before=" not in back  # read from the start, so a reply made strongest since is not skipped
