"""Adding, editing, linking, archiving and restoring nodes; history and recent changes."""

import hashlib
import json

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlmodel import select

from .. import auth, db, edits, quotecheck
from ..extensions import htmx, limiter, per_user
from ..forms import FormError, validate
from ..models import OUTCOMES, SIDES, Debate, Node, Source, Theme, Voice
from ..params import parse_int
from ..queries import cards, chronology, points
from ..schemas import EDIT_KINDS, HINTS, LinkCreate, NodeCreate, NodeUpdate, OutcomeSet
from ..text import render_markdown, word_diff
from ..web import form_page, render_page
from .lookup import debate_or_404, node_or_404, seek

bp = Blueprint("edit", __name__)
write_limit = limiter.shared_limit(
    lambda: current_app.config["WRITE_LIMIT"],
    scope="writes",
    key_func=per_user,
    exempt_when=lambda: request.method == "GET",
)
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


def _is_htmx() -> bool:
    return bool(htmx)


def _errors_of(write) -> dict[str, str]:
    """Run a write; what it refused, by form field (empty when it went through)."""
    try:
        write()
    except FormError as exc:
        return exc.errors
    except edits.EditError as exc:
        return {exc.field: str(exc)}
    return {}


def _form_data() -> dict:
    """The form's fields; themes as a list of ids; quotes being corrected (citations-N-source, -quote, -locator) as a
    list in their order."""
    data = {
        key: value
        for key, value in request.form.items()
        if key not in ("csrf_token", "themes") and not key.startswith("citations-")
    }
    data["themes"] = request.form.getlist("themes")  # each checked by the schema's Id type
    if "citations-0-quote" in request.form:
        data["citations"] = []
        while f"citations-{len(data['citations'])}-quote" in request.form and len(data["citations"]) < 100:
            n = len(data["citations"])
            data["citations"].append(
                {part: request.form.get(f"citations-{n}-{part}", "") for part in ("source", "quote", "locator")}
            )
    return data


KEPT_NOTE = " Its quote is kept as written and shows as not found in the attached copy."


def _keep_token(source: str, quote: str) -> str:
    """What "Keep it anyway" sends back: it confirms this quote from this source, not whatever is typed next."""
    return hashlib.sha256(f"{source}\n{quote}".encode()).hexdigest()[:20]


