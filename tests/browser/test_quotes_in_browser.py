"""A reader checks quotes: each says whether the attached copy holds it, the source page shows it in its
sentence, and its link opens the source's page scrolled to the passage (Chromium's text fragments)."""

import functools
import html
import http.server
import threading

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from icsdebate import db, fragments, quotecheck
from icsdebate.models import Citation, Node, Source

from ..test_source_texts import SOURCES, index_rows, text_file_of
from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (SOURCES / "INDEX.md").exists(), reason=f"the source documents are not at {SOURCES}"),
]


def _attach_all(app, runner) -> dict[str, object]:
    rows = index_rows()
    with app.app_context():
        cited = db.session().exec(select(Source).where(Source.id.in_(select(Citation.source_id)))).all()
    files = {source.key: text_file_of(source, rows) for source in cited}
    for key, path in files.items():
        assert runner.invoke(args=["attach-text", key, str(path)]).exit_code == 0
    return files


def test_quotes_are_checked_on_the_point_and_in_their_sentence_on_the_source_page(live_server, app, runner, browser):
    _attach_all(app, runner)
    with app.app_context():
        node_id = (
            db.session()
            .exec(
                select(Node.id)
                .join(Citation, Citation.node_id == Node.id)
                .join(Source, Source.id == Citation.source_id)
                .where(Source.key == "kf-making-sense", Node.kind == "claim")
                .order_by(Node.id)
            )
            .first()
        )
        cited = len(
            db.session()
            .exec(
                select(Citation.id)
                .join(Source, Source.id == Citation.source_id)
                .where(Source.key == "hsc-integrated-care")
            )
            .all()
        )
    for width, height, suffix in ((1280, 900, ""), (390, 844, "-phone")):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{live_server}/nodes/{node_id}")
        citation = page.locator(".citations .citation").first
        expect(citation.locator(".copy-found")).to_have_text("✓ Found word for word in the attached copy")
        link = citation.get_by_role("link", name="Read it at the source")
        assert ":~:text=" in link.get_attribute("href")
        screenshot(page, f"quote-check-point{suffix}")
        page.goto(f"{live_server}/sources/hsc-integrated-care")
        expect(page.locator(".in-sentence mark").first).to_be_visible()
        expect(page.get_by_text(f"{cited} of {cited} quotes found word for word")).to_be_visible()
        screenshot(page, f"quote-check-source{suffix}")
        context.close()


class _Page(http.server.SimpleHTTPRequestHandler):
    """Serves what `pages` holds, as a source's own site would."""

    pages: dict[str, str] = {}

    def do_GET(self):
        body = self.pages.get(self.path.split("#")[0], "").encode("utf-8")
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _as_page(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n") if p.strip())
    return f'<!doctype html><meta charset="utf-8"><div style="height:3000px">top</div>{paragraphs}'


def test_a_quote_link_opens_the_source_page_at_the_passage(app, mini, browser):
    """Each source document served as a page; the links of seeded quotes from each scroll to the passage."""
    import yaml

    from ..conftest import ROOT

    rows = {row["file"]: row for row in index_rows()}
    _Page.pages = {f"/{name}": _as_page((SOURCES / name).read_text(encoding="utf-8")) for name in rows}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Page))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    seeds = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "seeds").glob("*.yaml"))]
    sources = {s["key"]: s for doc in seeds for s in (doc or {}).get("sources", [])}
    quotes: dict[str, list[str]] = {}
    for doc in seeds:
        for node in (doc or {}).get("nodes", []):
            for citation in node.get("citations", []):
                source = Source(
                    title=sources[citation["source"]]["title"],
                    kind="x",
                    address=sources[citation["source"]].get("address"),
                )
                path = text_file_of(source, list(rows.values()))
                if path is not None:
                    quotes.setdefault(path.name, []).append(citation["quote"])
    assert len(quotes) == 5
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    missed, tried = [], 0
    for name, listed in sorted(quotes.items()):
        copy = quotecheck.normalise((SOURCES / name).read_text(encoding="utf-8"))
        for quote in listed[:: max(1, len(listed) // 6)][:6]:  # a spread of each document's quotes
            spans = quotecheck.locate(quote, copy)
            if spans[0][0] > 0 and copy[spans[0][0] - 1].isalnum():
                continue  # the copy runs two words together here ("viewNew"), as the page itself does not
            href = fragments.link(f"{base}/{name}", quote)
            _Page.pages["/go"] = f'<!doctype html><meta charset="utf-8"><a id="go" href="{html.escape(href)}">go</a>'
            page.goto(f"{base}/go")
            page.click("#go")  # text fragments scroll on a navigation the reader started
            page.wait_for_load_state()
            page.wait_for_timeout(300)
            tried += 1
            if page.evaluate("window.scrollY") < 1000:
                missed.append((name, quote[:80], href[len(base) :][:160]))
    context.close()
    server.shutdown()
    server.server_close()
    assert tried >= 25 and not missed, missed
