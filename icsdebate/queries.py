"""What each page reads, in a fixed number of queries whatever the size of the debate."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select
from werkzeug.exceptions import BadRequest

from . import graph, quotecheck, strength
from .params import DIGITS, parse_int
from .models import (
    ChildTally,
    Citation,
    Debate,
    DebateTheme,
    GlossaryTerm,
    KindTally,
    Link,
    Node,
    NodeTheme,
    RelationTally,
    Revision,
    SideTally,
    Source,
    SourceText,
    Theme,
    User,
    Voice,
    VoiceTally,
)
from .standing import STANDS

ACTIVE = Node.status == "active"


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
    return (select(ChildTally.n).where(ChildTally.node_id == Node.id, ChildTally.relation == relation)
            .scalar_subquery())


COUNTS = (_tally("supports"), _tally("opposes"))


def _decorate(session: Session, cards: list[Card], counts: bool = True) -> list[Card]:
    """Fill in sources (and, unless the cards were read with COUNTS, child counts from ChildTally) for a list of
    cards: one or two queries."""
    ids = [card.node.id for card in cards]
    if not ids:
        return cards
    by_id = {card.node.id: card for card in cards}
    rows = session.exec(
        select(Citation.node_id, Source).join(Source, Source.id == Citation.source_id)
        .where(Citation.node_id.in_(ids)).order_by(Citation.position)
    )
    for node_id, source in rows:
        if source not in by_id[node_id].sources:
            by_id[node_id].sources.append(source)
    if not counts:
        return cards
    counts = session.exec(select(ChildTally.node_id, ChildTally.relation, ChildTally.n)
                          .where(ChildTally.node_id.in_(ids)))
    for parent_id, relation, count in counts:
        setattr(by_id[parent_id], "pros" if relation == "supports" else "cons", count)
    return cards


def card(session: Session, node: Node, voice: Voice | None) -> Card:
    return _decorate(session, [Card(node, voice)])[0]


def children(session: Session, *, parent_id: int, relation: str | None, page: int = 1, size: int = 40,
             still: bool = False) -> Page:
    """A page of a node's active children, supporting or opposing (or both when relation is None, supporting
    first), strongest first (strength.py), only those that still stand when `still`."""
    query = (
        select(Node, Voice, Link.relation, *COUNTS).join(Link, Link.child_id == Node.id)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .where(Link.parent_id == parent_id, ACTIVE)
        .order_by(Link.relation.desc(), *strength.order_by(), Link.position, Node.id)
        .offset((page - 1) * size).limit(size + 1)
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
        raise BadRequest(f"“{key[:80]}” is not a place in this list; open its first page and follow its links.") from None


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
        window.first, window.last = _key(rows[0][-len(keys):]), _key(rows[-1][-len(keys):])
    return [tuple(row[:-len(keys)]) for row in rows], window


@dataclass
class DebateSummary:
    debate: Debate
    thesis: Node
    pros: int = 0
    cons: int = 0
    evidence: int = 0
    nodes: int = 0
    themes: list[Theme] = field(default_factory=list)
    voices: list[tuple[Voice, int]] = field(default_factory=list)
    voice_count: int = 0


def debate_summaries(session: Session, *, slug: str | None = None, top_voices: int = 6) -> list[DebateSummary]:
    """Every debate (or the one with `slug`) with its counts (from the tallies), themes and most frequent voices:
    five queries."""
    query = select(Debate, Node).join(Node, Node.id == Debate.thesis_id).order_by(Debate.id)
    if slug is not None:
        query = query.where(Debate.slug == slug)
    summaries = {d.id: DebateSummary(d, thesis) for d, thesis in session.exec(query)}
    if not summaries:
        return []
    ids = list(summaries)
    for debate_id, relation, count in session.exec(
        select(RelationTally.debate_id, RelationTally.relation, RelationTally.n).where(RelationTally.debate_id.in_(ids))
    ):
        setattr(summaries[debate_id], "pros" if relation == "supports" else "cons", count)
    for debate_id, kind, count in session.exec(
        select(KindTally.debate_id, KindTally.kind, KindTally.n).where(KindTally.debate_id.in_(ids))
    ):
        summaries[debate_id].nodes += count
        if kind == "evidence":
            summaries[debate_id].evidence = count
    for debate_id, theme in session.exec(
        select(DebateTheme.debate_id, Theme).join(Theme, Theme.id == DebateTheme.theme_id)
        .where(DebateTheme.debate_id.in_(ids)).order_by(Theme.name)
    ):
        summaries[debate_id].themes.append(theme)
    voices = session.exec(
        select(VoiceTally.debate_id, Voice, VoiceTally.n).join(Voice, Voice.id == VoiceTally.voice_id)
        .where(VoiceTally.debate_id.in_(ids), VoiceTally.n > 0)
        .order_by(VoiceTally.debate_id, VoiceTally.n.desc(), Voice.name)
    )
    for debate_id, voice, count in voices:
        summary = summaries[debate_id]
        summary.voice_count += 1
        if len(summary.voices) < top_voices:
            summary.voices.append((voice, count))
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
    return (select(Node, Voice, Debate, outcome_source, *COUNTS).outerjoin(Voice, Voice.id == Node.voice_id)
            .join(Debate, Debate.id == Node.debate_id)
            .outerjoin(outcome_source, outcome_source.id == Node.outcome_source_id).where(*conditions))


def _detail(session: Session, node: Node, voice: Voice | None, debate: Debate, outcome_source: Source | None,
            pros: int | None, cons: int | None) -> NodeDetail:
    citations = list(session.exec(
        select(Citation, Source).join(Source, Source.id == Citation.source_id)
        .where(Citation.node_id == node.id).order_by(Citation.position)
    ))
    themes = list(session.exec(
        select(Theme).join(NodeTheme, NodeTheme.theme_id == Theme.id).where(NodeTheme.node_id == node.id)
        .order_by(Theme.name)
    ))
    paths = graph.ancestor_paths(session, node=node)
    own = Card(node, voice, pros=pros or 0, cons=cons or 0,  # the card of the point itself, from what is read
               sources=list({source.id: source for _citation, source in citations}.values()))
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
    cards = _decorate(session, [Card(node, voice, pros=pros or 0, cons=cons or 0) for node, voice, _, pros, cons in rows],
                      counts=False)
    return GroupedPage(grouped(rows, cards), window, (seek.page - 1) * size + 1, len(rows))


def _points():
    return (select(Node, Voice, Debate, *COUNTS).outerjoin(Voice, Voice.id == Node.voice_id)
            .join(Debate, Debate.id == Node.debate_id).where(ACTIVE))


def source_nodes(session: Session, *, source_id: int, seek: Seek = FIRST_PAGE, size: int = 50) -> GroupedPage:
    """The points citing a source, in the order they were made (by number), driven by the index of citations
    on (source, point), so that any page costs the same. A point citing the source twice is listed once."""
    query = _points().join(Citation, Citation.node_id == Node.id).where(Citation.source_id == source_id) \
        .group_by(Citation.node_id, Node.id, Voice.id, Debate.id)
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
    copy = session.exec(select(SourceText.normalised, SourceText.attached_at)
                        .where(SourceText.source_id == source_id)).first()
    if copy is not None:
        result.attached_at = copy[1]
        for found, n in session.exec(select(Citation.found_in_copy, func.count()).where(Citation.source_id == source_id)
                                     .group_by(Citation.found_in_copy)):
            if found is not None:
                setattr(result, "found" if found else "not_found", n)
    if not node_ids:
        return result
    comparable = quotecheck.comparable(copy[0]) if copy is not None else None
    for citation in session.exec(select(Citation).where(Citation.source_id == source_id, Citation.node_id.in_(node_ids))
                                 .order_by(Citation.node_id, Citation.position)):
        sentence = quotecheck.in_sentence(citation.quote, copy[0], comparable) if copy is not None else None
        result.by_node.setdefault(citation.node_id, []).append((citation, sentence))
    return result


def voice_nodes(session: Session, *, voice_id: int, seek: Seek = FIRST_PAGE, size: int = 50) -> GroupedPage:
    """A voice's points by debate, then number, read along the index ix_node_voice_debate."""
    return _grouped_page(session, _points().where(Node.voice_id == voice_id), (Node.debate_id, Node.id),
                         (int, int), seek, size)


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
    return list(session.exec(
        select(Source, func.count(func.distinct(cited.id)))
        .outerjoin(Citation, Citation.source_id == Source.id)
        .outerjoin(cited, (cited.id == Citation.node_id) & (cited.status == "active"))
        .group_by(Source.id).order_by(Source.date, Source.title)
    ))


