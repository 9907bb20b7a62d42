"""Browsing debates: the home page, a debate, a node, the outline."""

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlmodel import select

from .. import db
from ..extensions import htmx
from ..models import SIDES, Debate, Node, NodeAlias
from ..queries import cards, debates, points
from ..web import page_number, render_page

bp = Blueprint("browse", __name__)


def _children(parent_id: int, relations, page: int = 1) -> tuple[dict[str, cards.Page], bool]:
    """A page of `parent_id`'s children for each relation: only those that still stand, when the reader asks."""
    still = request.args.get("still") == "1"
    pages = {
        rel: cards.children(
            db.session(),
            parent_id=parent_id,
            relation=rel,
            page=page,
            size=current_app.config["PAGE_SIZE"],
            still=still,
        )
        for rel in relations
    }
    return pages, still


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
    summary = next(iter(debates.debate_summaries(db.session(), slug=slug)), None)
    if summary is None:
        abort(404, f"There is no debate called “{slug}”.")
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


def _detail_or_404(node_id: int) -> points.NodeDetail:
    if g.user and g.user.can("moderate"):
        detail = points.node_any_status(db.session(), node_id=node_id)
    else:
        detail = points.node_detail(db.session(), node_id=node_id)
    if detail is None:
        _redirect_if_merged(node_id)
        abort(404, f"There is no claim numbered {node_id}.")
    return detail


def _redirect_if_merged(node_id: int) -> None:
    """A point merged into another (seeds' `replaces`) answers with a permanent redirect to the same page of the
    point it became; otherwise returns and the caller answers 404."""
    alias = db.session().get(NodeAlias, node_id)
    if alias is not None and request.method == "GET":
        args = {**request.view_args, "node_id": alias.node_id, **request.args.to_dict()}
        abort(redirect(url_for(request.endpoint, **args), 301))


@bp.get("/nodes/<id:node_id>")
def node(node_id: int):
    detail = _detail_or_404(node_id)
    columns, still = _children(node_id, SIDES)
    return render_page("browse/_node.html", detail.node.title, detail=detail, columns=columns, still=still)


@bp.get("/nodes/<id:node_id>/children/<relation>")
def children(node_id: int, relation: str):
    """One page of a node's supporting or opposing children: cards for htmx, a full page otherwise."""
    if relation not in SIDES:
        abort(404, "Children either support or oppose.")
    detail = _detail_or_404(node_id)
    pages, still = _children(node_id, (relation,), page_number())
    context = {"page": pages[relation], "relation": relation, "still": still}
    if htmx and htmx.target != "main":
        return render_template("browse/_cards.html", parent=detail.node, **context)
    return render_page(
        "browse/_children.html", f"{relation.capitalize()}: {detail.node.title}", detail=detail, **context
    )


@bp.get("/debates/<slug>/outline")
def outline(slug: str):
    debate_ = db.session().exec(select(Debate).where(Debate.slug == slug)).first()
    if debate_ is None:
        abort(404, f"There is no debate called “{slug}”.")
    if debate_.thesis_id is None:  # no thesis to hang an outline from: the debate's page lists its top-level points
        return redirect(url_for("browse.debate", slug=slug))
    return node_outline(debate_.thesis_id)


@bp.get("/nodes/<id:node_id>/outline")
def node_outline(node_id: int):
    """The tree below a node as an outline, both sides on every page (page N holds the Nth page of the points for
    and of the points against); htmx asks for one level at a time."""
    number = page_number()
    sides = {
        rel: cards.children(
            db.session(), parent_id=node_id, relation=rel, page=number, size=current_app.config["PAGE_SIZE"]
        )
        for rel in SIDES
    }
    more = any(side.has_more for side in sides.values())
    if htmx and (htmx.target or "").startswith("outline-"):
        node_ = db.session().get(Node, node_id)
        if node_ is None:
            _redirect_if_merged(node_id)
            abort(404, f"There is no claim numbered {node_id}.")
        return render_template("browse/_outline_items.html", sides=sides, more=more, number=number, parent=node_)
    detail = _detail_or_404(node_id)
    return render_page(
        "browse/_outline.html", f"Outline: {detail.node.title}", detail=detail, sides=sides, more=more, number=number
    )
