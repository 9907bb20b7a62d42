"""Grounded semantics on hand-made graphs: chains, cycles, self-attacks, support that does not attack."""

from sqlmodel import select

from icsdebate import db, edits, seeds
from icsdebate.db import count_queries
from icsdebate.generate import generate, generate_shape
from icsdebate.models import Link, Node, User
from icsdebate.standing import ANSWERED, STANDS, UNDECIDED, grounded

from .conftest import FIXTURES
from .factories import add_reply


def test_an_unopposed_point_stands_and_what_it_opposes_is_answered():
    assert grounded(["a", "b"], [("b", "a")]) == {"a": ANSWERED, "b": STANDS}


def test_a_long_chain_alternates():
    nodes = [str(i) for i in range(9)]
    labels = grounded(nodes, [(str(i + 1), str(i)) for i in range(8)])
    assert [labels[str(i)] for i in range(9)] == [STANDS if (8 - i) % 2 == 0 else ANSWERED for i in range(9)]


def test_a_reinstated_point_stands_again():
    # c answers b, so a (opposed only by b) stands
    assert grounded(["a", "b", "c"], [("b", "a"), ("c", "b")]) == {"a": STANDS, "b": ANSWERED, "c": STANDS}


def test_mutual_opposition_is_undecided():
    assert grounded(["a", "b", "x"], [("a", "b"), ("b", "a"), ("a", "x")]) == {
        "a": UNDECIDED,
        "b": UNDECIDED,
        "x": UNDECIDED,
    }


