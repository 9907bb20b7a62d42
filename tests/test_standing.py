"""Grounded semantics on hand-made graphs: chains, cycles, self-attacks, support that does not attack."""
from icsdebate.standing import ANSWERED, STANDS, UNDECIDED, grounded


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
    assert grounded(["a", "b", "x"], [("a", "b"), ("b", "a"), ("a", "x")]) == {"a": UNDECIDED, "b": UNDECIDED, "x": UNDECIDED}


def test_an_odd_cycle_and_a_self_attack_are_undecided():
    assert set(grounded(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")]).values()) == {UNDECIDED}
    assert grounded(["s", "t"], [("s", "s"), ("s", "t")]) == {"s": UNDECIDED, "t": UNDECIDED}


def test_one_standing_opponent_is_enough_to_answer():
    labels = grounded(["a", "b", "c", "d"], [("b", "a"), ("c", "a"), ("d", "b")])
    assert labels == {"a": ANSWERED, "b": ANSWERED, "c": STANDS, "d": STANDS}


def test_a_standing_point_defends_against_a_cycle():
    labels = grounded(["a", "b", "c", "d"], [("b", "c"), ("c", "b"), ("d", "c"), ("c", "a")])
    assert labels == {"a": STANDS, "b": STANDS, "c": ANSWERED, "d": STANDS}


def test_the_page_query_agrees_with_the_whole_debate(app):
    """Following only the chains of opposition gives the same answer as labelling the whole debate."""
    from sqlmodel import select

    from icsdebate import db, queries
    from icsdebate.generate import generate
    from icsdebate.models import Link, Node

    with app.app_context():
        with db.write_session() as session:
            debate = generate(session, nodes=400, seed=11, slug="standing")
        session = db.session()
        links = session.exec(select(Link.child_id, Link.parent_id, Link.relation)
                             .join(Node, Node.id == Link.child_id).where(Node.debate_id == debate.id)).all()
        nodes = sorted(session.exec(select(Node.id).where(Node.debate_id == debate.id)).all())
        whole = grounded(nodes, [(child, parent) for child, parent, relation in links if relation == "opposes"])
        for parent_id in [debate.thesis_id] + [child for child, parent, _ in links if parent == debate.thesis_id][:5]:
            labels = queries.standing_labels(session, parent_id=parent_id)
            children = [child for child, parent, _ in links if parent == parent_id]
            assert children and {c: labels[c] for c in children} == {c: whole[c] for c in children}
            shown = children[:3]  # what a page shows: the standing of its cards alone
            assert queries.standing_labels(session, node_ids=shown).items() >= {c: whole[c] for c in shown}.items()
        assert set(whole.values()) >= {STANDS, ANSWERED}
