"""Gather a debate, the subtree under one of its points, or every debate (a backup) from the database into a map
document: the seed format's structure as plain data (see mapdoc). A document comes as (name, value) pairs in document
order, its nodes read BATCH at a time (a fixed number of queries, and four more a batch, whatever the size), so that
a writer that streams holds one batch at a time; `collect` and `collect_all` make it one dict."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import case, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ..models import Citation, Debate, DebateTheme, GlossaryTerm, Link, Node, NodeTheme, Source, Theme, Voice
from . import Section, mapdoc
from .mapdoc import EVERY_DEBATE, STATE, header


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


BATCH = 2000  # nodes read at a time: four queries a batch, whatever the map's size


@dataclass
class _Batch:
    """A batch of nodes with their voices, and what their entries are made of."""

    rows: list[tuple[Node, Voice | None]]
    parents: dict
    citations: dict
    themes: dict

    def entry(self, node: Node, voice: Voice | None, kind: str | None = None) -> dict:
        return _compact(
            {
                "key": _key(node, "node"),
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


def _read_batch(session: Session, ids: list[int], among: set[int] | None, root_id: int | None = None) -> _Batch:
    """The nodes whose ids are `ids`, in that order, with their parents, citations and themes, in four queries.
    Links from parents outside `among` (None: every node), and those above the root, stay out."""
    found = {node.id: (node, voice) for node, voice in session.exec(_voiced().where(col(Node.id).in_(ids)))}
    parents = defaultdict(lambda: {"supports": [], "opposes": [], "answers": []})
    links = (
        select(Link.child_id, Link.parent_id, Link.relation, Node.key)
        .join(Node, Node.id == Link.parent_id)
        .where(col(Link.child_id).in_(ids))
        .order_by(Link.child_id, Link.position, Link.id)
    )
    for child_id, parent_id, relation, key in session.exec(links):
        if child_id != root_id and (among is None or parent_id in among):
            parents[child_id][relation].append(key or f"node-{parent_id}")
    citations = defaultdict(list)
    cited = (
        select(Citation, Source)
        .join(Source, Source.id == Citation.source_id)
        .where(col(Citation.node_id).in_(ids))
        .order_by(Citation.node_id, Citation.position)
    )
    for citation, source in session.exec(cited):
        citations[citation.node_id].append(_citation(source, citation.quote, citation.locator))
    themes = defaultdict(list)
    themed = (
        select(NodeTheme.node_id, Theme.key)
        .join(Theme, Theme.id == NodeTheme.theme_id)
        .where(col(NodeTheme.node_id).in_(ids))
        .order_by(Theme.key)
    )
    for node_id, key in session.exec(themed):
        themes[node_id].append(key)
    return _Batch([found[i] for i in ids if i in found], parents, citations, themes)


def _voiced():
    return select(Node, Voice).outerjoin(Voice, Voice.id == Node.voice_id).order_by(Node.id)


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _debate_themes(session: Session, debate_ids) -> dict[int, list[Theme]]:
    by_debate = defaultdict(list)
    themed = select(DebateTheme.debate_id, Theme).join(Theme, Theme.id == DebateTheme.theme_id)
    for debate_id, theme in session.exec(themed.where(col(DebateTheme.debate_id).in_(debate_ids)).order_by(Theme.key)):
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


def sections(session: Session, *, debate: Debate, root_id: int | None = None) -> Iterator[Section]:
    """The map document under `root_id` (default: the whole debate, under its thesis or its top-level points) as
    (name, value) pairs in document order, as `collect` returns it: the metadata and the themes, sources, voices
    and debates sections as values, the nodes as an iterator of entries read BATCH at a time. Holds the ids of the
    map's nodes, never all their rows; eight queries and four more for each BATCH nodes."""
    root_id = root_id or debate.thesis_id
    whole = root_id == debate.thesis_id
    within = subtree_ids(root_id, debate.id)
    ids = sorted(session.exec(within).scalars())
    among = set(ids)
    debate_themes = _debate_themes(session, [debate.id])[debate.id]
    themed = select(Theme).where(
        col(Theme.id).in_(select(NodeTheme.theme_id).where(col(NodeTheme.node_id).in_(within)))
    )
    themes = {theme.id: theme for theme in session.exec(themed.order_by(Theme.key))}
    themes.update({theme.id: theme for theme in debate_themes})
    root = session.get(Node, root_id) if root_id else None
    if root is None:  # a debate without a thesis: its top-level points head it
        top = _keys(session, list(session.exec(top_ids(debate.id)).scalars())) if ids else []
        heading = _debate(debate.slug, debate.title, None, debate_themes, debate.summary, top)
    else:
        title = debate.title if whole else root.title
        key = debate.slug if whole else f"{debate.slug}-{root_id}"
        heading = _debate(key, title, _key(root, "node"), debate_themes, debate.summary)
    yield from header(debate.slug if whole else f"{debate.slug}, node {root_id}").items()
    yield "themes", [_theme(t) for t in themes.values()]
    yield "sources", [_source(s) for s in session.exec(_first_cited(within))]
    yield "voices", [_voice(v) for v in session.exec(_first_voiced(within, root_id))]
    yield "debates", [heading]
    order = [root_id] + [i for i in ids if i != root_id] if root_id in among else ids
    yield "nodes", _entries(session, order, among, root_id)


