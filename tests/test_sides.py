"""Each point's stored side of its thesis, and the who-argued-what tallies, follow every kind of write."""

from collections import Counter

from sqlalchemy import text
from sqlmodel import select

from icsdebate import db, edits, graph, seeds, sides
from icsdebate.generate import generate, generate_shape
from icsdebate.models import Node, User
from icsdebate.queries import catalogue

from .conftest import FIXTURES
from .factories import add_reply, tally_voices


def agrees(session) -> bool:
    """Stored sides are what walking every path up to the thesis gives, and the matrix counts them."""
    nodes = session.exec(select(Node.id, Node.debate_id, Node.side, Node.kind, Node.status, Node.voice_id)).all()
    walked = graph.sides(session, node_ids=[n.id for n in nodes])
    assert {n.id: graph.SIDE_OF[n.side] for n in nodes if n.kind != "thesis"} == {
        n.id: walked.get((n.id, n.debate_id), "both") for n in nodes if n.kind != "thesis"
    }
    # the matrix counts each point once, in its own debate, on its side there: as the voice and group pages
    # its cells lead to list it
    expected = tally_voices(
        {
            (n.id, n.debate_id): (graph.SIDE_OF[n.side], n.voice_id)
            for n in nodes
            if n.status == "active" and n.kind != "thesis"
        }
    )
    _debates, groups = catalogue.voice_matrix(session)
    counted = Counter(
        {
            (debate_id, side, row.voice.id): count
            for group in groups
            for row in group.voices
            for debate_id, cell in row.cells.items()
            for side, count in cell.sides.items()
            if count
        }
    )
    assert counted == expected
    return True


def _add(session, parent, author, relation="opposes"):
    return add_reply(session, parent, author, f"A reply to point {parent.id}", relation, quote="a reply")


def test_sides_and_the_matrix_follow_every_kind_of_write(app, mini, users):
    with app.app_context(), db.write_session() as session:
        generate(session, nodes=300, seed=5, slug="sides")
        paths = generate_shape(session, shape="paths", size=8)
    with app.app_context(), db.write_session() as session:
        assert agrees(session)
        author = session.get(User, users["moderator"])
        nodes = {node.key: node for node in session.exec(select(Node).where(Node.key.is_not(None)))}
        added = _add(session, nodes["pro-boards"], author)
        assert graph.SIDE_OF[added.side] == "against" and agrees(session)
        deep = session.exec(select(Node).where(Node.debate_id == paths.id).order_by(Node.id.desc())).first()
        assert graph.SIDE_OF[deep.side] == "both"
        below = _add(session, added, author, "supports")
        # a point that argued against the thesis now also sits under one that argues for it: both sides
        edits.link_existing(session, child=added, parent=nodes["amendment"], relation="opposes", author=author)
        assert graph.SIDE_OF[added.side] == graph.SIDE_OF[below.side] == "both" and agrees(session)
        edits.set_status(session, node=below, status="archived", author=author)
        assert agrees(session)
        edits.restore_revision(session, node=below, number=1, author=author)
        assert agrees(session)
        # linked under a point of another debate too: still counted once, in its own debate
        edits.link_existing(session, child=below, parent=deep, relation="supports", author=author)
        assert agrees(session)
    with app.app_context(), db.write_session() as session:
        seeds.load(session, seeds.read(FIXTURES / "seeds"))
        assert agrees(session)


def test_a_bulk_refresh_stores_the_sides_every_write_keeps(app, mini, users):
    """After a bulk load the sides are worked out by set-based statements (sides.refresh_all); they must be the
    rows the per-write walk keeps, across debates and archived points, and mend rows that went wrong."""
    with app.app_context(), db.write_session() as session:
        generate(session, nodes=300, seed=5, slug="sides")
        paths = generate_shape(session, shape="paths", size=8)
        author = session.get(User, users["moderator"])
        nodes = {node.key: node for node in session.exec(select(Node).where(Node.key.is_not(None)))}
        deep = session.exec(select(Node).where(Node.debate_id == paths.id).order_by(Node.id.desc())).first()
        edits.link_existing(session, child=nodes["pro-boards"], parent=deep, relation="opposes", author=author)
        edits.set_status(session, node=nodes["amendment"], status="archived", author=author)
    read = text("SELECT node_id, debate_id, side, kind, voice_id FROM nodeside ORDER BY node_id, debate_id")
    with app.app_context(), db.write_session() as session:
        kept = session.exec(read).all()
        assert len({debate for _node, debate, *_ in kept}) >= 3 and {row[2] for row in kept} >= {"for", "against"}
        session.exec(text("DELETE FROM nodeside WHERE node_id % 3 = 0"))
        session.exec(text("UPDATE nodeside SET side = 'both' WHERE node_id % 3 = 1 AND side <> 'thesis'"))
        session.exec(
            text(
                "INSERT INTO nodeside (node_id, debate_id, side, kind, voice_id) "
                "SELECT :node, :debate, 'for', kind, NULL FROM node WHERE id = :node"
            ),
            params={"node": nodes["amendment"].id, "debate": nodes["amendment"].debate_id},
        )
        sides.refresh_all(session)
        assert session.exec(read).all() == kept
        assert agrees(session)
