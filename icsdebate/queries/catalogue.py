"""Sources, voices, themes and groups: their indexes, the points under each, a source's quotes, who argued what,
and the glossary."""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import graph, quotecheck
from ..models import (
    Citation,
    Debate,
    GlossaryTerm,
    Node,
    NodeTheme,
    QuoteTally,
    SideTally,
    Source,
    SourceTally,
    SourceText,
    Theme,
    Voice,
    VoiceTally,
)
from ..params import DIGITS, parse_int
from .keyset import FIRST_PAGE, Seek
from .paging import GroupedPage, _grouped_page, _points


def source_nodes(session: Session, *, source_id: int, seek: Seek = FIRST_PAGE, size: int = 50) -> GroupedPage:
    """The points citing a source, in the order they were made (by number), driven by the index of citations
    on (source, point), so that any page costs the same. A point citing the source twice is listed once."""
    earlier = aliased(Citation)
    query = (
        _points()
        # "+ 0" and "OFFSET 0" keep each point and each earlier citation a probe of an index, one per citation read:
        # as plain joins, PostgreSQL merge-joined along node's whole primary key (337 ms for the first page of a
        # source cited by 50,000 of 171,000 points, against 0.5 ms)
        .join(Citation, Node.id == Citation.node_id + 0)
        .where(
            Citation.source_id == source_id,
            # the point's first citation of the source only: no GROUP BY, which would sort every citing point
            ~select(earlier.id)
            .where(earlier.node_id == Citation.node_id, earlier.source_id == source_id, earlier.id < Citation.id)
            .offset(0)
            .exists(),
        )
    )
    return _grouped_page(session, query, (Citation.node_id,), (int,), seek, size)


@dataclass
class SourceQuotes:
    """A source page's quotes: whether the source has an attached copy, how many of the quotes citing it the
    copy holds, and the quotes of the points on this page, each in its sentence from the copy."""

    attached_at: object | None = None
    found: int = 0
    not_found: int = 0
    by_node: dict[int, list[tuple[Citation, list[tuple[str, bool]] | None]]] = field(default_factory=dict)


def source_quotes(session: Session, *, source_id: int, node_ids: list[int]) -> SourceQuotes:
    """The quotes of `node_ids` citing the source, each with its sentence from the attached copy (None without
    one, or when the quote is not in it), and the counts found and not found from `quotetally`: three queries."""
    result = SourceQuotes()
    copy = session.exec(
        select(SourceText.normalised, SourceText.attached_at).where(SourceText.source_id == source_id)
    ).first()
    if copy is not None:
        result.attached_at = copy[1]
        for found, n in session.exec(
            select(QuoteTally.found_in_copy, QuoteTally.n).where(QuoteTally.source_id == source_id)
        ):
            setattr(result, "found" if found else "not_found", n)
    if not node_ids:
        return result
    comparable = quotecheck.comparable(copy[0]) if copy is not None else None
    for citation in session.exec(
        select(Citation)
        .where(Citation.source_id == source_id, Citation.node_id.in_(node_ids))
        .order_by(Citation.node_id, Citation.position)
    ):
        sentence = quotecheck.in_sentence(citation.quote, copy[0], comparable) if copy is not None else None
        result.by_node.setdefault(citation.node_id, []).append((citation, sentence))
    return result


def voice_nodes(session: Session, *, voice_id: int, seek: Seek = FIRST_PAGE, size: int = 50) -> GroupedPage:
    """A voice's points by debate, then number, read along the index ix_node_voice_debate."""
    return _grouped_page(
        session, _points().where(Node.voice_id == voice_id), (Node.debate_id, Node.id), (int, int), seek, size
    )


def theme_nodes(session: Session, *, theme_id: int, seek: Seek = FIRST_PAGE, size: int = 50) -> GroupedPage:
    """The points carrying a theme, by number, read along the index ix_nodetheme_theme_node."""
    query = _points().join(NodeTheme, NodeTheme.node_id == Node.id).where(NodeTheme.theme_id == theme_id)
    return _grouped_page(session, query, (NodeTheme.node_id,), (int,), seek, size)


