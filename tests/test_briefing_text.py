"""The Markdown briefing carries what users wrote as text: rendered by Python-Markdown or by markdown-it
(CommonMark, raw HTML allowed), a hostile title, quote, name or address is shown as its words, never as markup."""

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from sqlalchemy import text

from icsdebate import db

ROOT = Path(__file__).resolve().parent.parent
TITLE = (
    '<img src=x onerror=alert(1)> *bold* [link](javascript:alert(1)) <<table href="javascript:x">y</table>> '
    "\\ `code` & &lt;"
)
QUOTE = "line one\n# a heading?\n<script>alert(1)</script>\n- a list?"
NAME = "Name <b>bold</b> _it_"
ADDRESS = "https://example.org/a><script>alert(1)</script>"
ALLOWED = {"h1", "h2", "p", "ul", "ol", "li", "strong", "em", "blockquote", "a"}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.hrefs, self.text = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.hrefs += [value for name, value in attrs if name == "href"]

    def handle_data(self, data):
        self.text.append(data)


def _markdown_it(source: str) -> str:
    script = (
        "const md = require('markdown-it')({html: true, linkify: false});"
        "let s = ''; process.stdin.on('data', d => s += d).on('end', () => process.stdout.write(md.render(s)));"
    )
    return subprocess.run(
        ["node", "-e", script], input=source, capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout


def _poison(app, mini):
    with app.app_context(), db.write_session() as session:
        session.execute(text("UPDATE node SET title = :t WHERE id = :id"), {"t": TITLE, "id": mini["pro-boards"]})
        session.execute(
            text("UPDATE citation SET quote = :q WHERE node_id = :id"), {"q": QUOTE, "id": mini["pro-boards"]}
        )
        session.execute(text("UPDATE voice SET name = :n"), {"n": NAME})
        session.execute(text("UPDATE source SET address = :a"), {"a": ADDRESS})


RENDERERS = [pytest.param(lambda s: markdown.markdown(s), id="python-markdown")]
if shutil.which("node") and (ROOT / "node_modules" / "markdown-it").exists():
    RENDERERS.append(pytest.param(_markdown_it, id="markdown-it"))


@pytest.mark.parametrize("render", RENDERERS)
def test_the_markdown_briefing_shows_what_users_wrote_as_text(app, client, mini, render):
    _poison(app, mini)
    response = client.get("/debates/mini/export/md")
    assert response.status_code == 200
    parsed = _Tags()
    parsed.feed(render(response.get_data(as_text=True)))
    assert parsed.tags <= ALLOWED, parsed.tags
    assert all(href.startswith("https://example.org/") for href in parsed.hrefs), parsed.hrefs
    words = " ".join("".join(parsed.text).split())
    assert " ".join(TITLE.split()) in words
    assert " ".join(QUOTE.split()) in words
    assert NAME in words
