"""Full-text search: titles, annotations and quotes, highlighted, kept current by the database, never a 500."""

import re

import pytest
from sqlmodel import select

from icsdebate import db, edits, pagecache, search
from icsdebate.generate import generate
from icsdebate.models import Debate, Node, User

from .conftest import sign_in
from .factories import add_reply


def test_finds_titles_annotations_and_quotes_with_highlights(client, mini):
    by_title = client.get("/search?q=contracts").get_data(as_text=True)
    assert "NHS bodies can hold the <mark>contracts</mark>" in by_title
    by_quote = client.get("/search?q=controversy").get_data(as_text=True)
    assert "ICSs open the door to privatisation" in by_quote and "<mark>Controversy</mark>" in by_quote
    by_annotation = client.get("/search?q=long+read").get_data(as_text=True)
    assert "NHS bodies can hold the contracts" in by_annotation


def test_words_match_as_prefixes_and_points_with_every_word_come_first(client, mini):
    assert "<mark>Private</mark> companies could sit on ICS <mark>boards</mark>" in client.get(
        "/search?q=privat+board"
    ).get_data(as_text=True)
    # no point has both words: the points with either come next, instead of nothing
    some = client.get("/search?q=privat+zebra").get_data(as_text=True)
    assert "<mark>Private</mark> companies could sit on ICS boards" in some
    assert "Nothing matches" in client.get("/search?q=zebra+giraffe").get_data(as_text=True)
    # both words in one point put it above points with only one of them
    html = client.get("/search?q=private+boards+companies+sit").get_data(as_text=True)
    assert html.index("<mark>") == html.index("<mark>Private</mark> <mark>companies</mark> could <mark>sit</mark>")
    assert "<mark>private</mark> <mark>companies</mark> off" in html  # three of the four words: next


def test_a_plain_question_finds_what_it_is_about(client, mini):
    html = client.get("/search", query_string={"q": "do ICSs privatise the NHS?"}).get_data(as_text=True)
    assert "Nothing matches" not in html and "<mark>privatisation</mark>" in html
    assert "ICSs open the door to privatisation" in html


def test_stop_words_are_dropped_unless_nothing_else_is_asked():
    from icsdebate.search import terms

    assert terms("Do ICSs privatise the NHS?") == ["icss", "privatise", "nhs"]
    assert terms("who is it") == ["who", "is", "it"]
    assert terms("the the NHS nhs") == ["nhs"]


@pytest.mark.parametrize(
    "raw",
    [
        '"',
        '"private',
        "AND OR NOT",
        "NEAR(a b)",
        "*",
        "-",
        "a:b",
        "col:x OR",
        "'; DROP TABLE node; --",
        "ÉCOLE naïve ünïcode",
        "中文",
        "🙂",
        "x" * 300,
        "   ",
    ],
)
def test_any_raw_input_gets_results_or_a_message(client, mini, raw):
    response = client.get("/search", query_string={"q": raw})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        "<mark>" in html
        or "Nothing matches" in html
        or "no words to search for" in html
        or "Search every point" in html
    )


def test_the_index_follows_edits_and_archiving(app, client, mini, users):
    token = sign_in(client, "moderator-user")
    with app.app_context():
        from icsdebate import db
        from icsdebate.models import Node

        voice_id = db.session().get(Node, mini["pro-boards"]).voice_id
    data = {
        "kind": "claim",
        "title": "Commercial firms might join integrated care boards",
        "voice": str(voice_id),
        "source": "",
        "quote": "",
        "csrf_token": token,
    }
    assert client.post(f"/nodes/{mini['pro-boards']}/edit", data=data).status_code == 302
    assert "<mark>Commercial</mark> firms" in client.get("/search?q=commercial").get_data(as_text=True)
    assert "could <mark>sit</mark>" not in client.get("/search?q=companies+sit").get_data(as_text=True)
    client.post(f"/nodes/{mini['pro-boards']}/archive", data={"csrf_token": token})
    assert "Nothing matches" in client.get("/search?q=commercial").get_data(as_text=True)


def test_a_search_box_on_every_page(client, mini):
    for page in ("/", "/debates/mini", f"/nodes/{mini['t']}", "/sources"):
        assert 'action="/search"' in client.get(page).get_data(as_text=True)


def test_the_link_picker_matches_words_not_a_run_of_text(client, mini, users):
    sign_in(client, "contributor-user")
    picker = client.get(
        f"/nodes/{mini['question']}/link",
        query_string={"q": "could the boards have private firms?"},
        headers={"HX-Request": "true", "HX-Target": "link-results"},
    ).get_data(as_text=True)
    offered = picker[picker.index("Choose the point") :]
    # every word but "firms" in one title, out of order: offered first; a title with fewer words after it
    assert offered.index("Private companies could sit on ICS boards") < offered.index(
        "Government keeps private companies"
    )
    assert f'value="{mini["t"]}"' not in offered and f'value="{mini["question"]}"' not in offered


