"""What each page reads, in a fixed number of queries whatever the size of the debate."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, literal, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select
from werkzeug.exceptions import BadRequest

from .. import graph, quotecheck, search, strength
from ..models import (
    ChildTally,
    Citation,
    Debate,
    DebateTheme,
    GlossaryTerm,
    Link,
    Node,
    NodeTheme,
    Revision,
    SideKindTally,
    SideTally,
    SideVoiceTally,
    Source,
    SourceText,
    Theme,
    User,
    Voice,
    VoiceTally,
)
from ..params import DIGITS, parse_int
from ..standing import STANDS

ACTIVE = Node.status == "active"
TALLIED = {"supports": "pros", "opposes": "cons"}  # answers (a position under a question) is neither


@dataclass
class Card:
    """A node as a card: its voice, the sources it cites and how many pros and cons it has itself."""

    node: Node
    voice: Voice | None
    relation: str | None = None
    sources: list[Source] = field(default_factory=list)
    pros: int = 0
    cons: int = 0


@dataclass
class Page:
    """One page of cards under a parent, for one relation."""

    cards: list[Card]
    page: int
    has_more: bool


def _tally(relation: str):
    """A point's count of active children that `relation` it (ChildTally), as a column of the query that reads
    the point, so that a list of cards needs no query of its own for their counts."""
    return select(ChildTally.n).where(ChildTally.node_id == Node.id, ChildTally.relation == relation).scalar_subquery()


COUNTS = (_tally("supports"), _tally("opposes"))


def _decorate(session: Session, cards: list[Card], counts: bool = True) -> list[Card]:
    """Fill in sources (and, unless the cards were read with COUNTS, child counts from ChildTally) for a list of
    cards: one or two queries."""
    ids = [card.node.id for card in cards]
    if not ids:
        return cards
    by_id = {card.node.id: card for card in cards}
    rows = session.exec(
        select(Citation.node_id, Source)
        .join(Source, Source.id == Citation.source_id)
        .where(Citation.node_id.in_(ids))
        .order_by(Citation.position)
    )
    for node_id, source in rows:
        if source not in by_id[node_id].sources:
            by_id[node_id].sources.append(source)
    if not counts:
        return cards
    counts = session.exec(
        select(ChildTally.node_id, ChildTally.relation, ChildTally.n).where(ChildTally.node_id.in_(ids))
    )
    for parent_id, relation, count in counts:
        if relation in TALLIED:
            setattr(by_id[parent_id], TALLIED[relation], count)
    return cards


def card(session: Session, node: Node, voice: Voice | None) -> Card:
    return _decorate(session, [Card(node, voice)])[0]


def children(
    session: Session, *, parent_id: int, relation: str | None, page: int = 1, size: int = 40, still: bool = False
) -> Page:
    """A page of a node's active children, supporting or opposing (or both when relation is None, supporting
    first), strongest first (strength.py), only those that still stand when `still`."""
    query = (
        select(Node, Voice, Link.relation, *COUNTS)
        .join(Link, Link.child_id == Node.id)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .where(Link.parent_id == parent_id, ACTIVE)
        .order_by(Link.relation.desc(), *strength.order_by(), Link.position, Node.id)
        .offset((page - 1) * size)
        .limit(size + 1)
    )
    if relation:
        query = query.where(Link.relation == relation)
    if still:
        query = query.where(Node.standing == STANDS)
    rows = list(session.exec(query))
    cards = [Card(node, voice, rel, pros=pros or 0, cons=cons or 0) for node, voice, rel, pros, cons in rows[:size]]
    return Page(_decorate(session, cards, counts=False), page, len(rows) > size)


@dataclass(frozen=True)
class Seek:
    """Where a page of a list starts: after the row whose key is `after`, before the row whose key is `before`,
    or (with neither) at row (page - 1) * size, for old ?page=N addresses. `page` is the number shown. A key is
    the row's sort values joined with '~', as the links of the previous page carry them."""

    page: int = 1
    after: str | None = None
    before: str | None = None


FIRST_PAGE = Seek()


@dataclass
class Window:
    """Where a page of a list sits: its number, the keys of its first and last rows, and whether there are
    rows before and after it. A page's links carry these keys, so page 2,000 costs what page 1 costs."""

    page: int
    first: str | None
    last: str | None
    has_previous: bool
    has_more: bool


