"""A permission matrix over the app's URL map: every write refuses anonymous users and missing tokens."""

import re

import pytest

from .conftest import csrf_token, sign_in
from .factories import snapshot

OPEN_TO_ANYONE = {"auth.signin", "auth.signup", "auth.signout"}


def write_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}),
        key=lambda rule: rule.rule,
    )


def concrete(rule, mini, users) -> str:
    values = {
        "node_id": mini["pro-boards"],
        "user_id": users["contributor"],
        "number": 1,
        "relation": "supports",
        "slug": "mini",
        "ref": "ham",
        "filename": "css/site.css",
        "fmt": "json",
        "name": "Campaigners",
    }
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_the_matrix_covers_every_write(app):
    endpoints = {rule.endpoint for rule in write_rules(app)}
    assert {
        "edit.add",
        "edit.edit",
        "edit.archive",
        "edit.unarchive",
        "edit.restore",
        "edit.link",
        "edit.preview",
        "auth.set_role",
        "auth.password",
    } <= endpoints


def test_every_write_refuses_anonymous_users(app, client, mini, users):
    token = csrf_token(client)
    for rule in write_rules(app):
        if rule.endpoint in OPEN_TO_ANYONE:
            continue
        response = client.post(concrete(rule, mini, users), data={"csrf_token": token})
        assert response.status_code in (401, 403), (rule.rule, response.status_code)


def test_every_write_refuses_a_missing_csrf_token(app, client, mini, users):
    sign_in(client, "admin-user")
    for rule in write_rules(app):
        response = client.post(concrete(rule, mini, users), data={"title": "x"})
        assert response.status_code == 400, rule.rule
        assert "Reload the page" in response.get_data(as_text=True)


def test_htmx_writes_take_the_token_from_a_header(client, mini, users):
    token = sign_in(client, "contributor-user")
    ok = client.post("/preview", data={"annotation": "hi"}, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert ok.status_code == 200
    refused = client.post(
        "/preview", data={"annotation": "hi"}, headers={"HX-Request": "true", "X-CSRFToken": "forged"}
    )
    assert refused.status_code == 400


def test_no_get_changes_anything(app, client, mini, users):
    sign_in(client, "admin-user")
    before = snapshot(app)
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            client.get(concrete(rule, mini, users))
    after = snapshot(app)
    after.pop("login"), before.pop("login")
    assert after == before


@pytest.mark.parametrize(
    "role,edit_others,moderate", [("contributor", 403, 403), ("moderator", 200, 302), ("admin", 200, 302)]
)
def test_roles(client, mini, users, role, edit_others, moderate):
    token = sign_in(client, f"{role}-user")
    assert client.get(f"/nodes/{mini['pro-boards']}/edit").status_code == edit_others
    response = client.post(f"/nodes/{mini['pro-boards']}/archive", data={"csrf_token": token})
    assert response.status_code == moderate
    assert client.get("/admin/users").status_code == (200 if role == "admin" else 403)


def test_writes_are_rate_limited_per_user(app, client, mini, users):
    app.config["WRITE_LIMIT"] = "3 per minute"
    token = sign_in(client, "contributor-user")
    codes = [
        client.post(f"/nodes/{mini['t']}/add", data={"csrf_token": token, "title": ""}).status_code for _ in range(4)
    ]
    assert codes == [422, 422, 422, 429]
