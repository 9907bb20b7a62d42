"""One row per node, for spreadsheets; every cell quoted, and no cell a spreadsheet would run as a formula."""

import csv
import io

from .tree import tree

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
    shape = tree(document)
    voices = {voice["key"]: voice["name"] for voice in document["voices"]}
    sources = {source["key"]: source["title"] for source in document["sources"]}
    debate = document["debates"][0]["title"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for node in document["nodes"]:
        parent, relation = shape.home.get(node["key"], ("", ""))
        others = [
            f"{rel}:{key}"
            for key, rel in [(p, "supports") for p in node.get("supports", [])]
            + [(p, "opposes") for p in node.get("opposes", [])]
            if key != parent
        ]
        citations = node.get("citations", [{}])
        first = citations[0] if citations else {}
        row = [
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
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
