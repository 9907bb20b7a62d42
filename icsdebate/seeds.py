"""Load the argument maps in seeds/*.yaml: validate everything, then write it in one transaction."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator
from sqlmodel import Session, select

from . import derived, fields
from .db import insert_rows
from .models import (
    NODE_KINDS,
    SOURCE_KINDS,
    ChildTally,
    Citation,
    Debate,
    DebateTheme,
    GlossaryTerm,
    Link,
    Node,
    NodeAlias,
    NodeTheme,
    Revision,
    Source,
    Theme,
    Voice,
    utcnow,
)
from .params import RealDate, no_nul
from .text import render_markdown

Key = Annotated[str, StringConstraints(pattern=fields.KEY_PATTERN, max_length=fields.KEY)]
PartialDate = Annotated[str, StringConstraints(pattern=fields.DATE_PATTERN), RealDate]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(max_length=fields.NAME)]


class SeedError(Exception):
    """Seeds that cannot be loaded; `problems` says where and what, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _text_has_no_nul(cls, value):
        return no_nul(value)


def _keys(value):
    """`supports: a` and `supports: [a, b]` both mean a list of keys."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


class ThemeSeed(_Entry):
    key: Key
    name: Annotated[Text, StringConstraints(max_length=fields.THEME_NAME)]
    description: str = ""


class SourceSeed(_Entry):
    key: Key
    title: Annotated[Text, StringConstraints(max_length=fields.SOURCE_TITLE)]
    publisher: Name = ""
    author: Name = ""
    date: PartialDate | None = None
    address: Annotated[str, StringConstraints(pattern=fields.ADDRESS_PATTERN, max_length=fields.ADDRESS)] | None = None
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    voice: Key | None = None  # the voice who wrote it: whose words its quotes are, unless a citation names a speaker

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value):
        return None if value is None else str(value)


class VoiceSeed(_Entry):
    key: Key
    name: Annotated[Text, StringConstraints(max_length=fields.NAME)]
    role: Name = ""
    organisation: Name = ""
    group: Annotated[Text, StringConstraints(max_length=fields.GROUP)]


class DebateSeed(_Entry):
    """A debate headed by its thesis (or by a question its positions answer), or, without a thesis, by its
    top-level points as a map with several top-level claims has them."""

    key: Key
    title: Annotated[Text, StringConstraints(max_length=fields.TITLE)]
    thesis: Key | None = None
    top: list[Key] = []
    themes: list[Key] = []
    summary: str = ""


class CitationSeed(_Entry):
    source: Key
    quote: Text
    locator: Annotated[str, StringConstraints(max_length=fields.LOCATOR)] = ""
    speaker: Key | None = None  # whose words the quote is, when the source quotes or reports someone else


class NodeSeed(_Entry):
    key: Key
    kind: Literal[NODE_KINDS]  # type: ignore[valid-type]
    title: Annotated[Text, StringConstraints(max_length=fields.TITLE)]
    voice: Key
    supports: list[Key] = []
    opposes: list[Key] = []
    answers: list[Key] = []
    argued_on: PartialDate | None = None
    happened_on: PartialDate | None = None
    themes: list[Key] = []
    annotation: str = ""
    citations: list[CitationSeed]
    # questions: the side a "yes" answer takes on the parent, or on each parent by key
    yes_means: Literal["supports", "opposes"] | dict[Key, Literal["supports", "opposes"]] | None = None
    replaces: list[Key] = []  # keys of points merged into this one; their old pages redirect here

    @field_validator("supports", "opposes", "answers", "replaces", mode="before")
    @classmethod
    def _as_list(cls, value):
        return _keys(value)

    @field_validator("argued_on", "happened_on", mode="before")
    @classmethod
    def _date_as_text(cls, value):
        return None if value is None else str(value)

    @field_validator("citations")
    @classmethod
    def _cited(cls, value):
        if not value:
            raise ValueError("a node needs at least one citation")
        return value

    def parents(self) -> list[tuple[str, str]]:
        return (
            [(key, "supports") for key in self.supports]
            + [(key, "opposes") for key in self.opposes]
            + [(key, "answers") for key in self.answers]
        )


class GlossarySeed(_Entry):
    key: Key
    term: Annotated[Text, StringConstraints(max_length=fields.TERM)]
    expansion: Annotated[Text, StringConstraints(max_length=fields.NAME)]
    definition: Text
    citation: CitationSeed


SECTIONS = {
    "themes": ThemeSeed,
    "sources": SourceSeed,
    "voices": VoiceSeed,
    "debates": DebateSeed,
    "nodes": NodeSeed,
    "glossary": GlossarySeed,
}


@dataclass
class SeedSet:
    """Everything in the seed files, by key, in file order."""

    themes: dict[str, ThemeSeed] = field(default_factory=dict)
    sources: dict[str, SourceSeed] = field(default_factory=dict)
    voices: dict[str, VoiceSeed] = field(default_factory=dict)
    debates: dict[str, DebateSeed] = field(default_factory=dict)
    nodes: dict[str, NodeSeed] = field(default_factory=dict)
    glossary: dict[str, GlossarySeed] = field(default_factory=dict)
    where: dict[tuple[str, str], str] = field(default_factory=dict)
    debate_of: dict[str, str] = field(default_factory=dict)


def _location(error: dict) -> str:
    return ".".join(str(part) for part in error["loc"])


class _Loader(yaml.SafeLoader):
    """Safe YAML in which dates stay text, so that an impossible one (2018-02-31) is reported with its field by
    the date check rather than raised by the YAML reader."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_file(path: Path, seeds: SeedSet, problems: list[str]) -> None:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        problems.append(f"{path.name}:{line} is not valid YAML: {getattr(exc, 'problem', exc)}")
        return
    _parse_document(path.name, document, seeds, problems)


