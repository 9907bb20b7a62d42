"""The project's own JSON: a whole map, documented by docs/icsdebate-map.schema.json."""
import json

from . import FormatError, mapdoc


def dump(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def parse(text: str, name: str = "upload.json") -> dict:
    """A JSON map as a document; raises FormatError naming the line and what is wrong."""
    if not text.strip():
        raise FormatError(f"{name}: the file is empty.")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{name}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}).") from None
    if isinstance(document, dict) and document.get("format", mapdoc.FORMAT) != mapdoc.FORMAT:
        raise FormatError(f"{name}: $.format is {document.get('format')!r}, expected {mapdoc.FORMAT!r}.")
    return document
