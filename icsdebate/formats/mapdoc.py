"""The map document: a debate, the subtree under one point, or every debate (a backup) in the seed format's
structure as plain data (JSON). Here are its metadata, what a backup adds (node_state), how a document is checked,
and its JSON Schema; `gather` builds documents from the database."""

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from .. import seeds
from ..models import (
    OUTCOMES,
    STATUSES,
)
from ..params import no_control
from ..seeds import entries
from . import FormatError, Section

FORMAT = "icsdebate-map"
VERSION = 1
EVERY_DEBATE = "every debate"  # exported_from of a backup (export --all)
STATE = "node_state"
METADATA = ("format", "version", "exported_at", "exported_from", STATE)


class NodeState(BaseModel):
    """What a backup says of a node beyond its seed fields: its debate, where the loader would place it in
    another; its status when archived; and what later events made of it."""

    model_config = ConfigDict(extra="forbid")
    key: entries.Key
    debate: entries.Key | None = None
    status: Literal[STATUSES] = "active"  # type: ignore[valid-type]
    outcome: Literal[OUTCOMES] | None = None  # type: ignore[valid-type]
    outcome_on: entries.PartialDate | None = None
    outcome_reason: str = ""
    outcome_citation: seeds.CitationSeed | None = None

    @field_validator("*")
    @classmethod
    def _text_has_no_control(cls, value):
        return no_control(value)

    @model_validator(mode="after")
    def _outcome_complete(self):
        if self.outcome and not (self.outcome_on and self.outcome_reason and self.outcome_citation):
            raise ValueError("an outcome needs outcome_on, outcome_reason and outcome_citation")
        return self


def header(exported_from: str) -> dict:
    """The metadata a map document starts with: format, version, the time it was made (UTC, ISO 8601, to the
    second) and what it was exported from (a debate's slug, a subtree, or EVERY_DEBATE for a backup)."""
    exported_at = datetime.now(UTC).isoformat(timespec="seconds")
    return {"format": FORMAT, "version": VERSION, "exported_at": exported_at, "exported_from": exported_from}


def made_up(key: str, prefix: str) -> bool:
    """Whether `key` is one an export made from the id of a row without a key of its own (`prefix`-id)."""
    return re.fullmatch(rf"{prefix}-\d+", key) is not None


def is_backup(document) -> bool:
    return isinstance(document, dict) and document.get("exported_from") == EVERY_DEBATE


def looks_like_backup(head: str) -> bool:
    """Whether the first lines of a file say it is a backup, before the file is read whole."""
    return re.search(rf'"exported_from"\s*:\s*"{EVERY_DEBATE}"', head) is not None


def validate(document, name: str) -> seeds.SeedSet:
    """The map in a document (a dict, its sections lists or re-iterable sequences) as seeds, checked whole; the
    points' seeds are not kept but read again from the document when written (`seeds.read_map`). FormatError lists
    each problem and where it is."""
    if not isinstance(document, dict):
        raise FormatError(f"{name}: expected a mapping of {', '.join(entries.SECTIONS)} at the top")
    return validate_passes(lambda: document.items(), name)[0]


def validate_sections(sections: Iterable[Section], name: str) -> tuple[seeds.SeedSet, dict]:
    """The map in a document read once, a section at a time ((name, value) pairs, a list's entries as a list or an
    iterator; see jsonstream.sections), checked whole as `validate` checks it, keeping of its points only their
    outlines (for where each would be placed, say), and the document's metadata (METADATA: format, version, ...,
    node_state as a list) apart. FormatError lists each problem and where it is; one that says the file is of
    another format comes as soon as its `format` is read."""
    metadata: dict = {}
    try:
        return seeds.read_sections(name, _mapped(sections, name, metadata)), metadata
    except seeds.SeedError as exc:
        raise FormatError("\n".join(exc.problems)) from None


def validate_passes(passes: Callable[[], Iterable[Section]], name: str) -> tuple[seeds.SeedSet, dict]:
    """As `validate_sections`, for a document `passes()` gives afresh each time it is called (a file opened again,
    say): checked in one pass, its points' seeds read again in another when the map is written (`seeds.read_map`),
    so that memory holds neither the document nor its seeds. Writing raises FormatError when the document no
    longer holds what was checked."""
    metadata: dict = {}
    first = iter([metadata])  # the metadata is read from the first pass only

    def sections() -> Iterable[Section]:
        return _mapped(passes(), name, next(first, None))

    try:
        seed_set = seeds.read_map(name, sections)
    except seeds.SeedError as exc:
        raise FormatError("\n".join(exc.problems)) from None
    again = seed_set.again
    seed_set.again = lambda: _as_format_errors(again())  # type: ignore[misc]
    return seed_set, metadata


def _mapped(sections: Iterable[Section], name: str, metadata: dict | None) -> Iterator[Section]:
    """The sections of the map, its metadata put in `metadata` (None: left out) as they pass; closing this closes
    `sections` (and the file it reads)."""
    try:
        for key, value in sections:
            if key not in METADATA:
                yield key, value
            elif metadata is not None:
                metadata[key] = list(value) if isinstance(value, Iterator) else value
                if key == "format" and value != FORMAT:
                    raise FormatError(f"{name}: $.format is {value!r}, expected {FORMAT!r}.")
    finally:
        seeds.reading.close(sections)


def _as_format_errors(points: Iterator[seeds.NodeSeed]) -> Iterator[seeds.NodeSeed]:
    try:
        yield from points
    except seeds.SeedError as exc:
        raise FormatError("\n".join(exc.problems)) from None
    finally:
        seeds.reading.close(points)


def json_schema() -> dict:
    """The JSON Schema of a map document, built from the same models that validate seeds, imports and backups."""
    sections = {
        name: {"type": "array", "items": model.model_json_schema(ref_template="#/$defs/{model}")}
        for name, model in {**entries.SECTIONS, STATE: NodeState}.items()
    }
    definitions = {}
    for section in sections.values():
        definitions.update(section["items"].pop("$defs", {}))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ICS Debate map",
        "description": "Debates, their nodes with supports/opposes links, citations, sources, voices and themes. "
        "Keys are unique within each list; nodes refer to parents, voices, sources and themes by key. "
        f'A backup of every debate (exported_from "{EVERY_DEBATE}") also holds the glossary, and in '
        f"{STATE} each node's debate where the loader would place it in another, its status when "
        "archived, and its outcome.",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "exported_at": {"type": "string"},
            "exported_from": {"type": "string"},
            **sections,
        },
        "additionalProperties": False,
        "$defs": definitions,
    }
