"""Extensions created unbound and initialised in create_app."""

from flask import g, request
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect


def _address() -> str:
    return request.remote_addr or "unknown"


def _user_or_address() -> str:
    user = g.get("user")
    return f"user:{user.id}" if user else f"address:{_address()}"


csrf = CSRFProtect()
htmx = HTMX()  # request headers from htmx: `htmx` is true for an htmx request, `htmx.target` its target id
limiter = Limiter(key_func=_address, default_limits=[])
per_user = _user_or_address