def _titles(html: str) -> list[str]:
    return [
        re.sub(r"</?mark>", "", title) for title in re.findall(r'<li>.*?<a [^>]*href="/nodes/\d+"[^>]*>(.*?)</a>', html)
    ]


def test_when_more_points_match_than_are_ranked_the_best_of_the_newest_are_shown_and_the_page_says_so(
    app, client, mini, users, monkeypatch
):
    titles = [f"Marmoset point {n}" + " marmoset" * (n % 3) for n in range(12)]  # oldest first
    with app.app_context(), db.write_session() as session:
        generate(session, nodes=40, seed=7, slug="many")
        thesis = session.get(Node, session.exec(select(Debate.thesis_id).where(Debate.slug == "many")).one())
        author = session.exec(select(User)).first()
        for title in titles:
            add_reply(session, thesis, author, title, "supports")
    everything = client.get("/search?q=marmoset").get_data(as_text=True)
    assert sorted(_titles(everything)) == sorted(titles) and "more-than-ranked" not in everything

    monkeypatch.setattr(search, "CANDIDATES", 5)
    with app.app_context():
        pagecache.cache.clear()  # the page above is kept, and nothing was written since
    capped = client.get("/search?q=marmoset").get_data(as_text=True)
    assert "More than 5 points match: these are the best of the newest 5." in capped
    shown = _titles(capped)
    assert sorted(shown) == sorted(titles[-5:])  # the five newest, and only they
    # ranked among themselves: those with the word three times first, then twice, then once
    repeats = [title.count("marmoset") for title in shown]
    assert repeats == sorted(repeats, reverse=True) and repeats[0] > repeats[-1]

    two_words = client.get("/search?q=marmoset+point").get_data(as_text=True)
    assert "More than 5 points match" in two_words and sorted(_titles(two_words)) == sorted(titles[-5:])
    with app.app_context():
        picked = search.ranked_ids(db.session(), words="marmoset", limit=10)
        newest = db.session().exec(select(Node.id).where(Node.title.like("Marmoset point%")).order_by(Node.id)).all()
    assert sorted(picked) == sorted(newest[-5:])


def test_archived_points_take_no_place_among_the_newest_ranked(app, client, mini, users, monkeypatch):
    """The CANDIDATES newest matches are counted among active points only: archived points newer than every active
    one neither push active points out of the ranking nor make the page say more matched than were ranked."""
    titles = [f"Tamarin point {n}" for n in range(12)]  # oldest first
    with app.app_context(), db.write_session() as session:
        thesis = session.get(Node, session.exec(select(Debate.thesis_id)).first())
        author = session.exec(select(User)).first()
        points = [add_reply(session, thesis, author, title, "supports") for title in titles]
        for point in points[5:]:
            edits.set_status(session, node=point, status="archived", author=author)
    monkeypatch.setattr(search, "CANDIDATES", 5)
    for words in ("tamarin", "tamarin tamarins"):
        page = client.get("/search", query_string={"q": words}).get_data(as_text=True)
        assert sorted(_titles(page)) == sorted(titles[:5]) and "More than 5 points match" not in page
        with app.app_context():
            found = search.ranked_ids(db.session(), words=words, limit=10)
            assert sorted(found) == sorted(point.id for point in points[:5])


def test_a_word_in_the_title_outranks_the_same_word_in_a_quote_or_annotation_on_either_database(app, mini, users):
    """Ranked as PostgreSQL's ts_rank weighs the search column (title over annotation over quotes, each further
    match counting less), on SQLite as on PostgreSQL: newer points holding the word only in an annotation or a
    quote, however often, come after an older one holding it once in its title, and the annotation comes before
    the quote; among titles, the one holding the word more often comes first."""
    with app.app_context(), db.write_session() as session:
        thesis = session.get(Node, session.exec(select(Debate.thesis_id)).first())
        author = session.exec(select(User)).first()
        twice = add_reply(session, thesis, author, "Okapi sightings and okapi tracks fell", "supports")
        titled = add_reply(session, thesis, author, "Okapi sightings fell", "supports")
        annotation = "Okapi counts: the okapi survey, the okapi census."
        annotated = add_reply(session, thesis, author, "Sightings fell", "supports", annotation=annotation)
        quote = "the okapi count, " + ", ".join(["okapi"] * 6)
        quoted = add_reply(session, thesis, author, "Counts fell", "supports", quote=quote)
        order = [twice.id, titled.id, annotated.id, quoted.id]
    with app.app_context():
        assert search.ranked_ids(db.session(), words="okapi", limit=10) == order
        assert search.ranked_ids(db.session(), words="okapi sightings", limit=10)[:2] == [twice.id, titled.id]
