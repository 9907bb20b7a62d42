"""The timeline and who argued what."""
import pytest


def test_timeline_orders_dated_points_and_shows_what_they_bear_on(client, mini):
    html = client.get("/debates/mini/timeline").get_data(as_text=True)
    order = [html.index(t) for t in ("NHS bodies can hold the contracts", "Government keeps private companies off ICB boards",
                                     "Private companies could sit on ICS boards")]
    assert order == sorted(order)  # February 2018, September 2021, 2022
    moment = html[html.index("Government keeps private companies off ICB boards"):]
    assert "opposes</span>" in moment[:1500] and "Private companies could sit on ICS boards" in moment[:1500]
    assert "Will care stay free" not in html  # undated points are left out
    assert client.get("/timeline").status_code == 200
    assert client.get("/debates/nope/timeline").status_code == 404


def test_who_argued_what_counts_points_by_side(client, mini):
    html = client.get("/who-argued-what").get_data(as_text=True)
    campaigners = html[html.index(">Campaigners</a>"):]
    # the campaigners made two points for the thesis and one (the amendment) against it
    assert '<span class="count-pro">2 for</span>' in campaigners[:1200]
    assert '<span class="count-con">1 against</span>' in campaigners[:1200]
    kings_fund = html[html.index(">The King&#39;s Fund</a>"):]
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


def test_map_draws_every_point_and_link_to_the_chosen_depth(client, mini):
    import re

    html = client.get("/debates/mini/map?depth=5").get_data(as_text=True)
    assert 'data-nodes="5" data-edges="5"' in html  # all five points and five links, the amendment's second dashed
    assert html.count('class="node kind_') == 5 and html.count('class="edge ') == 5
    assert html.count('stroke="#b03a2e"') >= 2 and html.count('stroke="#1f7a4d"') >= 3
    assert 'xlink:href="/nodes/' in html and "stroke-dasharray" in html
    shallow = client.get("/debates/mini/map?depth=1").get_data(as_text=True)
    assert 'data-nodes="4" data-edges="3"' in shallow
    assert re.search(r'class="rect-supports"', html) and "Its shape" in html


def test_map_downloads_as_svg_and_unknowns_404(client, mini):
    response = client.get(f"/nodes/{mini['t']}/map.svg")
    assert response.mimetype == "image/svg+xml" and "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    assert client.get("/nodes/99999/map").status_code == 404 and client.get("/debates/nope/map").status_code == 404
