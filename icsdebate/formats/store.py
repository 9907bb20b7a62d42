"""Store a checked map document (an import) as new debates beside the ones already here: its points are always
new rows; its themes, sources and voices are reused when ones with the same keys exist."""

from sqlmodel import Session, select

from .. import derived
from ..db import insert_rows
from ..models import Citation, Debate, DebateTheme, Link, Node, NodeTheme, utcnow
from ..seeds.entries import SeedSet
from ..seeds.writing import catalogue, node_values
from ..text import render_markdown


def _free_slug(session: Session, wanted: str) -> str:
    taken = set(session.exec(select(Debate.slug).where(Debate.slug.like(f"{wanted}%"))).all())
    if wanted not in taken:
        return wanted
    return next(f"{wanted}-{n}" for n in range(2, 10_000) if f"{wanted}-{n}" not in taken)


def load_as_new(session: Session, seeds: SeedSet) -> list[Debate]:
    """Write `seeds` as new debates (imports): nodes are always new; themes, sources and voices are
    reused when one with the same key exists. Runs in the session's open transaction."""
    themes, sources, voices, _added = catalogue(session, seeds, update=False)
    debates = {}
    for key, d in seeds.debates.items():
        debates[key] = Debate(
            slug=_free_slug(session, key), title=d.title, summary=d.summary, summary_html=render_markdown(d.summary)
        )
        session.add(debates[key])
    session.flush()
    rows = [
        node_values(seeds, key, debates, voices) | {"status": "active", "created_at": utcnow(), "updated_at": utcnow()}
        for key in seeds.nodes
    ]
    ids = dict(zip(seeds.nodes, (row.id for row in insert_rows(session, Node, rows)), strict=True))
    for key, d in seeds.debates.items():
        debates[key].thesis_id = ids[d.thesis] if d.thesis else None
        session.add_all(DebateTheme(debate_id=debates[key].id, theme_id=themes[t].id) for t in d.themes)
    links, citations, node_themes = [], [], []
    for key, n in seeds.nodes.items():
        links += [
            {
                "child_id": ids[key],
                "parent_id": ids[parent],
                "relation": relation,
                "position": position,
                "created_at": utcnow(),
            }
            for position, (parent, relation) in enumerate(n.parents())
        ]
        citations += [
            {
                "node_id": ids[key],
                "source_id": sources[c.source].id,
                "quote": c.quote,
                "locator": c.locator,
                "position": position,
            }
            for position, c in enumerate(n.citations)
        ]
        node_themes += [{"node_id": ids[key], "theme_id": themes[t].id} for t in dict.fromkeys(n.themes)]
    for model, values in ((Link, links), (Citation, citations), (NodeTheme, node_themes)):
        insert_rows(session, model, values)
    derived.after_load(session, [debate.id for debate in debates.values()])
    return list(debates.values())