def by_id_or_key(session: Session, model, value: str):
    """A row by numeric id (plain digits) or by its seed key; None when there is none."""
    if DIGITS.fullmatch(value):
        number = parse_int(value)
        return session.get(model, number) if number is not None else None
    return session.exec(select(model).where(model.key == value)).first()


def sources_index(session: Session) -> list[tuple[Source, int]]:
    """Every source, oldest first, with how many quotes of it the active points hold (SourceTally, kept by the
    triggers of migration 0024, so the cost follows the sources, not the points). One query."""
    return [
        (source, int(count))
        for source, count in session.exec(
            select(Source, func.coalesce(SourceTally.n, 0))
            .outerjoin(SourceTally, SourceTally.source_id == Source.id)
            .order_by(Source.date, Source.title)
        )
    ]


def voices_index(session: Session) -> list[tuple[Voice, int]]:
    """Every voice with how many active nodes it argued (summed from VoiceTally's row per debate, so the cost
    follows the voices and debates, not the points), grouped by voice group."""
    return [
        (voice, int(count))
        for voice, count in session.exec(
            select(Voice, func.coalesce(func.sum(VoiceTally.n), 0))
            .outerjoin(VoiceTally, VoiceTally.voice_id == Voice.id)
            .group_by(Voice.id)
            .order_by(Voice.group_name, Voice.name)
        )
    ]


def themes_index(session: Session) -> list[tuple[Theme, int]]:
    return list(
        session.exec(
            select(Theme, func.count(NodeTheme.node_id))
            .outerjoin(NodeTheme, NodeTheme.theme_id == Theme.id)
            .group_by(Theme.id)
            .order_by(Theme.name)
        )
    )


def group_nodes(session: Session, *, group_name: str, seek: Seek = FIRST_PAGE, size: int = 50) -> GroupedPage:
    """The points of a group's voices, voice by voice, each by debate, then number: read along ix_node_voice_debate
    one voice after another, so that a page costs the same however many points the group's voices made (ordered
    by debate first, every page would sort all of them)."""
    return _grouped_page(
        session,
        _points().where(Voice.group_name == group_name),
        (Voice.id, Node.debate_id, Node.id),
        (int, int, int),
        seek,
        size,
    )


@dataclass
class Cell:
    sides: dict[str, int] = field(default_factory=lambda: {"for": 0, "against": 0, "both": 0})

    @property
    def total(self) -> int:
        return sum(self.sides.values())


@dataclass
class MatrixRow:
    label: str
    voice: Voice | None
    cells: dict[int, Cell] = field(default_factory=dict)
    voices: list["MatrixRow"] = field(default_factory=list)


def voice_matrix(session: Session) -> tuple[list[Debate], list[MatrixRow]]:
    """Voice groups (and their voices) against debates: how many points each made on each side. Two queries,
    read from the tallies of migration 0013 (a row per debate, voice and side), whatever the size of the debates."""
    debates = list(session.exec(select(Debate).order_by(Debate.id)))
    rows = session.exec(
        select(SideTally.debate_id, SideTally.side, SideTally.n, Voice)
        .join(Voice, Voice.id == SideTally.voice_id)
        .where(SideTally.n > 0)
        .order_by(Voice.group_name, Voice.name, Voice.id)
    )
    groups: dict[str, MatrixRow] = {}
    voices: dict[int, MatrixRow] = {}
    for debate_id, side, count, voice in rows:
        group = groups.setdefault(voice.group_name, MatrixRow(voice.group_name, None))
        if voice.id not in voices:
            voices[voice.id] = MatrixRow(voice.name, voice)
            group.voices.append(voices[voice.id])
        for row in (group, voices[voice.id]):
            row.cells.setdefault(debate_id, Cell()).sides[graph.SIDE_OF[side]] += count
    return debates, sorted(groups.values(), key=lambda g: -sum(c.total for c in g.cells.values()))


def glossary(session: Session) -> list[tuple[GlossaryTerm, Source]]:
    return list(
        session.exec(
            select(GlossaryTerm, Source).join(Source, Source.id == GlossaryTerm.source_id).order_by(GlossaryTerm.term)
        )
    )