def _parse_document(name: str, document, seeds: SeedSet, problems: list[str], ignore=()) -> None:
    if document is None:
        return
    if not isinstance(document, dict):
        problems.append(f"{name}: expected a mapping of {', '.join(SECTIONS)} at the top")
        return
    for section, entries in document.items():
        model = SECTIONS.get(section)
        if section in ignore:
            continue
        if model is None:
            problems.append(f"{name}: unknown section '{section}' (expected one of {', '.join(SECTIONS)})")
            continue
        if not isinstance(entries, list):
            problems.append(f"{name}: '{section}' must be a list")
            continue
        for index, raw in enumerate(entries):
            label = f"{name}: {section}[{index}]"
            if isinstance(raw, dict) and isinstance(raw.get("key"), str):
                label += f" ({raw['key']})"
            try:
                entry = model.model_validate(raw)
            except ValidationError as exc:
                for error in exc.errors():
                    problems.append(f"{label}: {_location(error) or 'entry'}: {error['msg']}")
                continue
            table = getattr(seeds, section)
            if entry.key in table:
                problems.append(f"{label}: key '{entry.key}' is already used in {seeds.where[(section, entry.key)]}")
                continue
            table[entry.key] = entry
            seeds.where[(section, entry.key)] = name


def _check_references(seeds: SeedSet, problems: list[str]) -> None:
    def missing(label, section, key, what):
        if key not in getattr(seeds, section):
            problems.append(f"{label}: {what} '{key}' is not defined in any seed file")

    heads = set()  # the nodes that head a debate: its thesis, or its top-level points
    for key, debate in seeds.debates.items():
        label = f"{seeds.where[('debates', key)]}: debate {key}"
        if (debate.thesis is None) == (not debate.top):
            problems.append(f"{label}: needs either a thesis or, without one, its top-level points (top:)")
        for head in [debate.thesis] * (debate.thesis is not None) + debate.top:
            missing(label, "nodes", head, "top-level point" if debate.top else "thesis")
            heads.add(head)
        for theme in debate.themes:
            missing(label, "themes", theme, "theme")
        thesis = seeds.nodes.get(debate.thesis)
        if thesis and thesis.kind not in ("thesis", "question"):
            problems.append(f"{label}: thesis '{debate.thesis}' is of kind {thesis.kind}, not thesis or question")
        for head in debate.top:
            if head in seeds.nodes and (seeds.nodes[head].kind == "thesis" or seeds.nodes[head].parents()):
                problems.append(f"{label}: top-level point '{head}' must be a point without a parent, not a thesis")
    for key, entry in seeds.glossary.items():
        missing(f"{seeds.where[('glossary', key)]}: glossary {key}", "sources", entry.citation.source, "source")
    replaced: dict[str, str] = {}
    for key, node in seeds.nodes.items():
        label = f"{seeds.where[('nodes', key)]}: node {key}"
        missing(label, "voices", node.voice, "voice")
        for theme in node.themes:
            missing(label, "themes", theme, "theme")
        for citation in node.citations:
            missing(label, "sources", citation.source, "source")
        parents = [parent for parent, _relation in node.parents()]
        for parent in {p for p in parents if parents.count(p) > 1}:
            problems.append(f"{label}: links to '{parent}' more than once")
        for parent, _relation in node.parents():
            missing(label, "nodes", parent, "parent")
            if parent == key:
                problems.append(f"{label}: a node cannot be its own parent")
        if node.kind == "thesis" and node.parents():
            problems.append(f"{label}: a thesis has no parent")
        if key in heads and node.parents():
            problems.append(f"{label}: heads a debate, so it has no parent")
        if node.kind != "thesis" and not node.parents() and key not in heads:
            problems.append(f"{label}: needs a parent (supports:, opposes: or answers:)")
        if node.kind == "event" and not node.happened_on:
            problems.append(f"{label}: an event needs happened_on")
        if node.yes_means and node.kind != "question":
            problems.append(f"{label}: only a question says which side its 'yes' takes")
        for citation in node.citations:
            if citation.speaker:
                missing(label, "voices", citation.speaker, "speaker")
        for old in node.replaces:
            if old in seeds.nodes:
                problems.append(f"{label}: replaces '{old}', which is still a node of its own")
            elif old in replaced:
                problems.append(f"{label}: '{old}' is already replaced by {replaced[old]}")
            replaced.setdefault(old, key)
    for key, source in seeds.sources.items():
        if source.voice:
            missing(f"{seeds.where[('sources', key)]}: source {key}", "voices", source.voice, "voice")


