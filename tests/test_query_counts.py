"""Every page costs the same number of SQL queries on a debate ten times larger."""

import pytest
from sqlmodel import select

from icsdebate import db, pagecache, quotecheck
from icsdebate.db import count_queries
from icsdebate.generate import generate
from icsdebate.models import Citation, Link, Node, NodeTheme, Source

from .conftest import _empty_tables


def build(app, size: int) -> dict:
    """A generated debate of `size` nodes, and the ids its pages are opened with."""
    with app.app_context(), db.write_session() as session:
        debate = generate(session, nodes=size, seed=7, slug="big")
        busiest = session.exec(
            select(Link.parent_id)
            .join(Node, Node.id == Link.parent_id)
            .where(Node.debate_id == debate.id, Node.kind != "thesis")
            .group_by(Link.parent_id)
            .order_by(Link.parent_id)
        ).first()
        node = session.get(Node, busiest)
        citation = session.exec(select(Citation).where(Citation.node_id == node.id)).first()
        theme = session.exec(select(NodeTheme).where(NodeTheme.node_id == node.id)).first()
        # the source has an attached copy: its page shows each quote in its sentence
        quotecheck.attach(
            session,
            source=session.get(Source, citation.source_id),
            name="copy.txt",
            text=f"A first sentence. {citation.quote} And a last one.",
        )
        return {
            "slug": debate.slug,
            "node": node.id,
            "thesis": debate.thesis_id,
            "voice": node.voice_id,
            "source": citation.source_id,
            "theme": theme.theme_id,
        }


PAGES = [
    "/",
    "/debates/{slug}",
    "/debates/{slug}/outline",
    "/nodes/{node}",
    "/nodes/{node}/outline",
    "/nodes/{thesis}/children/supports?page=2",
    "/sources/{source}",
    "/voices/{voice}",
    "/themes/{theme}",
    "/sources",
    "/voices",
    "/themes",
    "/debates/{slug}/timeline",
    "/who-argued-what",
    "/search?q=point+integrated",
]


def queries_per_page(app, ids: dict) -> dict[str, int]:
    client = app.test_client()
    counts = {}
    for page in PAGES:
        with app.app_context():
            pagecache.cache.clear()  # count what making the page costs
        if "page_versions" in app.extensions:  # and its version read, whatever the time since the last page
            app.extensions["page_versions"].forget()
        with count_queries(app.extensions["engine"]) as counter:
            response = client.get(page.format(**ids))
        assert response.status_code == 200, page
        counts[page] = counter[0]
    return counts


@pytest.mark.parametrize("small,large", [(60, 600)])
def test_queries_per_page_do_not_grow_with_the_debate(app, small, large):
    small_counts = queries_per_page(app, build(app, small))
    _empty_tables(app.extensions["engine"])
    large_counts = queries_per_page(app, build(app, large))
    assert large_counts == small_counts
    assert max(small_counts.values()) <= 21


def test_gen_debate_is_deterministic_and_refuses_a_taken_name(app, runner):
    from sqlalchemy import text

    def shape(slug):
        with app.app_context():
            return (
                db.session()
                .exec(
                    text(
                        "SELECT n.kind, n.title, l.relation FROM node n JOIN debate d ON d.id = n.debate_id "
                        "LEFT JOIN link l ON l.child_id = n.id WHERE d.slug = :s ORDER BY n.id, l.id"
                    ),
                    params={"s": slug},
                )
                .all()
            )

    assert runner.invoke(args=["gen-debate", "--nodes", "200", "--seed", "4", "--slug", "a"]).exit_code == 0
    assert runner.invoke(args=["gen-debate", "--nodes", "200", "--seed", "4", "--slug", "b"]).exit_code == 0
    assert shape("a") == shape("b") and len({row[1] for row in shape("a")}) == 200
    taken = runner.invoke(args=["gen-debate", "--nodes", "10", "--slug", "a"])
    assert taken.exit_code == 1 and "exists already" in taken.output