def voices_index(session: Session) -> list[tuple[Voice, int]]:
    """Every voice with how many active nodes it argued, grouped by voice group."""
    return list(session.exec(
        select(Voice, func.count(Node.id)).outerjoin(Node, (Node.voice_id == Voice.id) & ACTIVE)
        .group_by(Voice.id).order_by(Voice.group_name, Voice.name)
    ))


def themes_index(session: Session) -> list[tuple[Theme, int]]:
    return list(session.exec(
        select(Theme, func.count(NodeTheme.node_id)).outerjoin(NodeTheme, NodeTheme.theme_id == Theme.id)
        .group_by(Theme.id).order_by(Theme.name)
    ))


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


def find_nodes(session: Session, *, words: str, exclude: int | None = None, limit: int = 10) -> list[tuple[Node, Debate]]:
    """Active points (not theses) whose title contains `words` (any case), for the link picker."""
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        select(Node, Debate).join(Debate, Debate.id == Node.debate_id)
        .where(ACTIVE, Node.kind != "thesis", func.lower(Node.title).like(pattern.lower(), escape="\\"))
        .order_by(func.length(Node.title)).limit(limit)
    )
    if exclude is not None:
        query = query.where(Node.id != exclude)
    return list(session.exec(query))


def node_any_status(session: Session, *, node_id: int) -> NodeDetail | None:
    """Like node_detail, but archived nodes too (for moderators and history)."""
    row = session.exec(_detail_query(Node.id == node_id)).first()
    if row is None:
        return None
    return _detail(session, *row)