def _check_cycles(seeds: SeedSet, problems: list[str]) -> None:
    """Depth-first search over child -> parent edges, with a stack instead of recursion (a chain may run
    thousands of points deep); reports each cycle once."""
    state: dict[str, int] = {}  # 1: on the current trail, 2: done
    for start in seeds.nodes:
        if start in state:
            continue
        state[start], trail, stack = 1, [start], [iter(seeds.nodes[start].parents())]
        while stack:
            for parent, _relation in stack[-1]:
                if parent not in seeds.nodes:
                    continue
                if state.get(parent) == 1:
                    cycle = trail[trail.index(parent) :] + [parent]
                    problems.append(f"{seeds.where[('nodes', trail[-1])]}: links make a cycle: {' -> '.join(cycle)}")
                elif parent not in state:
                    state[parent] = 1
                    trail.append(parent)
                    stack.append(iter(seeds.nodes[parent].parents()))
                    break
            else:
                stack.pop()
                state[trail.pop()] = 2


def _assign_debates(seeds: SeedSet, problems: list[str]) -> None:
    """Each node belongs to a debate its parents lead to: the one defined in its own file when there is one."""
    thesis_debate = {
        head: key
        for key, debate in seeds.debates.items()
        for head in [debate.thesis] * (debate.thesis is not None) + debate.top
    }

    def settle(start: str) -> None:
        """Work out debate_of for `start` and every node above it, parents first, with a stack."""
        seeds.debate_of[start] = None  # guards against revisiting while the answer is worked out
        stack = [(start, iter(seeds.nodes[start].parents()), [])]  # (node, parents left, debates found)
        while stack:
            key, parents, found = stack[-1]
            for parent, _relation in parents:
                if parent in thesis_debate:
                    found.append(thesis_debate[parent])
                elif parent not in seeds.debate_of:
                    seeds.debate_of[parent] = None
                    stack.append((parent, iter(seeds.nodes[parent].parents()), []))
                    break
                elif seeds.debate_of[parent]:
                    found.append(seeds.debate_of[parent])
            else:
                stack.pop()
                home = seeds.where[("nodes", key)]
                same_file = [d for d in found if seeds.where[("debates", d)] == home]
                seeds.debate_of[key] = (same_file or found or [None])[0]
                if stack and seeds.debate_of[key]:
                    stack[-1][2].append(seeds.debate_of[key])

    for key in seeds.nodes:
        if key in thesis_debate:
            seeds.debate_of[key] = thesis_debate[key]
            continue
        if key not in seeds.debate_of:
            settle(key)
        if not seeds.debate_of[key]:
            problems.append(f"{seeds.where[('nodes', key)]}: node {key} is not reached from any debate's thesis")


