"""The map, the timeline and who argued what, as a reader's browser shows them."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from icsdebate import db, diagram
from icsdebate.formats import gather
from icsdebate.models import Debate

from .conftest import screenshot

pytestmark = pytest.mark.browser


def _branch_drawn_whole(app) -> tuple[int, dict]:
    """A point of a shipped debate whose branch a map draws whole (at most MAX_POINTS points, at most 20
    replies under any of them), the biggest such; with its branch as a map document."""
    from collections import Counter

    from icsdebate.models import Link

    with app.app_context():
        session = db.session()
        best = None
        for debate in session.exec(select(Debate).order_by(Debate.slug)).all():
            for child_id in session.exec(select(Link.child_id).where(Link.parent_id == debate.thesis_id)).all():
                document = gather.collect(session, debate=debate, root_id=child_id)
                fan = Counter(p for n in document["nodes"] for p in n.get("supports", []) + n.get("opposes", []))
                if (
                    len(document["nodes"]) <= diagram.MAX_POINTS
                    and max(fan.values(), default=0) <= 20
                    and (best is None or len(document["nodes"]) > len(best[1]["nodes"]))
                ):
                    best = (child_id, document)
    return best


def test_the_map_draws_every_point_and_link_and_opens_a_point(app, live_server, page):
    root_id, document = _branch_drawn_whole(app)
    points = len(document["nodes"])
    links = sum(len(n.get("supports", [])) + len(n.get("opposes", [])) for n in document["nodes"])
    assert points > 5
    page.goto(live_server + f"/nodes/{root_id}/map?depth=12&breadth=20")
    drawn = page.locator(".map svg")
    expect(drawn).to_be_visible()
    assert drawn.locator("g.node").count() == points and drawn.locator("g.more").count() == 0
    assert drawn.locator("g.edge:not(.more)").count() == links
    screenshot(page, "map")
    page.select_option("#f-centre", index=3)  # centre on a point, then open it
    chosen = page.locator("#f-centre").input_value()
    page.wait_for_timeout(100)
    page.locator(f"#{chosen} a").click()
    expect(page).to_have_url(re.compile(r"/nodes/\d+$"))


def _inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["y"] >= outer["y"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def _transform(page) -> str:
    return page.locator(".svg-pan-zoom_viewport").get_attribute("transform") or page.locator(
        ".svg-pan-zoom_viewport"
    ).evaluate("g => g.style.transform")


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_the_map_opens_readable_with_the_thesis_in_view_and_moves_by_keyboard_and_buttons(
    live_server, page, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server + "/debates/privatisation/map?depth=4&breadth=8")
    box = page.locator("#map-view")
    thesis = page.locator(f"#{box.get_attribute('data-root')}")
    expect(page.locator(".map-tools")).to_be_visible()
    assert _inside(thesis.bounding_box(), box.bounding_box())
    label = thesis.locator("text").nth(1).bounding_box()
    assert label["height"] >= 12  # CSS pixels: as readable as the page's small print
    before = _transform(page)
    box.focus()
    page.keyboard.press("+")
    page.wait_for_timeout(100)
    zoomed = _transform(page)
    assert zoomed != before
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(100)
    assert _transform(page) != zoomed
    page.get_by_role("button", name="Fit").click()
    page.wait_for_timeout(100)
    whole = page.locator(".svg-pan-zoom_viewport").bounding_box()
    assert _inside(whole, box.bounding_box())  # fit: the whole tree in the box
    # centre on a point far from the thesis: it comes into the middle of the box
    last = page.locator("#f-centre option").last.get_attribute("value")
    page.select_option("#f-centre", last)
    page.wait_for_timeout(100)
    point, frame = page.locator(f"#{last}").bounding_box(), box.bounding_box()
    assert abs(point["x"] + point["width"] / 2 - (frame["x"] + frame["width"] / 2)) < 4
    # Tab reaches the points themselves, and each comes into view
    box.focus()
    for _ in range(6):
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('g.node') && document.activeElement.closest('g.node').id")
    page.wait_for_timeout(100)  # svg-pan-zoom moves the map on the next animation frame
    assert focused and _inside(page.locator(f"#{focused}").bounding_box(), box.bounding_box())
    # the box clips and never scrolls: a focused point is brought into view by panning alone (a box that the
    # browser scrolled on focus had moved the whole map, the focused point with it, out of sight)
    assert box.evaluate("b => b.scrollLeft === 0 && b.scrollTop === 0 && getComputedStyle(b).overflow === 'clip'")
    screenshot(page, f"map-{width}")


def test_the_map_scrolls_without_scripts(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/debates/privatisation/map?depth=4&breadth=8")
    box = page.locator("#map-view")
    expect(box.locator("svg")).to_be_visible()
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # full size, scrolls sideways inside its box
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the page itself does not
    context.close()


def test_timeline_and_who_argued_what(live_server, page):
    page.goto(live_server + "/timeline")
    expect(page.locator("li.moment-event").first).to_be_visible()
    screenshot(page, "timeline")
    page.goto(live_server + "/who-argued-what")
    expect(page.locator("table.matrix .group-row").first).to_be_visible()
    screenshot(page, "matrix")
