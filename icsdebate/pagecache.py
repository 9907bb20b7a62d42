"""Whole pages for anonymous readers, kept under the content version of what they show, with HTTP validators.

A page of one debate (its page, its points, outline, map, briefing, exports) is kept under that debate's version,
so a write in one debate leaves the others' pages kept; every other page under the site's version. Versions are
raised by triggers on the content tables only (migration 0013), so signing in never empties the cache.

A page is served from here only to a reader with no sign-in and no message waiting; a response that carries
anything of one visitor's (a form's token, a flash, a cookie) is never kept and is sent `private, no-store`.
Anonymous pages carry an ETag and Last-Modified from the version, so browsers and a reverse proxy revalidate
with a 304 instead of a fresh page.

The store is Flask-Caching: Redis when CACHE_REDIS_URL is set (shared by every worker and machine), otherwise
each process's memory (PAGE_CACHE_PAGES pages; 0 turns the cache off).

Each worker remembers the content versions it has read for PAGE_CACHE_RECHECK_SECONDS (1 s by default), so a kept
page is served without touching the database. Any commit made by this process that can write (db.reads_only)
forgets them all, as it commits and again once it is done, so a writer, and every reader of the same worker, sees
a write once it is committed; a write made by another worker or machine reaches anonymous readers of this one
within that time. 0 reads the version on every request."""

import hashlib
import threading
from datetime import UTC, datetime
from time import monotonic

from cachetools import TTLCache
from flask import Flask, Response, current_app, g, has_app_context, request, session
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import db
from .extensions import htmx

KEPT_HEADERS = ("Content-Type", "Content-Disposition")
LARGEST = 2 * 1024 * 1024  # bytes: bigger pages (a 1,000-point map, say) are made each time
TIMEOUT = 7 * 24 * 3600  # seconds: a page under a version no longer current is never asked for again
VALIDATED = "public, no-cache"  # browsers and proxies may keep an anonymous page, and ask again each time
VERSIONS_KEPT = 10_000  # content versions remembered per worker (one per debate and per point address read)

cache = Cache()


def init_app(app: Flask) -> None:
    """Set up the store from PAGE_CACHE_PAGES and CACHE_REDIS_URL, and the hooks around every view."""
    redis_url = app.config.get("CACHE_REDIS_URL")
    if redis_url:
        settings = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "icsdebate:page:"}
    elif app.config["PAGE_CACHE_PAGES"]:
        settings = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": app.config["PAGE_CACHE_PAGES"]}
    else:
        settings = {"CACHE_TYPE": "NullCache"}
    cache.init_app(app, config={**settings, "CACHE_DEFAULT_TIMEOUT": TIMEOUT})
    app.extensions["page_cache_on"] = settings["CACHE_TYPE"] != "NullCache"
    recheck = app.config.get("PAGE_CACHE_RECHECK_SECONDS", 0)
    if recheck > 0:
        versions = Versions(recheck)
        app.extensions["page_versions"] = versions
        event.listen(app.extensions["engine"], "commit", versions.forget)
    app.before_request(_serve)
    app.after_request(_keep)


def personal(response: Response) -> bool:
    """True when the response carries something of this visitor's: a form's CSRF token, a flash or a cookie.

    Such a response must never be kept for, or served to, anyone else: one visitor's token served to the next
    makes every form they send "expired"."""
    return (
        current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
        or "_flashes" in session
        or current_app.session_interface.should_set_cookie(current_app, session)
        or "Set-Cookie" in response.headers
    )


def _clock() -> float:
    """Seconds on the worker's monotonic clock (looked up at each call, so that a test can move it)."""
    return monotonic()


