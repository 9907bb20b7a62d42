"""What every response shares: page rendering for htmx and full loads, headers, error pages, filters."""
from flask import Flask, abort, current_app, g, render_template, request
from markupsafe import Markup, escape
from sqlmodel import select
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import db
from .params import int_arg
from .formats.registry import EXPORTERS
from .models import GlossaryTerm
from .text import acronym_pattern, expand_acronyms, partial_date

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'"
)


def page_number() -> int:
    """The page the reader asked for with ?page=N (1 to 99,999; the first when absent); a 400 for anything else."""
    return int_arg("page", 1, hi=99_999)


def render_page(partial: str, title: str, **context):
    """The whole page, or only its main content when htmx asks to swap #main."""
    context.update(partial=partial, title=title)
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "main":
        return render_template("_fragment.html", **context)
    return render_template("page.html", **context)


def _glossary():
    """The request's acronyms and their pattern, read once."""
    if "glossary" not in g:
        terms = dict(db.session().exec(select(GlossaryTerm.term, GlossaryTerm.expansion)).all())
        g.glossary = (terms, acronym_pattern(terms))
    return g.glossary


def acronyms(value: str, is_html: bool = False) -> Markup:
    """Text (or sanitised HTML) with each known acronym in an <abbr> giving its expansion."""
    terms, pattern = _glossary()
    return expand_acronyms(value if is_html else str(escape(value)), terms, pattern)


def refuse_oversized():
    """A body larger than the limit is refused before anything reads it (no half-parsed uploads)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"What you sent is larger than {limit // (1024 * 1024)} MB; nothing was saved.")


def _headers(response):
    response.headers.add("Vary", "HX-Request")
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _error(error: HTTPException):
    if request.accept_mimetypes.best == "application/json":
        return {"error": error.name, "message": error.description}, error.code
    return render_page("errors/_error.html", error.name, error=error), error.code


def _csrf_error(_error_):
    error = {"code": 400, "name": "This form has expired",
             "description": "The form was missing its security token, or it came from another site. "
                            "Reload the page and send it again; nothing was saved."}
    if request.accept_mimetypes.best == "application/json":
        return {"error": error["name"], "message": error["description"]}, 400
    return render_page("errors/_error.html", error["name"], error=error), 400


def _server_error(_error_):
    session = db.session()
    session.rollback()
    message = "Something went wrong on our side. Nothing you sent was half-saved; please try again."
    if request.accept_mimetypes.best == "application/json":
        return {"error": "Internal Server Error", "message": message}, 500
    return render_template("page.html", partial="errors/_error.html", title="Server error",
                           error={"code": 500, "name": "Server error", "description": message}), 500


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(500, _server_error)
    app.add_template_filter(partial_date, "date")
    app.add_template_filter(acronyms, "acronyms")
    app.jinja_env.globals["EXPORTERS"] = EXPORTERS
    app.jinja_env.globals["OUTCOME_LABELS"] = {"open": "still open", "answered": "answered by later events",
                                               "confirmed": "confirmed by later events", "contested": "contested"}
    app.jinja_env.globals["STANDING_HELP"] = {
        "stands": "Nothing that opposes this point stands.",
        "answered": "At least one point opposing this one stands.",
    }
    app.jinja_env.globals["SIDE_LABELS"] = {"for": "For the thesis", "against": "Against the thesis",
                                            "both": "On both sides", "thesis": "Thesis"}
