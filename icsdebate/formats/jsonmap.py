"""The project's own JSON: a whole map, documented by docs/icsdebate-map.schema.json."""

import json

from . import FormatError, imported, mapdoc


def dump(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def parse(text: str, name: str = "upload.json") -> dict:
    """A JSON map as a document; raises FormatError naming the line and what is wrong."""
    document = imported.load_json(text, name)
    if isinstance(document, dict) and document.get("format", mapdoc.FORMAT) != mapdoc.FORMAT:
        raise FormatError(f"{name}: $.format is {document.get('format')!r}, expected {mapdoc.FORMAT!r}.")
    return document
