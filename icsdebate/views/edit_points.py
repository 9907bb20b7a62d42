"""Adding and editing points: the add and edit forms, their previews and edit conflicts."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlmodel import select

from .. import auth, db, edits
from ..extensions import htmx
from ..forms import FormError, validate
from ..models import SIDES, Node, Theme, Voice
from ..params import parse_int
from ..queries import cards, points
from ..schemas import EDIT_KINDS, HINTS, NodeCreate, NodeUpdate
from ..text import render_markdown, word_diff
from ..web import form_page, render_page
from .edit_forms import KEPT_NOTE, bp, form_data, is_htmx, may_edit_or_403, quote_warnings, write_limit
from .lookup import node_or_404

LABELS = {
    ("claim", "supports"): "Add a supporting claim",
    ("claim", "opposes"): "Add an opposing claim",
    ("evidence", "supports"): "Add evidence",
    ("evidence", "opposes"): "Add evidence",
    ("question", "supports"): "Ask a question",
    ("question", "opposes"): "Ask a question",
    ("event", "supports"): "Add an event",
    ("event", "opposes"): "Add an event",
}


def _render_add(parent: Node, values: dict, errors: dict, status: int = 200, warnings: dict | None = None):
    context = {
        "parent": parent,
        "values": values,
        "errors": errors,
        "warnings": warnings or {},
        "kinds": EDIT_KINDS,
        "choices": points.form_choices(db.session()),
        "label": LABELS.get((values.get("kind"), values.get("relation")), "Add a point"),
    }
    if is_htmx() and (htmx.target or "").startswith("add-slot"):
        return render_template("edit/_add_slot.html", **context), status
    return render_page("edit/_add_page.html", context["label"], **context), status


@bp.get("/nodes/<id:node_id>/add")
@auth.signed_in
def add_form(node_id: int):
    parent = node_or_404(node_id)
    kind = request.args.get("kind", "claim")
    relation = request.args.get("relation", "supports")
    if kind not in EDIT_KINDS or relation not in SIDES:
        abort(404, "Nodes are claims, evidence, questions or events that support or oppose.")
    return _render_add(parent, {"kind": kind, "relation": relation}, {})


@bp.post("/nodes/<id:node_id>/add")
@auth.signed_in
@write_limit
def add(node_id: int):
    data = form_data()
    try:
        valid = validate(NodeCreate, data, HINTS)
        warnings = quote_warnings(valid, data)
        if warnings:
            return _render_add(node_or_404(node_id), data, {}, 422, warnings)
        with db.write_session() as session:
            parent = node_or_404(node_id, session=session)
            node = edits.create_node(session, parent=parent, data=valid, author=g.user)
    except FormError as exc:
        return _render_add(node_or_404(node_id), data, exc.errors, 422)
    except edits.EditError as exc:
        return _render_add(node_or_404(node_id), data, {exc.field: str(exc)}, 422)
    if is_htmx():
        session = db.session()
        added = session.get(Node, node.id)
        card = cards.card(session, added, session.get(Voice, added.voice_id))
        card.relation = valid.relation
        return render_template("edit/_added.html", card=card, relation=valid.relation, parent=node_or_404(node_id))
    flash(f"Added “{node.title}”." + KEPT_NOTE * bool(data.get("keep_quote")))
    return redirect(url_for("browse.node", node_id=node_id, _anchor=f"point-{node.id}"))


@form_page("edit.add")
def _add_again(message: str, node_id: int):
    """The add form as it was sent, with `message` above it: the database refused the write."""
    return _render_add(node_or_404(node_id), form_data(), {"form": message}, 503)


@bp.get("/add-slot/<relation>")
def close_slot(relation: str):
    """An empty add slot: what Cancel puts back."""
    if relation not in SIDES:
        abort(404, "Children either support or oppose.")
    return f'<div id="add-slot-{relation}" class="add-slot"></div>'


@bp.post("/preview")
@auth.signed_in
def preview():
    """The annotation as it will show, sanitised like the stored one."""
    html = render_markdown(request.form.get("annotation", "")[:10_000])
    return render_template("edit/_preview.html", html=html)


def _edit_values(node: Node) -> dict:
    session = db.session()
    content = edits.snapshot(session, node)
    return {
        **content,
        "voice": str(node.voice_id or ""),
        "themes": [t["id"] for t in content["themes"]],
        "base": edits.current_version(session, node.id),
        "citations": [
            {"source": str(c["source_id"]), "quote": c["quote"], "locator": c["locator"]} for c in content["citations"]
        ],
    }


def _base() -> int | None:
    """The version the sent edit form started from; None when the form carries none (it then overwrites)."""
    value = request.form.get("base", "")
    return parse_int(value, lo=0)


def _render_conflict(node: Node, data: dict, valid, conflict: edits.EditConflict):
    """409: their version (current) beside the one sent, word by word; nothing saved. The form below holds what
    was sent, now based on their version, so that saving it is a deliberate merge."""
    theirs, session = conflict.theirs, db.session()
    voice = (
        f"{valid.voice_name} (new)"
        if valid.voice == "new"
        else getattr(session.get(Voice, int(valid.voice)), "name", "")
    )
    names = (
        dict(session.exec(select(Theme.id, Theme.name).where(Theme.id.in_(valid.themes))).all()) if valid.themes else {}
    )
    cited = [f"“{c['quote']}” — {c['source']}, {c['locator']}".rstrip(", ") for c in theirs["citations"]]
    fields = [
        ("Title", theirs["title"], valid.title),
        ("Kind", theirs["kind"], theirs["kind"] if node.kind == "thesis" else valid.kind),
        ("Voice", theirs["voice"], voice),
        ("Argued on", theirs["argued_on"], valid.argued_on or ""),
        ("Happened on", theirs["happened_on"], valid.happened_on or ""),
        ("Annotation", theirs["annotation"], valid.annotation),
        ("Themes", ", ".join(t["name"] for t in theirs["themes"]), ", ".join(sorted(names.values()))),
        (
            "Quotes",
            "\n".join(cited),
            "\n".join(cited + ([f"“{valid.quote}” — {valid.locator}".rstrip(" —")] if valid.quote else [])),
        ),
    ]
    rows = [(label, their_text, word_diff(their_text, mine), their_text == mine) for label, their_text, mine in fields]
    return render_page(
        "edit/_conflict.html",
        f"Edit conflict: {theirs['title']}",
        node=node,
        rows=rows,
        number=conflict.number,
        theirs_by=conflict.author or "Someone",
        theirs_at=conflict.saved_at,
        values={**data, "base": conflict.number},
        errors={},
        kinds=EDIT_KINDS,
        choices=points.form_choices(session),
    ), 409


def _render_edit(node: Node, values: dict, errors: dict, status: int = 200, warnings: dict | None = None):
    return render_page(
        "edit/_edit.html",
        f"Edit: {node.title}",
        node=node,
        values=values,
        errors=errors,
        warnings=warnings or {},
        kinds=EDIT_KINDS,
        choices=points.form_choices(db.session()),
    ), status


@bp.route("/nodes/<id:node_id>/edit", methods=["GET", "POST"])
@auth.signed_in
@write_limit
def edit(node_id: int):
    node = node_or_404(node_id, archived=True)
    may_edit_or_403(node)
    if node.kind == "thesis" and not g.user.can("moderate"):
        abort(403, "Only moderators edit a debate's thesis.")
    if request.method == "GET":
        return _render_edit(node, _edit_values(node), {})
    data = form_data()
    if node.kind == "thesis":
        data["kind"] = "claim"  # validated as a claim, stored as the thesis it is
    valid = None
    try:
        valid = validate(NodeUpdate, data, HINTS)
        warnings = quote_warnings(valid, data)
        if warnings:
            return _render_edit(node, data, {}, 422, warnings)
        with db.write_session() as session:
            current = session.get(Node, node_id, with_for_update=True)  # one save at a time checks its base
            valid.kind = current.kind if current.kind == "thesis" else valid.kind
            edits.update_node(session, node=current, data=valid, author=g.user, base=_base())
    except edits.EditConflict as conflict:
        return _render_conflict(node, data, valid, conflict)
    except FormError as exc:
        return _render_edit(node, data, exc.errors, 422)
    except edits.EditError as exc:
        return _render_edit(node, data, {exc.field: str(exc)}, 422)
    flash("Saved. The earlier version is kept in the history." + KEPT_NOTE * bool(data.get("keep_quote")))
    return redirect(url_for("browse.node", node_id=node_id))


@form_page("edit.edit")
def _edit_again(message: str, node_id: int):
    """The edit form as it was sent, with `message` above it: the database refused the write."""
    return _render_edit(node_or_404(node_id, archived=True), form_data(), {"form": message}, 503)
