"""The graph rules: no cycles, no self-links, several parents, every path from the thesis."""

import pytest

from icsdebate import db, graph
from icsdebate.models import Node


def nodes(app, mini, *keys):
    return [db.session().get(Node, mini[key]) for key in keys]


def test_a_link_that_would_make_a_cycle_is_refused(app, mini):
    with app.app_context():
        boards, amendment = nodes(app, mini, "pro-boards", "amendment")
        with pytest.raises(graph.GraphError, match="would make a circle"):
            graph.add_link(db.session(), child=boards, parent=amendment, relation="opposes")


def test_a_thesis_heads_its_debate_and_goes_under_no_point(app, mini):
    with app.app_context():
        thesis, question = nodes(app, mini, "t", "question")
        with pytest.raises(graph.GraphError, match="heads its own debate"):
            graph.add_link(db.session(), child=thesis, parent=question, relation="opposes")


def test_a_node_cannot_be_its_own_parent(app, mini):
    with app.app_context():
        (claim,) = nodes(app, mini, "pro-boards")
        with pytest.raises(graph.GraphError, match="cannot support or oppose itself"):
            graph.add_link(db.session(), child=claim, parent=claim, relation="supports")


def test_a_duplicate_link_and_an_unknown_relation_are_refused(app, mini):
    with app.app_context():
        amendment, boards = nodes(app, mini, "amendment", "pro-boards")
        with pytest.raises(graph.GraphError, match="already linked"):
            graph.add_link(db.session(), child=amendment, parent=boards, relation="supports")
        with pytest.raises(graph.GraphError, match="support, oppose or answer"):
            graph.add_link(db.session(), child=amendment, parent=boards, relation="ignores")


def test_a_node_may_have_several_parents(app, mini):
    with app.app_context():
        session = db.session()
        question, boards = nodes(app, mini, "question", "pro-boards")
        graph.add_link(session, child=question, parent=boards, relation="opposes")
        session.commit()
        paths = graph.ancestor_paths(session, node=question)
        assert sorted([step.id for step in path] for path in paths) == sorted(
            [
                [mini["t"], mini["question"]],
                [mini["t"], mini["pro-boards"], mini["question"]],
            ]
        )
        via_boards = next(path for path in paths if len(path) == 3)
        assert [step.relation for step in via_boards] == [None, "supports", "opposes"]


def test_the_amendment_has_two_paths_from_the_thesis(app, mini):
    with app.app_context():
        (amendment,) = nodes(app, mini, "amendment")
        paths = graph.ancestor_paths(db.session(), node=amendment)
        assert {tuple(step.relation for step in path) for path in paths} == {
            (None, "supports", "opposes"),
            (None, "opposes", "supports"),
        }


def test_sides_follow_the_parity_of_opposition(app, mini):
    with app.app_context():
        session = db.session()
        debate_id = session.get(Node, mini["t"]).debate_id
        sides = graph.sides(session, node_ids=[mini["pro-boards"], mini["con-nhs-bodies"], mini["amendment"]])
        assert sides[(mini["pro-boards"], debate_id)] == "for"
        assert sides[(mini["con-nhs-bodies"], debate_id)] == "against"
        # opposes a pro claim and supports a con claim: against the thesis both ways
        assert sides[(mini["amendment"], debate_id)] == "against"
