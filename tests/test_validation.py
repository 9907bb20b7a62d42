"""One way in for numbers, dates and text: any id, page or depth that is not plain digits in range is a 404 (in a
path) or a 400 that names the parameter (in a query string) or a 422 next to the field (in a form); a NUL
character is refused with a 400 on both databases; an impossible date is refused naming its field. Never a 500,
and nothing is saved."""

import json
import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from icsdebate import db, seeds
from icsdebate.models import Source

from .conftest import FIXTURES, sign_in

BAD_IDS = [
    "99999999999999999999",
    "9223372036854775808",
    "9223372036854775807",
    "2147483648",
    "²",
    "١",
    "１",
    "0",
    "00",
    "-1",
    "1e3",
    "%20" + "1",
    "9" * 400,
]
BAD_NUMBERS = ["-1", "0", "１", "²", "١", "9e9", "1.0", "abc", " 1", "99999999999999999999", "%00", "1%00"]


def _id_routes(app):
    """Every route that takes an id in its path, with the other arguments filled with something harmless."""
    for rule in app.url_map.iter_rules():
        ids = [
            name
            for name, converter in rule._converters.items()
            if type(converter).__name__ in ("IdConverter", "IntegerConverter")
        ]
        if ids:
            yield rule, ids


def _fill(rule, value: str, ids) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<id:{name}>", value).replace(f"<int:{name}>", value)
        path = path.replace(f"<{name}>", "supports" if name == "relation" else "json" if name == "fmt" else "x")
    return path


def test_every_id_in_a_path_is_read_strictly(app, client, mini, users):
    rules = list(_id_routes(app))
    assert len(rules) >= 15  # nodes, maps, exports, history, admin...
    token = sign_in(client, "admin-user")
    for rule, ids in rules:
        for value in BAD_IDS:
            url = _fill(rule, value, ids)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
                # a POST to a path whose GET form takes the same id may be told 405 by the router: still no 500
                assert response.status_code in ((404, 405) if method == "POST" else (404,)), (
                    method,
                    url,
                    response.status_code,
                )
    assert client.get("/nodes/2147483647").status_code == 404  # the largest id: fits, and is not there
    assert client.get(f"/nodes/{mini['t']}").status_code == 200


@pytest.mark.parametrize("ref", BAD_IDS[:7])
def test_catalogue_references_are_read_strictly(client, mini, ref):
    for kind in ("sources", "voices", "themes"):
        assert client.get(f"/{kind}/{ref}").status_code == 404


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_page_and_depth_outside_plain_digits_are_a_400_that_names_them(client, mini, value):
    for url, name in [
        ("/timeline?page=", "page"),
        ("/debates/mini/timeline?page=", "page"),
        ("/voices/campaigners?page=", "page"),
        ("/sources/kf?page=", "page"),
        ("/themes/privatisation?page=", "page"),
        ("/groups/Campaigners?page=", "page"),
        (f"/nodes/{mini['t']}/children/supports?page=", "page"),
        (f"/nodes/{mini['t']}/outline?page=", "page"),
        ("/changes?page=", "page"),
        ("/debates/mini/changes?page=", "page"),
        ("/debates/mini/map?depth=", "depth"),
        (f"/nodes/{mini['t']}/map?depth=", "depth"),
        (f"/nodes/{mini['t']}/map.svg?depth=", "depth"),
    ]:
        response = client.get(url + value)
        if value in ("%00", "1%00"):
            assert response.status_code == 400 and "NUL" in response.get_data(as_text=True), url
            continue
        assert response.status_code == 400, (url + value, response.status_code)
        assert f"“{name}” must be a whole number" in response.get_data(as_text=True)
    assert client.get("/debates/mini/map?depth=13").status_code == 400
    assert client.get("/debates/mini/map?depth=12").status_code == 200
    assert client.get("/timeline?page=").status_code == 200  # empty means the first page


def test_version_numbers_are_read_strictly(client, mini):
    for a, b in [("²", "1"), ("1", "99999999999999999999"), ("-1", "1"), ("１", "1")]:
        assert client.get(f"/nodes/{mini['t']}/history/compare?from={a}&to={b}").status_code == 404


