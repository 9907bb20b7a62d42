"""The map, the timeline and who argued what, as a reader's browser shows them."""
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from icsdebate import db
from icsdebate.formats import mapdoc
from icsdebate.models import Debate

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_map_draws_every_point_and_link_and_opens_a_point(app, live_server, page):
    with app.app_context():
        debate = db.session().exec(select(Debate).where(Debate.slug == "accountability")).one()
        document = mapdoc.collect(db.session(), debate=debate)
    points = len(document["nodes"])
    links = sum(len(n.get("supports", [])) + len(n.get("opposes", [])) for n in document["nodes"])
    page.goto(live_server + "/debates/accountability/map?depth=12")
    diagram = page.locator(".map svg")
    expect(diagram).to_be_visible()
    assert diagram.locator("g.node").count() == points
    assert diagram.locator("g.edge").count() == links
    screenshot(page, "map")
    first = diagram.locator("g.node a").nth(3)
    first.click()
    expect(page).to_have_url(re.compile(r"/nodes/\d+$"))


def test_timeline_and_who_argued_what(live_server, page):
    page.goto(live_server + "/timeline")
    expect(page.locator("li.moment-event").first).to_be_visible()
    screenshot(page, "timeline")
    page.goto(live_server + "/who-argued-what")
    expect(page.locator("table.matrix .group-row").first).to_be_visible()
    screenshot(page, "matrix")