def revisions(session: Session, *, node_id: int) -> list[tuple[Revision, User | None]]:
    return list(session.exec(
        select(Revision, User).outerjoin(User, User.id == Revision.author_id)
        .where(Revision.node_id == node_id).order_by(Revision.number.desc())
    ))


def recent_changes(session: Session, *, debate_id: int | None = None, seek: Seek = FIRST_PAGE, size: int = 50):
    """Newest changes first: (revision, node, debate, author) rows and their Window; one query, read along
    ix_revision_created_id (or ix_revision_debate_created_id) from where the last page ended."""
    query = (
        select(Revision, Node, Debate, User).join(Node, Node.id == Revision.node_id)
        .join(Debate, Debate.id == Revision.debate_id).outerjoin(User, User.id == Revision.author_id)
        .where(Revision.action != "original")
    )
    if debate_id is not None:
        query = query.where(Revision.debate_id == debate_id)
    return _seek(session, query, (Revision.created_at, Revision.id), (datetime.fromisoformat, int), seek, size,
                 descending=True)


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


def timeline(session: Session, *, debate_id: int | None = None, seek: Seek = FIRST_PAGE, size: int = 100
             ) -> tuple[list[Dated], Window]:
    """Dated points oldest first (events by when they happened, claims by when they were argued), and the
    page's Window: two queries, the first read along ix_node_timeline / ix_node_debate_timeline (0016)."""
    when = func.coalesce(Node.happened_on, Node.argued_on)
    query = (
        select(Node, Voice, Debate, when).outerjoin(Voice, Voice.id == Node.voice_id)
        .join(Debate, Debate.id == Node.debate_id).where(ACTIVE, when.is_not(None), Node.kind != "thesis")
    )
    if debate_id is not None:
        query = query.where(Node.debate_id == debate_id)
    found, window = _seek(session, query, (when, Node.kind != "event", Node.id), (str, _flag, int), seek, size)
    rows = [Dated(node, voice, debate, date) for node, voice, debate, date in found]
    by_id = {row.node.id: row for row in rows}
    parent = aliased(Node)
    if by_id:
        for child_id, relation, parent_id, title in session.exec(
            select(Link.child_id, Link.relation, parent.id, parent.title).join(parent, parent.id == Link.parent_id)
            .where(Link.child_id.in_(list(by_id)), parent.status == "active").order_by(Link.position)
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
        select(SideTally.debate_id, SideTally.side, SideTally.n, Voice).join(Voice, Voice.id == SideTally.voice_id)
        .where(SideTally.n > 0).order_by(Voice.group_name, Voice.name, Voice.id)
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
    return _grouped_page(session, _points().where(Voice.group_name == group_name), (Node.debate_id, Node.id),
                         (int, int), seek, size)


def glossary(session: Session) -> list[tuple[GlossaryTerm, Source]]:
    return list(session.exec(select(GlossaryTerm, Source).join(Source, Source.id == GlossaryTerm.source_id)
                             .order_by(GlossaryTerm.term)))


@dataclass
class Branch:
    """A branch under the root: its size (points in it, itself included) and its own branches."""

    node_id: int
    title: str
    relation: str
    size: int
    pros: int
    cons: int
    children: list["Branch"] = field(default_factory=list)


def branch_shape(session: Session, *, root_id: int, levels: int = 2) -> list[Branch]:
    """The shape of the tree under `root_id`: each branch's size and pro/con balance, two levels down. One query."""
    parent = aliased(Node)
    rows = session.exec(
        select(Link.child_id, Link.parent_id, Link.relation, Node.title).join(Node, Node.id == Link.child_id)
        .join(parent, parent.id == Link.parent_id)
        .where(Node.debate_id == select(parent.debate_id).where(parent.id == root_id).scalar_subquery(),
               Node.status == "active", parent.status == "active")
        .order_by(Link.position, Link.id)
    ).all()
    kids: dict[int, list[tuple[int, str, str]]] = {}
    for child_id, parent_id, relation, title in rows:
        kids.setdefault(parent_id, []).append((child_id, relation, title))
    sizes = _sizes(kids, root_id)
    top: list[Branch] = []
    lists, stack = [top], [(root_id, 1, top)]
    while stack:  # level by level, without recursion
        node_id, level, into = stack.pop()
        for child_id, relation, title in kids.get(node_id, []):
            own = kids.get(child_id, [])
            branch = Branch(child_id, title, relation, sizes.get(child_id, 1), sum(r == "supports" for _, r, _ in own),
                            sum(r == "opposes" for _, r, _ in own))
            into.append(branch)
            if level < levels:
                lists.append(branch.children)
                stack.append((child_id, level + 1, branch.children))
    for branches in lists:
        branches.sort(key=lambda b: (b.relation != "supports", -b.size))
    return top


def _sizes(kids: dict[int, list[tuple[int, str, str]]], root_id: int) -> dict[int, int]:
    """How many points each branch under `root_id` holds, itself included (a point under two parents counts in
    both), worked out children first with a stack instead of recursion; a link back up a path counts nothing."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root_id, False)]
    while stack:
        node_id, children_done = stack.pop()
        if children_done:
            on_path.discard(node_id)
            sizes[node_id] = 1 + sum(sizes.get(c, 0) for c, _, _ in kids.get(node_id, []) if c not in on_path)
        elif node_id not in sizes and node_id not in on_path:
            on_path.add(node_id)
            stack.append((node_id, True))
            stack.extend((c, False) for c, _, _ in reversed(kids.get(node_id, [])) if c not in sizes and c not in on_path)
    return sizes