def _key(values) -> str:
    return "~".join(str(int(v)) if isinstance(v, bool) else str(v) for v in values)


def _strict_int(part: str) -> int:
    """A whole number in a list's key: plain digits that fit the database; ValueError otherwise."""
    number = parse_int(part, lo=0)
    if number is None:
        raise ValueError(part)
    return number


def _parse(key: str, types: tuple) -> tuple:
    parts = key.split("~")
    try:
        if len(parts) != len(types):
            raise ValueError(key)
        return tuple(_strict_int(part) if kind is int else kind(part) for kind, part in zip(types, parts))
    except ValueError:
        raise BadRequest(
            f"“{key[:80]}” is not a place in this list; open its first page and follow its links."
        ) from None


def _seek(session: Session, query, keys: tuple, types: tuple, seek: Seek, size: int, descending: bool = False):
    """Rows of `query` (without its sort keys) for one page in the order of `keys`, and the page's Window.
    Reading after or before a key is a seek in an index on `keys`, whatever the page number; one query."""
    query = query.add_columns(*keys)
    row_key = tuple_(*keys)
    order = [key.desc() if descending else key for key in keys]
    backwards = [key if descending else key.desc() for key in keys]
    if seek.after:
        value = tuple_(*_parse(seek.after, types))
        query = query.where(row_key < value if descending else row_key > value).order_by(*order)
    elif seek.before:
        value = tuple_(*_parse(seek.before, types))
        query = query.where(row_key > value if descending else row_key < value).order_by(*backwards)
    else:
        query = query.order_by(*order).offset((seek.page - 1) * size)
    rows = list(session.exec(query.limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    if seek.before:
        rows.reverse()
        window = Window(seek.page, None, None, more and seek.page > 1, True)
    else:
        window = Window(seek.page, None, None, seek.page > 1, more)
    if rows:
        window.first, window.last = _key(rows[0][-len(keys) :]), _key(rows[-1][-len(keys) :])
    return [tuple(row[: -len(keys)]) for row in rows], window


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


@dataclass
class NodeDetail:
    node: Node
    voice: Voice | None
    debate: Debate
    paths: list[list[graph.Step]]
    citations: list[tuple[Citation, Source]]
    themes: list[Theme]
    card: Card
    outcome_source: Source | None = None


def node_detail(session: Session, *, node_id: int) -> NodeDetail | None:
    """A node with its voice, debate, every path from the thesis, citations and themes: five queries."""
    row = session.exec(_detail_query(Node.id == node_id, ACTIVE)).first()
    if row is None:
        return None
    return _detail(session, *row)


def _detail_query(*conditions):
    outcome_source = aliased(Source)
    return (
        select(Node, Voice, Debate, outcome_source, *COUNTS)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .join(Debate, Debate.id == Node.debate_id)
        .outerjoin(outcome_source, outcome_source.id == Node.outcome_source_id)
        .where(*conditions)
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
    citations = list(
        session.exec(
            select(Citation, Source)
            .join(Source, Source.id == Citation.source_id)
            .where(Citation.node_id == node.id)
            .order_by(Citation.position)
        )
    )
    themes = list(
        session.exec(
            select(Theme)
            .join(NodeTheme, NodeTheme.theme_id == Theme.id)
            .where(NodeTheme.node_id == node.id)
            .order_by(Theme.name)
        )
    )
    paths = graph.ancestor_paths(session, node=node)
    own = Card(
        node,
        voice,
        pros=pros or 0,
        cons=cons or 0,  # the card of the point itself, from what is read
        sources=list({source.id: source for _citation, source in citations}.values()),
    )
    return NodeDetail(node, voice, debate, paths, citations, themes, own, outcome_source)


@dataclass
class Group:
    """Nodes of one debate, split by the side of its thesis they argue."""

    debate: Debate
    sides: dict[str, list[Card]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class GroupedPage:
    """One page of points from many debates, grouped by debate and side; `start` numbers its first point."""

    groups: list[Group]
    window: Window
    start: int
    count: int

    @property
    def page(self) -> int:
        return self.window.page

    @property
    def has_more(self) -> bool:
        return self.window.has_more


def grouped(rows: list[tuple], cards: list[Card]) -> list[Group]:
    """Cards grouped by debate, then by the side of its thesis each point argues (stored with the point)."""
    groups: dict[int, Group] = {}
    for card_, (_node, _voice, debate, *_counts) in zip(cards, rows):
        group = groups.setdefault(debate.id, Group(debate))
        side = "thesis" if card_.node.kind == "thesis" else graph.SIDE_OF[card_.node.side]
        group.sides[side].append(card_)
    return list(groups.values())


def _grouped_page(session: Session, query, keys: tuple, types: tuple, seek: Seek, size: int) -> GroupedPage:
    """One page of the points `query` selects (Node, Voice, Debate rows), in the order of `keys`, grouped:
    three queries, each reading from an index where the previous page ended."""
    rows, window = _seek(session, query, keys, types, seek, size)
    cards = _decorate(
        session,
        [Card(node, voice, pros=pros or 0, cons=cons or 0) for node, voice, _, pros, cons in rows],
        counts=False,
    )
    return GroupedPage(grouped(rows, cards), window, (seek.page - 1) * size + 1, len(rows))


def _points():
    return (
        select(Node, Voice, Debate, *COUNTS)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .join(Debate, Debate.id == Node.debate_id)
        .where(ACTIVE)
    )


def source_nodes(session: Session, *, source_id: int, seek: Seek = FIRST_PAGE, size: int = 50) -> GroupedPage:
    """The points citing a source, in the order they were made (by number), driven by the index of citations
    on (source, point), so that any page costs the same. A point citing the source twice is listed once."""
    earlier = aliased(Citation)
    query = (
        _points()
        .join(Citation, Citation.node_id == Node.id)
        .where(
            Citation.source_id == source_id,
            # the point's first citation of the source only: no GROUP BY, which would sort every citing point
            ~select(earlier.id)
            .where(earlier.node_id == Citation.node_id, earlier.source_id == source_id, earlier.id < Citation.id)
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
    one, or when the quote is not in it): three queries."""
    result = SourceQuotes()
    copy = session.exec(
        select(SourceText.normalised, SourceText.attached_at).where(SourceText.source_id == source_id)
    ).first()
    if copy is not None:
        result.attached_at = copy[1]
        for found, n in session.exec(
            select(Citation.found_in_copy, func.count())
            .where(Citation.source_id == source_id)
            .group_by(Citation.found_in_copy)
        ):
            if found is not None:
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
    """Every source with how many active nodes cite it."""
    cited = aliased(Node)
    return list(
        session.exec(
            select(Source, func.count(func.distinct(cited.id)))
            .outerjoin(Citation, Citation.source_id == Source.id)
            .outerjoin(cited, (cited.id == Citation.node_id) & (cited.status == "active"))
            .group_by(Source.id)
            .order_by(Source.date, Source.title)
        )
    )


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


def node_any_status(session: Session, *, node_id: int) -> NodeDetail | None:
    """Like node_detail, but archived nodes too (for moderators and history)."""
    row = session.exec(_detail_query(Node.id == node_id)).first()
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


def recent_changes(session: Session, *, debate_id: int | None = None, seek: Seek = FIRST_PAGE, size: int = 50):
    """Newest changes first: (revision, node, debate, author) rows and their Window; one query, read along
    ix_revision_created_id (or ix_revision_debate_created_id) from where the last page ended."""
    query = (
        select(Revision, Node, Debate, User)
        .join(Node, Node.id == Revision.node_id)
        .join(Debate, Debate.id == Revision.debate_id)
        .outerjoin(User, User.id == Revision.author_id)
        .where(Revision.action != "original")
    )
    if debate_id is not None:
        query = query.where(Revision.debate_id == debate_id)
    return _seek(
        session, query, (Revision.created_at, Revision.id), (datetime.fromisoformat, int), seek, size, descending=True
    )


@dataclass
class Dated:
    node: Node
    voice: Voice | None
    debate: Debate
    date: str
    bears_on: list[tuple[str, int, str]] = field(default_factory=list)  # (relation, parent id, parent title)


def _flag(value: str) -> bool:
    if value not in ("0", "1"):
        raise ValueError(value)
    return value == "1"


def timeline(
    session: Session, *, debate_id: int | None = None, seek: Seek = FIRST_PAGE, size: int = 100
) -> tuple[list[Dated], Window]:
    """Dated points oldest first (events by when they happened, claims by when they were argued), and the
    page's Window: two queries, the first read along ix_node_timeline / ix_node_debate_timeline (0016)."""
    when = func.coalesce(Node.happened_on, Node.argued_on)
    query = (
        select(Node, Voice, Debate, when)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .join(Debate, Debate.id == Node.debate_id)
        .where(ACTIVE, when.is_not(None), Node.kind != "thesis")
    )
    if debate_id is not None:
        query = query.where(Node.debate_id == debate_id)
    found, window = _seek(session, query, (when, Node.kind != "event", Node.id), (str, _flag, int), seek, size)
    rows = [Dated(node, voice, debate, date) for node, voice, debate, date in found]
    by_id = {row.node.id: row for row in rows}
    parent = aliased(Node)
    if by_id:
        for child_id, relation, parent_id, title in session.exec(
            select(Link.child_id, Link.relation, parent.id, parent.title)
            .join(parent, parent.id == Link.parent_id)
            .where(Link.child_id.in_(list(by_id)), parent.status == "active")
            .order_by(Link.position)
        ):
            by_id[child_id].bears_on.append((relation, parent_id, title))
    return rows, window


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


def group_nodes(session: Session, *, group_name: str, seek: Seek = FIRST_PAGE, size: int = 50) -> GroupedPage:
    """The points of a group's voices by debate, then number."""
    return _grouped_page(
        session, _points().where(Voice.group_name == group_name), (Node.debate_id, Node.id), (int, int), seek, size
    )


def glossary(session: Session) -> list[tuple[GlossaryTerm, Source]]:
    return list(
        session.exec(
            select(GlossaryTerm, Source).join(Source, Source.id == GlossaryTerm.source_id).order_by(GlossaryTerm.term)
        )
    )


@dataclass
class Branch:
    """A reply to the map's root: the side it takes on the thesis ("for", "against", "both"), its own replies
    (`replies`, of which `pros` take the thesis's side and `cons` the other) and its share of the strip's
    width in twentieths (`width`, at least 1)."""

    node_id: int
    title: str
    relation: str
    side: str
    replies: int
    pros: int
    cons: int
    width: int = 1


@dataclass
class Shape:
    """The shape under a map's root: its `shown` largest replies, and how many replies (`rest`) and points
    beneath them (`rest_weight`) are left out of the strip."""

    shown: list[Branch]
    total: int
    rest: int
    rest_weight: int
    rest_width: int = 0


SHAPE_BRANCHES = 12


def branch_shape(session: Session, *, root_id: int, root_side: str, limit: int = SHAPE_BRANCHES) -> Shape:
    """The replies to `root_id`, largest first (by their own replies, read from ChildTally), at most `limit`;
    sides are relative to the thesis, given `root_side` ("thesis", "for", "against" or "both"). One query,
    whose cost grows with the root's own replies only, never with the debate."""
    pros = aliased(ChildTally)
    cons = aliased(ChildTally)
    weight = func.coalesce(pros.n, 0) + func.coalesce(cons.n, 0)
    rows = session.exec(
        select(
            Link.child_id,
            Link.relation,
            Node.title,
            func.coalesce(pros.n, 0),
            func.coalesce(cons.n, 0),
            func.count().over(),
            func.sum(weight + 1).over(),
        )
        .join(Node, Node.id == Link.child_id)
        .outerjoin(pros, (pros.node_id == Link.child_id) & (pros.relation == "supports"))
        .outerjoin(cons, (cons.node_id == Link.child_id) & (cons.relation == "opposes"))
        .where(Link.parent_id == root_id, Node.status == "active")
        .order_by(weight.desc(), Link.position, Link.id)
        .limit(limit)
    ).all()
    if not rows:
        return Shape([], 0, 0, 0)
    total, everything = rows[0][5], int(rows[0][6])
    base = "both" if root_side == "both" else "against" if root_side == "against" else "for"
    opposite = {"for": "against", "against": "for", "both": "both"}
    shown = []
    for child_id, relation, title, supports, opposes, _, _ in rows:
        side = base if relation == "supports" else opposite[base]
        with_thesis = supports if side == "for" else opposes if side == "against" else 0
        against_thesis = opposes if side == "for" else supports if side == "against" else 0
        shown.append(Branch(child_id, title, relation, side, supports + opposes, with_thesis, against_thesis))
    rest_weight = everything - sum(b.replies + 1 for b in shown)
    for branch in shown:
        branch.width = max(1, round(20 * (branch.replies + 1) / everything))
    return Shape(
        shown,
        total,
        total - len(shown),
        rest_weight,
        max(1, round(20 * rest_weight / everything)) if total > len(shown) else 0,
    )
