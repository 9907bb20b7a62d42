"""Whole pages for anonymous readers, kept under the content version they were made at.

A page is served from here only to a reader with no sign-in and no message waiting, and only while no write
has happened since it was made; signed-in pages (forms, tokens, names) are never kept. Each process keeps
its own pages, bounded in bytes (PAGE_CACHE_MB; 0 turns the cache off)."""
from threading import Lock

from cachetools import LRUCache
from flask import Flask, Response, current_app, g, request, session

from . import db
from .extensions import htmx

KEPT_HEADERS = ("Content-Type", "Content-Disposition")
LARGEST = 2 * 1024 * 1024  # bytes: bigger pages (a 1,000-point map, say) are made each time


def init_app(app: Flask) -> None:
    size = app.config["PAGE_CACHE_MB"] * 1024 * 1024
    if size:
        app.extensions["page_cache"] = (LRUCache(maxsize=size, getsizeof=lambda entry: len(entry[0])), Lock())
        app.before_request(_serve)
        app.after_request(_keep)


def _key() -> tuple | None:
    if request.method != "GET" or "login" in session or "_flashes" in session:
        return None
    return db.content_version(), request.full_path, bool(htmx), htmx.target


def _serve() -> Response | None:
    """Before the view: the kept page, if there is one for this version."""
    g.page_key = key = _key()
    if key is None:
        return None
    pages, lock = current_app.extensions["page_cache"]
    with lock:
        entry = pages.get(key)
    if entry is None:
        return None
    g.page_key = None
    body, headers = entry
    return Response(body, headers=[*headers, ("X-Page-Cache", "hit")])


def personal(response: Response) -> bool:
    """True when the response carries something of this visitor's: a form's CSRF token, a flash or a cookie.

    Such a response must never be kept for, or served to, anyone else: one visitor's token served to the next
    makes every form they send "expired"."""
    return (current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g or session.modified
            or "Set-Cookie" in response.headers)


def _keep(response: Response) -> Response:
    """After the view: keep a complete 200 page that carries nothing personal."""
    key = g.pop("page_key", None)
    if key is None or response.status_code != 200 or response.direct_passthrough or personal(response):
        return response
    body = response.get_data()
    if len(body) <= LARGEST:
        pages, lock = current_app.extensions["page_cache"]
        with lock:
            pages[key] = (body, [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers])
    return response
