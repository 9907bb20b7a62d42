"""Strongest first, one rule: stands before answered, then the support beneath; stored and kept by every write."""

import json
import re

from sqlmodel import select

from icsdebate import db, edits, seeds
from icsdebate.formats import summary
from icsdebate.generate import generate
from icsdebate.models import Link, Node, User
from icsdebate.strength import support_weights

from .conftest import FIXTURES
from .factories import add_reply


def stored_agrees_with_the_whole_map(session) -> bool:
    """Every point's stored support is what the briefing's rule gives over the whole map."""
    active = set(session.exec(select(Node.id).where(Node.status == "active")).all())
    stored = dict(session.exec(select(Node.id, Node.support)).all())
    children: dict[int, list[tuple[int, str]]] = {}
    for child, parent, relation in session.exec(select(Link.child_id, Link.parent_id, Link.relation)).all():
        if child in active:
            children.setdefault(parent, []).append((child, relation))
    assert stored == support_weights(children, list(stored))
    return True


def test_support_counts_each_chain_of_supporting_points():
    children = {
        "t": [("a", "supports"), ("b", "opposes")],
        "a": [("c", "supports"), ("d", "opposes")],
        "b": [("c", "supports")],
        "c": [("e", "supports")],
    }
    assert support_weights(children, ["t", "a", "b", "c", "d", "e"]) == {"t": 3, "a": 2, "b": 2, "c": 1, "d": 0, "e": 0}
    chain = {n: [(n + 1, "supports")] for n in range(20_000)}  # deep: no recursion limit
    assert support_weights(chain, [0])[0] == 20_000


def _titles(column: str) -> list[str]:
    return re.findall(r'class="card-title"><a [^>]*>([^<]+)</a>', column)


def test_columns_put_what_stands_first_in_the_briefings_order(app, client, mini):
    html = client.get("/debates/mini").get_data(as_text=True)
    pros = html.split('id="cards-supports"')[1].split("</section>")[0]
    # the question stands; the boards claim is answered by the amendment, though it was filed first
    assert _titles(pros) == ["Will care stay free at the point of use?", "Private companies could sit on ICS boards"]
    briefing = summary.build(json.loads(client.get("/debates/mini/export/json").get_data(as_text=True)))
    assert [p.node["title"] for p in briefing.case_for] == _titles(pros)
    cons = html.split('id="cards-opposes"')[1].split("</section>")[0]
    assert [p.node["title"] for p in briefing.case_against] == _titles(cons)


def test_stored_support_follows_every_kind_of_write(app, mini, users):
    with app.app_context(), db.write_session() as session:
        generate(session, nodes=300, seed=5, slug="strength")
    with app.app_context():
        assert stored_agrees_with_the_whole_map(db.session())
    with app.app_context(), db.write_session() as session:
        author = session.get(User, users["moderator"])
        nodes = {node.key: node for node in session.exec(select(Node).where(Node.key.is_not(None)))}
        bodies = nodes["con-nhs-bodies"]
        before = bodies.support
        backing = add_reply(
            session,
            bodies,
            author,
            "Trusts already hold most contracts",
            "supports",
            quote="trusts hold most contracts",
        )
        assert bodies.support == before + 1 and stored_agrees_with_the_whole_map(session)
        edits.set_status(session, node=backing, status="archived", author=author)
        assert bodies.support == before and stored_agrees_with_the_whole_map(session)
        edits.set_status(session, node=backing, status="active", author=author)
        edits.link_existing(session, child=bodies, parent=nodes["question"], relation="supports", author=author)
        assert nodes["question"].support == bodies.support + 1 and stored_agrees_with_the_whole_map(session)
        edits.restore_revision(session, node=backing, number=2, author=author)  # the archived version
        assert stored_agrees_with_the_whole_map(session)
    with app.app_context(), db.write_session() as session:
        seeds.load(session, seeds.read(FIXTURES / "seeds"))
        assert stored_agrees_with_the_whole_map(session)


def test_support_beneath_spreads_up_many_paths_in_a_few_queries(app, users):
    from icsdebate.db import count_queries
    from icsdebate.generate import generate_shape

    with app.app_context(), db.write_session() as session:
        paths = generate_shape(session, shape="paths", size=21)
        fan = generate_shape(session, shape="fan", size=2000)
    with app.app_context(), db.write_session() as session:
        assert stored_agrees_with_the_whole_map(session)
        author = session.get(User, users["moderator"])
        for debate in (paths, fan):
            deepest = session.exec(
                select(Node)
                .join(Link, Link.child_id == Node.id)  # at the end of supports
                .where(Node.debate_id == debate.id, Link.relation == "supports")
                .order_by(Node.id.desc())
            ).first()
            with count_queries(app.extensions["engine"]) as counter:
                added = add_reply(session, deepest, author, "More support", "supports", quote="more support")
            assert counter[0] <= 20, counter[0]
            assert stored_agrees_with_the_whole_map(session)
            with count_queries(app.extensions["engine"]) as counter:
                edits.set_status(session, node=added, status="archived", author=author)
            assert counter[0] <= 20, counter[0]
            assert stored_agrees_with_the_whole_map(session)
