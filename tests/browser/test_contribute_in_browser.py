"""A contributor signs in, adds an opposing claim with Markdown and a quote, edits it and reads its history."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import PASSWORD
from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_add_edit_and_history(live_server, page, users):
    page.goto(live_server + "/signin")
    page.get_by_label("Name").fill("contributor-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".who")).to_contain_text("contributor-user")

    page.goto(live_server + "/debates/privatisation")
    against = page.locator("section.column-con")
    against.get_by_role("link", name="Add an opposing claim").click()
    form = against.locator("form.add-form")
    expect(form).to_be_visible()
    with page.expect_response(re.compile(r"/add$")):
        form.get_by_role("button", name="Add").click()  # empty: every error at once, and the focus on them
    summary = against.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(3)  # title, voice, quote
    form = against.locator("form.add-form")
    form.get_by_label("Source", exact=True).select_option(label="A new source (describe below)")
    expect(form.get_by_label("Source title")).to_be_focused()  # the choice opened the fields it needs
    expect(form.get_by_label("Happened on")).to_be_hidden()  # a claim has no date it happened
    form.get_by_label("Title", exact=True).fill("Statutory boards keep private firms out of commissioning")
    form.get_by_label("Annotation").fill("The 2022 Act, as **amended**, settles this.")
    expect(form.locator(".preview strong")).to_have_text("amended")
    form.get_by_label("Voice", exact=True).select_option(label="NHS for Sale?")
    form.get_by_label("Source", exact=True).select_option(label="Integrated care")
    form.get_by_label("Quote").fill("no private company will be allowed to have a representative seat on an ICS board")
    form.get_by_label("Where in the source").fill("section: Integrated care")
    screenshot(page, "add-form")
    with page.expect_response(re.compile(r"/add$")):
        form.get_by_role("button", name="Add").click()
    card = against.locator(".card", has_text="Statutory boards keep private firms out")
    expect(card).to_be_visible()
    expect(card).to_be_focused()  # the focus follows what was added
    expect(card.locator(".standing")).to_contain_text("Stands")  # its standing at once
    expect(page).to_have_url(live_server + "/debates/privatisation")  # no reload, no navigation

    card.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statutory boards keep private firms out of commissioning"
    )
    expect(page.locator(".annotation strong")).to_have_text("amended")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title", exact=True).fill("Statutory boards keep private firms out of ICB seats")
    page.get_by_label("What you changed").fill("More precise")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory boards keep private firms out of ICB seats")

    page.get_by_role("link", name="History").click()
    expect(page.locator("table.history tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Show what changed").click()
    expect(page.locator(".diff del")).to_contain_text("commissioning")
    expect(page.locator(".diff ins")).to_contain_text("ICB seats")
    screenshot(page, "compare")