def test_an_odd_cycle_and_a_self_attack_are_undecided():
    assert set(grounded(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")]).values()) == {UNDECIDED}
    assert grounded(["s", "t"], [("s", "s"), ("s", "t")]) == {"s": UNDECIDED, "t": UNDECIDED}


def test_one_standing_opponent_is_enough_to_answer():
    labels = grounded(["a", "b", "c", "d"], [("b", "a"), ("c", "a"), ("d", "b")])
    assert labels == {"a": ANSWERED, "b": ANSWERED, "c": STANDS, "d": STANDS}


def test_a_standing_point_defends_against_a_cycle():
    labels = grounded(["a", "b", "c", "d"], [("b", "c"), ("c", "b"), ("d", "c"), ("c", "a")])
    assert labels == {"a": STANDS, "b": STANDS, "c": ANSWERED, "d": STANDS}


def stored_agrees_with_the_whole_map(session) -> bool:
    """Every active point's stored standing is what labelling the whole map gives."""
    nodes = dict(session.exec(select(Node.id, Node.standing).where(Node.status == "active")).all())
    attacks = [
        (child, parent)
        for child, parent in session.exec(select(Link.child_id, Link.parent_id).where(Link.relation == "opposes")).all()
        if child in nodes and parent in nodes
    ]
    assert nodes == grounded(list(nodes), attacks)
    return True


def test_stored_standing_follows_every_kind_of_write(app, mini, users):
    with app.app_context(), db.write_session() as session:
        debate = generate(session, nodes=400, seed=11, slug="standing")
    with app.app_context():
        session = db.session()
        assert stored_agrees_with_the_whole_map(session)
        assert set(session.exec(select(Node.standing).where(Node.debate_id == debate.id)).all()) == {STANDS, ANSWERED}
    with app.app_context(), db.write_session() as session:
        author = session.get(User, users["moderator"])
        nodes = {node.key: node for node in session.exec(select(Node).where(Node.key.is_not(None)))}
        _thesis, boards = nodes["t"], nodes["pro-boards"]
        assert boards.standing == ANSWERED  # the amendment opposes it and stands
        rebuttal = add_reply(
            session, nodes["amendment"], author, "The amendment was never passed", quote="it was never passed"
        )
        assert (rebuttal.standing, nodes["amendment"].standing, boards.standing) == (STANDS, ANSWERED, STANDS)
        assert stored_agrees_with_the_whole_map(session)
        edits.set_status(session, node=rebuttal, status="archived", author=author)
        assert boards.standing == ANSWERED and stored_agrees_with_the_whole_map(session)
        edits.set_status(session, node=rebuttal, status="active", author=author)
        assert boards.standing == STANDS and stored_agrees_with_the_whole_map(session)
        edits.restore_revision(session, node=rebuttal, number=2, author=author)  # the archived version
        assert rebuttal.status == "archived" and boards.standing == ANSWERED
        assert stored_agrees_with_the_whole_map(session)
        edits.link_existing(session, child=nodes["question"], parent=boards, relation="opposes", author=author)
        assert stored_agrees_with_the_whole_map(session)
    with app.app_context(), db.write_session() as session:
        seeds.load(session, seeds.read(FIXTURES / "seeds"))  # seeding again leaves what users added
        assert stored_agrees_with_the_whole_map(session)


def test_only_what_still_stands_is_listed_when_asked(app, client, mini, users):
    html = client.get(f"/nodes/{mini['t']}?still=1").get_data(as_text=True)
    assert "NHS bodies can hold the contracts" in html and "Private companies could sit on ICS boards" not in html
    html = client.get(f"/nodes/{mini['t']}").get_data(as_text=True)
    assert "Private companies could sit on ICS boards" in html and "standing-answered" in html
    column = client.get(f"/nodes/{mini['pro-boards']}?still=1").get_data(as_text=True).split('id="cards-supports"')[1]
    assert "Nothing here yet" in column.split("</section>")[0]  # nothing was ever argued for it
    with app.app_context(), db.write_session() as session:
        add_reply(
            session,
            session.get(Node, mini["amendment"]),
            session.get(User, users["moderator"]),
            "The amendment was never passed",
            quote="it was never passed",
        )
    column = client.get(f"/nodes/{mini['pro-boards']}?still=1").get_data(as_text=True).split('id="cards-opposes"')[1]
    assert "Nothing here still stands: each point has been answered" in column.split("</section>")[0]


def _add_opposing(session, parent: Node, author: User) -> Node:
    return add_reply(session, parent, author, f"An answer to point {parent.id}", quote="an answer")


def _deepest(session, debate) -> Node:
    return session.exec(select(Node).where(Node.debate_id == debate.id).order_by(Node.id.desc())).first()


def test_one_point_at_the_bottom_of_a_deep_chain_flips_it_in_a_few_queries(app, users):
    with app.app_context(), db.write_session() as session:
        debate = generate_shape(session, shape="chain", size=5000)
    with app.app_context(), db.write_session() as session:
        labels = dict(session.exec(select(Node.id, Node.standing).where(Node.debate_id == debate.id)).all())
        assert stored_agrees_with_the_whole_map(session)
        bottom = _deepest(session, debate)
        author = session.get(User, users["moderator"])
        with count_queries(app.extensions["engine"]) as counter:
            answer = _add_opposing(session, bottom, author)
        assert counter[0] <= 20, counter[0]
        flipped = dict(session.exec(select(Node.id, Node.standing).where(Node.debate_id == debate.id)).all())
        assert answer.standing == STANDS and bottom.standing == ANSWERED
        assert all(flipped[node_id] != label for node_id, label in labels.items())  # every point of the chain
        assert stored_agrees_with_the_whole_map(session)
        with count_queries(app.extensions["engine"]) as counter:
            edits.set_status(session, node=answer, status="archived", author=author)
        assert counter[0] <= 20, counter[0]
        assert (
            dict(
                session.exec(
                    select(Node.id, Node.standing).where(Node.debate_id == debate.id, Node.id != answer.id)
                ).all()
            )
            == labels
        )


def test_writes_on_a_wide_fan_and_on_many_paths_keep_standing_right(app, users):
    with app.app_context(), db.write_session() as session:
        fan = generate_shape(session, shape="fan", size=3000)
        paths = generate_shape(session, shape="paths", size=21)
    with app.app_context(), db.write_session() as session:
        author = session.get(User, users["moderator"])
        assert stored_agrees_with_the_whole_map(session)
        hub = session.exec(
            select(Node).where(Node.debate_id == fan.id, Node.kind != "thesis").order_by(Node.id)
        ).first()
        assert hub.standing == ANSWERED  # half its replies oppose it, and they stand
        reply = _deepest(session, fan)
        with count_queries(app.extensions["engine"]) as counter:
            _add_opposing(session, reply, author)
        assert counter[0] <= 20, counter[0]
        assert stored_agrees_with_the_whole_map(session)
        for target in (hub, _deepest(session, paths)):
            with count_queries(app.extensions["engine"]) as counter:
                _add_opposing(session, target, author)
            assert counter[0] <= 20, counter[0]
            assert stored_agrees_with_the_whole_map(session)
        deep = _deepest(session, paths)
        middle = session.exec(
            select(Node).where(Node.debate_id == paths.id, Node.kind != "thesis").order_by(Node.id).offset(20)
        ).first()
        edits.link_existing(session, child=_deepest(session, fan), parent=middle, relation="opposes", author=author)
        assert stored_agrees_with_the_whole_map(session)
        edits.set_status(session, node=deep, status="archived", author=author)
        assert stored_agrees_with_the_whole_map(session)