def read(folder: Path) -> SeedSet:
    """Parse and validate every *.yaml file in `folder`; raise SeedError listing every problem."""
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise SeedError([f"{folder}: no *.yaml seed files found"])
    seeds, problems = SeedSet(), []
    for path in files:
        _parse_file(path, seeds, problems)
    return _validate(seeds, problems)


def read_document(name: str, document, ignore=()) -> SeedSet:
    """Validate one map document already parsed (from JSON, say); raise SeedError listing every problem."""
    seeds, problems = SeedSet(), []
    _parse_document(name, document, seeds, problems, ignore)
    return _validate(seeds, problems)


def _validate(seeds: SeedSet, problems: list[str]) -> SeedSet:
    _check_references(seeds, problems)
    if not problems:
        _check_cycles(seeds, problems)
    if not problems:
        _assign_debates(seeds, problems)
    if problems:
        raise SeedError(problems)
    return seeds


def _assign(row, values: dict) -> bool:
    """Set changed attributes only; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _upsert(session: Session, model, rows_by_key: dict, key: str, values: dict, key_field: str = "key"):
    row = rows_by_key.get(key)
    if row is None:
        row = model(**{key_field: key}, **values)
        session.add(row)
        rows_by_key[key] = row
    else:
        _assign(row, values)
    return row


def _existing(session: Session, model, key_field: str = "key") -> dict:
    column = getattr(model, key_field)
    return {getattr(row, key_field): row for row in session.exec(select(model).where(column.is_not(None)))}


def load(session: Session, seeds: SeedSet, *, derive: bool = True) -> dict[str, int]:
    """Write `seeds` into the session's open transaction; returns counts of what the seeds hold. With `derive`
    False the derived values (standing, sides, support) are left for the caller's `derived.after_load`, for a
    caller that writes more before they are worked out."""
    themes = _existing(session, Theme)
    for key, t in seeds.themes.items():
        _upsert(session, Theme, themes, key, {"name": t.name, "description": t.description})
    sources = _existing(session, Source)
    for key, s in seeds.sources.items():
        _upsert(session, Source, sources, key, s.model_dump(exclude={"key", "voice"}))
    voices = _existing(session, Voice)
    for key, v in seeds.voices.items():
        values = {"name": v.name, "role": v.role, "organisation": v.organisation, "group_name": v.group}
        _upsert(session, Voice, voices, key, values)
    debates = _existing(session, Debate, "slug")
    for key, d in seeds.debates.items():
        values = {"title": d.title, "summary": d.summary, "summary_html": render_markdown(d.summary)}
        _upsert(session, Debate, debates, key, values, key_field="slug")
    session.flush()

    nodes = _existing(session, Node)
    merges = _take_over_replaced(seeds, nodes)
    for key, n in seeds.nodes.items():
        values = {
            "debate_id": debates[seeds.debate_of[key]].id,
            "kind": n.kind,
            "title": n.title,
            "annotation": n.annotation,
            "annotation_html": render_markdown(n.annotation),
            "voice_id": voices[n.voice].id,
            "argued_on": n.argued_on,
            "happened_on": n.happened_on,
        }
        row = nodes.get(key)
        if row is None:
            nodes[key] = Node(key=key, **values)
            session.add(nodes[key])
        elif _assign(row, values):
            row.updated_at = utcnow()
    session.flush()
    for key, d in seeds.debates.items():
        _assign(debates[key], {"thesis_id": nodes[d.thesis].id if d.thesis else None})
    for old, kept in merges:
        merge_node(session, old, kept)

    terms = _existing(session, GlossaryTerm)
    for key, g in seeds.glossary.items():
        values = {
            "term": g.term,
            "expansion": g.expansion,
            "definition": g.definition,
            "source_id": sources[g.citation.source].id,
            "quote": g.citation.quote,
            "locator": g.citation.locator,
        }
        _upsert(session, GlossaryTerm, terms, key, values)
    by_id = {row.id: key for key, row in nodes.items()}
    _sync_links(session, seeds, nodes, by_id)
    _sync_citations(session, seeds, nodes, sources)
    _sync_themes(session, seeds, nodes, debates, themes)
    if derive:
        derived.after_load(session)
    return {
        "debates": len(seeds.debates),
        "nodes": len(seeds.nodes),
        "sources": len(seeds.sources),
        "voices": len(seeds.voices),
        "citations": sum(len(n.citations) for n in seeds.nodes.values()),
    }


def _take_over_replaced(seeds: SeedSet, nodes: dict) -> list[tuple[Node, Node]]:
    """Pairs (old row, kept row) for every replaced key still in the database. A kept key that is new takes over
    the first old row still there (renamed in place, so its number stays); `nodes` is updated to match."""
    pairs = []
    for key, n in seeds.nodes.items():
        for old in n.replaces:
            row = nodes.pop(old, None)
            if row is None:
                continue
            if key not in nodes:
                row.key = key
                nodes[key] = row
            else:
                pairs.append((row, key))
    return [(row, nodes[key]) for row, key in pairs]


def merge_node(session: Session, old: Node, kept: Node) -> None:
    """Fold `old` into `kept` and delete it: its links (as child and as parent), citations, themes, history and
    status move to `kept`, a link that `kept` already has is dropped, and `old`'s number and key become an alias
    that leads to `kept`. Runs in the session's open transaction; raises nothing."""
    session.flush()
    for link in session.exec(select(Link).where(Link.child_id == old.id)).all():
        taken = session.exec(select(Link.id).where(Link.child_id == kept.id, Link.parent_id == link.parent_id)).first()
        if taken is not None or link.parent_id == kept.id:
            session.delete(link)
        else:
            link.child_id = kept.id
    for link in session.exec(select(Link).where(Link.parent_id == old.id)).all():
        taken = session.exec(select(Link.id).where(Link.child_id == link.child_id, Link.parent_id == kept.id)).first()
        if taken is not None or link.child_id == kept.id:
            session.delete(link)
        else:
            link.parent_id = kept.id
    session.flush()
    last = max([c.position for c in session.exec(select(Citation).where(Citation.node_id == kept.id))], default=-1)
    for offset, citation in enumerate(session.exec(select(Citation).where(Citation.node_id == old.id)).all(), 1):
        citation.node_id, citation.position = kept.id, last + offset
    kept_themes = set(session.exec(select(NodeTheme.theme_id).where(NodeTheme.node_id == kept.id)).all())
    for row in session.exec(select(NodeTheme).where(NodeTheme.node_id == old.id)).all():
        if row.theme_id not in kept_themes:
            session.add(NodeTheme(node_id=kept.id, theme_id=row.theme_id))
        session.delete(row)
    number = max(session.exec(select(Revision.number).where(Revision.node_id == kept.id)).all(), default=0)
    for revision in session.exec(select(Revision).where(Revision.node_id == old.id).order_by(Revision.number)).all():
        number += 1
        revision.node_id, revision.number = kept.id, number
        revision.note = (f"[from merged point {old.key or old.id}] " + revision.note)[: fields.NOTE]
    if kept.outcome is None and old.outcome is not None:
        for name in (
            "outcome",
            "outcome_on",
            "outcome_reason",
            "outcome_source_id",
            "outcome_quote",
            "outcome_locator",
        ):
            setattr(kept, name, getattr(old, name))
    for debate in session.exec(select(Debate).where(Debate.thesis_id == old.id)).all():
        debate.thesis_id = kept.id
    for alias in session.exec(select(NodeAlias).where(NodeAlias.node_id == old.id)).all():
        alias.node_id = kept.id
    session.add(NodeAlias(old_id=old.id, old_key=old.key, node_id=kept.id))
    session.flush()
    for tally in session.exec(select(ChildTally).where(ChildTally.node_id == old.id)).all():
        session.delete(tally)
    session.delete(old)
    session.flush()


