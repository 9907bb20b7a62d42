"""Several processes add points to the same debate at once: every acknowledged write is stored."""

import multiprocessing

from sqlmodel import select

from icsdebate import db
from icsdebate.models import Link, Node, Revision, User

from .factories import add_reply

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
