"""Sign up, sign in, sign out, change password; admins manage roles."""

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from sqlmodel import select

from .. import auth, db
from ..extensions import limiter
from ..models import ROLES, User
from ..web import render_page

bp = Blueprint("auth", __name__)


def _safe_next(default: str) -> str:
    target = request.values.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup():
    if not current_app.config["SIGNUP_OPEN"]:
        abort(403, "Sign-up is closed on this site. Ask an administrator for an account.")
    errors, name = {}, request.form.get("name", "").strip()
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            errors["confirm"] = "The two passwords differ."
        problem = auth.name_problem(name)
        if problem:
            errors["name"] = problem
        problem = auth.password_problem(password, name)
        if problem:
            errors["password"] = problem
        if not errors:
            with db.write_session() as session:
                try:
                    user = auth.create_user(session, name=name, password=password)
                except ValueError as exc:
                    errors["name"] = str(exc)
                else:
                    auth.sign_in(session, user)
        if not errors:
            flash(f"Welcome, {name}. You can now add claims to any debate.")
            return redirect(_safe_next(url_for("browse.home")))
    status = 422 if errors else 200
    return render_page("auth/_signup.html", "Sign up", errors=errors, name=name), status


def _signin_key() -> str:
    return "account:" + request.form.get("name", "").strip().lower()


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("5 per minute", methods=["POST"], key_func=_signin_key)
def signin():
    error, name = None, request.form.get("name", "").strip()
    if request.method == "POST":
        with db.write_session() as session:
            user = auth.authenticate(session, name=name, password=request.form.get("password", ""))
            if user:
                auth.sign_in(session, user)
        if user:
            return redirect(_safe_next(url_for("browse.home")))
        error = "That name and password do not match an account."
    status = 401 if error else 200
    return render_page("auth/_signin.html", "Sign in", error=error, name=name), status


@bp.post("/signout")
def signout():
    with db.write_session() as session:
        auth.sign_out(session)
    flash("You are signed out.")
    return redirect(url_for("browse.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@auth.signed_in
def password():
    errors = {}
    if request.method == "POST":
        with db.write_session() as session:
            user = session.get(User, g.user.id)
            new = request.form.get("new", "")
            if not auth.authenticate(session, name=user.name, password=request.form.get("current", "")):
                errors["current"] = "That is not your current password."
            elif new != request.form.get("confirm", ""):
                errors["confirm"] = "The two passwords differ."
            elif problem := auth.password_problem(new, user.name):
                errors["new"] = problem
            else:
                user.password_hash = auth.hash_password(new)
                auth.end_other_logins(session, user)
        if not errors:
            flash("Your password is changed. Your other sessions are signed out.")
            return redirect(url_for("browse.home"))
    return render_page("auth/_password.html", "Change password", errors=errors), 422 if errors else 200


@bp.get("/admin/users")
@auth.require("administer")
def users():
    rows = db.session().exec(select(User).order_by(User.name)).all()
    return render_page("auth/_users.html", "Users", users=rows, roles=ROLES)


@bp.post("/admin/users/<id:user_id>/role")
@auth.require("administer")
def set_role(user_id: int):
    role = request.form.get("role", "")
    if role not in ROLES:
        abort(422, f"The role must be one of {', '.join(ROLES)}.")
    with db.write_session() as session:
        user = session.get(User, user_id)
        if user is None:
            abort(404, "There is no such user.")
        if user.id == g.user.id and role != "admin":
            abort(422, "You cannot take away your own admin role; ask another admin.")
        user.role = role
    flash(f"{user.name} is now a {role}.")
    return redirect(url_for("auth.users"))