# Rows of seeded nodes are found by a join, not by listing their ids: a backup's list would outgrow the
# 65,535 parameters PostgreSQL takes in one statement.
KEYED = Node.key.is_not(None)


def _sync_links(session: Session, seeds: SeedSet, nodes: dict, by_id: dict) -> None:
    """Links between seeded nodes mirror the seeds; links a user made are left alone."""
    wanted = {}
    for key, n in seeds.nodes.items():
        for position, (parent, relation) in enumerate(n.parents()):
            wanted[(nodes[key].id, nodes[parent].id)] = (relation, position)
    seeded_ids = set(by_id)
    for link in session.exec(select(Link).join(Node, Node.id == Link.child_id).where(KEYED)):
        if link.child_id not in seeded_ids or link.parent_id not in seeded_ids:
            continue
        target = wanted.pop((link.child_id, link.parent_id), None)
        if target is None:
            session.delete(link)
        else:
            _assign(link, {"relation": target[0], "position": target[1]})
    for (child_id, parent_id), (relation, position) in wanted.items():
        session.add(Link(child_id=child_id, parent_id=parent_id, relation=relation, position=position))


def _sync_citations(session: Session, seeds: SeedSet, nodes: dict, sources: dict) -> None:
    current: dict[int, list[Citation]] = {}
    keyed = select(Citation).join(Node, Node.id == Citation.node_id).where(KEYED).order_by(Citation.position)
    for citation in session.exec(keyed):
        current.setdefault(citation.node_id, []).append(citation)
    for key, n in seeds.nodes.items():
        node_id = nodes[key].id
        wanted = [(sources[c.source].id, c.quote, c.locator) for c in n.citations]
        have = [(c.source_id, c.quote, c.locator) for c in current.get(node_id, [])]
        if wanted == have:
            continue
        for citation in current.get(node_id, []):
            session.delete(citation)
        for position, (source_id, quote, locator) in enumerate(wanted):
            session.add(Citation(node_id=node_id, source_id=source_id, quote=quote, locator=locator, position=position))


