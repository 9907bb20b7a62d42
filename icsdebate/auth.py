"""Accounts: password rules, server-side sign-in sessions, the current user and permission checks."""

import hashlib
import secrets
from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import bindparam
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from . import db
from .extensions import htmx
from .models import ROLES, Login, User, utcnow

MIN_PASSWORD = 12
MAX_PASSWORD = 200


def password_problem(password: str, name: str = "") -> str | None:
    """Why a password is refused, in plain words, or None when it is good enough."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    verdict = zxcvbn(password, user_inputs=[name, "icsdebate", "ics debate", "nhs"])
    if verdict["score"] < 3:
        warning = verdict["feedback"].get("warning") or "It is too easy to guess."
        return f"{warning.rstrip('.')}. Try a few unrelated words together."
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def create_user(db_session: Session, *, name: str, password: str, role: str = "contributor") -> User:
    """A new account; raises ValueError with a readable reason when the name or password will not do."""
    if role not in ROLES:
        raise ValueError(f"The role must be one of {', '.join(ROLES)}.")
    problem = name_problem(name) or password_problem(password, name)
    if problem:
        raise ValueError(problem)
    if db_session.exec(select(User).where(User.name == name)).first():
        raise ValueError(f"The name “{name}” is taken.")
    user = User(name=name, password_hash=hash_password(password), role=role)
    db_session.add(user)
    db_session.flush()
    return user


def name_problem(name: str) -> str | None:
    if not 3 <= len(name) <= 40:
        return "A name has 3 to 40 characters."
    if not all(ch.isalnum() or ch in "-_. " for ch in name) or name != name.strip():
        return "A name may use letters, digits, spaces, dots, hyphens and underscores."
    return None


# A hash of a random password nobody knows, made once when the module loads with the same scrypt settings as
# every account's: an unknown name is checked against it, so that it costs one scrypt like a known name.
_NO_ACCOUNT_HASH = hash_password(secrets.token_urlsafe(32))


def authenticate(db_session: Session, *, name: str, password: str) -> User | None:
    """The account `name` whose password is `password`, or None.

    Exactly one scrypt verification either way (against a fixed hash when there is no such account), so the time
    taken does not say whether an account exists."""
    user = db_session.exec(select(User).where(User.name == name)).first()
    matches = check_password_hash(user.password_hash if user else _NO_ACCOUNT_HASH, password)
    return user if user is not None and matches else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(db_session: Session, user: User) -> None:
    """Start a server-side session for `user` and put its token in the signed cookie."""
    token = secrets.token_urlsafe(32)
    db_session.add(Login(token_hash=_digest(token), user_id=user.id))
    session.clear()
    session["login"] = token
    session.permanent = True


def sign_out(db_session: Session) -> None:
    """End the session on the server, so the old cookie no longer signs anyone in."""
    token = session.pop("login", None)
    if token:
        login = db_session.exec(select(Login).where(Login.token_hash == _digest(token))).first()
        if login and login.ended_at is None:
            login.ended_at = utcnow()
    session.clear()


def end_other_logins(db_session: Session, user: User) -> None:
    """After a password change: every other session of this user ends."""
    current = _digest(session.get("login", ""))
    for login in db_session.exec(select(Login).where(Login.user_id == user.id, Login.ended_at.is_(None))):
        if login.token_hash != current:
            login.ended_at = utcnow()


# The user of an open login, by the digest of its token: built once, run on every signed-in request.
_SIGNED_IN = (
    select(User)
    .join(Login, Login.user_id == User.id)
    .where(Login.token_hash == bindparam("token_hash"), Login.ended_at.is_(None))
)


def load_user() -> None:
    """Before each request: g.user is the signed-in user or None (one query when signed in)."""
    g.user = None
    token = session.get("login")
    if token:
        g.user = db.session().exec(_SIGNED_IN, params={"token_hash": _digest(token)}).first()


def signed_in(view):
    """The view needs a signed-in user: anonymous readers are sent to sign in (401 for htmx and non-GET)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.user is None:
            if request.method != "GET" or htmx:
                abort(401, "Sign in to do this.")
            return redirect(url_for("auth.signin", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper


def require(permission: str):
    """The view needs a signed-in user holding `permission`."""

    def decorator(view):
        @wraps(view)
        @signed_in
        def wrapper(*args, **kwargs):
            if not g.user.can(permission):
                abort(403, "Your role does not allow this.")
            return view(*args, **kwargs)

        return wrapper

    return decorator
