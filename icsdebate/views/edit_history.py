"""Archiving and restoring points, their versions and the differences between them, and recent changes."""

import json

from flask import abort, flash, g, redirect, request, url_for

from .. import auth, db, edits
from ..models import Debate, Node
from ..params import parse_int
from ..queries import chronology, points
from ..text import word_diff
from ..web import render_page
from .edit_forms import bp, may_edit_or_403, write_limit
from .lookup import debate_or_404, node_or_404, seek


@bp.post("/nodes/<id:node_id>/archive")
@auth.signed_in
@write_limit
def archive(node_id: int):
    node = node_or_404(node_id)
    may_edit_or_403(node)
    return _set_status(node_id, "archived", "Archived. A moderator can restore it from its history.")


@bp.post("/nodes/<id:node_id>/unarchive")
@auth.require("moderate")
@write_limit
def unarchive(node_id: int):
    node_or_404(node_id, archived=True)
    return _set_status(node_id, "active", "Restored to the tree.")


def _set_status(node_id: int, status: str, message: str):
    try:
        with db.write_session() as session:
            node = session.get(Node, node_id)
            edits.set_status(session, node=node, status=status, author=g.user)
    except edits.EditError as exc:
        abort(422, str(exc))
    flash(message)
    if status == "archived" and not g.user.can("moderate"):
        debate = db.session().get(Debate, node.debate_id)
        return redirect(url_for("browse.debate", slug=debate.slug))
    return redirect(url_for("browse.node", node_id=node_id))


@bp.get("/nodes/<id:node_id>/history")
def history(node_id: int):
    node = node_or_404(node_id, archived=bool(g.user and g.user.can("moderate")))
    rows = points.revisions(db.session(), node_id=node_id)
    return render_page("edit/_history.html", f"History: {node.title}", node=node, rows=rows)


DIFF_FIELDS = (
    "title",
    "kind",
    "voice",
    "argued_on",
    "happened_on",
    "status",
    "annotation",
    "outcome",
    "outcome_on",
    "outcome_reason",
    "outcome_quote",
)


def _compare(old: dict, new: dict) -> list[tuple[str, object]]:
    changes = [
        (field, word_diff(str(old.get(field) or ""), str(new.get(field) or "")))
        for field in DIFF_FIELDS
        if (old.get(field) or "") != (new.get(field) or "")
    ]
    for field, shown in (
        ("citations", lambda c: f"“{c['quote']}” — {c['source']}, {c['locator']}"),
        ("themes", lambda t: t["name"]),
    ):
        before, after = "\n".join(map(shown, old[field])), "\n".join(map(shown, new[field]))
        if before != after:
            changes.append((field, word_diff(before, after)))
    return changes


@bp.get("/nodes/<id:node_id>/history/compare")
def compare(node_id: int):
    node = node_or_404(node_id, archived=bool(g.user and g.user.can("moderate")))
    rows = {revision.number: (revision, user) for revision, user in points.revisions(db.session(), node_id=node_id)}
    a, b = parse_int(request.args.get("from", "")), parse_int(request.args.get("to", ""))
    if a not in rows or b not in rows:
        abort(404, "Choose two versions of this point that exist.")
    old, new = rows[a], rows[b]
    changes = _compare(json.loads(old[0].content), json.loads(new[0].content))
    return render_page("edit/_compare.html", f"Changes: {node.title}", node=node, old=old, new=new, changes=changes)


@bp.post("/nodes/<id:node_id>/history/<id:number>/restore")
@auth.require("moderate")
@write_limit
def restore(node_id: int, number: int):
    node_or_404(node_id, archived=True)
    try:
        with db.write_session() as session:
            edits.restore_revision(session, node=session.get(Node, node_id), number=number, author=g.user)
    except edits.EditError as exc:
        abort(404, str(exc))
    flash(f"Version {number} is current again; every version stays in the history.")
    return redirect(url_for("edit.history", node_id=node_id))


@bp.get("/changes")
def changes():
    return _changes(None)


@bp.get("/debates/<slug>/changes")
def debate_changes(slug: str):
    return _changes(debate_or_404(slug))


def _changes(debate: Debate | None):
    rows, window = chronology.recent_changes(db.session(), debate_id=debate.id if debate else None, seek=seek())
    title = f"Recent changes: {debate.title}" if debate else "Recent changes"
    return render_page("edit/_changes.html", title, rows=rows, window=window, debate=debate)
