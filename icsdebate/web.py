"""What every response shares: page rendering for htmx and full loads, headers, error pages, filters."""

import functools
from collections.abc import Callable

from flask import Flask, abort, current_app, g, has_request_context, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select
from werkzeug.exceptions import HTTPException

from . import db, fragments, labels, pagecache
from .extensions import htmx
from .formats.registry import EXPORTERS
from .models import GlossaryTerm
from .queries.rows import run
from .text import acronym_pattern, expand_acronyms, lead, partial_date

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'"
)


def render_page(partial: str, title: str, **context):
    """The whole page, or only its main content when htmx asks to swap #main."""
    context.update(partial=partial, title=title)
    if htmx and htmx.target == "main":
        return render_template("_fragment.html", **context)
    return render_template("page.html", **context)


REMEMBERED = 4096  # addresses remembered by each app
_PLAIN = (str, int, type(None))  # values remembered; a key holds each value's type: 1, True and 1.0 stay apart
_LONGEST = 200  # characters of a str value remembered: a longer one (a `next` address, say) is built each time


def _addresses() -> Callable[..., str]:
    """Remembered addresses for one app: url_for, behind a functools.lru_cache of REMEMBERED entries."""

    @functools.lru_cache(maxsize=REMEMBERED)
    def address(_script_root: str, endpoint: str, values: tuple) -> str:
        return url_for(endpoint, **{name: value for name, _kind, value in values})

    return address


def _rememberable(name: str, value) -> bool:
    """Whether an address built with `name`=`value` is remembered: a plain value (_PLAIN), a short str."""
    return type(value) in _PLAIN and not name.startswith("_") and not (type(value) is str and len(value) > _LONGEST)


@pass_context
def remembered_url_for(context: Context, endpoint: str, **values) -> str:
    """url_for for templates (Jinja passes the template's `context`): the address of `endpoint` with `values`,
    built once for each (site root, endpoint, values) and remembered by the app (its REMEMBERED most recent). A
    point's page builds about 60 addresses, and Flask and Werkzeug build each afresh (about 5.7 µs), mostly the
    same ones on every page: the site's menu and files, the point's links.

    The address then depends on nothing else: the app has no URL defaults (checked on each call), and the address
    is relative (no host). Built by url_for each time instead: a blueprint-relative endpoint (".name"); an external,
    anchored or scheme-given address (`_external`, ...); values other than str, int and None, or a str
    longer than _LONGEST; a call outside a request. The app is the environment's and the request the one in the
    template's context (Flask's context processor puts the request there; a macro file's context has the
    `request` global instead), not context-local proxies looked up on each call: a remembered address takes about
    1.5 µs, besides the 1.8 µs or so of Jinja's call of any function from a template. Raises what url_for raises
    (BuildError for an endpoint or values that build no address)."""
    app = context.environment.app  # type: ignore[attr-defined]  # Flask's Environment knows its app
    if endpoint.startswith(".") or app.url_default_functions or not has_request_context():
        return url_for(endpoint, **values)
    key = []
    for name, value in values.items():
        if not _rememberable(name, value):
            return url_for(endpoint, **values)
        key.append((name, type(value), value))
    return app.extensions["addresses"](context["request"].script_root, endpoint, tuple(key))


_TERMS = select(GlossaryTerm.term, GlossaryTerm.expansion)


def _glossary():
    """The request's acronyms and their pattern, read once."""
    if "glossary" not in g:
        terms = dict(run(db.session(), _TERMS).all())
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
    """Security headers on every response. A response for a signed-in user, or one carrying anything of this
    visitor's (a form's CSRF token, a flash, a cookie), is `Cache-Control: private, no-store`, so that no browser
    history or shared proxy keeps it; pages for anonymous readers keep what they have."""
    response.vary.update(("HX-Request", "HX-Target"))  # pages and fragments differ by both
    if g.get("user") is not None or pagecache.personal(response):
        response.headers["Cache-Control"] = "private, no-store"
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
    error = {
        "code": 400,
        "name": "This form has expired",
        "description": "The form was missing its security token, or it came from another site. "
        "Reload the page and send it again; nothing was saved.",
    }
    if request.accept_mimetypes.best == "application/json":
        return {"error": error["name"], "message": error["description"]}, 400
    return render_page("errors/_error.html", error["name"], error=error), 400


def _without_database() -> None:
    """Before an error page: end the request's session without a query (a rollback would raise on a dead
    connection), and forget the signed-in user if showing their name would need a query."""
    db.discard_session()
    user = g.get("user")
    if user is not None and {"name", "role"} & sa_inspect(user).unloaded:
        g.user = None