def _entries(session: Session, ids: list[int], among: set[int] | None, root_id: int | None) -> Iterator[dict]:
    """The entries of the nodes `ids`, in that order, read BATCH at a time; the root's kind is thesis (unless
    it is a question)."""
    for batch_ids in _batches(ids):
        batch = _read_batch(session, batch_ids, among, root_id)
        for node, voice in batch.rows:
            yield batch.entry(node, voice, "thesis" if node.id == root_id and node.kind != "question" else None)


def _keys(session: Session, ids: list[int]) -> list[str]:
    """The keys of the nodes `ids`, in that order (made up from the id for a node without one)."""
    keys = dict(session.exec(select(Node.id, Node.key).where(col(Node.id).in_(ids))).all()) if ids else {}
    return [keys[i] or f"node-{i}" for i in ids]


def _first_cited(within):
    """The sources the nodes `within` cite, in the order of their first citation (by node id, then position)."""
    ranked = (
        sa_select(
            Citation.source_id,
            Citation.node_id,
            Citation.position,
            func.row_number()
            .over(partition_by=Citation.source_id, order_by=(Citation.node_id, Citation.position))
            .label("rank"),
        )
        .where(col(Citation.node_id).in_(within))
        .subquery()
    )
    return (
        select(Source)
        .join(ranked, ranked.c.source_id == Source.id)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.node_id, ranked.c.position)
    )


def _first_voiced(within, root_id: int | None):
    """The voices of the nodes `within`, in the order of their first node (the root first, then by id)."""
    first = (
        sa_select(Node.voice_id, func.min(case((Node.id == root_id, 0), else_=Node.id)).label("first"))
        .where(col(Node.id).in_(within), col(Node.voice_id).is_not(None))
        .group_by(Node.voice_id)
        .subquery()
    )
    return select(Voice).join(first, first.c.voice_id == Voice.id).order_by(first.c.first)


def materialise(document: Iterable[Section]) -> dict:
    """A document given as (name, value) pairs (`sections`, `sections_all`) as one dict, its iterators as lists."""
    return {name: list(value) if isinstance(value, Iterator) else value for name, value in document}


def collect(session: Session, *, debate: Debate, root_id: int | None = None) -> dict:
    """The map under `root_id` (default: the whole debate, under its thesis or its top-level points) as one dict
    (see `sections`), in eight queries and four more for each BATCH nodes."""
    return materialise(sections(session, debate=debate, root_id=root_id))


