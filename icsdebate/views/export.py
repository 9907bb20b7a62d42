"""Downloads: a debate, or the subtree under a node, in each export format."""

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from .. import auth, db
from ..formats import FormatError, gather, head_and_nodes, registry, store, summary
from ..formats.registry import EXPORTERS, IMPORTERS
from ..models import Debate
from ..text import partial_date
from ..web import render_page
from .lookup import debate_or_404, node_or_404

bp = Blueprint("export", __name__)


SPOOL = 1024 * 1024  # bytes of a download held in memory; past this it is written to a temporary file


def _download(debate: Debate, root_id: int | None, name: str, fmt: str) -> Response:
    """The export of the debate (or the subtree under `root_id`) in format `fmt`, made whole before it is sent.

    The file is written as it is read, a batch of points at a time, into a temporary file (in memory up to SPOOL
    bytes), from one state of the database. Only then does the response start: a failure on the way gets an
    error page, never a 200 with a cut-off file, and the connection is given back before the body is sent, so a
    slow reader holds no database connection. Sent with its Content-Length; 404 for an unknown format."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        abort(404, f"There is no export format called “{fmt}”.")
    body = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # closed by the response that sends it
    try:
        with db.snapshot() as session:
            document = gather.sections(session, debate=session.get(Debate, debate.id), root_id=root_id)
            for chunk in registry.chunks(fmt, document):
                body.write(chunk.encode("utf-8"))
        size = body.tell()
        body.seek(0)
        if size <= SPOOL:  # small: an ordinary response, which the page cache may keep
            response = Response(body.read(), mimetype=exporter.mimetype)
            body.close()
        else:
            response = Response(_sent(body), mimetype=exporter.mimetype, direct_passthrough=True)
            response.call_on_close(body.close)  # also when the body is never read (HEAD, a reader gone at once)
            response.content_length = size
    except BaseException:
        body.close()
        raise
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{exporter.extension}"'
    return response


def _sent(body, size: int = 64 * 1024):
    """The file's bytes, `size` at a time; the file is closed once read to its end or when the reader goes."""
    with body:
        while chunk := body.read(size):
            yield chunk


@bp.get("/debates/<slug>/export/<fmt>")
def debate(slug: str, fmt: str):
    row = debate_or_404(slug)
    return _download(row, None, slug, fmt)


@bp.get("/nodes/<id:node_id>/export/<fmt>")
def node(node_id: int, fmt: str):
    row = node_or_404(node_id)
    return _download(db.session().get(Debate, row.debate_id), node_id, f"ics-debate-node-{node_id}", fmt)


def _briefing(debate: Debate, root_id: int | None, back: str, markdown_url: str):
    document = gather.sections(db.session(), debate=debate, root_id=root_id)
    return render_template(
        "export/summary.html",
        s=summary.build_from(*head_and_nodes(document)),
        standalone=False,
        back=back,
        markdown_url=markdown_url,
        address=request.base_url,
        print_css=request.path.removesuffix("/summary") + "/summary-print.css",
    )


def _print_css(title: str, briefing: str) -> Response:
    made = partial_date(datetime.now(UTC).date().isoformat())
    return Response(summary.print_css(title=title, address=briefing, made=made), mimetype="text/css")


@bp.get("/debates/<slug>/summary-print.css")
def debate_print_css(slug: str):
    row = debate_or_404(slug)
    return _print_css(row.title, url_for("export.debate_summary", slug=slug, _external=True))


@bp.get("/nodes/<int:node_id>/summary-print.css")
def node_print_css(node_id: int):
    row = node_or_404(node_id, follow_merged=False)
    return _print_css(row.title, url_for("export.node_summary", node_id=node_id, _external=True))


@bp.get("/debates/<slug>/summary")
def debate_summary(slug: str):
    row = debate_or_404(slug)
    return _briefing(row, None, url_for("browse.debate", slug=slug), url_for("export.debate", slug=slug, fmt="md"))


@bp.get("/nodes/<id:node_id>/summary")
def node_summary(node_id: int):
    row = node_or_404(node_id)
    return _briefing(
        db.session().get(Debate, row.debate_id),
        node_id,
        url_for("browse.node", node_id=node_id),
        url_for("export.node", node_id=node_id, fmt="md"),
    )


@bp.route("/import", methods=["GET", "POST"])
@auth.require("moderate")
def upload():
    """Moderators bring in a map from another tool (or an ICS Debate JSON) as a new debate."""
    error = None
    if request.method == "POST":
        file = request.files.get("file")
        fmt = request.form.get("format") or None
        if file is None or not file.filename:
            error = "Choose a file to import."
        else:
            try:
                name = Path(file.filename).name
                seed_set = registry.read(registry.decode(file.read(), name), name, fmt)
                points = len(seed_set.outlines)
                with db.write_session() as session:
                    debate_ = store.load_as_new(session, seed_set)[0]
            except FormatError as exc:
                error = str(exc)
            else:
                flash(f"Imported {points} points as a new debate.")
                return redirect(url_for("browse.debate", slug=debate_.slug))
    return render_page("export/_upload.html", "Import a map", error=error, formats=IMPORTERS), 422 if error else 200
