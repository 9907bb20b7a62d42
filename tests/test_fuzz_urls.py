"""Every route in the URL map, GET and POST, anonymous and signed in (contributor, moderator), with hostile values
in each route argument and in every form and query field the views read: no answer is a 5xx, and a refused
request (4xx) changes no row.

The corpus is sampled deterministically (each route and role takes its turn through it), so the run is the same
every time and stays within a minute on SQLite."""

import inspect
import io
import random
import re
import urllib.parse
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import SQLModel, select

from icsdebate import create_app, db, schemas
from icsdebate.models import Source, Theme, Voice

from .conftest import FIXTURES, csrf_token, load_seeds, make_user, sign_in

ROOT = Path(__file__).resolve().parent.parent
MB = "A" * 1_000_000
# Values for a path segment, written as they go into the URL (some already percent-encoded on purpose).
PATH_CORPUS = [
    "99999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "%C2%B2",
    "%EF%BC%91",
    "%D9%A1",
    "9e9",
    "1.5",
    "%00",
    "a%00b",
    "%FF%FE",
    "%C3%28",
    "%ED%A0%80",
    "..",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e",
    "%2e%2e%2f",
    "....%2F%2F",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "javascript:alert(1)",
    "%22%3E%3Cimg%20src%3Dx%3E",
    "new",
    " ",
    "x" * 5000,
    "A" * 100_000,
]
# Values for a query or form field, as the bytes sent (percent-encoded by the request).
FIELD_CORPUS = [
    b"99999999999999999999",
    b"9223372036854775808",
    b"-1",
    b"0",
    "²".encode(),
    "１".encode(),
    "١".encode(),
    b"9e9",
    b"1.5",
    b"\x00",
    b"a\x00b",
    b"\xff\xfe",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"",
    b"../../etc/passwd",
    b"%2e%2e%2f",
    b"<script>alert(1)</script>",
    b'"><img src=x onerror=alert(1)>',
    b'<<table href="javascript:alert(1)">x</table>>',
    b'=HYPERLINK("http://x")',
    b"2018-02-31",
    b"0000",
    b"new",
    b"\\N \\l {|}",
    MB.encode(),
]
PER_ARGUMENT = 4  # corpus values per route argument, per method and role
PER_FORM = 4  # corpus values for the fields, per route, method and role
LAST = ("edit.archive", "edit.unarchive", "edit.restore", "auth.set_role")  # they change what other routes see
TABLES = [table.name for table in SQLModel.metadata.sorted_tables]


def _fields() -> list[str]:
    """Every query and form field a view reads: named in request.form/args/values/files, in int_arg, or a field
    of a form schema."""
    source = "\n".join(path.read_text() for path in (ROOT / "icsdebate").rglob("*.py"))
    names = set(re.findall(r"request\.(?:form|args|values|files)\.(?:get|getlist)\(\"(\w+)\"", source))
    names |= set(re.findall(r"int_arg\(\"(\w+)\"", source))
    for _, model in inspect.getmembers(schemas, inspect.isclass):
        if issubclass(model, BaseModel) and model is not BaseModel:
            names |= set(model.model_fields)
    return sorted(names)


FIELDS = _fields()


@pytest.fixture
def fuzz_app(database_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "fuzz",
            "PAGE_SIZE": 5,
            "RATELIMIT_ENABLED": False,
        }
    )
    from icsdebate import migrate

    from .conftest import _empty_tables

    migrate.upgrade(app.extensions["engine"])
    yield app
    _empty_tables(app.extensions["engine"])
    app.extensions["engine"].dispose()


def _fingerprint(app) -> tuple:
    """Row counts of every table, the roles of users and the content version, in one query."""
    parts = [f'(SELECT count(*) FROM "{name}")' for name in TABLES]
    parts.append("(SELECT count(*) FROM \"user\" WHERE role IN ('moderator', 'admin'))")
    parts.append("(SELECT count(*) FROM node WHERE status = 'active')")
    with app.extensions["engine"].connect() as connection:
        return tuple(connection.execute(text("SELECT " + ", ".join(parts))).one())


