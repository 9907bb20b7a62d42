"""What each page reads, in a fixed number of queries whatever the size of the debate."""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from . import graph
from .params import DIGITS, parse_int
from .standing import STANDS
from .models import (ChildTally, Citation, Debate, DebateTheme, GlossaryTerm, KindTally, Link, Node, NodeTheme, RelationTally, Revision,
                     Source, Theme, User, Voice, VoiceTally)

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


def _decorate(session: Session, cards: list[Card]) -> list[Card]:
    """Fill in sources and child counts (kept in ChildTally) for a list of cards: two queries."""
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
    counts = session.exec(select(ChildTally.node_id, ChildTally.relation, ChildTally.n)
                          .where(ChildTally.node_id.in_(ids)))
    for parent_id, relation, count in counts:
        setattr(by_id[parent_id], "pros" if relation == "supports" else "cons", count)
    return cards


def card(session: Session, node: Node, voice: Voice | None) -> Card:
    return _decorate(session, [Card(node, voice)])[0]


def children(session: Session, *, parent_id: int, relation: str | None, page: int = 1, size: int = 40,
             still: bool = False) -> Page:
    """A page of a node's active children, supporting or opposing (or both when relation is None),
    only those that still stand when `still`."""
    query = (
        select(Node, Voice, Link.relation).join(Link, Link.child_id == Node.id)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .where(Link.parent_id == parent_id, ACTIVE)
        .order_by(Link.relation.desc(), Link.position, Node.id)
        .offset((page - 1) * size).limit(size + 1)
    )
    if relation:
        query = query.where(Link.relation == relation)
    if still:
        query = query.where(Node.standing == STANDS)
    rows = list(session.exec(query))
    cards = [Card(node, voice, rel) for node, voice, rel in rows[:size]]
    return Page(_decorate(session, cards), page, len(rows) > size)


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
    return (select(Node, Voice, Debate, outcome_source).outerjoin(Voice, Voice.id == Node.voice_id)
            .join(Debate, Debate.id == Node.debate_id)
            .outerjoin(outcome_source, outcome_source.id == Node.outcome_source_id).where(*conditions))


def _detail(session: Session, node: Node, voice: Voice | None, debate: Debate, outcome_source: Source | None) -> NodeDetail:
    citations = list(session.exec(
        select(Citation, Source).join(Source, Source.id == Citation.source_id)
        .where(Citation.node_id == node.id).order_by(Citation.position)
    ))
    themes = list(session.exec(
        select(Theme).join(NodeTheme, NodeTheme.theme_id == Theme.id).where(NodeTheme.node_id == node.id)
        .order_by(Theme.name)
    ))
    paths = graph.ancestor_paths(session, node=node)
    return NodeDetail(node, voice, debate, paths, citations, themes, card(session, node, voice), outcome_source)


@dataclass
class Group:
    """Nodes of one debate, split by the side of its thesis they argue."""

    debate: Debate
    sides: dict[str, list[Card]] = field(default_factory=lambda: defaultdict(list))


SIDE_ORDER = ("for", "against", "both", "thesis")


@dataclass
class GroupedPage:
    """One page of points from many debates, grouped by debate and side; `start` numbers its first point."""

    groups: list[Group]
    page: int
    has_more: bool
    start: int
    count: int


def grouped(session: Session, rows: list[tuple[Node, Voice | None, Debate]]) -> list[Group]:
    """Cards grouped by debate, then by side of the thesis: three queries."""
    cards = _decorate(session, [Card(node, voice) for node, voice, _ in rows])
    node_sides = graph.sides(session, node_ids=[c.node.id for c in cards])
    groups: dict[int, Group] = {}
    for card_, (_node, _voice, debate) in zip(cards, rows):
        group = groups.setdefault(debate.id, Group(debate))
        side = "thesis" if card_.node.kind == "thesis" else node_sides.get((card_.node.id, debate.id), "both")
        group.sides[side].append(card_)
    return list(groups.values())


def _grouped_page(session: Session, *conditions, page: int, size: int) -> GroupedPage:
    """One page of the active points meeting `conditions`, in debate order, grouped: four queries."""
    query = (
        select(Node, Voice, Debate).outerjoin(Voice, Voice.id == Node.voice_id)
        .join(Debate, Debate.id == Node.debate_id).where(ACTIVE, *conditions)
        .order_by(Node.debate_id, Node.id).offset((page - 1) * size).limit(size + 1)
    )
    rows = list(session.exec(query))
    return GroupedPage(grouped(session, rows[:size]), page, len(rows) > size, (page - 1) * size + 1, len(rows[:size]))


