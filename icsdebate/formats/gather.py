"""Gather a debate, the subtree under one of its points, or every debate (a backup) from the database into a map
document: the seed format's structure as plain data (see mapdoc), in a fixed number of queries whatever the size."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from ..models import Citation, Debate, DebateTheme, GlossaryTerm, Link, Node, NodeTheme, Source, Theme, Voice
from .mapdoc import EVERY_DEBATE, STATE, header, validate


def top_ids(debate_id: int):
    """A selectable of the ids of a debate's top-level points: its active points that no link puts under another."""
    return (
        sa_select(Node.id)
        .where(
            Node.debate_id == debate_id,
            Node.status == "active",
            ~sa_select(Link.id).where(Link.child_id == Node.id).exists(),
        )
        .order_by(Node.id)
    )


def subtree_ids(root_id: int | None, debate_id: int | None = None):
    """A selectable of the ids of the active nodes at and below `root_id` (recursive, cycle-safe UNION); with no
    root, below every top-level point of `debate_id`."""
    start = sa_select(literal(root_id).label("id")) if root_id else top_ids(debate_id).order_by(None)
    down = start.cte("down", recursive=True)
    step = (
        sa_select(Link.child_id)
        .join(down, Link.parent_id == down.c.id)
        .join(Node, Node.id == Link.child_id)
        .where(Node.status == "active")
    )
    down = down.union(step)
    return sa_select(down.c.id)


def _key(row, prefix: str) -> str:
    """The row's own key, or one made from its id (`prefix`-id; mapdoc.made_up recognises it)."""
    return row.key or f"{prefix}-{row.id}"


def _compact(entry: dict) -> dict:
    return {name: value for name, value in entry.items() if value not in (None, "", [])}


def _among(query, column, ids):
    """`query` limited to rows whose `column` is in `ids`; every row when `ids` is None."""
    return query if ids is None else query.where(column.in_(ids))


@dataclass
class _Nodes:
    """The nodes of a document with their voices, and what their entries are made of."""

    rows: list[tuple[Node, Voice | None]]
    keys: dict[int, str]
    parents: dict
    citations: dict
    themes: dict

    def entry(self, node: Node, voice: Voice | None, kind: str | None = None) -> dict:
        return _compact(
            {
                "key": self.keys[node.id],
                "kind": kind or node.kind,
                "title": node.title,
                "voice": _key(voice, "voice") if voice else None,
                "supports": self.parents[node.id]["supports"],
                "opposes": self.parents[node.id]["opposes"],
                "answers": self.parents[node.id]["answers"],
                "argued_on": node.argued_on,
                "happened_on": node.happened_on,
                "themes": self.themes[node.id],
                "annotation": node.annotation,
                "citations": self.citations[node.id],
            }
        )


def _read_nodes(session: Session, ids, root_id: int | None = None) -> tuple[_Nodes, dict, dict]:
    """The nodes in `ids` (None: all) by id, the root first, with the sources they cite and their themes by id.
    Links from outside `ids`, and those above the root, stay out. Four queries."""
    order = (Node.id != root_id, Node.id) if root_id else (Node.id,)
    voiced = select(Node, Voice).outerjoin(Voice, Voice.id == Node.voice_id).order_by(*order)
    rows = list(session.exec(_among(voiced, Node.id, ids)))
    keys = {node.id: _key(node, "node") for node, _ in rows}
    parents = defaultdict(lambda: {"supports": [], "opposes": [], "answers": []})
    links = select(Link).order_by(Link.child_id, Link.position, Link.id)
    for link in session.exec(_among(links, Link.child_id, ids)):
        if link.child_id != root_id and link.parent_id in keys:
            parents[link.child_id][link.relation].append(keys[link.parent_id])
    citations, sources = defaultdict(list), {}
    cited = (
        select(Citation, Source)
        .join(Source, Source.id == Citation.source_id)
        .order_by(Citation.node_id, Citation.position)
    )
    for citation, source in session.exec(_among(cited, Citation.node_id, ids)):
        sources[source.id] = source
        citations[citation.node_id].append(_citation(source, citation.quote, citation.locator))
    node_themes, themes = defaultdict(list), {}
    themed = select(NodeTheme.node_id, Theme).join(Theme, Theme.id == NodeTheme.theme_id).order_by(Theme.key)
    for node_id, theme in session.exec(_among(themed, NodeTheme.node_id, ids)):
        themes[theme.id] = theme
        node_themes[node_id].append(theme.key)
    return _Nodes(rows, keys, parents, citations, node_themes), sources, themes


def _debate_themes(session: Session, debate_ids) -> dict[int, list[Theme]]:
    by_debate = defaultdict(list)
    themed = select(DebateTheme.debate_id, Theme).join(Theme, Theme.id == DebateTheme.theme_id)
    for debate_id, theme in session.exec(themed.where(DebateTheme.debate_id.in_(debate_ids)).order_by(Theme.key)):
        by_debate[debate_id].append(theme)
    return by_debate


def _theme(theme: Theme) -> dict:
    return _compact({"key": theme.key, "name": theme.name, "description": theme.description})