def _valid(app, mini) -> tuple[dict, dict]:
    """Harmless values for route arguments, and a valid value for each field, so that one hostile value at a time
    reaches as deep into a view as it can."""
    with app.app_context():
        session = db.session()
        voice = session.exec(select(Voice.id).where(Voice.key == "ham")).one()
        source = session.exec(select(Source.id).where(Source.key == "kf")).one()
        theme = session.exec(select(Theme.id)).first()
    arguments = {
        "node_id": str(mini["pro-boards"]),
        "number": "1",
        "user_id": "1",
        "slug": "mini",
        "fmt": "json",
        "relation": "supports",
        "ref": "kf",
        "name": "Campaigners",
        "filename": "css/site.css",
    }
    fields = {name: b"" for name in FIELDS}
    fields.update(
        {
            "relation": b"opposes",
            "kind": b"claim",
            "title": b"A fuzzed point",
            "voice": str(voice).encode(),
            "source": str(source).encode(),
            "quote": b"quoted words",
            "locator": b"p. 1",
            "themes": str(theme).encode(),
            "argued_on": b"2018",
            "child": str(mini["question"]).encode(),
            "outcome": b"answered",
            "outcome_on": b"2021-09",
            "outcome_reason": b"Because.",
            "page": b"1",
            "depth": b"2",
            "q": b"ICS",
            "still": b"1",
            "from": b"1",
            "to": b"1",
            "next": b"/",
            "role": b"contributor",
            "name": b"fuzz-name",
        }
    )
    return arguments, fields


def _path(rule, arguments: dict, hostile: tuple[str, str] | None) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = hostile[1] if hostile and hostile[0] == name else urllib.parse.quote(arguments.get(name, "x"), safe="")
        path = re.sub(rf"<(?:\w+:)?{name}>", lambda _match, value=value: value, path)
    return path


def _body(fields: dict, token: str) -> bytes:
    pairs = [(name, value) for name, value in fields.items()] + [("csrf_token", token.encode())]
    return urllib.parse.urlencode(pairs).encode()


def _send(client, method: str, path: str, fields: dict, token: str, endpoint: str):
    query = urllib.parse.urlencode(list(fields.items()))
    if method == "GET":
        return client.get(path + "?" + query)
    if endpoint == "export.upload":
        upload = {
            "csrf_token": token,
            "format": fields.get("format", b"").decode("utf-8", "replace"),
            "file": (
                io.BytesIO(fields.get("title", b"")),
                fields.get("name", b"x").decode("utf-8", "replace") or "x.json",
            ),
        }
        return client.post(path, data=upload, content_type="multipart/form-data")
    return client.post(path, data=_body(fields, token), content_type="application/x-www-form-urlencoded")


def test_no_route_answers_5xx_and_no_refused_request_changes_a_row(fuzz_app):
    app = fuzz_app
    load_seeds(app, FIXTURES / "seeds")
    with app.app_context():
        mini = dict(db.session().exec(text("SELECT key, id FROM node")).all())
    for role in ("contributor", "moderator"):
        make_user(app, f"{role}-user", role)
    arguments, valid = _valid(app, mini)
    rules = sorted((r for r in app.url_map.iter_rules()), key=lambda r: (r.endpoint in LAST, r.rule, r.endpoint))
    rng = random.Random(20261130)
    failures, refused, sent = [], 0, 0

    def client_for(role):
        client = app.test_client()
        token = csrf_token(client) if role == "anonymous" else sign_in(client, f"{role}-user")
        return client, token

    for turn, role in enumerate(("anonymous", "contributor", "moderator")):
        client, token = client_for(role)
        for index, rule in enumerate(rules):
            for method in ("GET", "POST"):
                if rule.endpoint == "auth.signout" and role != "anonymous":
                    continue  # signing out would end the signed-in run; signing out is tested on its own
                offset = index * 7 + turn * 3 + (method == "POST")
                cases = []
                for name in rule.arguments:
                    for k in range(PER_ARGUMENT):
                        cases.append(((name, PATH_CORPUS[(offset + k * 5) % len(PATH_CORPUS)]), valid))
                for k in range(PER_FORM):
                    value = FIELD_CORPUS[(offset + k * 4) % len(FIELD_CORPUS)]
                    if len(value) > 200_000:  # a megabyte: in a few fields, not in all at once
                        fields = {**valid, "title": value, "q": value, "page": value}
                    elif k % 2:  # every field hostile at once
                        fields = {name: value for name in FIELDS}
                    else:  # one field hostile, the others valid
                        fields = {**valid, rng.choice(FIELDS): value}
                    cases.append((None, fields))
                for hostile, fields in cases:
                    path = _path(rule, arguments, hostile)
                    before = _fingerprint(app)
                    response = _send(client, method, path, fields, token, rule.endpoint)
                    response.close()
                    sent += 1
                    where = (role, method, path[:120], {k: v[:40] for k, v in fields.items() if v != valid.get(k)})
                    if response.status_code >= 500:
                        failures.append((response.status_code, *where))
                    elif response.status_code >= 400:
                        refused += 1
                        if _fingerprint(app) != before:
                            failures.append(("a refused request changed rows", response.status_code, *where))
                    if role == "anonymous" and method == "POST" and response.status_code < 400:
                        client, token = client_for(role)  # a sign-up went through: stay anonymous
    assert not failures, "\n".join(map(str, failures[:30]))
    assert sent > 1000 and refused > sent // 3, (sent, refused)