def source_nodes(session: Session, *, source_id: int, page: int = 1, size: int = 50) -> GroupedPage:
    cited = select(Citation.node_id).where(Citation.source_id == source_id)
    return _grouped_page(session, Node.id.in_(cited), page=page, size=size)


def voice_nodes(session: Session, *, voice_id: int, page: int = 1, size: int = 50) -> GroupedPage:
    return _grouped_page(session, Node.voice_id == voice_id, page=page, size=size)


def theme_nodes(session: Session, *, theme_id: int, page: int = 1, size: int = 50) -> GroupedPage:
    themed = select(NodeTheme.node_id).where(NodeTheme.theme_id == theme_id)
    return _grouped_page(session, Node.id.in_(themed), page=page, size=size)


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


def recent_changes(session: Session, *, debate_id: int | None = None, page: int = 1, size: int = 50):
    """Newest changes first: (revision, node, debate, author), one query; plus whether there are more."""
    query = (
        select(Revision, Node, Debate, User).join(Node, Node.id == Revision.node_id)
        .join(Debate, Debate.id == Revision.debate_id).outerjoin(User, User.id == Revision.author_id)
        .where(Revision.action != "original")
        .order_by(Revision.created_at.desc(), Revision.id.desc()).offset((page - 1) * size).limit(size + 1)
    )
    if debate_id is not None:
        query = query.where(Revision.debate_id == debate_id)
    rows = list(session.exec(query))
    return rows[:size], len(rows) > size


@dataclass
class Dated:
    node: Node
    voice: Voice | None
    debate: Debate
    date: str
    bears_on: list[tuple[str, int, str]] = field(default_factory=list)  # (relation, parent id, parent title)


def timeline(session: Session, *, debate_id: int | None = None, page: int = 1, size: int = 100) -> tuple[list[Dated], bool]:
    """Dated points oldest first (events by when they happened, claims by when they were argued): two queries."""
    when = func.coalesce(Node.happened_on, Node.argued_on)
    query = (
        select(Node, Voice, Debate, when).outerjoin(Voice, Voice.id == Node.voice_id)
        .join(Debate, Debate.id == Node.debate_id).where(ACTIVE, when.is_not(None), Node.kind != "thesis")
        .order_by(when, Node.kind != "event", Node.id).offset((page - 1) * size).limit(size + 1)
    )
    if debate_id is not None:
        query = query.where(Node.debate_id == debate_id)
    rows = [Dated(node, voice, debate, date) for node, voice, debate, date in session.exec(query)]
    more, rows = len(rows) > size, rows[:size]
    by_id = {row.node.id: row for row in rows}
    parent = aliased(Node)
    if by_id:
        for child_id, relation, parent_id, title in session.exec(
            select(Link.child_id, Link.relation, parent.id, parent.title).join(parent, parent.id == Link.parent_id)
            .where(Link.child_id.in_(list(by_id)), parent.status == "active").order_by(Link.position)
        ):
            by_id[child_id].bears_on.append((relation, parent_id, title))
    return rows, more


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
    """Voice groups (and their voices) against debates: how many points each made on each side. Three queries."""
    debates = list(session.exec(select(Debate).order_by(Debate.id)))
    rows = list(session.exec(
        select(Node.id, Node.debate_id, Voice).join(Voice, Voice.id == Node.voice_id)
        .where(ACTIVE, Node.kind != "thesis").order_by(Voice.group_name, Voice.name)
    ))
    node_sides = graph.sides(session, node_ids=[node_id for node_id, _, _ in rows])
    groups: dict[str, MatrixRow] = {}
    voices: dict[int, MatrixRow] = {}
    for node_id, debate_id, voice in rows:
        side = node_sides.get((node_id, debate_id), "both")
        group = groups.setdefault(voice.group_name, MatrixRow(voice.group_name, None))
        if voice.id not in voices:
            voices[voice.id] = MatrixRow(voice.name, voice)
            group.voices.append(voices[voice.id])
        for row in (group, voices[voice.id]):
            row.cells.setdefault(debate_id, Cell()).sides[side] += 1
    return debates, sorted(groups.values(), key=lambda g: -sum(c.total for c in g.cells.values()))


def group_nodes(session: Session, *, group_name: str, page: int = 1, size: int = 50) -> GroupedPage:
    return _grouped_page(session, Voice.group_name == group_name, page=page, size=size)


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
