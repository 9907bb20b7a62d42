"""Two moderators edit the same point in their browsers: the later save is shown both versions and merges by hand."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from icsdebate import db
from icsdebate.models import Node

from ..conftest import PASSWORD, make_user
from .conftest import screenshot

pytestmark = pytest.mark.browser


def _signed_in(browser, live_server, name, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server + "/signin")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".who")).to_contain_text(name)
    return context, page


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_the_later_of_two_edits_sees_both_and_merges(live_server, browser, app, users, viewport):
    make_user(app, "other-moderator", "moderator")
    first_context, first = _signed_in(browser, live_server, "moderator-user", viewport)
    second_context, second = _signed_in(browser, live_server, "other-moderator", viewport)
    with app.app_context():
        node_id = db.session().exec(select(Node.id).where(Node.kind == "claim").order_by(Node.id)).first()
    point = f"{live_server}/nodes/{node_id}"
    for page in (first, second):
        page.goto(point + "/edit")
    first.get_by_label("Title", exact=True).fill("The first moderator's title")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_role("heading", level=1)).to_have_text("The first moderator's title")

    second.get_by_label("Title", exact=True).fill("The second moderator's title")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("heading", level=1)).to_have_text(
        "Someone else changed this point while you were editing"
    )
    table = second.locator("table.compare-versions")
    expect(table.locator("td.theirs").first).to_have_text("The first moderator's title")
    expect(table.locator("td.yours ins").first).to_contain_text("second")
    expect(second.get_by_role("link", name="Keep theirs (discard mine)")).to_be_visible()
    screenshot(second, f"edit-conflict-{viewport['width']}")

    second.get_by_label("Title", exact=True).fill("The merged title")
    second.get_by_role("button", name="Save the merged version").click()
    expect(second.get_by_role("heading", level=1)).to_have_text("The merged title")
    first_context.close()
    second_context.close()
