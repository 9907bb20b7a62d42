"""A debate, or the subtree under one node, as a map document: the seed format's structure, as plain data."""
from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import literal, select as sa_select
from sqlmodel import Session, select

from ..models import Citation, Debate, DebateTheme, Link, Node, NodeTheme, Source, Theme, Voice

FORMAT = "icsdebate-map"
VERSION = 1
METADATA = ("format", "version", "exported_at", "exported_from")


def subtree_ids(root_id: int):
    """A selectable of the ids of the active nodes at and below `root_id` (recursive, cycle-safe UNION)."""
    down = sa_select(literal(root_id).label("id")).cte("down", recursive=True)
    step = (sa_select(Link.child_id).join(down, Link.parent_id == down.c.id)
            .join(Node, Node.id == Link.child_id).where(Node.status == "active"))
    down = down.union(step)
    return sa_select(down.c.id)


def _key(row, prefix: str) -> str:
    return row.key or f"{prefix}-{row.id}"


def _compact(entry: dict) -> dict:
    return {name: value for name, value in entry.items() if value not in (None, "", [])}


def collect(session: Session, *, debate: Debate, root_id: int | None = None) -> dict:
    """The map under `root_id` (default: the whole debate) in seven queries, whatever its size."""
    root_id = root_id or debate.thesis_id
    ids = subtree_ids(root_id)
    nodes = list(session.exec(select(Node, Voice).outerjoin(Voice, Voice.id == Node.voice_id)
                              .where(Node.id.in_(ids)).order_by(Node.id != root_id, Node.id)))
    keys = {node.id: _key(node, "node") for node, _ in nodes}
    parents = defaultdict(lambda: {"supports": [], "opposes": []})
    for link in session.exec(select(Link).where(Link.child_id.in_(ids)).order_by(Link.child_id, Link.position, Link.id)):
        if link.child_id != root_id and link.parent_id in keys:  # links from outside the subtree stay out
            parents[link.child_id][link.relation].append(keys[link.parent_id])
    citations, sources = defaultdict(list), {}
    for citation, source in session.exec(select(Citation, Source).join(Source, Source.id == Citation.source_id)
                                         .where(Citation.node_id.in_(ids)).order_by(Citation.node_id, Citation.position)):
        sources[source.id] = source
        citations[citation.node_id].append(_compact({"source": _key(source, "source"), "quote": citation.quote,
                                                     "locator": citation.locator}))
    node_themes, themes = defaultdict(list), {}
    for node_id, theme in session.exec(select(NodeTheme.node_id, Theme).join(Theme, Theme.id == NodeTheme.theme_id)
                                       .where(NodeTheme.node_id.in_(ids)).order_by(Theme.key)):
        themes[theme.id] = theme
        node_themes[node_id].append(theme.key)
    debate_themes = list(session.exec(select(Theme).join(DebateTheme, DebateTheme.theme_id == Theme.id)
                                      .where(DebateTheme.debate_id == debate.id).order_by(Theme.key)))
    themes.update({theme.id: theme for theme in debate_themes})
    voices = {voice.id: voice for _, voice in nodes if voice}
    root = next(node for node, _ in nodes if node.id == root_id)
    return {
        "format": FORMAT, "version": VERSION,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "exported_from": debate.slug if root_id == debate.thesis_id else f"{debate.slug}, node {root_id}",
        "themes": [_compact({"key": t.key, "name": t.name, "description": t.description}) for t in themes.values()],
        "sources": [_compact({"key": _key(s, "source"), "title": s.title, "publisher": s.publisher, "author": s.author,
                              "date": s.date, "address": s.address, "kind": s.kind}) for s in sources.values()],
        "voices": [_compact({"key": _key(v, "voice"), "name": v.name, "role": v.role, "organisation": v.organisation,
                             "group": v.group_name}) for v in voices.values()],
        "debates": [_compact({
            "key": debate.slug if root_id == debate.thesis_id else f"{debate.slug}-{root_id}",
            "title": debate.title if root_id == debate.thesis_id else root.title,
            "thesis": keys[root_id], "themes": [t.key for t in debate_themes], "summary": debate.summary,
        })],
        "nodes": [_compact({
            "key": keys[node.id], "kind": "thesis" if node.id == root_id else node.kind, "title": node.title,
            "voice": _key(voice, "voice") if voice else None,
            "supports": parents[node.id]["supports"], "opposes": parents[node.id]["opposes"],
            "argued_on": node.argued_on, "happened_on": node.happened_on, "themes": node_themes[node.id],
            "annotation": node.annotation, "citations": citations[node.id],
        }) for node, voice in nodes],
    }


def json_schema() -> dict:
    """The JSON Schema of a map document, built from the same models that validate seeds and imports."""
    from .. import seeds

    sections = {name: {"type": "array", "items": model.model_json_schema(ref_template="#/$defs/{model}")}
                for name, model in seeds.SECTIONS.items()}
    definitions = {}
    for section in sections.values():
        definitions.update(section["items"].pop("$defs", {}))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ICS Debate map",
        "description": "Debates, their nodes with supports/opposes links, citations, sources, voices and themes. "
                       "Keys are unique within each list; nodes refer to parents, voices, sources and themes by key.",
        "type": "object",
        "properties": {"format": {"const": FORMAT}, "version": {"const": VERSION},
                       "exported_at": {"type": "string"}, "exported_from": {"type": "string"}, **sections},
        "additionalProperties": False,
        "$defs": definitions,
    }
