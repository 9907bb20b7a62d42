"""The briefing as a reader prints it from Chromium: A4 pages, numbered, headed, every point kept."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import select

from icsdebate import db
from icsdebate.models import Debate, Node

from .conftest import SHOTS

pytestmark = pytest.mark.browser


def test_the_largest_shipped_debate_prints_on_ten_a4_pages_or_fewer_without_losing_a_point(app, live_server, page):
    with app.app_context():
        counts = {
            d.slug: len(db.session().exec(select(Node.id).where(Node.debate_id == d.id, Node.status == "active")).all())
            for d in db.session().exec(select(Debate)).all()
        }
        slug = max(counts, key=counts.get)
        debate = db.session().exec(select(Debate).where(Debate.slug == slug)).one()
        titles = db.session().exec(select(Node.title).where(Node.debate_id == debate.id, Node.status == "active")).all()
    page.goto(f"{live_server}/debates/{slug}/summary")
    top = page.locator(".topline")
    assert top.locator(".supports li").count() == 3 and top.locator(".opposes li").count() == 3
    html = page.content()
    assert all(title in html.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"') for title in titles)
    pdf = page.pdf(format="A4")  # the print stylesheet's own margins, head and foot
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "briefing.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages <= 10, f"{pages} A4 pages"
    fonts = set()
    for number, sheet in enumerate(reader.pages, start=1):
        text = sheet.extract_text()
        assert f"Page {number} of {pages}" in text
        assert "ICS Debate briefing: " + debate.title[:40] in text
        assert f"{live_server}/debates/{slug}/summary" in text
        assert re.search(
            r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}",
            text,
        )
        for font in (sheet.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(re.sub(r"^/?[A-Z]{6}\+", "", str(font.get_object().get("/BaseFont"))).split("-")[0])
    assert fonts == {"LiberationSans"}, fonts  # one type family (regular, bold and italic of it)
