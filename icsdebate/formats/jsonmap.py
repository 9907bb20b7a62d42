"""The project's own JSON: a whole map, documented by docs/icsdebate-map.schema.json."""

from collections.abc import Iterable, Iterator

from . import FormatError, Section, imported, jsonstream, mapdoc


def write(document: Iterable[Section]) -> Iterator[str]:
    """A map document given as (name, value) pairs (gather.sections), its lists possibly iterators, as chunks of
    JSON text written as the entries come; joined, the text `dump` writes."""
    return jsonstream.write(document)


def dump(document: dict) -> str:
    """A map document as JSON text: two-space indents, UTF-8 characters as they are, a newline at the end."""
    return "".join(write(document.items()))


def parse(text: str, name: str = "upload.json") -> dict:
    """A JSON map as a document; raises FormatError naming the line and what is wrong."""
    document = imported.load_json(text, name)
    if isinstance(document, dict) and document.get("format", mapdoc.FORMAT) != mapdoc.FORMAT:
        raise FormatError(f"{name}: $.format is {document.get('format')!r}, expected {mapdoc.FORMAT!r}.")
    return document
