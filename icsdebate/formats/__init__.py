"""Formats for taking maps out of ICS Debate and bringing them in: one module each."""

from typing import Any

# A section of a map document as it is written or read in turn: its name and its value (a list of entries, or
# a metadata value).
Section = tuple[str, Any]

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class FormatError(ValueError):
    """Input that cannot be imported; the message says where and what is wrong."""


def head_and_nodes(document) -> tuple[dict, Any]:
    """A map document given as (name, value) pairs (gather.sections, or a dict's items) as (every section but the
    nodes, as a dict; the nodes, an iterable of entries that may be read once). The sections after the nodes are
    read too, so a writer may start once it has this, whatever the order; the nodes are not read."""
    head: dict = {}
    nodes: Any = []
    for name, value in document:
        if name == "nodes":
            nodes = value
        else:
            head[name] = value
    return head, nodes
