"""The graph rules: no cycles, no self-links, several parents, every path from the thesis."""

import pytest

from icsdebate import db, graph
from icsdebate.models import Node


def nodes(app, mini, *keys):
    return [db.session().get(Node, mini[key]) for key in keys]


def refused(app, mini, child: str, parent: str, relation: str, message: str) -> None:
    """Linking the mini map's point `child` under `parent` raises a GraphError that says `message`."""
    with app.app_context():
        child_node, parent_node = nodes(app, mini, child, parent)
        with pytest.raises(graph.GraphError, match=message):
            graph.add_link(db.session(), child=child_node, parent=parent_node, relation=relation)


def test_a_link_that_would_make_a_cycle_is_refused(app, mini):
    refused(app, mini, "pro-boards", "amendment", "opposes", "would make a circle")


def test_a_thesis_heads_its_debate_and_goes_under_no_point(app, mini):
    refused(app, mini, "t", "question", "opposes", "heads its own debate")


def test_a_node_cannot_be_its_own_parent(app, mini):
    refused(app, mini, "pro-boards", "pro-boards", "supports", "cannot support or oppose itself")


def test_a_duplicate_link_and_an_unknown_relation_are_refused(app, mini):
    refused(app, mini, "amendment", "pro-boards", "supports", "already linked")
    refused(app, mini, "amendment", "pro-boards", "ignores", "support, oppose or answer")


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
