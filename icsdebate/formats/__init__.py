"""Formats for taking maps out of ICS Debate and bringing them in: one module each."""

from typing import Any

# A section of a map document as it is written or read in turn: its name and its value (a list of entries, or
# a metadata value).
Section = tuple[str, Any]

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class FormatError(ValueError):
    """Input that cannot be imported; the message says where and what is wrong."""
