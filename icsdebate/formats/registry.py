"""The export formats by name: how to write each, its file extension and media type."""
from dataclasses import dataclass
from typing import Callable

from . import csvmap, jsonmap, kialo


@dataclass(frozen=True)
class Exporter:
    label: str
    write: Callable[[dict], str]
    extension: str
    mimetype: str


EXPORTERS = {
    "json": Exporter("JSON", jsonmap.dump, "json", "application/json"),
    "kialo": Exporter("Kialo text", kialo.dump, "txt", "text/plain"),
    "csv": Exporter("CSV", csvmap.dump, "csv", "text/csv"),
}