def _counts(app) -> dict:
    with app.app_context():
        return {
            table: db.session().exec(text(f"SELECT count(*) FROM {table}")).one()[0]
            for table in ("node", "link", "citation", "nodetheme", "source", "voice", "revision")
        }


@pytest.mark.parametrize("field", ["voice", "source", "themes"])
@pytest.mark.parametrize("value", ["²", "１", "99999999999999999999", "-1", "0", "1.5"])
def test_ids_in_the_add_form_are_read_strictly(app, client, mini, users, form, field, value):
    token = sign_in(client, "contributor-user")
    before = _counts(app)
    response = client.post(f"/nodes/{mini['t']}/add", data={**form, field: value, "csrf_token": token})
    assert response.status_code == 422, response.status_code
    assert re.search(rf'id="e-{field}(-[a-z-]+)?"', response.get_data(as_text=True))
    assert _counts(app) == before


def post_outcome(client, mini, token, **fields):
    """Post the outcome form of the mini map's pro-boards point: answered in September 2021, with `fields` over."""
    data = {"outcome": "answered", "outcome_on": "2021-09", "outcome_reason": "Because.", "quote": "words"}
    return client.post(f"/nodes/{mini['pro-boards']}/outcome", data={**data, **fields, "csrf_token": token})


@pytest.mark.parametrize("value", ["²", "１", "99999999999999999999", "9223372036854775807", "2147483648", "-1", ""])
def test_ids_in_the_link_and_status_forms_are_read_strictly(app, client, mini, users, value):
    token = sign_in(client, "moderator-user")
    before = _counts(app)
    link = client.post(f"/nodes/{mini['t']}/link", data={"child": value, "relation": "supports", "csrf_token": token})
    assert link.status_code == 422
    status = post_outcome(client, mini, token, source=value)
    assert status.status_code == 422 and 'id="e-source"' in status.get_data(as_text=True)
    assert _counts(app) == before


def test_nul_is_refused_everywhere_on_either_database(app, client, mini, users, form):
    for url in [
        "/debates/mi%00ni",
        "/sources/k%00f",
        "/search?q=a%00b",
        "/groups/a%00",
        f"/nodes/{mini['t']}?still=%00",
        "/debates/mini/export/js%00on",
    ]:
        response = client.get(url)
        assert response.status_code == 400 and "NUL" in response.get_data(as_text=True), url
    token = sign_in(client, "contributor-user")
    before = _counts(app)
    for field in ("title", "annotation", "quote", "locator", "note"):
        response = client.post(f"/nodes/{mini['t']}/add", data={**form, field: "bad\x00text", "csrf_token": token})
        assert response.status_code == 400 and f"“{field}” contains a NUL character" in response.get_data(as_text=True)
    response = client.post(f"/nodes/{mini['pro-boards']}/edit", data={**form, "title": "x\x00", "csrf_token": token})
    assert response.status_code == 400
    assert client.post("/signin", data={"name": "a\x00", "password": "x", "csrf_token": token}).status_code == 400
    assert _counts(app) == before


@pytest.mark.parametrize("field", ["argued_on", "happened_on", "source_date"])
@pytest.mark.parametrize(
    "value,message",
    [
        ("2018-02-31", "February 2018 has 28 days"),
        ("2019-02-29", "has 28 days"),
        ("2018-04-31", "April 2018 has 30 days"),
        ("0000", "no year 0000"),
        ("2018-13", "Write a date as"),
        ("٢٠١٨", "Write a date as"),
    ],
)
def test_impossible_dates_in_forms_are_refused_naming_the_field(app, client, mini, users, form, field, value, message):
    token = sign_in(client, "contributor-user")
    before = _counts(app)
    data = {**form, "kind": "event", "happened_on": "2020", field: value, "csrf_token": token}
    if field == "source_date":
        data.update(source="new", source_title="A new report", source_kind="news")
    response = client.post(f"/nodes/{mini['t']}/add", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'id="e-{field}(-[a-z-]+)?"', html) and message in html, html[html.find('class="error"') - 200 :][
        :600
    ]
    assert _counts(app) == before


