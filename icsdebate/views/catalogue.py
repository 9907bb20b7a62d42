"""Sources, voices and themes: every node that cites, was argued by or carries each one."""

from flask import Blueprint, abort, current_app

from .. import db
from ..models import Source, Theme, Voice
from ..queries import catalogue
from ..web import render_page
from .lookup import seek

bp = Blueprint("catalogue", __name__)


def _get_or_404(model, value: str, what: str):
    row = catalogue.by_id_or_key(db.session(), model, value)
    if row is None:
        abort(404, f"There is no {what} “{value}”.")
    return row


def _paging() -> dict:
    return {"seek": seek(), "size": current_app.config["LIST_SIZE"]}


@bp.get("/sources")
def sources():
    return render_page("catalogue/_sources.html", "Sources", rows=catalogue.sources_index(db.session()))


@bp.get("/sources/<ref>")
def source(ref: str):
    source_ = _get_or_404(Source, ref, "source")
    listing = catalogue.source_nodes(db.session(), source_id=source_.id, **_paging())
    node_ids = [card.node.id for group in listing.groups for cards in group.sides.values() for card in cards]
    quotes = catalogue.source_quotes(db.session(), source_id=source_.id, node_ids=node_ids)
    return render_page("catalogue/_source.html", source_.title, source=source_, listing=listing, quotes=quotes)


@bp.get("/voices")
def voices():
    return render_page("catalogue/_voices.html", "Voices", rows=catalogue.voices_index(db.session()))


@bp.get("/voices/<ref>")
def voice(ref: str):
    voice_ = _get_or_404(Voice, ref, "voice")
    listing = catalogue.voice_nodes(db.session(), voice_id=voice_.id, **_paging())
    return render_page("catalogue/_voice.html", voice_.name, voice=voice_, listing=listing)


@bp.get("/themes")
def themes():
    return render_page("catalogue/_themes.html", "Themes", rows=catalogue.themes_index(db.session()))


@bp.get("/themes/<ref>")
def theme(ref: str):
    theme_ = _get_or_404(Theme, ref, "theme")
    listing = catalogue.theme_nodes(db.session(), theme_id=theme_.id, **_paging())
    return render_page("catalogue/_theme.html", theme_.name, theme=theme_, listing=listing)
