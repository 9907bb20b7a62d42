"""A debate's page: its counts by side, kind and voice, and the positions heading it with their first points for
and against."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, literal
from sqlmodel import Session, select

from ..models import Debate, DebateTheme, Link, Node, SideKindTally, SideVoiceTally, Theme, Voice
from .cards import ACTIVE, TALLIED, Card, Page, _decorate


@dataclass
class SideCount:
    """Distinct points on one side of a thesis, by kind, and the distinct voices that made them."""

    points: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    voices: list[tuple[Voice, int]] = field(default_factory=list)  # most points first

    @property
    def voice_count(self) -> int:
        return len(self.voices)


@dataclass
class Position:
    """A point heading part of a debate (a position answering its question, or one of its top-level points),
    with a first page of the points for and against it."""

    card: Card
    columns: dict[str, Page]


def positions(session: Session, *, debate: Debate, size: int = 10, limit: int = 50) -> list[Position]:
    """The positions answering a debate's question, or, when the debate has no thesis, its top-level points: the
    first `limit` of them, each with the first `size` points for and against it. Four queries, whatever the number
    of positions and points: the columns of every position come from one query that numbers each column's rows."""
    if debate.thesis_id is None:
        heads = (
            select(Node, Voice, literal(None).label("relation"))
            .outerjoin(Voice, Voice.id == Node.voice_id)
            .where(Node.debate_id == debate.id, ACTIVE, ~select(Link.id).where(Link.child_id == Node.id).exists())
            .order_by(Node.id)
            .limit(limit)
        )
    else:
        heads = (
            select(Node, Voice, Link.relation)
            .join(Link, Link.child_id == Node.id)
            .outerjoin(Voice, Voice.id == Node.voice_id)
            .where(Link.parent_id == debate.thesis_id, Link.relation == "answers", ACTIVE)
            .order_by(Link.position, Node.id)
            .limit(limit)
        )
    cards = _decorate(session, [Card(node, voice, relation) for node, voice, relation in session.exec(heads)])
    if not cards:
        return []
    rank = (
        func.row_number()
        .over(partition_by=(Link.parent_id, Link.relation), order_by=(Link.position, Node.id))
        .label("rank")
    )
    numbered = (
        select(Node.id.label("node_id"), Link.parent_id, Link.relation, rank)
        .join(Link, Link.child_id == Node.id)
        .where(Link.parent_id.in_([card.node.id for card in cards]), Link.relation.in_(TALLIED), ACTIVE)
        .subquery()
    )
    rows = session.exec(
        select(Node, Voice, numbered.c.parent_id, numbered.c.relation, numbered.c.rank)
        .join(numbered, numbered.c.node_id == Node.id)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .where(numbered.c.rank <= size + 1)
        .order_by(numbered.c.parent_id, numbered.c.rank)
    ).all()
    kids: dict[tuple[int, str], list[Card]] = defaultdict(list)
    for node, voice, parent_id, relation, _rank in rows:
        kids[(parent_id, relation)].append(Card(node, voice, relation))
    _decorate(session, [card_ for column in kids.values() for card_ in column[:size]])
    return [
        Position(
            card_,
            {
                relation: Page(kids[(card_.node.id, relation)][:size], 1, len(kids[(card_.node.id, relation)]) > size)
                for relation in TALLIED
            },
        )
        for card_ in cards
    ]


@dataclass
class DebateSummary:
    """A debate's counts, read from the side tallies (sides.py): `nodes` distinct points besides the thesis,
    each counted once, split into `sides` (for, against, both) and `kinds` that each add up to `nodes`."""

    debate: Debate
    thesis: Node | None  # None: the debate is headed by its top-level points
    nodes: int = 0
    sides: dict[str, SideCount] = field(default_factory=lambda: {s: SideCount() for s in ("for", "against", "both")})
    kinds: dict[str, int] = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    voices: list[tuple[Voice, int]] = field(default_factory=list)
    voice_count: int = 0

    @property
    def pros(self) -> int:
        return self.sides["for"].points

    @property
    def cons(self) -> int:
        return self.sides["against"].points

    @property
    def evidence(self) -> int:
        return self.kinds.get("evidence", 0)


KIND_ORDER = ("claim", "evidence", "question", "event")


def debate_summaries(session: Session, *, slug: str | None = None, top_voices: int = 6) -> list[DebateSummary]:
    """Every debate (or the one with `slug`) with its counts of distinct points by side and kind (from the side
    tallies), its themes, its most frequent voices and the voices on each side: five queries."""
    query = select(Debate, Node).outerjoin(Node, Node.id == Debate.thesis_id).order_by(Debate.id)
    if slug is not None:
        query = query.where(Debate.slug == slug)
    summaries = {d.id: DebateSummary(d, thesis) for d, thesis in session.exec(query)}
    if not summaries:
        return []
    ids = list(summaries)
    for debate_id, side, kind, count in session.exec(
        select(SideKindTally.debate_id, SideKindTally.side, SideKindTally.kind, SideKindTally.n).where(
            SideKindTally.debate_id.in_(ids), SideKindTally.side != "thesis", SideKindTally.n > 0
        )
    ):
        summary = summaries[debate_id]
        summary.nodes += count
        summary.kinds[kind] = summary.kinds.get(kind, 0) + count
        summary.sides[side].points += count
        summary.sides[side].kinds[kind] = count
    for summary in summaries.values():
        summary.kinds = {kind: summary.kinds[kind] for kind in KIND_ORDER if summary.kinds.get(kind)}
    for debate_id, theme in session.exec(
        select(DebateTheme.debate_id, Theme)
        .join(Theme, Theme.id == DebateTheme.theme_id)
        .where(DebateTheme.debate_id.in_(ids))
        .order_by(Theme.name)
    ):
        summaries[debate_id].themes.append(theme)
    everyone: dict[int, dict[int, tuple[Voice, int]]] = {debate_id: {} for debate_id in ids}
    for debate_id, side, voice, count in session.exec(
        select(SideVoiceTally.debate_id, SideVoiceTally.side, Voice, SideVoiceTally.n)
        .join(Voice, Voice.id == SideVoiceTally.voice_id)
        .where(SideVoiceTally.debate_id.in_(ids), SideVoiceTally.n > 0)
        .order_by(SideVoiceTally.debate_id, SideVoiceTally.n.desc(), Voice.name)
    ):
        if side != "thesis":
            summaries[debate_id].sides[side].voices.append((voice, count))
        held = everyone[debate_id].get(voice.id, (voice, 0))
        everyone[debate_id][voice.id] = (voice, held[1] + count)
    for debate_id, voices in everyone.items():
        ranked = sorted(voices.values(), key=lambda pair: (-pair[1], pair[0].name))
        summaries[debate_id].voice_count = len(ranked)
        summaries[debate_id].voices = ranked[:top_voices]
    return list(summaries.values())
