"""Accounts: sign up, sign in, sign out for good, password rules, rate limits, roles."""

from sqlmodel import select

from icsdebate import db
from icsdebate.models import User

from .conftest import PASSWORD, csrf_token, sign_in


def test_sign_up_signs_in(app, client):
    token = csrf_token(client)
    response = client.post(
        "/signup", data={"name": "Ada Reader", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert "Ada Reader" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session().exec(select(User).where(User.name == "Ada Reader")).one()
        assert user.role == "contributor"
        assert user.password_hash.startswith("scrypt:")


def test_weak_short_and_mismatched_passwords_are_refused_with_reasons(app, client):
    token = csrf_token(client)
    cases = {
        "short": ("tiny", "tiny", "at least 12 characters"),
        "common": ("password1234", "password1234", "very common password"),
        "mismatch": (PASSWORD, PASSWORD + "x", "The two passwords differ"),
    }
    for password, confirm, message in cases.values():
        response = client.post(
            "/signup", data={"name": "Ada", "password": password, "confirm": confirm, "csrf_token": token}
        )
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert message in html
        assert 'value="Ada"' in html  # what was typed is kept
    with app.app_context():
        assert db.session().exec(select(User)).all() == []


def test_sign_up_can_be_closed(app, client):
    app.config["SIGNUP_OPEN"] = False
    assert client.get("/signup").status_code == 403
    assert "Sign up" not in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused(client, users):
    token = csrf_token(client)
    response = client.post(
        "/signin", data={"name": "contributor-user", "password": "wrong wrong wrong", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "do not match an account" in response.get_data(as_text=True)


def test_sign_out_ends_the_session_on_the_server(client, users):
    token = sign_in(client, "contributor-user")
    stolen = client.get_cookie("session").value
    client.post("/signout", data={"csrf_token": token})
    assert "contributor-user" not in client.get("/").get_data(as_text=True)
    client.set_cookie("session", stolen)  # replaying the old cookie does not sign anyone in
    assert "contributor-user" not in client.get("/").get_data(as_text=True)


def test_change_password_ends_other_sessions(app, client, users):
    other = app.test_client()
    sign_in(other, "contributor-user")
    token = sign_in(client, "contributor-user")
    new = "quartz lantern harbour violet"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": token}
    )
    assert response.status_code == 302
    assert "contributor-user" in client.get("/").get_data(as_text=True)
    assert "contributor-user" not in other.get("/").get_data(as_text=True)


def test_sign_in_is_rate_limited_per_account(client, users):
    token = csrf_token(client)
    codes = [
        client.post(
            "/signin",
            data={"name": "admin-user", "password": "nope nope nope", "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        ).status_code
        for i in range(7)
    ]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429, 429]


def test_sign_in_is_rate_limited_per_address(client, users):
    token = csrf_token(client)
    codes = [
        client.post(
            "/signin", data={"name": f"name-{i}", "password": "nope nope nope", "csrf_token": token}
        ).status_code
        for i in range(11)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429


def test_a_form_without_its_token_is_refused_with_a_message(client, users):
    response = client.post("/signin", data={"name": "admin-user", "password": PASSWORD})
    assert response.status_code == 400
    assert "Reload the page and send it again" in response.get_data(as_text=True)


def test_admin_changes_roles_and_others_cannot(app, client, users):
    token = sign_in(client, "contributor-user")
    assert (
        client.post(f"/admin/users/{users['moderator']}/role", data={"role": "admin", "csrf_token": token}).status_code
        == 403
    )
    client.post("/signout", data={"csrf_token": token})
    token = sign_in(client, "admin-user")
    response = client.post(f"/admin/users/{users['contributor']}/role", data={"role": "moderator", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session().get(User, users["contributor"]).role == "moderator"


def test_create_user_command(app, runner):
    result = runner.invoke(args=["create-user", "First Admin", "--role", "admin", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    weak = runner.invoke(args=["create-user", "Second", "--password", "short"])
    assert weak.exit_code == 1 and "at least 12 characters" in weak.output


def test_behind_a_proxy_limits_count_the_real_address(database_url, mini):
    from icsdebate import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "PROXIES": 1})
    client = app.test_client()
    token = csrf_token(client)
    codes = [
        client.post(
            "/signin",
            data={"name": f"n{i}", "password": "nope nope nope", "csrf_token": token},
            headers={"X-Forwarded-For": f"203.0.113.{i % 2}"},
        ).status_code
        for i in range(12)
    ]
    assert codes.count(429) == 0  # two real addresses, six attempts each: under the limit of ten
    app.extensions["engine"].dispose()


def test_sign_in_costs_one_scrypt_whether_or_not_the_account_exists(client, users, monkeypatch):
    """Timing must not tell which names have accounts: every attempt runs scrypt exactly once."""
    import hashlib

    calls = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(kwargs.get("n"))
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    attempts = {
        "unknown name": ("nobody-here", "wrong wrong wrong"),
        "known name, wrong password": ("contributor-user", "wrong wrong wrong"),
        "known name, right password": ("moderator-user", PASSWORD),
    }
    costs = {}
    for case, (name, password) in attempts.items():
        token = csrf_token(client)
        calls.clear()
        response = client.post("/signin", data={"name": name, "password": password, "csrf_token": token})
        assert response.status_code == (302 if password == PASSWORD else 401)
        costs[case] = list(calls)
    assert all(len(cost) == 1 for cost in costs.values()), costs
    assert len({cost[0] for cost in costs.values()}) == 1  # the same scrypt work factor for all three