def _sync_themes(session: Session, seeds: SeedSet, nodes: dict, debates: dict, themes: dict) -> None:
    node_ids = {nodes[key].id for key in seeds.nodes}
    keyed = select(NodeTheme).join(Node, Node.id == NodeTheme.node_id).where(KEYED)
    have = {(r.node_id, r.theme_id) for r in session.exec(keyed) if r.node_id in node_ids}
    want = {(nodes[k].id, themes[t].id) for k, n in seeds.nodes.items() for t in n.themes}
    for node_id, theme_id in want - have:
        session.add(NodeTheme(node_id=node_id, theme_id=theme_id))
    for node_id, theme_id in have - want:
        session.delete(session.get(NodeTheme, (node_id, theme_id)))
    debate_ids = [debates[k].id for k in seeds.debates]
    have = {
        (r.debate_id, r.theme_id)
        for r in session.exec(select(DebateTheme).where(DebateTheme.debate_id.in_(debate_ids)))
    }
    want = {(debates[k].id, themes[t].id) for k, d in seeds.debates.items() for t in d.themes}
    for debate_id, theme_id in want - have:
        session.add(DebateTheme(debate_id=debate_id, theme_id=theme_id))
    for debate_id, theme_id in have - want:
        session.delete(session.get(DebateTheme, (debate_id, theme_id)))


