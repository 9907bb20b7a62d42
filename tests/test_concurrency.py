"""Several processes add points to the same debate at once: every acknowledged write is stored, and what the
database derives from it stays right."""

import multiprocessing
import threading

import pytest
from sqlalchemy import text
from sqlmodel import select

from icsdebate import db
from icsdebate.models import Link, Node, Revision, User

from .factories import add_reply
from .test_tallies import STALE_ORDER_KEYS

WRITERS, EACH = 4, 15


def _writer(url: str, parent_id: int, user_id: int, number: int, results) -> None:
    from icsdebate import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    stored = []
    with app.app_context():
        for index in range(EACH):
            with db.write_session() as session:
                node = add_reply(
                    session,
                    session.get(Node, parent_id),
                    session.get(User, user_id),
                    f"Writer {number} point {index}",
                    "supports" if index % 2 else "opposes",
                    voice_name=f"W{number}",
                    source_title="S",
                    source_kind="news",
                    locator="",
                )
            stored.append(node.id)
    results.put(stored)


def test_concurrent_writers_lose_nothing(app, mini, users, database_url):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [
        context.Process(target=_writer, args=(database_url, mini["t"], users["contributor"], n, results))
        for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    acknowledged = [node_id for _ in workers for node_id in results.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert len(acknowledged) == WRITERS * EACH
    with app.app_context():
        session = db.session()
        stored = set(session.exec(select(Node.id).where(Node.title.like("Writer %"))).all())
        assert stored == set(acknowledged)
        linked = session.exec(select(Link.child_id).where(Link.parent_id == mini["t"], Link.child_id.in_(stored))).all()
        assert len(linked) == len(stored)
        assert len(session.exec(select(Revision.id).where(Revision.node_id.in_(stored))).all()) == len(stored)


def _stands_and_parent(app) -> tuple[int, int]:
    """A point that stands and a point it is not linked under (nor above), to link it under."""
    with app.app_context():
        session = db.session()
        child = session.exec(select(Node.id).where(Node.standing == "stands", Node.kind != "thesis")).first()
        linked = {child} | set(session.exec(select(Link.parent_id).where(Link.child_id == child)))
        linked |= set(session.exec(select(Link.child_id).where(Link.parent_id == child)))
        parent = session.exec(select(Node.id).where(Node.id.not_in(linked), Node.kind != "thesis")).first()
    return child, parent


@pytest.mark.parametrize("first", ["standing changed", "link made"])
def test_a_link_made_while_its_child_changes_standing_copies_the_committed_standing(app, mini, first):
    """Two transactions at once on PostgreSQL: one changes a point's standing, one links the point under another.
    Whichever goes first, the link's copy of the point's sort keys ends equal to the point's (migration 0025)."""
    engine = app.extensions["engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes the write lock up front: its writers never overlap")
    child, parent = _stands_and_parent(app)
    change = text("UPDATE node SET standing = 'answered' WHERE id = :child")
    link = text(
        "INSERT INTO link (child_id, parent_id, relation, position, created_at) "
        "VALUES (:child, :parent, 'supports', 99, now())"
    )
    statements = [change, link] if first == "standing changed" else [link, change]
    with engine.connect() as one, engine.connect() as two:
        one.execute(statements[0], {"child": child, "parent": parent})
        waiting = threading.Thread(target=lambda: (two.execute(statements[1], {"child": child, "parent": parent}),))
        waiting.start()
        waiting.join(0.5)  # the second statement waits for the first transaction's lock
        one.commit()
        waiting.join()
        two.commit()
    with engine.connect() as connection:
        assert connection.execute(text(STALE_ORDER_KEYS)).all() == []
        rank = connection.execute(
            text("SELECT child_rank FROM link WHERE child_id = :child AND parent_id = :parent"),
            {"child": child, "parent": parent},
        ).scalar_one()
    assert rank == 2  # answered
