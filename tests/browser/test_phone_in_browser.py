"""Two sides on a phone: a switch in reach, sides in words, tables that neither hide data nor push the page
sideways; and the journalist's journey from the home page to the source of the strongest point against."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from icsdebate import db, edits
from icsdebate.models import Link, Node, User

from ..conftest import make_user
from .conftest import screenshot

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _archive_and_restore(app) -> int:
    """A point with a history of three versions; its id."""
    moderator = make_user(app, "moderator-user", "moderator")
    with app.app_context(), db.write_session() as session:
        node = session.exec(select(Node).where(Node.key == "priv-private-on-boards")).one()
        author = session.get(User, moderator)
        edits.set_status(session, node=node, status="archived", author=author)
        edits.set_status(session, node=node, status="active", author=author)
        return node.id


def test_tables_never_hide_data_or_push_the_page_sideways(app, live_server, browser):
    point = _archive_and_restore(app)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    for path in ("/who-argued-what", "/sources", "/changes", f"/nodes/{point}/history"):
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px wide)"
        hidden = page.evaluate(
            "[...document.querySelectorAll('td, th')].filter(c => getComputedStyle(c).display === 'none').length"
        )
        assert hidden == 0, f"{path} hides {hidden} table cells on a phone"
        assert page.locator("table caption").count() == 1, path
    history = page.locator("table.history tbody tr").first
    expect(history.locator("td[data-label='What']")).to_be_visible()
    screenshot(page, "history-phone")
    context.close()


def test_account_links_sit_beside_the_logo_at_desktop_width(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + "/")
    brand = page.locator(".brand").bounding_box()
    sign_in = page.get_by_role("link", name="Sign in").bounding_box()
    assert abs((sign_in["y"] + sign_in["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 12


def test_the_side_switch_works_without_javascript_and_every_card_names_its_side(live_server, browser):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(live_server + "/debates/privatisation")
    switch = page.get_by_role("navigation", name="Sides")
    expect(switch).to_be_in_viewport()
    for card in page.locator("section.column-con .card").all():
        expect(card.locator(".side")).to_have_text("Against")
    for card in page.locator("section.column-pro .card").all():
        expect(card.locator(".side")).to_have_text("For")
    switch.get_by_role("link", name=re.compile("^Against")).click()
    expect(page.locator("section.column-con .card").first).to_be_in_viewport()
    expect(page.locator("section.column-pro")).to_be_hidden()
    page.mouse.wheel(0, 1500)
    expect(switch).to_be_in_viewport()  # it stays in reach
    switch.get_by_role("link", name=re.compile("^For")).click()
    expect(page.locator("section.column-pro .card").first).to_be_in_viewport()
    context.close()


def test_the_strongest_three_each_side_are_in_the_first_screen_on_a_desktop(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + "/debates/privatisation")
    for column in ("section.column-pro", "section.column-con"):
        third = page.locator(f"{column} .card").nth(2)
        box = third.bounding_box()
        assert box["y"] + box["height"] <= 900, f"the third card of {column} ends at {box['y'] + box['height']}px"
    standings = page.locator("section.column-pro .card .standing strong").all_inner_texts()
    assert standings == sorted(standings, key=("Stands", "Undecided", "Answered").index)  # what stands first


def test_a_journalist_on_a_phone_finds_the_strongest_case_against_and_checks_its_source(app, live_server, browser):
    """Home → the privatisation debate → the strongest point against → its quote's source → back."""
    with app.app_context():
        thesis = db.session().exec(select(Node).where(Node.key == "priv-thesis")).one()
        any_con_stands = (
            db.session()
            .exec(
                select(Node.id)
                .join(Link, Link.child_id == Node.id)
                .where(
                    Link.parent_id == thesis.id,
                    Link.relation == "opposes",
                    Node.status == "active",
                    Node.standing == "stands",
                )
            )
            .first()
            is not None
        )
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        re.compile(r"^https?://(?!127\.0\.0\.1)"),
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>The source</title><p>The source's own page.</p>"
        ),
    )
    page.goto(live_server + "/")
    page.get_by_role("link", name=re.compile("privatisation", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"/debates/privatisation"))

    page.get_by_role("navigation", name="Sides").get_by_role("link", name=re.compile("^Against")).click()
    first_con = page.locator("section.column-con .card").first
    expect(first_con).to_be_in_viewport()
    expect(page.locator("section.column-pro .card").first).not_to_be_in_viewport()  # not past the pros
    expect(first_con.locator(".side")).to_have_text("Against")
    if any_con_stands:
        expect(first_con.locator(".standing strong")).to_have_text("Stands")
    screenshot(page, "journey-against-phone")

    title = first_con.locator(".card-title a").inner_text()
    first_con.locator(".card-title a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".point-standing .standing")).to_contain_text(re.compile("Stands|Answered"))
    source = page.locator(".citation a.external").first
    address = source.get_attribute("href")
    assert address and address.startswith("http")
    source.click()
    expect(page).to_have_url(re.compile("^" + re.escape(address.split("#")[0])))  # a text fragment may follow
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not errors, errors
    context.close()
