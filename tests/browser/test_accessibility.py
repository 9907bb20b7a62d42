"""Every kind of page, checked by axe-core in Chromium at desktop and phone widths: no serious or critical
violation of WCAG 2.2 A and AA (contrast included)."""

import pytest
from sqlmodel import select

from icsdebate import db
from icsdebate.models import Citation, Debate, Link, Node, NodeTheme

from ..conftest import PASSWORD, ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pages(app) -> dict[str, str]:
    """One address of every kind of page, on the shipped debates."""
    with app.app_context():
        session = db.session()
        debate = session.exec(select(Debate).where(Debate.slug == "privatisation")).one()
        node_id = session.exec(
            select(Link.parent_id)
            .join(Node, Node.id == Link.parent_id)
            .where(Node.debate_id == debate.id, Node.kind != "thesis")
            .order_by(Link.parent_id)
        ).first()
        source_id = session.exec(select(Citation.source_id).where(Citation.node_id == node_id)).first()
        voice_id = session.get(Node, node_id).voice_id
        theme_id = session.exec(select(NodeTheme.theme_id)).first()
    return {
        "home": "/",
        "debate": "/debates/privatisation",
        "point": f"/nodes/{node_id}",
        "outline": "/debates/privatisation/outline",
        "map": "/debates/privatisation/map",
        "matrix": "/who-argued-what",
        "timeline": "/timeline",
        "sources": "/sources",
        "source": f"/sources/{source_id}",
        "voices": "/voices",
        "voice": f"/voices/{voice_id}",
        "themes": "/themes",
        "theme": f"/themes/{theme_id}",
        "search": "/search?q=do+ICSs+privatise+the+NHS%3F",
        "glossary": "/glossary",
        "history": f"/nodes/{node_id}/history",
        "recent changes": "/changes",
        "sign in": "/signin",
        "sign up": "/signup",
        "briefing": "/debates/privatisation/summary",
        # signed in as a moderator from here on
        "add form": f"/nodes/{node_id}/add?kind=claim&relation=opposes",
        "edit form": f"/nodes/{node_id}/edit",
        "compare": f"/nodes/{node_id}/history/compare?from=1&to=2",
        "import": "/import",
    }


SIGNED_IN = ("add form", "edit form", "compare", "import")


def serious(page) -> list[str]:
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']} {node.get('failureSummary', '')[:160]}"
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"][:3]
    ]


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_no_page_has_a_serious_accessibility_violation(app, live_server, browser, users, width, height):
    addresses = pages(app)
    # the site's policy allows no inline script: axe is injected with the policy set aside for the check only
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    problems = {}
    try:
        for name, path in addresses.items():
            if name == SIGNED_IN[0]:
                page.goto(live_server + "/signin")
                page.get_by_label("Name").fill("moderator-user")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(lambda url: "/signin" not in url)
            if name == "compare":  # a second version to compare with the first: the edit form saved
                page.get_by_role("button", name="Save").click()
                page.wait_for_url(lambda url: "/edit" not in url)
            response = page.goto(live_server + path)
            assert response.status == 200, (name, path, response.status)
            page.wait_for_load_state("load")
            page.add_script_tag(path=str(AXE))
            found = serious(page)
            if found:
                problems[f"{name} {path}"] = found
    finally:
        context.close()
    assert not problems, "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in problems.items())
