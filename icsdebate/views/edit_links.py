"""Linking an existing point under another, and recording a point's outcome."""

from flask import flash, g, redirect, render_template, request, url_for

from .. import auth, db, edits
from ..extensions import htmx
from ..forms import validate
from ..models import OUTCOMES, Debate, Node
from ..params import parse_int
from ..queries import points
from ..schemas import HINTS, LinkCreate, OutcomeSet
from ..web import form_page, render_page
from .edit_forms import bp, errors_of, form_data, is_htmx, write_limit
from .lookup import node_or_404


@bp.route("/nodes/<id:node_id>/link", methods=["GET", "POST"])
@auth.signed_in
@write_limit
def link(node_id: int):
    """Link an existing point under this one, as support or opposition."""
    parent = node_or_404(node_id)
    errors, words = {}, request.values.get("q", "").strip()
    if request.method == "POST":

        def write():
            valid = validate(LinkCreate, form_data())
            with db.write_session() as session:
                child = session.get(Node, valid.child)
                if child is None:
                    raise edits.EditError("Choose a point from the list.", "child")
                edits.link_existing(
                    session, child=child, parent=session.get(Node, node_id), relation=valid.relation, author=g.user
                )

        errors = errors_of(write)
        if not errors:
            flash("Linked. The point now appears here as well as where it was.")
            return redirect(url_for("browse.node", node_id=node_id))
    found = points.find_nodes(db.session(), words=words, exclude=node_id) if words else []
    if request.method == "POST" and not found:
        found = _chosen(request.form.get("child", ""))
    if is_htmx() and htmx.target == "link-results":
        return render_template("edit/_link_results.html", found=found, words=words)
    return render_page(
        "edit/_link.html",
        f"Link a point under: {parent.title}",
        parent=parent,
        found=found,
        words=words,
        errors=errors,
        values=request.form,
    ), 422 if errors else 200


@form_page("edit.link")
def _link_again(message: str, node_id: int):
    """The link form as it was sent, with `message` above it: the database refused the write."""
    parent = node_or_404(node_id)
    return render_page(
        "edit/_link.html",
        f"Link a point under: {parent.title}",
        parent=parent,
        found=_chosen(request.form.get("child", "")),
        words="",
        errors={"form": message},
        values=request.form,
    ), 503


def _chosen(child: str) -> list:
    """The point a sent link form had chosen, as the picker lists it (none when it is not a point)."""
    number = parse_int(child)
    if number is None:
        return []
    session = db.session()
    node = session.get(Node, number)
    return [(node, session.get(Debate, node.debate_id))] if node is not None else []


@form_page("edit.outcome")
def _outcome_again(message: str, node_id: int):
    """The outcome form as it was sent, with `message` above it: the database refused the write."""
    node = node_or_404(node_id)
    return render_page(
        "edit/_outcome.html",
        f"Outcome: {node.title}",
        node=node,
        values=form_data(),
        errors={"form": message},
        outcomes=OUTCOMES,
        sources=points.form_choices(db.session()).sources,
    ), 503


@bp.route("/nodes/<id:node_id>/outcome", methods=["GET", "POST"])
@auth.require("moderate")
@write_limit
def outcome(node_id: int):
    """Moderators record whether later events answered, confirmed or contested a point."""
    node = node_or_404(node_id)
    errors, values = (
        {},
        {
            "outcome": node.outcome or "open",
            "outcome_on": node.outcome_on,
            "outcome_reason": node.outcome_reason,
            "source": str(node.outcome_source_id or ""),
            "quote": node.outcome_quote,
            "locator": node.outcome_locator,
        },
    )
    if request.method == "POST":
        values = form_data()

        def write():
            valid = validate(OutcomeSet, values, HINTS)
            with db.write_session() as session:
                edits.set_outcome(session, node=session.get(Node, node_id), data=valid, author=g.user)

        errors = errors_of(write)
        if not errors:
            flash("Outcome recorded; it is kept in the point's history.")
            return redirect(url_for("browse.node", node_id=node_id))
    return render_page(
        "edit/_outcome.html",
        f"Outcome: {node.title}",
        node=node,
        values=values,
        errors=errors,
        outcomes=OUTCOMES,
        sources=points.form_choices(db.session()).sources,
    ), 422 if errors else 200
