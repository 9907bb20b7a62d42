"""The export formats by name: how to write each, its file extension and media type."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template

from .. import seeds
from ..text import partial_date
from . import (
    FormatError,
    Section,
    aif,
    argdown,
    csvmap,
    head_and_nodes,
    jsonmap,
    jsonstream,
    kialo,
    mapdoc,
    sadface,
    summary,
)


@dataclass(frozen=True)
class Exporter:
    label: str
    write: Callable[[dict], str]
    extension: str
    mimetype: str
    stream: Callable[[Iterable[Section]], Iterator[str]]  # the same text, written as the entries are read


def briefing_html(document: dict) -> str:
    """The briefing as one self-contained HTML file, its print stylesheet inside."""
    return "".join(_briefing_html(document.items()))


def _briefing_html(document: Iterable[Section]) -> Iterator[str]:
    head, entries = head_and_nodes(document)
    css = (Path(current_app.static_folder) / "css" / "summary.css").read_text()
    title = head["debates"][0]["title"]
    address = head.get("exported_from", "")
    made = partial_date(head["exported_at"][:10])
    yield render_template(
        "export/summary.html",
        s=summary.build_from(head, entries),
        standalone=True,
        address=address,
        css=css + summary.print_css(title=title, address=address, made=made),
    )


def briefing_markdown(document: dict) -> str:
    return "".join(_briefing_markdown(document.items()))


def _briefing_markdown(document: Iterable[Section]) -> Iterator[str]:
    yield summary.markdown(summary.build_from(*head_and_nodes(document)))


EXPORTERS = {
    "md": Exporter("Briefing (Markdown)", briefing_markdown, "md", "text/markdown", _briefing_markdown),
    "html": Exporter("Briefing (HTML)", briefing_html, "html", "text/html", _briefing_html),
    "json": Exporter("JSON", jsonmap.dump, "json", "application/json", jsonmap.write),
    "kialo": Exporter("Kialo text", kialo.dump, "txt", "text/plain", kialo.write),
    "argdown": Exporter("Argdown", argdown.dump, "argdown", "text/plain", argdown.write),
    "aif": Exporter("AIF", aif.dump, "aif.json", "application/json", aif.write),
    "sadface": Exporter("SADFace", sadface.dump, "sadface.json", "application/json", sadface.write),
    "csv": Exporter("CSV", csvmap.dump, "csv", "text/csv", csvmap.write),
}


def chunks(fmt: str, document: Iterable[Section]) -> Iterator[str]:
    """The export of `document`, given as (name, value) pairs (gather.sections), in the format called `fmt`, as
    chunks of text written as the entries are read. KeyError when there is no such format."""
    return EXPORTERS[fmt].stream(document)


IMPORTERS = {
    "json": jsonmap.parse,
    "kialo": kialo.parse,
    "argdown": argdown.parse,
    "aif": aif.parse,
    "sadface": sadface.parse,
}


def decode(raw: bytes, name: str) -> str:
    """The text of an uploaded file; FormatError naming the line and column of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FormatError(
            f"{name}: line {line}, column {column}: expected UTF-8 text, found the byte "
            f"0x{raw[exc.start]:02x}; save the file as UTF-8 and import it again."
        ) from None


def detect(text: str, name: str) -> str:
    """The format of an uploaded file, from its name and, for JSON, its shape."""
    suffix = Path(name).suffix.lower()
    if suffix in (".argdown", ".ad"):
        return "argdown"
    if suffix == ".txt" or text.lstrip("\ufeff").startswith(("Discussion Title:", "Discussion Name:")):
        return "kialo"
    if suffix == ".json" or text.lstrip().startswith("{"):
        head = text[:5000]
        if '"format": "icsdebate-map"' in head or '"debates"' in head:
            return "json"
        if '"nodeID"' in head or '"locutions"' in head or '"AIF"' in head:
            return "aif"
        if '"source_id"' in head or '"atom"' in head or '"sadface"' in head.lower():
            return "sadface"
    raise FormatError(
        f"{name}: line 1, column 1: cannot tell the format from the file's name or its start; "
        f"expected a .txt (Kialo), .argdown, or .json file (AIF, SADFace, ICS Debate), or choose one of "
        f"{', '.join(IMPORTERS)}."
    )


def _checked_text(text: str, name: str, fmt: str | None) -> str:
    """The format of an uploaded file's text, told or detected; FormatError when the text is empty or not text."""
    if not text or text.isspace():
        raise FormatError(f"{name}: the file is empty.")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FormatError(f"{name}: line {line}: the file contains a NUL character, so it is not a text map.")
    fmt = fmt or detect(text, name)
    if fmt not in IMPORTERS:
        raise FormatError(f"There is no import format called {fmt!r}.")
    return fmt


def parse(text: str, name: str, fmt: str | None = None) -> dict:
    """The map document in an uploaded file, whatever its format; FormatError says where and what is wrong."""
    return IMPORTERS[_checked_text(text, name, fmt)](text, name)


def read(text: str, name: str, fmt: str | None = None) -> seeds.SeedSet:
    """Parse and validate an uploaded map, to import as new debates; FormatError says where and what is wrong.
    The project's JSON is read as a stream, twice (checked, then written: `mapdoc.validate_passes`), so that
    neither its parsed whole nor its seeds are held. A backup (export --all) is refused: it is restored whole,
    into an empty database, by `flask import`."""
    fmt = _checked_text(text, name, fmt)
    if fmt != "json":  # only the project's JSON can be a backup
        return mapdoc.validate(IMPORTERS[fmt](text, name), name)
    checked, metadata = mapdoc.validate_passes(lambda: _refusing_backups(text, name), name)
    if mapdoc.is_backup(metadata):
        raise _backup_refused(name)
    return checked


def _refusing_backups(text: str, name: str) -> Iterator[Section]:
    """The sections of the project's JSON in `text`; FormatError saying it is a backup as soon as it says so (its
    header comes first), before its entries are checked."""
    for key, value in jsonstream.sections(jsonstream.Text(text), name):
        if key == "exported_from" and value == mapdoc.EVERY_DEBATE:
            raise _backup_refused(name)
        yield key, value


def _backup_refused(name: str) -> FormatError:
    return FormatError(
        f"{name} is a backup of every debate: restore it into an empty database with "
        f"`flask import {name}`, or import a single debate's export here."
    )
