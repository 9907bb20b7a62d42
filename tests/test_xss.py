"""Hostile input through the form: nothing executable survives into any page."""

from html.parser import HTMLParser

import pytest
from sqlmodel import select

from icsdebate import db
from icsdebate.models import Node, Source, Voice

from .conftest import sign_in

VECTORS = [
    "<script>alert('evil')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert('evil')>",
    "<svg onload=alert('evil')>",
    "<svg><script>alert('evil')</script></svg>",
    "<svg><a xlink:href=\"javascript:alert('evil')\"><text>x</text></a></svg>",
    "<body onload=alert('evil')>",
    "<iframe src=\"javascript:alert('evil')\"></iframe>",
    "<a href=\"javascript:alert('evil')\">click</a>",
    "<a href=\"JaVaScRiPt:alert('evil')\">click</a>",
    "<a href=\"&#106;avascript:alert('evil')\">click</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnZXZpbCcpPC9zY3JpcHQ+">click</a>',
    "<a href=\"vbscript:msgbox('evil')\">click</a>",
    "[click](javascript:alert('evil'))",
    "[click](JAVASCRIPT:alert('evil'))",
    "[click](data:text/html,<script>alert('evil')</script>)",
    "[click](  javascript:alert('evil'))",
    "![img](javascript:alert('evil'))",
    "![x](x\" onerror=\"alert('evil'))",
    "[x](https://ok.example \"title\" onmouseover=alert('evil'))",
    '<div hx-get="/evil" hx-trigger="load">x</div>',
    '<button hx-post="/evil">x</button>',
    "<div hx-on:click=\"alert('evil')\">x</div>",
    "<div hx-on::load=\"alert('evil')\">x</div>",
    '<div data-hx-get="/evil" data-hx-trigger="load">x</div>',
    "<p data-hx-on-click=\"alert('evil')\">x</p>",
    '<form action="/evil"><input name=x></form>',
    "<style>body{background:url('javascript:alert(1)')}</style>evil",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('evil')>",
    '<a href="https://ok.example" onclick="alert(\'evil\')">x</a>',
    "<details open ontoggle=alert('evil')>",
    "<object data=\"javascript:alert('evil')\"></object>",
    "<embed src=\"javascript:alert('evil')\">",
    "\"><script>alert('evil')</script>",
    "' onmouseover='alert(1)' x='",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'evil\')">',
    "<base href=\"javascript:alert('evil')//\">",
    "<template><script>alert('evil')</script></template>",
]
OUR_HTMX = ("hx-get", "hx-post", "hx-target", "hx-swap", "hx-push-url", "hx-trigger", "hx-headers", "hx-swap-oob")


class Audit(HTMLParser):
    """Collects everything executable in a page."""

    def __init__(self):
        super().__init__()
        self.problems, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))
        if tag in ("iframe", "object", "embed", "base") or (tag == "meta" and "http-equiv" in dict(attrs)):
            self.problems.append(f"<{tag}>")
        if tag == "style":
            self.problems.append("<style>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}")
            if name in ("href", "src", "action", "xlink:href", "data", "formaction") and value.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{tag} {name}={value[:30]}")
            if (name.startswith(("hx-", "data-hx-")) and name not in OUR_HTMX) or (
                name.startswith("hx-") and "evil" in value
            ):
                self.problems.append(f"{tag} {name}")


def audit(html: str) -> Audit:
    parser = Audit()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("vector", VECTORS)
def test_no_vector_survives_into_the_pages(app, client, mini, users, vector):
    token = sign_in(client, "contributor-user")
    with app.app_context():
        db.session().exec(select(Source).where(Source.key == "kf")).one()
    data = {
        "relation": "opposes",
        "kind": "claim",
        "title": f"T {vector}"[:280],
        "annotation": vector,
        "voice": "new",
        "voice_name": f"V {vector}"[:200],
        "voice_group": f"G {vector}"[:80],
        "source": "new",
        "source_title": f"S {vector}",
        "source_kind": "news",
        "quote": f"Q {vector}",
        "locator": f"L {vector}"[:300],
        "csrf_token": token,
    }
    response = client.post(f"/nodes/{mini['t']}/add", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        node = db.session().exec(select(Node).where(Node.title == data["title"].strip())).one()
        voice = db.session().get(Voice, node.voice_id)
    for page in (
        f"/nodes/{node.id}",
        "/debates/mini",
        f"/voices/{voice.id}",
        "/sources",
        "/changes",
        f"/nodes/{node.id}/history",
        f"/nodes/{node.id}/edit",
    ):
        html = client.get(page).get_data(as_text=True)
        found = audit(html)
        assert found.problems == [], (page, found.problems)
        assert found.scripts == [
            "/static/vendor/htmx-2.0.11.min.js",
            "/static/vendor/svg-pan-zoom-3.6.2.min.js",
            "/static/js/map.js",
            "/static/js/site.js",
        ], page  # the site's own files, nothing else
    preview = client.post("/preview", data={"annotation": vector, "csrf_token": token}).get_data(as_text=True)
    assert audit(preview).problems == [] and audit(preview).scripts == []


def test_the_corpus_is_large_enough():
    assert len(VECTORS) >= 30
