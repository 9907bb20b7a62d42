"""The seed loader: the argument maps in seeds/*.yaml, read and checked (`reading`, against the format in
`entries`), then written in one transaction (`writing`, `merging`). Imports and backups are read through the same
format; `formats.store` writes an import as new debates."""

from .entries import (
    CitationSeed,
    DebateSeed,
    GlossarySeed,
    NodeOutline,
    NodeSeed,
    SeedError,
    SeedSet,
    SourceSeed,
    ThemeSeed,
    VoiceSeed,
)
from .reading import read, read_document, read_map, read_sections
from .writing import load

__all__ = [
    "CitationSeed",
    "DebateSeed",
    "GlossarySeed",
    "NodeOutline",
    "NodeSeed",
    "SeedError",
    "SeedSet",
    "SourceSeed",
    "ThemeSeed",
    "VoiceSeed",
    "load",
    "read",
    "read_document",
    "read_map",
    "read_sections",
]
