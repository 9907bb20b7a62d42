"""The debate tallies that the home page reads stay equal to counting the nodes, and each link's copy of its
child's sort keys equal to the child's, through every kind of write."""

import re

from sqlalchemy import text

from icsdebate import db, search, seeds
from icsdebate.generate import generate

from .conftest import FIXTURES, sign_in
from .factories import add_one

COUNTED = {
    "kindtally": "SELECT debate_id, kind, count(*) FROM node WHERE status = 'active' GROUP BY debate_id, kind",
    "voicetally": "SELECT debate_id, voice_id, count(*) FROM node WHERE status = 'active' AND voice_id IS NOT NULL "
    "GROUP BY debate_id, voice_id",
    "relationtally": "SELECT node.debate_id, link.relation, count(*) FROM link JOIN node ON node.id = link.child_id "
    "WHERE node.status = 'active' GROUP BY node.debate_id, link.relation",
    "childtally": "SELECT link.parent_id, link.relation, count(*) FROM link JOIN node ON node.id = link.child_id "
    "WHERE node.status = 'active' GROUP BY link.parent_id, link.relation",
    "quotetally": "SELECT source_id, found_in_copy, count(*) FROM citation WHERE found_in_copy IS NOT NULL "
    "GROUP BY source_id, found_in_copy",
    "sourcetally": "SELECT citation.source_id, count(*) FROM citation JOIN node ON node.id = citation.node_id "
    "WHERE node.status = 'active' GROUP BY citation.source_id",
}
COLUMNS = {
    "kindtally": "debate_id, kind",
    "voicetally": "debate_id, voice_id",
    "relationtally": "debate_id, relation",
    "childtally": "node_id, relation",
    "quotetally": "source_id, found_in_copy",
    "sourcetally": "source_id",
}


# links whose copy of the child's standing rank and support (0025) differs from the child's (strength.order_key)
STALE_ORDER_KEYS = (
    "SELECT link.id FROM link JOIN node ON node.id = link.child_id WHERE link.child_less_support <> -node.support "
    "OR link.child_rank <> CASE node.standing WHEN 'stands' THEN 0 WHEN 'undecided' THEN 1 "
    "WHEN 'answered' THEN 2 ELSE 3 END"
)


def tallies_match(app) -> bool:
    """Each tally (ignoring rows that went back to zero) equals a fresh count."""
    with app.app_context():
        session = db.session()
        for table, count in COUNTED.items():
            stored = set(session.exec(text(f"SELECT {COLUMNS[table]}, n FROM {table} WHERE n <> 0")).all())
            assert stored == set(session.exec(text(count)).all()), table
        stale = session.exec(text(STALE_ORDER_KEYS)).all()
        assert stale == [], "links whose copy of their child's sort keys is stale"
    return True


def home_counts(client) -> tuple[int, ...]:
    """(for, against, on both sides, evidence, points) of the first debate on the home page."""
    html = client.get("/").get_data(as_text=True)
    line = re.search(
        r'<span class="total">(\d+) points?</span>(.*?)</p>\s*<p class="kinds-line">Of these \d+ points?,(.*?)</p>',
        html,
        re.S,
    )
    found = [
        re.search(rf"(\d+) {what}", text)
        for text, what in (
            (line.group(2), "for the thesis"),
            (line.group(2), "against it"),
            (line.group(2), "on both sides"),
            (line.group(3), "pieces? of evidence"),
        )
    ]
    return (*(int(f.group(1)) if f else 0 for f in found), int(line.group(1)))


def test_seeded_map_is_tallied(app, client, mini):
    assert tallies_match(app)
    with app.app_context():
        active = db.session().exec(text("SELECT count(*) FROM node WHERE status = 'active'")).one()[0]
    assert home_counts(client)[4] == active - 1  # the thesis is not one of its own points


def test_adding_archiving_restoring_and_linking_keep_the_tallies(app, client, mini, users, form):
    pros, cons, both, evidence, points = home_counts(client)
    token = sign_in(client, "moderator-user")
    node_id = add_one(client, mini, form, token)  # a claim opposing a point for the thesis
    assert home_counts(client) == (pros, cons + 1, both, evidence, points + 1) and tallies_match(app)

    edited = {**form, "kind": "evidence", "note": "It is evidence", "csrf_token": token}
    assert client.post(f"/nodes/{node_id}/edit", data=edited).status_code == 302
    assert home_counts(client) == (pros, cons + 1, both, evidence + 1, points + 1) and tallies_match(app)

    # the question, for the thesis, now also supports a point against it: still one point, on both sides
    assert (
        client.post(
            f"/nodes/{node_id}/link", data={"child": mini["question"], "relation": "supports", "csrf_token": token}
        ).status_code
        == 302
    )
    assert home_counts(client) == (pros - 1, cons + 1, both + 1, evidence + 1, points + 1) and tallies_match(app)

    assert client.post(f"/nodes/{node_id}/archive", data={"csrf_token": token}).status_code == 302
    assert home_counts(client) == (pros, cons, both, evidence, points) and tallies_match(app)

    assert client.post(f"/nodes/{node_id}/unarchive", data={"csrf_token": token}).status_code == 302
    assert home_counts(client) == (pros - 1, cons + 1, both + 1, evidence + 1, points + 1) and tallies_match(app)


