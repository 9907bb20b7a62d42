"""A reader opens the home page, enters the debate, drills into an opposing claim and climbs back."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.browser
PRIVATISATION = "Integrated care systems open the door to privatisation of the NHS"


def test_drill_into_an_opposing_claim_and_back(live_server, page):
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name=PRIVATISATION)).to_be_visible()
    screenshot(page, "home")

    page.get_by_role("link", name=PRIVATISATION).click()
    expect(page).to_have_url(live_server + "/debates/privatisation")
    against = page.locator("section.column-con")
    expect(against.get_by_role("heading", name="Against")).to_be_visible()
    screenshot(page, "debate")

    first_con = against.locator(".card-title a").first
    title = first_con.inner_text()
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
        first_con.click()
    expect(page).to_have_url(re.compile(r"/nodes/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".crumbs .rel-con").first).to_be_visible()
    expect(page).to_have_title(re.compile(re.escape(title[:20])))
    screenshot(page, "node")

    page.locator(".crumbs ol").first.get_by_role("link").first.click()
    expect(page).to_have_url(live_server + "/debates/privatisation")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_outline_expands_on_demand(live_server, page):
    page.goto(live_server + "/debates/privatisation/outline")
    first = page.locator("ul.outline > li.outline-item details").first
    summary = first.locator("summary")
    with page.expect_response(re.compile(r"/nodes/\d+/outline")):
        summary.click()
    expect(first.locator("ul.outline li.outline-item").first).to_be_visible()
    screenshot(page, "outline")


def test_debate_page_is_readable_on_a_phone(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server + "/debates/privatisation")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px wide)"
    screenshot(page, "debate-phone")
    context.close()


def test_outline_expands_and_collapses_all(live_server, page):
    page.goto(live_server + "/debates/privatisation/outline")
    page.get_by_role("button", name="Expand all").click()
    nested = page.locator("ul.outline ul.outline ul.outline li.outline-item").first  # three levels down
    expect(nested).to_be_visible()
    assert page.locator("#main details:not([open])").count() < page.locator("#main details[open]").count()
    page.get_by_role("button", name="Collapse all").click()
    expect(page.locator("#main details[open]")).to_have_count(0)
    expect(page.locator("#main > ul.outline > li.outline-opposes").first).to_be_visible()  # both sides on page 1
