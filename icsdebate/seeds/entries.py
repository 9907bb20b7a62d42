"""The seed format: what each entry of a seed file (and of a map document, an import or a backup) may hold,
checked field by field, and the set of entries read from one or more files, by key."""

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from .. import fields
from ..models import NODE_KINDS, SOURCE_KINDS
from ..params import RealDate, no_control

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
    def _text_has_no_control(cls, value):
        return no_control(value)


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


class NodeOutline:
    """What checking a map needs of a point, kept while its entry is let go: its kind, its links to parents as
    (parent key, relation) pairs in order, and the keys it names (voice, themes, cited sources, speakers, replaced
    points). A map read as a stream keeps these, at a few hundred bytes a point, rather than its seeds. Repeated
    names are interned, so a voice or theme named by every point is held once."""

    __slots__ = ("kind", "voice", "links", "themes", "sources", "speakers", "dated", "yes_means", "replaces")

    def __init__(self, seed: NodeSeed, shared: dict):
        """The outline of `seed`; `shared` holds one copy of each tuple of keys outlines repeat (the sources cited
        by every point of an imported map, say)."""
        name = sys.intern
        self.kind, self.voice = name(seed.kind), name(seed.voice)
        self.links = tuple((name(parent), name(relation)) for parent, relation in seed.parents())
        self.themes = _shared(shared, tuple(map(name, seed.themes)))
        self.sources = _shared(shared, tuple(name(c.source) for c in seed.citations))
        self.speakers = _shared(shared, tuple(name(c.speaker) for c in seed.citations if c.speaker))
        self.dated = bool(seed.happened_on)
        self.yes_means = bool(seed.yes_means)
        self.replaces = tuple(seed.replaces)

    def parents(self) -> tuple[tuple[str, str], ...]:
        return self.links


def _shared(shared: dict, keys: tuple) -> tuple:
    return shared.setdefault(keys, keys) if len(shared) < 10_000 else keys


class Where(dict):
    """The file each entry was read from, by (section, key): only entries of files other than the first are
    stored, so a map of one file holds no entry per point."""

    def __init__(self) -> None:
        super().__init__()
        self.first: str | None = None

    def note(self, section: str, key: str, name: str) -> None:
        if self.first is None:
            self.first = name
        if name != self.first:
            self[(section, key)] = name

    def __missing__(self, _key) -> str:
        return self.first or ""


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
    """Everything in the seed files, by key, in file order. Every point has its outline (`outlines`, what checking
    needs); its whole seed is in `nodes` only when the map was read whole. A map read as a stream (`reading.
    read_map`) keeps no point's seed: `again` reads the points anew, checked, from the same map. `points()`
    gives them, either way."""

    themes: dict[str, ThemeSeed] = field(default_factory=dict)
    sources: dict[str, SourceSeed] = field(default_factory=dict)
    voices: dict[str, VoiceSeed] = field(default_factory=dict)
    debates: dict[str, DebateSeed] = field(default_factory=dict)
    nodes: dict[str, NodeSeed] = field(default_factory=dict)
    glossary: dict[str, GlossarySeed] = field(default_factory=dict)
    where: Where = field(default_factory=Where)
    debate_of: dict[str, str] = field(default_factory=dict)
    outlines: dict[str, NodeOutline] = field(default_factory=dict)
    again: Callable[[], Iterator[NodeSeed]] | None = None
    shared: dict = field(default_factory=dict, repr=False)  # tuples of keys the outlines share

    def points(self) -> Iterator[NodeSeed]:
        """Every point's seed, in the map's order: from `nodes`, or read anew from a streamed map (which raises
        SeedError if the map no longer holds what was checked)."""
        return iter(self.nodes.values()) if self.again is None else self.again()

    def spend(self) -> None:
        """Let go of what writing a streamed map needed (its outlines, where each point belongs, the means to read
        it again) once it is written, so that the work after has that memory: a map is written once. Counts of
        its points are to be taken before."""
        if self.again is not None:
            self.outlines, self.debate_of, self.shared, self.again = {}, {}, {}, None