def test_reseeding_and_bulk_generation_keep_the_tallies(app, mini):
    with app.app_context(), db.write_session() as session:
        seeds.load(session, seeds.read(FIXTURES / "seeds"))
        generate(session, nodes=300, seed=3)
    assert tallies_match(app)


def test_statements_that_change_many_rows_keep_the_tallies_and_the_search_index(app, mini):
    with app.app_context(), db.write_session() as session:
        generate(session, nodes=200, seed=4, slug="many")
        for statement in (
            "UPDATE node SET status = 'archived' WHERE id % 3 = 0 AND kind <> 'thesis'",
            "UPDATE node SET kind = 'evidence' WHERE id % 5 = 0 AND kind = 'claim'",
            "UPDATE link SET relation = 'opposes' WHERE id % 2 = 0",
            "DELETE FROM link WHERE id % 7 = 0",
            "UPDATE citation SET quote = 'A sentence about marmosets.' WHERE node_id % 11 = 0",
            "UPDATE citation SET node_id = node_id + 1 WHERE node_id % 13 = 0 AND node_id % 11 <> 10 "
            "AND node_id + 1 IN (SELECT id FROM node)",
            "UPDATE node SET status = 'active' WHERE id % 6 = 0 AND kind <> 'thesis'",
            "DELETE FROM citation WHERE node_id % 17 = 0",
            "UPDATE node SET support = support + id % 4 WHERE id % 2 = 1",
            "UPDATE node SET standing = 'answered' WHERE id % 9 = 0",
            "UPDATE link SET child_id = child_id + 1 WHERE id % 19 = 0 AND child_id + 1 <> parent_id "
            "AND child_id + 1 IN (SELECT id FROM node WHERE debate_id = (SELECT id FROM debate WHERE slug = 'many')) "
            "AND NOT EXISTS (SELECT 1 FROM link l WHERE l.child_id = link.child_id + 1 "
            "AND l.parent_id = link.parent_id)",
        ):
            session.exec(text(statement))
    assert tallies_match(app)
    with app.app_context():
        quoted = {hit.node.id for _, hits in search.search(db.session(), words="marmosets").groups for hit in hits}
        expected = (
            db.session()
            .exec(
                text(
                    "SELECT DISTINCT node_id FROM citation JOIN node ON node.id = node_id "
                    "WHERE quote = 'A sentence about marmosets.' AND status = 'active'"
                )
            )
            .all()
        )
    assert quoted == {node_id for (node_id,) in expected} and quoted


def test_each_sources_quotes_found_and_not_found_are_tallied_through_every_citation_write(
    app, client, runner, mini, tmp_path
):
    copy = tmp_path / "campaign.txt"
    copy.write_text("Controversy: the presence of private companies on the boards of ICSs.", encoding="utf-8")
    assert runner.invoke(args=["attach-text", "campaign", str(copy)]).exit_code == 0
    assert tallies_match(app)
    html = client.get("/sources/campaign").get_data(as_text=True)
    assert "1 of 4 quotes found word for word, <strong>3 not found</strong>" in html

    with app.app_context(), db.write_session() as session:  # the writes a citation can take, one statement each
        found = "SELECT id FROM citation WHERE quote = 'the presence of private companies on the boards'"
        session.exec(text(f"UPDATE citation SET found_in_copy = false WHERE id = ({found})"))
        other = session.exec(text("SELECT id FROM source WHERE key = 'kf'")).one()[0]
        session.exec(text(f"UPDATE citation SET source_id = {other} WHERE quote = 'free at the point of use'"))
        session.exec(text("DELETE FROM citation WHERE quote = 'no private company will be allowed'"))
    assert tallies_match(app)
    html = client.get("/sources/campaign").get_data(as_text=True)
    assert "0 of 2 quotes found word for word, <strong>2 not found</strong>" in html


def sources_index_counts(client) -> dict[str, int]:
    """{source title: the Quotes column} of the sources index."""
    html = client.get("/sources").get_data(as_text=True)
    rows = re.findall(r'<a href="/sources/[^"]+">([^<]+)</a>.*?data-label="Quotes">(\d+)</td>', html, re.S)
    return {title: int(n) for title, n in rows}


def test_the_sources_index_counts_the_quotes_of_active_points_through_archive_and_restore(app, client, mini, users):
    with app.app_context():
        quoted = (
            db.session()
            .exec(
                text(
                    "SELECT source.title, citation.node_id, count(*) FROM citation "
                    "JOIN source ON source.id = source_id "
                    "JOIN node ON node.id = citation.node_id WHERE node.kind <> 'thesis' "
                    "GROUP BY source.title, citation.node_id ORDER BY count(*) DESC, citation.node_id"
                )
            )
            .first()
        )
    title, node_id, quotes = quoted
    before = sources_index_counts(client)
    assert before[title] >= quotes > 0 and tallies_match(app)
    token = sign_in(client, "moderator-user")
    assert client.post(f"/nodes/{node_id}/archive", data={"csrf_token": token}).status_code == 302
    assert sources_index_counts(client)[title] == before[title] - quotes and tallies_match(app)
    assert client.post(f"/nodes/{node_id}/unarchive", data={"csrf_token": token}).status_code == 302
    assert sources_index_counts(client) == before
