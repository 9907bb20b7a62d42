"""A point's own pages and forms: the point with its paths, citations and themes, its revisions, the points the
link picker finds, and the choices a form offers."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from .. import graph, search
from ..models import Citation, Debate, Node, NodeTheme, Revision, Source, Theme, User, Voice
from .cards import ACTIVE, COUNTS, Card
from .rows import Part, run, select_of, split


@dataclass
class NodeDetail:
    """A point's page: the point, its voice and debate, citations (each with its source) and themes as rows with
    the models' names (rows.py; a NODE, VOICE, DEBATE, ...), not as ORM objects."""

    node: Any  # a NODE
    voice: Any  # a VOICE or None
    debate: Any  # a DEBATE
    paths: list[graph.Path]  # the nearest graph.LEVELS points above on each path (graph.ancestor_paths)
    citations: list[tuple[Any, Any]]  # (a CITATION, its SOURCE)
    themes: list[Any]  # THEMEs
    card: Card
    outcome_source: Any = None  # a SOURCE or None
    paths_complete: bool = True  # False: the point appears in at least len(paths) places


def node_detail(session: Session, *, node_id: int) -> NodeDetail | None:
    """A node with its voice, debate, its paths from the points above (the nearest graph.LEVELS on each),
    citations and themes: five queries."""
    return _detail(session, _DETAIL_ACTIVE, node_id)


# The statements of a point's page, built once and run with the point's id (a page builds none of its own); every
# column of each table, as the page and its forms show most of them.
_OUTCOME_SOURCE = aliased(Source, name="outcome_source")
NODE, VOICE, DEBATE = Part.of(Node), Part.of(Voice, outer=True), Part.of(Debate)
SOURCE, CITATION, THEME = Part.of(Source), Part.of(Citation), Part.of(Theme)
OUTCOME_SOURCE = Part("Source", tuple(getattr(_OUTCOME_SOURCE, column.key) for column in SOURCE.columns), outer=True)
_DETAIL = (
    select_of(NODE, VOICE, DEBATE, OUTCOME_SOURCE, *COUNTS)
    .select_from(Node)
    .outerjoin(Voice, Voice.id == Node.voice_id)
    .join(Debate, Debate.id == Node.debate_id)
    .outerjoin(_OUTCOME_SOURCE, _OUTCOME_SOURCE.id == Node.outcome_source_id)
    .where(Node.id == bindparam("node_id"))
)
_DETAIL_ACTIVE = _DETAIL.where(ACTIVE)
_CITATIONS = (
    select_of(CITATION, SOURCE)
    .join(Source, Source.id == Citation.source_id)
    .where(col(Citation.node_id) == bindparam("node_id"))
    .order_by(Citation.position)
)
_THEMES = (
    select_of(THEME)
    .join(NodeTheme, NodeTheme.theme_id == Theme.id)
    .where(col(NodeTheme.node_id) == bindparam("node_id"))
    .order_by(Theme.name)
)


def _detail(session: Session, statement, node_id: int) -> NodeDetail | None:
    """The NodeDetail of `node_id` as `statement` (_DETAIL or _DETAIL_ACTIVE) finds it, or None: five queries."""
    row = run(session, statement, {"node_id": node_id}).first()
    if row is None:
        return None
    node, voice, debate, outcome_source, pros, cons = split(row, NODE, VOICE, DEBATE, OUTCOME_SOURCE, 2)
    params = {"node_id": node.id}
    citations = [split(row, CITATION, SOURCE) for row in run(session, _CITATIONS, params)]
    themes = [THEME.read(row) for row in run(session, _THEMES, params)]
    paths, complete = graph.ancestor_paths(session, node=node)
    own = Card(
        node,
        voice,
        pros=pros or 0,
        cons=cons or 0,  # the card of the point itself, from what is read
        sources=list({source.id: source for _citation, source in citations}.values()),
    )
    return NodeDetail(node, voice, debate, paths, citations, themes, own, outcome_source, complete)


def node_any_status(session: Session, *, node_id: int) -> NodeDetail | None:
    """Like node_detail, but archived nodes too (for moderators and history)."""
    return _detail(session, _DETAIL, node_id)


def revisions(session: Session, *, node_id: int) -> list[tuple[Revision, User | None]]:
    return list(
        session.exec(
            select(Revision, User)
            .outerjoin(User, User.id == Revision.author_id)
            .where(Revision.node_id == node_id)
            .order_by(Revision.number.desc())
        )
    )


@dataclass
class FormChoices:
    voices: list[Voice]
    sources: list[Source]
    themes: list[Theme]


def form_choices(session: Session) -> FormChoices:
    """The voices, sources and themes a form offers: three queries."""
    return FormChoices(
        list(session.exec(select(Voice).order_by(Voice.group_name, Voice.name))),
        list(session.exec(select(Source).order_by(Source.title))),
        list(session.exec(select(Theme).order_by(Theme.name))),
    )


def find_nodes(
    session: Session, *, words: str, exclude: int | None = None, limit: int = 10
) -> list[tuple[Node, Debate]]:
    """Active points (not theses) that match `words` as the search page does (stop words dropped, every word
    first, then any word, best first), for the link picker: at most `limit`, three queries."""
    ids = [i for i in search.ranked_ids(session, words=words, limit=limit * 3) if i != exclude]
    if not ids:
        return []
    order = {node_id: index for index, node_id in enumerate(ids)}
    rows = session.exec(
        select(Node, Debate)
        .join(Debate, Debate.id == Node.debate_id)
        .where(Node.id.in_(ids), ACTIVE, Node.kind != "thesis")
    ).all()
    return sorted(rows, key=lambda row: order[row[0].id])[:limit]
