"""One row per node, for spreadsheets; every cell quoted, and no cell a spreadsheet would run as a formula."""

import csv
import io
from collections.abc import Iterable, Iterator

from . import Section
from .tree import parents

COLUMNS = (
    "id",
    "debate",
    "kind",
    "title",
    "relation",
    "parent_id",
    "other_parents",
    "voice",
    "source",
    "quote",
    "locator",
    "more_citations",
    "themes",
    "argued_on",
    "happened_on",
)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A value as a CSV cell a spreadsheet shows as text: one that starts with = + - @, tab or carriage return
    gets a single quote in front (OWASP, "CSV Injection"), so `=HYPERLINK(...)` is never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def dump(document: dict) -> str:
    """The map as CSV text: a header row, then one row per node (COLUMNS), every cell quoted."""
    return "".join(write(document.items()))


def write(document: Iterable[Section], rows_a_chunk: int = 500) -> Iterator[str]:
    """The map given as (name, value) pairs in document order (gather.sections: sources, voices and debates before
    the nodes, which may come as an iterator) as chunks of the CSV text `dump` writes, `rows_a_chunk` rows each:
    each row needs only its own node, so none is kept once written."""
    voices: dict[str, str] = {}
    sources: dict[str, str] = {}
    debate = ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for name, value in document:
        if name == "voices":
            voices = {voice["key"]: voice["name"] for voice in value}
        elif name == "sources":
            sources = {source["key"]: source["title"] for source in value}
        elif name == "debates":
            debate = list(value)[0]["title"]
        elif name == "nodes":
            for count, node in enumerate(value, start=1):
                writer.writerow([cell(v) for v in _row(node, debate, voices, sources)])
                if count % rows_a_chunk == 0:
                    yield out.getvalue()
                    out.seek(0)
                    out.truncate()
    yield out.getvalue()


def _row(node: dict, debate: str, voices: dict[str, str], sources: dict[str, str]) -> list:
    """A node's row: its first parent (supports, then opposes, then answers) is its parent in the tree."""
    linked = parents(node)
    parent, relation = linked[0] if linked else ("", "")
    others = [
        f"{rel}:{key}"
        for key, rel in [(p, "supports") for p in node.get("supports", [])]
        + [(p, "opposes") for p in node.get("opposes", [])]
        if key != parent
    ]
    citations = node.get("citations", [{}])
    first = citations[0] if citations else {}
    return [
        node["key"],
        debate,
        node["kind"],
        node["title"],
        relation,
        parent,
        ";".join(others),
        voices.get(node.get("voice"), ""),
        sources.get(first.get("source"), ""),
        first.get("quote", ""),
        first.get("locator", ""),
        len(citations) - 1,
        ";".join(node.get("themes", [])),
        node.get("argued_on", ""),
        node.get("happened_on", ""),
    ]