class Versions:
    """Content versions this worker has read, each trusted for `seconds`: {(slug, node id): (number, time)}.

    Thread-safe. `forget` runs as each commit of this process's engine begins (its `commit` event) and again once
    a session's commit is done (`_after_commit`), whoever wrote. A version read while a commit was under way is not
    kept: `read` keeps what it read only if nothing was forgotten between its start and its end."""

    def __init__(self, seconds: float) -> None:
        self._kept: TTLCache = TTLCache(maxsize=VERSIONS_KEPT, ttl=seconds, timer=_clock)
        self._lock = threading.Lock()
        self._forgotten = 0  # how many times forget has run

    def read(self, slug: str | None, node_id: int | None) -> tuple[int, datetime | None]:
        """The version of what the page at `slug` or `node_id` shows (db.content_version), read again when older
        than the trusted time."""
        with self._lock:
            found, forgotten = self._kept.get((slug, node_id)), self._forgotten
        if found is None:
            found = db.content_version(slug=slug, node_id=node_id)
            with self._lock:
                if self._forgotten == forgotten:
                    self._kept[(slug, node_id)] = found
        return found

    def forget(self, connection=None) -> None:
        """Forget every version read, unless `connection` (a commit's) can only read (db.reads_only)."""
        if connection is not None and db.reads_only(connection):
            return
        with self._lock:
            self._forgotten += 1
            self._kept.clear()


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    """Once a session's commit is done, forget the versions again: one read between the `commit` event and the
    database's commit may have seen the version before it. A read-only session's commit wrote nothing."""
    if not has_app_context() or db.reads_only(session.get_bind()):
        return
    if (versions := current_app.extensions.get("page_versions")) is not None:
        versions.forget()


def _version(slug: str | None, node_id: int | None) -> tuple[int, datetime | None]:
    versions = current_app.extensions.get("page_versions")
    return versions.read(slug, node_id) if versions else db.content_version(slug=slug, node_id=node_id)


def _key() -> tuple[str, datetime | None] | None:
    """The page's key in the store and the time of the last change it shows; None when it must be made fresh."""
    if (
        request.method not in ("GET", "HEAD")
        or "login" in session
        or "_flashes" in session
        or request.endpoint in (None, "static", "browse.health")
    ):
        return None
    # a page of one debate (its address names the debate or one of its points) is kept under that debate's
    # version; any other page under the site's
    args = request.view_args or {}
    version, changed_at = _version(args.get("slug"), args.get("node_id"))
    raw = f"{version}:{bool(htmx)}:{htmx.target}:{request.script_root}{request.full_path}"  # links follow the root
    return hashlib.sha256(raw.encode()).hexdigest(), changed_at


def _not_modified(etag: str, changed_at: datetime | None) -> Response | None:
    """A 304 when the reader's copy is current, by If-None-Match (or, without it, If-Modified-Since)."""
    if request.if_none_match:
        return Response(status=304) if etag in request.if_none_match else None
    since = request.if_modified_since
    if since and changed_at and since >= changed_at.replace(tzinfo=UTC, microsecond=0):
        return Response(status=304)
    return None


def _serve() -> Response | None:
    """Before the view: a 304 or the kept page, if either answers this request."""
    found = _key()
    g.page_key = found
    if found is None:
        return None
    key, changed_at = found
    answer = _not_modified(key, changed_at)
    if answer is None and current_app.extensions["page_cache_on"]:
        entry = cache.get(key)
        if entry is not None:
            body, headers = entry
            answer = Response(body, headers=[*headers, ("X-Page-Cache", "hit")])
    if answer is not None:
        g.page_key = None
        _validators(answer, key, changed_at)
    return answer


def _validators(response: Response, key: str, changed_at: datetime | None) -> None:
    response.set_etag(key)
    if changed_at is not None:
        response.last_modified = changed_at.replace(tzinfo=UTC)
    response.headers["Cache-Control"] = VALIDATED
    response.vary.add("Cookie")


def _keep(response: Response) -> Response:
    """After the view: keep a complete 200 page that carries nothing personal (web._headers marks those
    `private, no-store`), with its validators."""
    found = g.pop("page_key", None)
    if (
        found is None
        or response.status_code != 200
        or response.direct_passthrough
        or personal(response)
        or g.get("user") is not None
    ):
        return response
    key, changed_at = found
    _validators(response, key, changed_at)
    body = response.get_data()
    if current_app.extensions["page_cache_on"] and len(body) <= LARGEST:
        cache.set(key, (body, [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]))
    return response
