"""Formats for taking maps out of ICS Debate and bringing them in: one module each."""

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class FormatError(ValueError):
    """Input that cannot be imported; the message says where and what is wrong."""