def _quote_warnings(valid, data: dict) -> dict[str, str]:
    """A warning for the quote field when the chosen source has an attached copy that does not hold the quote
    and the writer has not yet said to keep it anyway; {} otherwise (no quote, a new source, no copy, found)."""
    if not valid.quote or not valid.source.isdigit():
        return {}
    token = _keep_token(valid.source, valid.quote)
    if data.get("keep_quote") == token:
        return {}
    if quotecheck.check_quote(db.session(), source_id=int(valid.source), quote=valid.quote) is not False:
        return {}
    source = db.session().get(Source, int(valid.source))
    return {
        "quote": f"These words are not in the copy of “{source.title}” that this site keeps (compared ignoring "
        "case, line breaks and the style of quotation marks and dashes; “...” or “[...]” may stand "
        "for words left out). A quote must be the source's own words, exactly: check it against the "
        "source. Nothing has been saved yet.",
        "keep": token,
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
    if _is_htmx() and (htmx.target or "").startswith("add-slot"):
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
    data = _form_data()
    try:
        valid = validate(NodeCreate, data, HINTS)
        warnings = _quote_warnings(valid, data)
        if warnings:
            return _render_add(node_or_404(node_id), data, {}, 422, warnings)
        with db.write_session() as session:
            parent = node_or_404(node_id, session=session)
            node = edits.create_node(session, parent=parent, data=valid, author=g.user)
    except FormError as exc:
        return _render_add(node_or_404(node_id), data, exc.errors, 422)
    except edits.EditError as exc:
        return _render_add(node_or_404(node_id), data, {exc.field: str(exc)}, 422)
    if _is_htmx():
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
    return _render_add(node_or_404(node_id), _form_data(), {"form": message}, 503)


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


def _may_edit_or_403(node: Node) -> None:
    if not edits.may_edit(g.user, node):
        abort(403, "You can edit the points you added; moderators can edit any point.")


@bp.route("/nodes/<id:node_id>/edit", methods=["GET", "POST"])
@auth.signed_in
@write_limit
def edit(node_id: int):
    node = node_or_404(node_id, archived=True)
    _may_edit_or_403(node)
    if node.kind == "thesis" and not g.user.can("moderate"):
        abort(403, "Only moderators edit a debate's thesis.")
    if request.method == "GET":
        return _render_edit(node, _edit_values(node), {})
    data = _form_data()
    if node.kind == "thesis":
        data["kind"] = "claim"  # validated as a claim, stored as the thesis it is
    valid = None
    try:
        valid = validate(NodeUpdate, data, HINTS)
        warnings = _quote_warnings(valid, data)
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
    return _render_edit(node_or_404(node_id, archived=True), _form_data(), {"form": message}, 503)


@bp.post("/nodes/<id:node_id>/archive")
@auth.signed_in
@write_limit
def archive(node_id: int):
    node = node_or_404(node_id)
    _may_edit_or_403(node)
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


@bp.route("/nodes/<id:node_id>/link", methods=["GET", "POST"])
@auth.signed_in
@write_limit
def link(node_id: int):
    """Link an existing point under this one, as support or opposition."""
    parent = node_or_404(node_id)
    errors, words = {}, request.values.get("q", "").strip()
    if request.method == "POST":

        def write():
            valid = validate(LinkCreate, _form_data())
            with db.write_session() as session:
                child = session.get(Node, valid.child)
                if child is None:
                    raise edits.EditError("Choose a point from the list.", "child")
                edits.link_existing(
                    session, child=child, parent=session.get(Node, node_id), relation=valid.relation, author=g.user
                )

        errors = _errors_of(write)
        if not errors:
            flash("Linked. The point now appears here as well as where it was.")
            return redirect(url_for("browse.node", node_id=node_id))
    found = points.find_nodes(db.session(), words=words, exclude=node_id) if words else []
    if request.method == "POST" and not found:
        found = _chosen(request.form.get("child", ""))
    if _is_htmx() and htmx.target == "link-results":
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
    """The status form as it was sent, with `message` above it: the database refused the write."""
    node = node_or_404(node_id)
    return render_page(
        "edit/_outcome.html",
        f"Status: {node.title}",
        node=node,
        values=_form_data(),
        errors={"form": message},
        outcomes=OUTCOMES,
        sources=points.form_choices(db.session()).sources,
    ), 503


@bp.route("/nodes/<id:node_id>/status", methods=["GET", "POST"])
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
        values = _form_data()

        def write():
            valid = validate(OutcomeSet, values, HINTS)
            with db.write_session() as session:
                edits.set_outcome(session, node=session.get(Node, node_id), data=valid, author=g.user)

        errors = _errors_of(write)
        if not errors:
            flash("Status recorded; it is kept in the point's history.")
            return redirect(url_for("browse.node", node_id=node_id))
    return render_page(
        "edit/_outcome.html",
        f"Status: {node.title}",
        node=node,
        values=values,
        errors=errors,
        outcomes=OUTCOMES,
        sources=points.form_choices(db.session()).sources,
    ), 422 if errors else 200


@bp.get("/changes")
def changes():
    return _changes(None)


@bp.get("/debates/<slug>/changes")
def debate_changes(slug: str):
    debate = debate_or_404(slug)
    return _changes(debate)


def _changes(debate: Debate | None):
    rows, window = chronology.recent_changes(db.session(), debate_id=debate.id if debate else None, seek=seek())
    title = f"Recent changes: {debate.title}" if debate else "Recent changes"
    return render_page("edit/_changes.html", title, rows=rows, window=window, debate=debate)
