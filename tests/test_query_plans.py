"""Every long list reads its next page by seeking an index from where the last page ended, never by reading the
list from its start or sorting it (SQLite's query plans; PostgreSQL's are measured by `make bench`)."""

import html
import re

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from icsdebate import db
from icsdebate.db import insert_rows
from icsdebate.generate import generate
from icsdebate.models import Citation, Link, Node, NodeTheme, Revision, utcnow

ROW_COMPARISON = re.compile(r"\) [<>] \(")  # the seek: (key, ...) > (?, ...)


@pytest.fixture
def long_lists(app, mini):
    """A debate of 400 points argued by one voice and citing one source, with an edit of each point: every list
    runs to several pages. Returns the address of the first page of each list."""
    with app.app_context():
        with db.write_session() as session:
            debate = generate(session, nodes=400, seed=7, slug="long", voices=1, sources=1)
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
            .where(Link.relation == "supports", Node.debate_id == debate.id)
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
    seeks = [(statement, parameters) for statement, parameters in seen if ROW_COMPARISON.search(statement)]
    assert seeks, f"the next page of {name} was not read by key"
    with engine.connect() as connection:
        for statement, parameters in seeks:
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert not [step for step in plan if step.startswith("SCAN") or "TEMP B-TREE" in step], (name, plan)