def _server_error(_error_):
    """500: a page that needs no database, whatever state the connection is in."""
    _without_database()
    message = "Something went wrong on our side. Nothing you sent was half-saved; please try again."
    if request.accept_mimetypes.best == "application/json":
        return {"error": "Internal Server Error", "message": message}, 500
    return render_template(
        "page.html",
        partial="errors/_error.html",
        title="Server error",
        error={"code": 500, "name": "Server error", "description": message},
    ), 500


def form_order(errors: dict[str, str]) -> list[tuple[str, str]]:
    """A form's errors in the order its fields come (schemas.FIELD_ORDER; corrected quotes after the voice)."""
    from .schemas import FIELD_ORDER

    def place(field: str) -> tuple[int, str]:
        if field.startswith("citations-"):
            return FIELD_ORDER.index("happened_on") + 1, field
        return (FIELD_ORDER.index(field) if field in FIELD_ORDER else len(FIELD_ORDER)), field

    return sorted(errors.items(), key=lambda item: place(item[0]))


READ_ONLY = "The site is read-only for a moment; nothing was saved. Your text is below; copy it or send it again."
UNREADABLE = "The site cannot read its database for a moment; nothing was changed. Please try again shortly."
PRIVATE_FIELDS = ("csrf_token", "password", "current", "new", "confirm")
_form_pages: dict[str, Callable[..., tuple[str, int]]] = {}


def form_page(endpoint: str):
    """Register how the form that posts to `endpoint` is shown again when the database refuses a write.

    The decorated function takes the message and the route's arguments and returns (body, status) showing the
    form with everything the user sent (from request.form) and the message above it; it may read the database,
    which usually still answers reads when it refuses writes (read-only, disk full)."""

    def decorator(render: Callable[..., tuple[str, int]]):
        _form_pages[endpoint] = render
        return render

    return decorator


def _database_error(error: SQLAlchemyError):
    """A database that cannot be written or reached for now (db.unavailable) answers 503 and loses nothing the
    user typed: a form posted to a registered endpoint comes back filled in, any other form as its fields to copy
    or send again. Any other database error is a bug: it goes on to the 500 page."""
    if not db.unavailable(error):
        raise error
    _without_database()
    message = READ_ONLY if request.method == "POST" else UNREADABLE
    headers = {"Retry-After": "30"}
    if request.accept_mimetypes.best == "application/json":
        return {"error": "Service Unavailable", "message": message}, 503, headers
    error_page = {
        "code": 503,
        "name": "Read-only for a moment" if request.method == "POST" else "Unavailable",
        "description": message,
    }
    if request.method != "POST":
        return render_page("errors/_error.html", error_page["name"], error=error_page), 503, headers
    render = _form_pages.get(request.endpoint or "")
    if render is not None:
        try:
            body, _status = render(message, **(request.view_args or {}))
            return body, 503, headers
        except SQLAlchemyError:  # the database does not answer reads either: show the text without the form
            _without_database()
        except HTTPException:  # the point is gone, say: the text is still worth keeping
            pass
    fields = [(name, value) for name, value in request.form.items(multi=True) if name not in PRIVATE_FIELDS]
    context = {
        "error": error_page,
        "fields": fields,
        "files": list(request.files),
        "action": request.full_path,
        "target": request.headers.get("HX-Target", ""),
    }
    if request.headers.get("HX-Request") == "true" and context["target"] != "main":
        return render_template("errors/_unavailable.html", **context), 503, headers
    return render_page("errors/_unavailable.html", error_page["name"], **context), 503, headers


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(500, _server_error)
    app.register_error_handler(SQLAlchemyError, _database_error)
    app.add_template_filter(partial_date, "date")
    app.add_template_filter(acronyms, "acronyms")
    app.add_template_filter(fragments.link, "at_quote")
    app.add_template_filter(lead, "lead")
    app.add_template_filter(form_order, "form_order")
    app.jinja_env.filters.update(labels.FILTERS)
    app.extensions["addresses"] = _addresses()
    app.jinja_env.globals["url_for"] = remembered_url_for
    app.jinja_env.globals["EXPORTERS"] = EXPORTERS
    app.jinja_env.globals["OUTCOME_LABELS"] = {
        "open": "still open",
        "answered": "answered by later events",
        "confirmed": "confirmed by later events",
        "contested": "contested",
    }
    app.jinja_env.globals["STANDING_HELP"] = {
        "stands": "Nothing that opposes this point stands.",
        "answered": "At least one point opposing this one stands.",
    }
    app.jinja_env.globals["SIDE_LABELS"] = {
        "for": "For the thesis",
        "against": "Against the thesis",
        "both": "On both sides",
        "thesis": "Thesis",
    }
