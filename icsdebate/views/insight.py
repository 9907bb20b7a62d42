"""Seeing the debate whole: the map as a picture, the timeline, who argued what, the glossary."""

from flask import Blueprint, Response, abort, current_app, request, url_for
from sqlmodel import select
from werkzeug.exceptions import ServiceUnavailable

from .. import db, diagram, search
from ..models import Debate, Node, Voice
from ..params import int_arg
from ..queries import catalogue, chronology, maps
from ..web import render_page
from .lookup import debate_or_404, node_or_404, seek

bp = Blueprint("insight", __name__)


@bp.get("/timeline")
def timeline():
    rows, window = chronology.timeline(db.session(), seek=seek())
    return render_page("insight/_timeline.html", "Timeline", rows=rows, window=window, debate=None)


@bp.get("/debates/<slug>/timeline")
def debate_timeline(slug: str):
    debate = debate_or_404(slug)
    rows, window = chronology.timeline(db.session(), debate_id=debate.id, seek=seek())
    return render_page("insight/_timeline.html", f"Timeline: {debate.title}", rows=rows, window=window, debate=debate)


@bp.get("/who-argued-what")
def matrix():
    debates, groups = catalogue.voice_matrix(db.session())
    return render_page("insight/_matrix.html", "Who argued what", debates=debates, groups=groups)


@bp.get("/groups/<name>")
def group(name: str):
    if db.session().exec(select(Voice.id).where(Voice.group_name == name)).first() is None:
        abort(404, f"There is no group of voices called “{name}”.")
    listing = catalogue.group_nodes(db.session(), group_name=name, seek=seek(), size=current_app.config["LIST_SIZE"])
    return render_page("insight/_group.html", name, name=name, listing=listing)


@bp.get("/glossary")
def glossary():
    return render_page("insight/_glossary.html", "Glossary", terms=catalogue.glossary(db.session()))


def _depth() -> int:
    """How many levels of the map to draw: ?depth=1 to 12, 3 when absent; a 400 for anything else."""
    return int_arg("depth", 3, hi=12)


def _breadth() -> int:
    """Replies drawn under each point: the reader's choice among diagram.BREADTHS, the default otherwise."""
    value = request.args.get("breadth", "")
    return int(value) if value.isdigit() and int(value) in diagram.BREADTHS else diagram.DEFAULT_BREADTH


class MapUnavailable(ServiceUnavailable):
    """A 503 page saying the map cannot be drawn just now, and why."""

    name = "The map cannot be drawn just now"


def _picture(root_id: int, version: int | None = None):
    depth, breadth = _depth(), _breadth()
    try:
        return diagram.draw(
            db.session(),
            root_id=root_id,
            depth=depth,
            breadth=breadth,
            link_to=lambda node_id: url_for("browse.node", node_id=node_id),
            map_to=lambda node_id: url_for("insight.node_map", node_id=node_id, depth=depth, breadth=breadth),
            version=version,
        )
    except diagram.DiagramUnavailable as exc:
        raise MapUnavailable(
            f"{exc} The points themselves are all there: browse them from the debate's page, "
            "or try the map again in a minute.",
            retry_after=60,
        ) from None


def _map_page(debate: Debate, root: Node):
    """The map page: the picture, the root's side and the shape strip are made once per content version."""
    version, depth, breadth = db.content_version(), _depth(), _breadth()

    def make():
        side = diagram.root_side(db.session(), root.id)
        return (_picture(root.id), side, maps.branch_shape(db.session(), root_id=root.id, root_side=side))

    picture, side, shape = diagram.kept(("page", version, root.id, depth, breadth), make)
    svg_url = url_for("insight.node_svg", node_id=root.id, depth=depth, breadth=breadth)
    return render_page(
        "insight/_map.html",
        f"Map: {root.title}",
        debate=debate,
        root=root,
        picture=picture,
        depth=depth,
        breadth=breadth,
        breadths=diagram.BREADTHS,
        svg_url=svg_url,
        side=side,
        side_words=diagram.SIDE_WORDS,
        most=diagram.MAX_POINTS,
        shape=shape,
    )


@bp.get("/debates/<slug>/map")
def debate_map(slug: str):
    debate = debate_or_404(slug)
    return _map_page(debate, db.session().get(Node, debate.thesis_id))


@bp.get("/nodes/<id:node_id>/map")
def node_map(node_id: int):
    node = node_or_404(node_id)
    return _map_page(db.session().get(Debate, node.debate_id), node)


@bp.get("/nodes/<id:node_id>/map.svg")
def node_svg(node_id: int):
    node_or_404(node_id)
    picture = _picture(node_id, db.content_version())
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + picture.svg
    return Response(
        svg,
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="ics-debate-map-{node_id}.svg"'},
    )


@bp.get("/search")
def search_page():
    words = request.args.get("q", "")[:200]
    results = search.search(db.session(), words=words) if words.strip() else search.Results([])
    return render_page(
        "insight/_search.html",
        f"Search: {words}" if words.strip() else "Search",
        words=words,
        groups=results.groups,
        more_than_ranked=results.more_than_ranked,
        ranked=search.CANDIDATES,
        usable=bool(search.terms(words)),
    )