def _free_slug(session: Session, wanted: str) -> str:
    taken = set(session.exec(select(Debate.slug).where(Debate.slug.like(f"{wanted}%"))).all())
    if wanted not in taken:
        return wanted
    return next(f"{wanted}-{n}" for n in range(2, 10_000) if f"{wanted}-{n}" not in taken)


def load_as_new(session: Session, seeds: SeedSet) -> list[Debate]:
    """Write `seeds` as new debates (imports): nodes are always new; themes, sources and voices are
    reused when one with the same key exists. Runs in the session's open transaction."""
    themes = _existing(session, Theme)
    for key, t in seeds.themes.items():
        if key not in themes:
            _upsert(session, Theme, themes, key, {"name": t.name, "description": t.description})
    sources = _existing(session, Source)
    for key, s in seeds.sources.items():
        if key not in sources:
            _upsert(session, Source, sources, key, s.model_dump(exclude={"key"}))
    voices = _existing(session, Voice)
    for key, v in seeds.voices.items():
        if key not in voices:
            _upsert(
                session,
                Voice,
                voices,
                key,
                {"name": v.name, "role": v.role, "organisation": v.organisation, "group_name": v.group},
            )
    debates = {}
    for key, d in seeds.debates.items():
        debates[key] = Debate(
            slug=_free_slug(session, key), title=d.title, summary=d.summary, summary_html=render_markdown(d.summary)
        )
        session.add(debates[key])
    session.flush()
    rows = [
        {
            "debate_id": debates[seeds.debate_of[key]].id,
            "kind": n.kind,
            "title": n.title,
            "annotation": n.annotation,
            "annotation_html": render_markdown(n.annotation),
            "voice_id": voices[n.voice].id,
            "argued_on": n.argued_on,
            "happened_on": n.happened_on,
            "status": "active",
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for key, n in seeds.nodes.items()
    ]
    ids = dict(zip(seeds.nodes, (row.id for row in insert_rows(session, Node, rows))))
    for key, d in seeds.debates.items():
        debates[key].thesis_id = ids[d.thesis] if d.thesis else None
        session.add_all(DebateTheme(debate_id=debates[key].id, theme_id=themes[t].id) for t in d.themes)
    links, citations, node_themes = [], [], []
    for key, n in seeds.nodes.items():
        links += [
            {
                "child_id": ids[key],
                "parent_id": ids[parent],
                "relation": relation,
                "position": position,
                "created_at": utcnow(),
            }
            for position, (parent, relation) in enumerate(n.parents())
        ]
        citations += [
            {
                "node_id": ids[key],
                "source_id": sources[c.source].id,
                "quote": c.quote,
                "locator": c.locator,
                "position": position,
            }
            for position, c in enumerate(n.citations)
        ]
        node_themes += [{"node_id": ids[key], "theme_id": themes[t].id} for t in dict.fromkeys(n.themes)]
    for model, values in ((Link, links), (Citation, citations), (NodeTheme, node_themes)):
        insert_rows(session, model, values)
    derived.after_load(session, [debate.id for debate in debates.values()])
    return list(debates.values())
