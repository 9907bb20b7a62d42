"""A point's own pages and forms: the point with its paths, citations and themes, its revisions, the points the
link picker finds, and the choices a form offers."""

from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import graph, search
from ..models import Citation, Debate, Node, NodeTheme, Revision, Source, Theme, User, Voice
from .cards import ACTIVE, COUNTS, Card


@dataclass
class NodeDetail:
    node: Node
    voice: Voice | None
    debate: Debate
    paths: list[graph.Path]  # the nearest graph.LEVELS points above on each path (graph.ancestor_paths)
    citations: list[tuple[Citation, Source]]
    themes: list[Theme]
    card: Card
    outcome_source: Source | None = None
    paths_complete: bool = True  # False: the point appears in at least len(paths) places


def node_detail(session: Session, *, node_id: int) -> NodeDetail | None:
    """A node with its voice, debate, its paths from the points above (the nearest graph.LEVELS on each),
    citations and themes: five queries."""
    row = session.exec(_DETAIL_ACTIVE, params={"node_id": node_id}).first()
    if row is None:
        return None
    return _detail(session, *row)


# The statements of a point's page, built once and run with the point's id (a page builds none of its own).
_OUTCOME_SOURCE = aliased(Source, name="outcome_source")
_DETAIL = (
    select(Node, Voice, Debate, _OUTCOME_SOURCE)
    .add_columns(*COUNTS)
    .outerjoin(Voice, Voice.id == Node.voice_id)
    .join(Debate, Debate.id == Node.debate_id)
    .outerjoin(_OUTCOME_SOURCE, _OUTCOME_SOURCE.id == Node.outcome_source_id)
    .where(Node.id == bindparam("node_id"))
)
_DETAIL_ACTIVE = _DETAIL.where(ACTIVE)
_CITATIONS = (
    select(Citation, Source)
    .join(Source, Source.id == Citation.source_id)
    .where(Citation.node_id == bindparam("node_id"))
    .order_by(Citation.position)
)
_THEMES = (
    select(Theme)
    .join(NodeTheme, NodeTheme.theme_id == Theme.id)
    .where(NodeTheme.node_id == bindparam("node_id"))
    .order_by(Theme.name)
)


def _detail(
    session: Session,
    node: Node,
    voice: Voice | None,
    debate: Debate,
    outcome_source: Source | None,
    pros: int | None,
    cons: int | None,
) -> NodeDetail:
    citations = list(session.exec(_CITATIONS, params={"node_id": node.id}))
    themes = list(session.exec(_THEMES, params={"node_id": node.id}))
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
    row = session.exec(_DETAIL, params={"node_id": node_id}).first()
    if row is None:
        return None
    return _detail(session, *row)


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
