"""The export formats by name: how to write each, its file extension and media type."""
from dataclasses import dataclass
from typing import Callable

from pathlib import Path

from flask import current_app, render_template

from . import aif, argdown, csvmap, jsonmap, kialo, sadface, summary


@dataclass(frozen=True)
class Exporter:
    label: str
    write: Callable[[dict], str]
    extension: str
    mimetype: str


def briefing_html(document: dict) -> str:
    """The briefing as one self-contained HTML file, its print stylesheet inside."""
    css = (Path(current_app.static_folder) / "css" / "summary.css").read_text()
    return render_template("export/summary.html", s=summary.build(document), standalone=True, css=css)


def briefing_markdown(document: dict) -> str:
    return summary.markdown(summary.build(document))


EXPORTERS = {
    "md": Exporter("Briefing (Markdown)", briefing_markdown, "md", "text/markdown"),
    "html": Exporter("Briefing (HTML)", briefing_html, "html", "text/html"),
    "json": Exporter("JSON", jsonmap.dump, "json", "application/json"),
    "kialo": Exporter("Kialo text", kialo.dump, "txt", "text/plain"),
    "argdown": Exporter("Argdown", argdown.dump, "argdown", "text/plain"),
    "aif": Exporter("AIF", aif.dump, "aif.json", "application/json"),
    "sadface": Exporter("SADFace", sadface.dump, "sadface.json", "application/json"),
    "csv": Exporter("CSV", csvmap.dump, "csv", "text/csv"),
}
