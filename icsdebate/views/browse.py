"""Browsing debates: the home page, a debate, a node, the outline."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from .. import db
from ..extensions import htmx
from ..models import SIDES
from ..queries import cards, debates, points
from ..queries.keyset import FIRST_PAGE, Seek
from ..web import render_page
from .lookup import debate_or_404, detail_or_404, node_or_404, seek, summary_or_404

bp = Blueprint("browse", __name__)


def _children(parent_id: int, relations, at: Seek = FIRST_PAGE) -> tuple[dict[str, cards.Page], bool]:
    """A page of `parent_id`'s children for each relation: only those that still stand, when the reader asks."""
    still = request.args.get("still") == "1"
    size = current_app.config["PAGE_SIZE"]
    return cards.sides(db.session(), parent_id=parent_id, relations=relations, seek=at, size=size, still=still), still


@bp.get("/healthz")
def health():
    """For load balancers and the benchmark: answers without touching the database."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/")
def home():
    summaries = debates.debate_summaries(db.session())
    return render_page("browse/_home.html", "ICS Debate", summaries=summaries)


@bp.get("/debates/<slug>")
def debate(slug: str):
    summary = summary_or_404(slug)
    positions = debates.positions(db.session(), debate=summary.debate, size=current_app.config["PAGE_SIZE"])
    if summary.thesis is None:  # a map with several top-level points: each shown with its own for and against
        return render_page(
            "browse/_debate.html",
            summary.debate.title,
            summary=summary,
            detail=None,
            columns={},
            still=False,
            positions=positions,
        )
    thesis = points.node_detail(db.session(), node_id=summary.thesis.id)
    columns, still = _children(summary.thesis.id, SIDES)
    return render_page(
        "browse/_debate.html",
        summary.debate.title,
        summary=summary,
        detail=thesis,
        columns=columns,
        still=still,
        positions=positions,
    )


@bp.get("/nodes/<id:node_id>")
def node(node_id: int):
    detail = detail_or_404(node_id)
    columns, still = _children(node_id, SIDES)
    return render_page("browse/_node.html", detail.node.title, detail=detail, columns=columns, still=still)


@bp.get("/nodes/<id:node_id>/children/<relation>")
def children(node_id: int, relation: str):
    """One page of a node's supporting or opposing children: cards for htmx, a full page otherwise."""
    if relation not in SIDES:
        abort(404, "Children either support or oppose.")
    detail = detail_or_404(node_id)
    pages, still = _children(node_id, (relation,), seek())
    context = {"page": pages[relation], "relation": relation, "still": still}
    if htmx and htmx.target != "main":
        return render_template("browse/_cards.html", parent=detail.node, **context)
    return render_page(
        "browse/_children.html", f"{relation.capitalize()}: {detail.node.title}", detail=detail, **context
    )


@bp.get("/debates/<slug>/outline")
def outline(slug: str):
    debate_ = debate_or_404(slug)
    if debate_.thesis_id is None:  # no thesis to hang an outline from: the debate's page lists its top-level points
        return redirect(url_for("browse.debate", slug=slug))
    return node_outline(debate_.thesis_id)


@bp.get("/nodes/<id:node_id>/outline")
def node_outline(node_id: int):
    """The tree below a node as an outline, both sides on every page (page N holds the Nth page of the points for
    and of the points against); htmx asks for one level at a time."""
    number = seek().page  # both sides' Nth pages: by number, as one page holds two lists
    sides = cards.sides(
        db.session(), parent_id=node_id, relations=SIDES, seek=Seek(number), size=current_app.config["PAGE_SIZE"]
    )
    more = any(side.has_more for side in sides.values())
    if htmx and (htmx.target or "").startswith("outline-"):
        node_ = node_or_404(node_id, archived=True)
        return render_template("browse/_outline_items.html", sides=sides, more=more, number=number, parent=node_)
    detail = detail_or_404(node_id)
    return render_page(
        "browse/_outline.html", f"Outline: {detail.node.title}", detail=detail, sides=sides, more=more, number=number
    )
