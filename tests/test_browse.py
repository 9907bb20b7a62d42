"""Every page through the test client: full page, htmx fragment, 404s, headers."""

import re

import pytest
from sqlalchemy import text

PAGES = [
    "/",
    "/debates/mini",
    "/debates/mini/outline",
    "/nodes/{pro-boards}",
    "/nodes/{amendment}",
    "/nodes/{t}/outline",
    "/nodes/{t}/children/supports",
    "/sources",
    "/sources/kf",
    "/voices",
    "/voices/ham",
    "/themes",
    "/themes/privatisation",
]


def url(template, mini):
    return template.format(**mini)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_a_full_page(client, mini, page):
    response = client.get(url(page, mini))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert 'src="/static/vendor/htmx-2.0.11.min.js"' in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_a_fragment_to_htmx(client, mini, page):
    response = client.get(url(page, mini), headers={"HX-Request": "true", "HX-Target": "main"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "site-header" not in html
    assert html.lstrip().startswith("<title>")


def test_home_lists_the_debate_with_counts_themes_and_voices(client, mini):
    html = client.get("/").get_data(as_text=True)
    assert "ICSs open the door to privatisation" in html
    # four points: the boards claim and the question for the thesis, the NHS-bodies claim and the amendment against
    assert '<span class="total">4 points</span>' in html
    assert "2 for the thesis" in html and "2 against it" in html and "0 on both sides" not in html
    assert "Privatisation" in html
    assert "Chris Ham" in html and "NHS for Sale?" in html


def test_debate_shows_thesis_and_two_columns(client, mini):
    html = client.get("/debates/mini").get_data(as_text=True)
    pro, con = html.index('id="col-supports"'), html.index('id="col-opposes"')
    assert pro < html.index("Private companies could sit on ICS boards") < con
    assert html.index("NHS bodies can hold the contracts") > con
    assert "Controversy for the development of ICS" in html  # the thesis quote


def test_node_page_shows_every_path_citation_and_children(client, mini):
    html = client.get(f"/nodes/{mini['amendment']}").get_data(as_text=True)
    assert "This point appears in 2 places" in html
    assert "no private company will be allowed" in html
    assert "September 2021" in html
    assert 'href="/sources/campaign"' in html


def test_card_counts_its_own_pros_and_cons(client, mini):
    html = client.get("/debates/mini").get_data(as_text=True)
    card = html[html.index("NHS bodies can hold the contracts") :]
    assert '<span class="count-pro">1 point for it</span>' in card[:900]


def test_annotation_is_sanitised(client, mini):
    html = client.get(f"/nodes/{mini['con-nhs-bodies']}").get_data(as_text=True)
    assert "alert(1)" not in html
    assert 'href="https://www.kingsfund.org.uk/"' in html


def test_question_columns_read_as_answers(client, mini):
    html = client.get(f"/nodes/{mini['question']}").get_data(as_text=True)
    assert "Answers: yes" in html and "Answers: no" in html


def test_outline_loads_children_on_demand(client, mini):
    html = client.get("/debates/mini/outline").get_data(as_text=True)
    assert f'hx-get="/nodes/{mini["pro-boards"]}/outline"' in html
    fragment = client.get(
        f"/nodes/{mini['pro-boards']}/outline",
        headers={"HX-Request": "true", "HX-Target": f"outline-{mini['pro-boards']}"},
    )
    text = fragment.get_data(as_text=True)
    assert "Government keeps private companies off ICB boards" in text
    assert "<title>" not in text and "<html" not in text


def test_long_columns_are_paged(app, client, mini):
    from icsdebate import db, graph
    from icsdebate.models import Node

    with app.app_context(), db.write_session() as session:
        thesis = session.get(Node, mini["t"])
        for index in range(7):
            child = Node(debate_id=thesis.debate_id, kind="claim", title=f"Extra point {index}", voice_id=None)
            session.add(child)
            session.flush()
            graph.add_link(session, child=child, parent=thesis, relation="opposes")
    html = client.get("/debates/mini").get_data(as_text=True)
    link = re.search(rf'hx-get="(/nodes/{mini["t"]}/children/opposes\?page=2&amp;after=[^"]+)"', html)
    assert link, "the column's Show more link carries the key of its last card"
    more = client.get(link[1].replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert more.get_data(as_text=True).count('class="card ') == 3  # 8 cons, 5 a page
    assert "Extra point 6" in more.get_data(as_text=True)


def test_following_show_more_lists_every_reply_once_in_the_columns_order(app, client, mini, users):
    """A point with many replies of every standing and support: the pages reached by Show more, one after the
    other, hold every reply once, in the order of the whole column read at once."""
    from sqlmodel import select

    from icsdebate import db
    from icsdebate.generate import generate_shape
    from icsdebate.models import Link, Node
    from icsdebate.queries import cards

    with app.app_context(), db.write_session() as session:
        fan = generate_shape(session, shape="fan", size=60)
        links = session.exec(select(Link).join(Node, Node.id == Link.child_id).where(Node.debate_id == fan.id)).all()
        parents = [link.parent_id for link in links]
        hub_id = max(set(parents), key=parents.count)
        replies = [session.get(Node, link.child_id) for link in links if link.parent_id == hub_id]
        for index, reply in enumerate(replies):  # stored standing and support of every kind, ties included
            reply.standing = ("stands", "answered", "stands")[index % 3]
            reply.support = (0, 7, 2, 7)[index % 4]
    with app.app_context():
        whole = cards.sides(db.session(), parent_id=hub_id, relations=("opposes",), size=1000)["opposes"]
        expected = [card.node.title for card in whole.cards]
    assert len(expected) == 30
    seen, url = [], f"/nodes/{hub_id}/children/opposes"
    while url:
        html = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        seen += re.findall(r'class="card-title"[^>]*>(?:<a[^>]*>)?([^<]+)<', html)
        link = re.search(r'class="more" href="([^"]+)"', html)
        url = link[1].replace("&amp;", "&") if link else None
    assert seen == expected
    pages, url = [], f"/nodes/{hub_id}/children/opposes"  # the full pages, by Next page, then back by Previous
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(re.findall(r'class="card-title"[^>]*>(?:<a[^>]*>)?([^<]+)<', html))
        link = re.search(r'href="([^"]+)"[^>]*>Next page<', html)
        url = link[1].replace("&amp;", "&") if link else None
    assert [title for page in pages for title in page] == expected
    back = re.search(r'href="([^"]+)">Previous page<', html)[1].replace("&amp;", "&")
    assert "before=" in back
    html = client.get(back).get_data(as_text=True)
    assert re.findall(r'class="card-title"[^>]*>(?:<a[^>]*>)?([^<]+)<', html) == pages[-2]


@pytest.mark.parametrize(
    "page",
    [
        "/debates/nope",
        "/nodes/99999",
        "/sources/nope",
        "/voices/nope",
        "/themes/nope",
        "/nodes/{t}/children/sideways",
        "/debates/nope/outline",
    ],
)
def test_unknown_things_get_a_404_page(client, mini, page):
    response = client.get(url(page, mini))
    assert response.status_code == 404
    assert "Not Found" in response.get_data(as_text=True)
    assert "site-header" in response.get_data(as_text=True)


def test_404_answers_json_when_asked(client, mini):
    response = client.get("/nodes/99999", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == "Not Found"


def test_security_headers(client, mini):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_cards_say_whether_they_stand_and_the_filter_keeps_only_those(client, mini):
    html = client.get("/debates/mini").get_data(as_text=True)
    boards = html[html.index("Private companies could sit on ICS boards") :]
    # the amendment, which stands, opposes it
    assert "<strong>Answered</strong>: the reply against it stands" in boards[:900]
    assert "How is this worked out?" in html
    still = client.get("/debates/mini?still=1").get_data(as_text=True)
    assert "Private companies could sit on ICS boards" not in still
    assert "NHS bodies can hold the contracts" in still and "Show every point" in still


def test_health_check_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"


def test_long_voice_pages_are_paged_and_lose_nothing(app, client, mini):
    """A voice with many points lists them a page at a time, with links both ways (sources, themes and groups
    share the same listing)."""
    from icsdebate import db, graph
    from icsdebate.models import Node

    app.config["LIST_SIZE"] = 4
    with app.app_context(), db.write_session() as session:
        thesis = session.get(Node, mini["t"])
        for index in range(9):
            child = Node(
                debate_id=thesis.debate_id,
                kind="claim",
                title=f"Campaign point {index}",
                voice_id=session.exec(text("SELECT id FROM voice WHERE key = 'campaigners'")).one()[0],
            )
            session.add(child)
            session.flush()
            graph.add_link(session, child=child, parent=thesis, relation="opposes")

    def cards(html):
        return re.findall(r'<h3 class="card-title"><a href="/nodes/(\d+)"', html)

    def link(html, rel):
        found = re.search(rf'<a href="([^"]+)"[^>]*rel="{rel}"', html)
        return found and found.group(1).replace("&amp;", "&")

    pages, url = [], "/voices/campaigners"
    while url:  # forwards, following each page's link, which carries where the page ends
        html = client.get(url).get_data(as_text=True)
        pages.append(cards(html))
        assert len(pages[-1]) <= 4 and f"page {len(pages)}." in html or len(pages) == 1
        url = link(html, "next")
        assert url is None or "after=" in url
    seen = [card for page in pages for card in page]
    assert len(pages) >= 3 and len(seen) == len(set(seen)) >= 9
    for number in range(len(pages), 1, -1):  # and back again, page by page
        url = link(html, "prev")
        html = client.get(url).get_data(as_text=True)
        assert cards(html) == pages[number - 2], number
    assert link(html, "prev") is None
    for number, page in enumerate(pages, 1):  # an address with ?page=N still opens that page
        assert cards(client.get(f"/voices/campaigners?page={number}").get_data(as_text=True)) == page
    assert client.get("/voices/campaigners?after=nonsense").status_code == 400
    empty = client.get("/voices/campaigners?page=50").get_data(as_text=True)
    assert "No more points." in empty


def test_outline_shows_both_sides_on_every_page_and_pages_both_ways(app, client, mini):
    app.config["PAGE_SIZE"] = 1  # the thesis has two points for it and one against
    first = client.get("/debates/mini/outline").get_data(as_text=True)
    assert first.count('class="side side-pro"') == 1 and first.count('class="side side-con"') == 1
    assert "Next page" in first and "Previous page" not in first
    second = client.get(f"/nodes/{mini['t']}/outline?page=2").get_data(as_text=True)
    assert second.count('class="side side-pro"') == 1 and "Next page" not in second
    assert f'href="/nodes/{mini["t"]}/outline?page=1"' in second and "Previous page" in second
    assert "Expand all" in first and "Collapse all" in first


@pytest.mark.parametrize(
    "path,label",
    [("/", "Debates"), ("/sources", "Sources"), ("/who-argued-what", "Who argued"), ("/changes", "Changes")],
)
def test_the_site_nav_marks_the_current_page(client, mini, path, label):
    html = client.get(path).get_data(as_text=True)
    nav = html[html.index('<nav aria-label="Site">') : html.index("</nav>")]
    assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == [label]


def test_a_source_page_lists_each_point_once_however_often_it_quotes_the_source(app, client, mini):
    from sqlmodel import select

    from icsdebate import db
    from icsdebate.models import Citation, Source

    app.config["LIST_SIZE"] = 2
    with app.app_context(), db.write_session() as session:
        source = session.exec(select(Source).where(Source.key == "kf")).one()
        cited = sorted(session.exec(select(Citation.node_id).where(Citation.source_id == source.id)).all())
        for node_id in set(cited):  # every point quotes the source a second time
            session.add(Citation(node_id=node_id, source_id=source.id, quote="Again.", position=9))
    seen, url = [], "/sources/kf"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r'<h3 class="card-title"><a href="/nodes/(\d+)"', html)
        found = re.search(r'<a href="([^"]+)"[^>]*rel="next"', html)
        url = found and found.group(1).replace("&amp;", "&")
    assert sorted(int(node_id) for node_id in seen) == sorted(set(cited))


def test_links_follow_the_root_the_site_is_served_under_each_time(client, mini):
    """Addresses built for pages are remembered (web.remembered_url_for), and pages kept, per site root: the same
    page served under a path prefix and then at the root links under each in turn."""
    for root in ("/debate", "", "/other", "/debate", ""):  # made under each root, then kept under each
        page = client.get("/", base_url=f"http://localhost{root}/").get_data(as_text=True)
        assert f'href="{root}/debates/mini"' in page
        assert f'href="{root}/sources"' in page and f'href="{root}/static/css/site.css' in page
        debate = client.get("/debates/mini", base_url=f"http://localhost{root}/").get_data(as_text=True)
        assert f'href="{root}/nodes/{mini["pro-boards"]}"' in debate  # a card's link, built in browse/_card.html
        assert f'<a class="voice" href="{root}/voices/' in debate  # a voice's link, built in _macros.html