def test_a_real_leap_day_is_accepted(app, client, mini, users, form):
    token = sign_in(client, "contributor-user")
    response = client.post(f"/nodes/{mini['t']}/add", data={**form, "argued_on": "2020-02-29", "csrf_token": token})
    assert response.status_code == 302


def test_the_status_form_refuses_an_impossible_date(app, client, mini, users):
    token = sign_in(client, "moderator-user")
    with app.app_context():
        source = db.session().exec(select(Source.id).where(Source.key == "kf")).one()
    response = post_outcome(client, mini, token, source=str(source), outcome_on="2021-02-30")
    assert response.status_code == 422 and "February 2021 has 28 days" in response.get_data(as_text=True)


def test_seeds_and_imports_refuse_impossible_dates_and_nul(app, client, users, tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    folder.joinpath("mini.yaml").write_text(
        (FIXTURES / "seeds" / "mini.yaml").read_text().replace("date: 2018-02", "date: 2018-02-30", 1)
    )
    with pytest.raises(seeds.SeedError) as error:
        seeds.read(folder)
    assert "sources[0] (kf): date: Value error, There is no 2018-02-30" in str(error.value)
    document = {
        "format": "icsdebate-map",
        "version": 1,
        "themes": [],
        "sources": [{"key": "s", "title": "A source", "kind": "news", "date": "0000"}],
        "voices": [{"key": "v", "name": "A voice", "group": "A group"}],
        "debates": [{"key": "d", "title": "D", "thesis": "n0"}],
        "nodes": [
            {
                "key": "n0",
                "kind": "thesis",
                "title": "T\u0000",
                "voice": "v",
                "argued_on": "2018-02-31",
                "citations": [{"source": "s", "quote": "q"}],
            }
        ],
    }
    token = sign_in(client, "moderator-user")
    before = _counts(app)
    response = client.post(
        "/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (__import__("io").BytesIO(json.dumps(document).encode()), "d.json")},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for problem in (
        "sources[0] (s): date: Value error, There is no year 0000",
        "nodes[0] (n0): argued_on: Value error, There is no 2018-02-31",
        "nodes[0] (n0): title: Value error, contains a NUL character",
    ):
        assert problem in html, html
    raw = client.post(
        "/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (__import__("io").BytesIO(b"Discussion Title: x\n\n1. a\x00b\n"), "k.txt")},
    )
    assert raw.status_code == 422 and "NUL character" in raw.get_data(as_text=True)
    assert _counts(app) == before


@pytest.mark.parametrize("char", ["\x02", "\x03", "\x1b", "\x0c", "\x7f"])
def test_control_characters_are_refused_at_every_way_in(app, client, mini, users, form, char):
    """A control character is not text: XML cannot hold it, and search marks its matches with two of them, so a
    title holding them could fake which words matched. Forms, addresses and imported maps refuse each, saying
    which; tab, line feed and carriage return are text and kept."""
    code = f"U+{ord(char):04X}"
    response = client.get("/search", query_string={"q": f"a{char}b"})
    assert response.status_code == 400 and code in response.get_data(as_text=True)
    token = sign_in(client, "contributor-user")
    before = _counts(app)
    for field in ("title", "annotation", "quote", "locator"):
        response = client.post(f"/nodes/{mini['t']}/add", data={**form, field: f"bad{char}text", "csrf_token": token})
        assert response.status_code == 400 and f"“{field}” contains a control character ({code})" in response.get_data(
            as_text=True
        )
    document = {
        "format": "icsdebate-map",
        "version": 1,
        "sources": [],
        "voices": [],
        "debates": [{"key": "d", "title": "D", "thesis": "n0"}],
        "nodes": [{"key": "n0", "kind": "thesis", "title": f"T{char}x"}],
    }
    token = sign_in(client, "moderator-user")
    response = client.post(
        "/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (__import__("io").BytesIO(json.dumps(document).encode()), "d.json")},
    )
    assert response.status_code == 422
    assert f"nodes[0] (n0): title: Value error, contains a control character ({code})" in response.get_data(
        as_text=True
    )
    assert _counts(app) == before
    kept = client.post(
        f"/nodes/{mini['t']}/add", data={**form, "annotation": "one\tline\r\nand another", "csrf_token": token}
    )
    assert kept.status_code == 302
