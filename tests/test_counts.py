"""Counts that add up: each point counts once per debate, by the side of the thesis it argues and by its kind,
kept through every kind of write; the voices on each side are counted too."""

import re
from collections import defaultdict

from sqlalchemy import text
from sqlmodel import select

from icsdebate import db, edits, seeds
from icsdebate.generate import generate
from icsdebate.models import Debate, Link, Node, User
from icsdebate.schemas import NodeUpdate

from .conftest import FIXTURES
from .factories import add_reply, tally_voices


def expected_sides(session) -> dict[tuple[int, int], tuple[str, str, int | None]]:
    """(point, debate) -> (side, kind, voice), worked out afresh by walking every path up from each point."""
    nodes = {n.id: n for n in session.exec(select(Node).where(Node.status == "active"))}
    theses = {d.thesis_id: d.id for d in session.exec(select(Debate))}
    up = defaultdict(list)
    for link in session.exec(select(Link)):
        if link.child_id in nodes and link.parent_id in nodes:
            up[link.child_id].append((link.parent_id, link.relation == "opposes"))
    result = {}
    for node_id, node in nodes.items():
        parities = defaultdict(set)
        stack = [(node_id, 0)]
        while stack:
            current, parity = stack.pop()
            if current in theses:
                parities[theses[current]].add(parity)
            stack.extend((parent, (parity + flip) % 2) for parent, flip in up[current])
        for debate_id, found in parities.items():
            side = (
                "thesis"
                if theses.get(node_id) == debate_id
                else {frozenset({0}): "for", frozenset({1}): "against"}.get(frozenset(found), "both")
            )
            result[(node_id, debate_id)] = (side, node.kind, node.voice_id)
    return result


def sides_agree(session) -> bool:
    stored = {
        (n, d): (s, k, v)
        for n, d, s, k, v in session.exec(text("SELECT node_id, debate_id, side, kind, voice_id FROM nodeside")).all()
    }
    assert stored == expected_sides(session)
    counted = defaultdict(int)
    for (_, debate_id), (side, kind, _voice_id) in stored.items():
        counted[(debate_id, side, kind)] += 1
    voices = tally_voices({key: (side, voice_id) for key, (side, _kind, voice_id) in stored.items()})
    tally = {
        (d, s, k): n
        for d, s, k, n in session.exec(text("SELECT debate_id, side, kind, n FROM sidekindtally WHERE n <> 0"))
    }
    assert tally == dict(counted)
    tally = {
        (d, s, v): n
        for d, s, v, n in session.exec(text("SELECT debate_id, side, voice_id, n FROM sidevoicetally WHERE n <> 0"))
    }
    assert tally == dict(voices)
    return True


def test_sides_and_their_tallies_follow_every_kind_of_write(app, mini, users):
    with app.app_context(), db.write_session() as session:
        generate(session, nodes=250, seed=9, slug="sides")
        assert sides_agree(session)
        author = session.get(User, users["moderator"])
        nodes = {node.key: node for node in session.exec(select(Node).where(Node.key.is_not(None)))}
        # opposing the amendment (which opposes a point for the thesis) argues for the thesis
        rebuttal = add_reply(session, nodes["amendment"], author, "The amendment changes nothing", "opposes")
        assert sides_agree(session)
        edits.link_existing(session, child=rebuttal, parent=nodes["t"], relation="opposes", author=author)
        side = session.exec(text(f"SELECT side FROM nodeside WHERE node_id = {rebuttal.id}")).one()[0]
        assert side == "both" and sides_agree(session)
        edits.set_status(session, node=nodes["amendment"], status="archived", author=author)
        assert sides_agree(session)  # the rebuttal now reaches the thesis only by the link against it
        edits.set_status(session, node=nodes["amendment"], status="active", author=author)
        assert sides_agree(session)
        edits.update_node(
            session,
            node=rebuttal,
            author=author,
            data=NodeUpdate(kind="evidence", title=rebuttal.title, voice=str(nodes["t"].voice_id)),
        )
        assert sides_agree(session)
        edits.restore_revision(session, node=rebuttal, number=1, author=author)
        assert sides_agree(session)
    with app.app_context(), db.write_session() as session:
        seeds.load(session, seeds.read(FIXTURES / "seeds"))
        assert sides_agree(session)


def page_counts(html: str) -> tuple[int, int, int, int, list[int]]:
    line = re.search(r'class="counts-line"><span class="total">(\d+) points?</span>:(.*?)</p>', html, re.S)
    total, rest = int(line.group(1)), line.group(2)
    parts = [
        int(re.search(rf"(\d+) {label}", rest).group(1)) if re.search(rf"(\d+) {label}", rest) else 0
        for label in ("for the thesis", "against it", "on both sides")
    ]
    kinds = re.search(r'class="kinds-line">Of these \d+ points?,(.*?)</p>', html, re.S).group(1)
    return (total, *parts, [int(n) for n in re.findall(r"(\d+) [a-z]", kinds)])


def test_counts_add_up_and_a_point_under_two_parents_counts_once(app, client, mini, users):
    before = page_counts(client.get("/debates/mini").get_data(as_text=True))
    total, pros, cons, both, kinds = before
    assert total == pros + cons + both == sum(kinds) == 4  # four points besides the thesis
    html = client.get("/").get_data(as_text=True)
    assert page_counts(html) == before
    assert "1 question asked" in html and "1 questions" not in html
    with app.app_context(), db.write_session() as session:
        author = session.get(User, users["moderator"])
        # the question (for the thesis) also supports the point against it: one point, on both sides
        edits.link_existing(
            session,
            child=session.get(Node, mini["question"]),
            parent=session.get(Node, mini["con-nhs-bodies"]),
            relation="supports",
            author=author,
        )
    after = page_counts(client.get("/debates/mini").get_data(as_text=True))
    assert after[0] == total and after[0] == sum(after[1:4]) == sum(after[4]) and after[3] == both + 1
    assert "What do these numbers count?" in client.get("/debates/mini").get_data(as_text=True)
