"""The timeline and who argued what."""

import pytest
from sqlmodel import select


def test_timeline_orders_dated_points_and_shows_what_they_bear_on(client, mini):
    html = client.get("/debates/mini/timeline").get_data(as_text=True)
    order = [
        html.index(t)
        for t in (
            "NHS bodies can hold the contracts",
            "Government keeps private companies off ICB boards",
            "Private companies could sit on ICS boards",
        )
    ]
    assert order == sorted(order)  # February 2018, September 2021, 2022
    moment = html[html.index("Government keeps private companies off ICB boards") :]
    assert "opposes</span>" in moment[:1500] and "Private companies could sit on ICS boards" in moment[:1500]
    assert "Will care stay free" not in html  # undated points are left out
    assert client.get("/timeline").status_code == 200
    assert client.get("/debates/nope/timeline").status_code == 404


def test_who_argued_what_counts_points_by_side(client, mini):
    html = client.get("/who-argued-what").get_data(as_text=True)
    campaigners = html[html.index(">Campaigners</a>") :]
    # the campaigners made two points for the thesis and one (the amendment) against it
    assert '<span class="count-pro">2 for</span>' in campaigners[:1200]
    assert '<span class="count-con">1 against</span>' in campaigners[:1200]
    kings_fund = html[html.index(">The King&#39;s Fund</a>") :]
    assert '<span class="count-con">1 against</span>' in kings_fund[:1200]


def test_group_page_lists_the_points_of_its_voices(client, mini):
    html = client.get("/groups/Campaigners").get_data(as_text=True)
    assert "Private companies could sit on ICS boards" in html and 'id="debate-mini"' in html
    assert client.get("/groups/Nobody").status_code == 404


@pytest.mark.parametrize("page", ["/timeline", "/who-argued-what", "/groups/Campaigners"])
def test_fragments_for_htmx(client, mini, page):
    html = client.get(page, headers={"HX-Request": "true", "HX-Target": "main"}).get_data(as_text=True)
    assert html.lstrip().startswith("<title>") and "site-header" not in html


def test_glossary_page_and_acronyms_in_text(client, mini):
    html = client.get("/glossary").get_data(as_text=True)
    assert "integrated care board" in html and "The statutory NHS body" in html
    node = client.get(f"/nodes/{mini['pro-boards']}").get_data(as_text=True)
    assert 'off <abbr title="integrated care board">ICB</abbr> boards' in node


def _side_of(html: str, node_id: int) -> str:
    import re

    return re.search(rf'<g id="node_{node_id}" class="node kind_\w+ side_(\w+)"', html).group(1)


def test_map_draws_every_point_and_link_top_down_to_the_chosen_depth(client, mini):
    html = client.get("/debates/mini/map?depth=5").get_data(as_text=True)
    assert 'data-nodes="5" data-edges="5"' in html  # all five points and five links, the amendment's second dotted
    assert html.count('class="node kind_') == 5 and html.count('class="edge ') == 5
    assert 'xlink:href="/nodes/' in html and 'stroke-dasharray="1,5"' in html  # the second parent, dotted
    svg = html[html.index("<svg") :]
    thesis_y = float(svg.split(f'id="node_{mini["t"]}"')[1].split(' y="')[1].split('"')[0])
    pro_y = float(svg.split(f'id="node_{mini["pro-boards"]}"')[1].split(' y="')[1].split('"')[0])
    assert thesis_y < pro_y  # top-down: the thesis above its replies
    shallow = client.get("/debates/mini/map?depth=1").get_data(as_text=True)
    assert 'data-nodes="4" data-edges="3"' in shallow
    assert "+1 more" in shallow and f'href="/nodes/{mini["con-nhs-bodies"]}/map?depth=1' in shallow.replace(
        "&amp;", "&"
    )


def test_map_colours_every_point_by_its_side_on_the_thesis_not_on_its_parent(client, mini):
    html = client.get("/debates/mini/map?depth=5").get_data(as_text=True)
    # the amendment opposes a point for the thesis and supports one against it: it is against the thesis
    assert _side_of(html, mini["amendment"]) == "against" and _side_of(html, mini["con-nhs-bodies"]) == "against"
    assert _side_of(html, mini["pro-boards"]) == "for" and _side_of(html, mini["t"]) == "thesis"
    # under the against branch, a reply that supports it is still drawn against the thesis, in words too
    branch = client.get(f"/nodes/{mini['con-nhs-bodies']}/map").get_data(as_text=True)
    assert _side_of(branch, mini["amendment"]) == "against" and _side_of(branch, mini["con-nhs-bodies"]) == "against"
    assert ">AGAINST</text>" in branch and "red: against the thesis" in branch
    assert "against the thesis</span>" in branch  # the root's own side, in words


def test_the_shape_strip_is_a_list_of_links_in_words_with_sides_on_the_thesis(client, mini):
    html = client.get(f"/nodes/{mini['con-nhs-bodies']}/map").get_data(as_text=True)
    strip = html[html.index('<ol class="strip"') : html.index("</ol>", html.index('<ol class="strip"'))]
    assert 'role="img"' not in html
    # the amendment supports an against branch: against the thesis, said in words for screen readers
    assert "block side-against" in strip and "Against the thesis: " in strip
    assert f"/nodes/{mini['amendment']}/map" in strip


def test_a_point_with_five_thousand_replies_draws_a_bounded_map(app, client):
    from icsdebate import db
    from icsdebate.generate import generate_shape
    from icsdebate.models import Node

    with app.app_context(), db.write_session() as session:
        debate = generate_shape(session, shape="fan", size=5000, slug="fan")
        hub = session.exec(
            select(Node.id).where(Node.debate_id == debate.id, Node.kind != "thesis").order_by(Node.id)
        ).first()
    response = client.get(f"/nodes/{hub}/map?depth=12&breadth=20")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.data) < 500_000
    assert 'data-nodes="21" data-edges="20"' in html and "+4980 more" in html
    more = html[html.index('<g id="more_') :]
    assert more.index(f'xlink:href="/nodes/{hub}"') < more.index("</a>")  # the hub's page lists them all
    strip = html[html.index('<ol class="strip"') : html.index("</ol>", html.index('<ol class="strip"'))]
    assert strip.count("<li") == 13 and "+4988" in strip  # twelve blocks and one for the rest


def test_map_downloads_as_svg_and_unknowns_404(client, mini):
    response = client.get(f"/nodes/{mini['t']}/map.svg")
    assert response.mimetype == "image/svg+xml" and "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    assert client.get("/nodes/99999/map").status_code == 404 and client.get("/debates/nope/map").status_code == 404