def sections_all(session: Session) -> Iterator[Section]:
    """Every debate, node (archived ones too), link, citation, source, voice, theme and glossary term, and in
    node_state what the seed fields cannot say: a backup, as (name, value) pairs in document order, the nodes and
    node_state as iterators read BATCH nodes at a time. The document is checked first, as the loader would read
    it (its seeds held meanwhile, then only where each node would be placed): FormatError, before the first pair,
    when it would not load back. Reads the database twice, so call it in a transaction that reads one state."""
    placed = mapdoc.validate_sections(_backup_body(session), "the backup")[0].debate_of
    yield from header(EVERY_DEBATE).items()
    yield from _backup_body(session)
    slugs = dict(session.exec(select(Debate.id, Debate.slug)).all())
    sources = dict(session.exec(select(Source.id, Source.key)).all())
    yield STATE, _states(session, placed, slugs, sources)


def _backup_body(session: Session) -> Iterator[Section]:
    """The sections of a backup between its header and its node_state."""
    debates = list(session.exec(select(Debate).order_by(Debate.id)))
    debate_themes = _debate_themes(session, [debate.id for debate in debates])
    sources = {source.id: source for source in session.exec(select(Source).order_by(Source.id))}
    thesis_ids = [d.thesis_id for d in debates if d.thesis_id is not None]
    thesis_keys = dict(zip(thesis_ids, _keys(session, thesis_ids), strict=True))
    yield "themes", [_theme(t) for t in session.exec(select(Theme).order_by(Theme.id))]
    yield "sources", [_source(s) for s in sources.values()]
    yield "voices", [_voice(v) for v in session.exec(select(Voice).order_by(Voice.id))]
    yield (
        "debates",
        [
            _debate(
                d.slug,
                d.title,
                thesis_keys.get(d.thesis_id),
                debate_themes[d.id],
                d.summary,
                _keys(session, list(session.exec(top_ids(d.id)).scalars())) if d.thesis_id is None else None,
            )
            for d in debates
        ],
    )
    yield "nodes", _entries(session, _all_ids(session), None, None)
    yield (
        "glossary",
        [
            {
                "key": g.key,
                "term": g.term,
                "expansion": g.expansion,
                "definition": g.definition,
                "citation": _citation(sources[g.source_id], g.quote, g.locator),
            }
            for g in session.exec(select(GlossaryTerm).order_by(GlossaryTerm.id))
        ],
    )


def _all_ids(session: Session) -> list[int]:
    return list(session.exec(select(Node.id).order_by(col(Node.id))).all())


def _states(session: Session, placed: dict[str, str], slugs: dict[int, str], sources: dict) -> Iterator[dict]:
    """The node_state entries of every node that needs one, read BATCH nodes at a time."""
    for batch_ids in _batches(_all_ids(session)):
        for node in session.exec(select(Node).where(col(Node.id).in_(batch_ids)).order_by(col(Node.id))):
            state = _state(node, _key(node, "node"), slugs[node.debate_id], placed, sources)
            if len(state) > 1:
                yield state


def collect_all(session: Session) -> dict:
    """A backup of every debate as one dict (see `sections_all`); FormatError when it would not load back."""
    return materialise(sections_all(session))


def _state(node: Node, key: str, debate: str, placed: dict[str, str], sources: dict[int, str | None]) -> dict:
    """A node_state entry: the node's debate where the loader would place it in another, its status when archived,
    its outcome; only the key when none of these applies."""
    outcome = (
        {}
        if node.outcome is None
        else {
            "outcome": node.outcome,
            "outcome_on": node.outcome_on,
            "outcome_reason": node.outcome_reason,
            "outcome_citation": _compact(
                {
                    "source": sources[node.outcome_source_id] or f"source-{node.outcome_source_id}",
                    "quote": node.outcome_quote,
                    "locator": node.outcome_locator,
                }
            ),
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
