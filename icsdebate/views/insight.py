"""Seeing the debate whole: the timeline, and who argued what."""
from flask import Blueprint, abort, request
from sqlmodel import select

from .. import db, queries
from ..models import Debate, Voice
from ..web import render_page

bp = Blueprint("insight", __name__)


def _page() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


@bp.get("/timeline")
def timeline():
    rows, more = queries.timeline(db.session(), page=_page())
    return render_page("insight/_timeline.html", "Timeline", rows=rows, more=more, page=_page(), debate=None)


@bp.get("/debates/<slug>/timeline")
def debate_timeline(slug: str):
    debate = db.session().exec(select(Debate).where(Debate.slug == slug)).first()
    if debate is None:
        abort(404, f"There is no debate called “{slug}”.")
    rows, more = queries.timeline(db.session(), debate_id=debate.id, page=_page())
    return render_page("insight/_timeline.html", f"Timeline: {debate.title}", rows=rows, more=more, page=_page(),
                       debate=debate)


@bp.get("/who-argued-what")
def matrix():
    debates, groups = queries.voice_matrix(db.session())
    return render_page("insight/_matrix.html", "Who argued what", debates=debates, groups=groups)


@bp.get("/groups/<name>")
def group(name: str):
    if db.session().exec(select(Voice.id).where(Voice.group_name == name)).first() is None:
        abort(404, f"There is no group of voices called “{name}”.")
    groups = queries.group_nodes(db.session(), group_name=name)
    return render_page("insight/_group.html", name, name=name, groups=groups)


@bp.get("/glossary")
def glossary():
    return render_page("insight/_glossary.html", "Glossary", terms=queries.glossary(db.session()))