def _source(source: Source) -> dict:
    return _compact(
        {
            "key": _key(source, "source"),
            "title": source.title,
            "publisher": source.publisher,
            "author": source.author,
            "date": source.date,
            "address": source.address,
            "kind": source.kind,
        }
    )


def _voice(voice: Voice) -> dict:
    return _compact(
        {
            "key": _key(voice, "voice"),
            "name": voice.name,
            "role": voice.role,
            "organisation": voice.organisation,
            "group": voice.group_name,
        }
    )


def _debate(
    key: str, title: str, thesis: str | None, themes: list[Theme], summary: str, top: list[str] | None = None
) -> dict:
    return _compact(
        {
            "key": key,
            "title": title,
            "thesis": thesis,
            "top": top,
            "themes": [theme.key for theme in themes],
            "summary": summary,
        }
    )


def _citation(source: Source, quote: str, locator: str) -> dict:
    return _compact({"source": _key(source, "source"), "quote": quote, "locator": locator})


def collect(session: Session, *, debate: Debate, root_id: int | None = None) -> dict:
    """The map under `root_id` (default: the whole debate, under its thesis or its top-level points) in eight
    queries, whatever its size."""
    root_id = root_id or debate.thesis_id
    whole = root_id == debate.thesis_id
    nodes, sources, themes = _read_nodes(session, subtree_ids(root_id, debate.id), root_id)
    debate_themes = _debate_themes(session, [debate.id])[debate.id]
    themes.update({theme.id: theme for theme in debate_themes})
    if root_id is None:  # a debate without a thesis: its top-level points head it
        top = list(session.exec(top_ids(debate.id)).scalars()) if nodes.rows else []
        heading = _debate(debate.slug, debate.title, None, debate_themes, debate.summary, [nodes.keys[i] for i in top])
    else:
        title = debate.title if whole else next(node.title for node, _ in nodes.rows if node.id == root_id)
        key = debate.slug if whole else f"{debate.slug}-{root_id}"
        heading = _debate(key, title, nodes.keys[root_id], debate_themes, debate.summary)
    return {
        **header(debate.slug if whole else f"{debate.slug}, node {root_id}"),
        "themes": [_theme(t) for t in themes.values()],
        "sources": [_source(s) for s in sources.values()],
        "voices": [_voice(v) for v in {voice.id: voice for _, voice in nodes.rows if voice}.values()],
        "debates": [heading],
        "nodes": [
            nodes.entry(node, voice, "thesis" if node.id == root_id and node.kind != "question" else None)
            for node, voice in nodes.rows
        ],
    }


def collect_all(session: Session) -> dict:
    """Every debate, node (archived ones too), link, citation, source, voice, theme and glossary term, and in
    node_state what the seed fields cannot say: a backup, in ten queries. FormatError when it would not load back."""
    nodes, _, _ = _read_nodes(session, None)
    debates = list(session.exec(select(Debate).order_by(Debate.id)))
    debate_themes = _debate_themes(session, [debate.id for debate in debates])
    sources = {source.id: source for source in session.exec(select(Source).order_by(Source.id))}
    document = {
        **header(EVERY_DEBATE),
        "themes": [_theme(t) for t in session.exec(select(Theme).order_by(Theme.id))],
        "sources": [_source(s) for s in sources.values()],
        "voices": [_voice(v) for v in session.exec(select(Voice).order_by(Voice.id))],
        "debates": [
            _debate(
                d.slug,
                d.title,
                nodes.keys.get(d.thesis_id),
                debate_themes[d.id],
                d.summary,
                [nodes.keys[i] for i in session.exec(top_ids(d.id)).scalars()] if d.thesis_id is None else None,
            )
            for d in debates
        ],
        "nodes": [nodes.entry(node, voice) for node, voice in nodes.rows],
        "glossary": [
            {
                "key": g.key,
                "term": g.term,
                "expansion": g.expansion,
                "definition": g.definition,
                "citation": _citation(sources[g.source_id], g.quote, g.locator),
            }
            for g in session.exec(select(GlossaryTerm).order_by(GlossaryTerm.id))
        ],
    }
    placed = validate(document, "the backup").debate_of
    slugs = {debate.id: debate.slug for debate in debates}
    states = (_state(node, nodes.keys[node.id], slugs[node.debate_id], placed, sources) for node, _ in nodes.rows)
    return {**document, STATE: [state for state in states if len(state) > 1]}


def _state(node: Node, key: str, debate: str, placed: dict[str, str], sources: dict[int, Source]) -> dict:
    """A node_state entry: the node's debate where the loader would place it in another, its status when archived,
    its outcome; only the key when none of these applies."""
    outcome = (
        {}
        if node.outcome is None
        else {
            "outcome": node.outcome,
            "outcome_on": node.outcome_on,
            "outcome_reason": node.outcome_reason,
            "outcome_citation": _citation(sources[node.outcome_source_id], node.outcome_quote, node.outcome_locator),
        }
    )
    return _compact(
        {
            "key": key,
            "debate": None if placed[key] == debate else debate,
            "status": None if node.status == "active" else node.status,
            **outcome,
        }
    )
