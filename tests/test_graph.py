"""The graph rules: no cycles, no self-links, several parents; the paths above a point, a bounded walk."""

import re

import pytest
from sqlmodel import select

from icsdebate import db, graph
from icsdebate.generate import generate_shape
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
        with db.write_session() as session:
            question, boards = session.get(Node, mini["question"]), session.get(Node, mini["pro-boards"])
            graph.add_link(session, child=question, parent=boards, relation="opposes")
        paths, complete = graph.ancestor_paths(db.session(), node=question)
        assert complete
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
        paths, complete = graph.ancestor_paths(db.session(), node=amendment)
        assert complete
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


def _shape(app, shape: str, size: int) -> list[int]:
    """generate_shape's debate: its node ids in order of depth (the thesis first)."""
    with app.app_context(), db.write_session() as session:
        debate = generate_shape(session, shape=shape, size=size, slug=f"{shape}-{size}")
        return list(session.exec(select(Node.id).where(Node.debate_id == debate.id).order_by(Node.id)).all())


@pytest.mark.parametrize("depth", [graph.LEVELS, graph.LEVELS + 1, 3_000])
def test_a_point_reads_at_most_levels_points_above_it_whatever_its_depth(app, depth):
    ids = _shape(app, "chain", depth)
    with app.app_context():
        session = db.session()
        node = session.get(Node, ids[-1])
        with db.count_queries(db.engine()) as queries:
            (path,), complete = graph.ancestor_paths(session, node=node)
        assert queries[0] == 1
        # the whole path, thesis first, when it is LEVELS deep; past that the nearest LEVELS points, and cut
        assert [step.id for step in path] == ids[-graph.LEVELS - 1 :]
        assert path.cut is (depth > graph.LEVELS) and complete is (depth <= graph.LEVELS)


def test_a_deep_point_shows_the_debate_a_gap_and_the_points_just_above(app, client):
    ids = _shape(app, "chain", graph.LEVELS + 5)
    page = client.get(f"/nodes/{ids[-1]}").get_data(as_text=True)
    crumbs = page[page.index('class="crumbs"') : page.index("</nav>", page.index('class="crumbs"'))]
    assert "more points above" in crumbs and "/debates/" not in crumbs  # the hidden part may lead anywhere
    shown = [int(found) for found in re.findall(r'href="/nodes/(\d+)"', crumbs)]
    assert shown == ids[-9:-1]  # the eight points just above, top first
    # one path shown, cut: no count of places is claimed, and the page says other paths may sit further up
    assert "appears in" not in crumbs and f"more than {graph.LEVELS} points deep" in crumbs
    assert "more than" not in client.get(f"/nodes/{ids[graph.LEVELS]}").get_data(as_text=True)


def test_a_path_from_another_debate_links_to_its_own_thesis(app, client):
    ids, other = _shape(app, "chain", 3), _shape(app, "fan", 2)
    with app.app_context(), db.write_session() as session:
        graph.add_link(
            session, child=session.get(Node, ids[2]), parent=session.get(Node, other[0]), relation="supports"
        )
    page = client.get(f"/nodes/{ids[2]}").get_data(as_text=True)
    crumbs = page[page.index('class="crumbs"') : page.index("</nav>", page.index('class="crumbs"'))]
    assert "This point appears in 2 places" in crumbs
    assert 'href="/debates/chain-3"' in crumbs and f'href="/nodes/{other[0]}"' in crumbs  # each top where it is


def test_a_point_with_more_paths_than_are_shown_says_at_least(client, app):
    ids = _shape(app, "paths", 5)  # the last layer reaches the thesis along 2^4 = 16 paths
    page = client.get(f"/nodes/{ids[-1]}").get_data(as_text=True)
    assert f"This point appears in at least {graph.MAX_PATHS} places" in page
    ids = _shape(app, "paths", 3)  # 4 paths, all shown
    page = client.get(f"/nodes/{ids[-1]}").get_data(as_text=True)
    assert "This point appears in 4 places" in page
