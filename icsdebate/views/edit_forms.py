"""The `edit` blueprint and what its forms share: reading a form, its errors, the write limit, the permission
check, and the warnings on quotes not found in their source's copy. The routes are in edit_points, edit_links and
edit_history; views/edit.py puts them together."""

import hashlib

from flask import Blueprint, abort, current_app, g, request

from .. import db, edits, quotecheck
from ..extensions import htmx, limiter, per_user
from ..forms import FormError
from ..models import Node, Source

bp = Blueprint("edit", __name__)
write_limit = limiter.shared_limit(
    lambda: current_app.config["WRITE_LIMIT"],
    scope="writes",
    key_func=per_user,
    exempt_when=lambda: request.method == "GET",
)


def is_htmx() -> bool:
    return bool(htmx)


def errors_of(write) -> dict[str, str]:
    """Run a write; what it refused, by form field (empty when it went through)."""
    try:
        write()
    except FormError as exc:
        return exc.errors
    except edits.EditError as exc:
        return {exc.field: str(exc)}
    return {}


def form_data() -> dict:
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


def may_edit_or_403(node: Node) -> None:
    """Nothing when the signed-in user may edit (or archive) `node`; a 403 that says who may otherwise."""
    if not edits.may_edit(g.user, node):
        abort(403, "You can edit the points you added; moderators can edit any point.")


KEPT_NOTE = " Its quote is kept as written and shows as not found in the attached copy."


def _keep_token(source: str, quote: str) -> str:
    """What "Keep it anyway" sends back: it confirms this quote from this source, not whatever is typed next."""
    return hashlib.sha256(f"{source}\n{quote}".encode()).hexdigest()[:20]


def quote_warnings(valid, data: dict) -> dict[str, str]:
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
