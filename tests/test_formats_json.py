"""The project's JSON: export then import gives back the same debate; bad files are refused whole."""

import io
import json

import pytest
from sqlalchemy import text

from icsdebate import db
from icsdebate.formats import mapdoc

from .conftest import ROOT


def export(runner, *args) -> dict:
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def canonical(document: dict) -> dict:
    """The document with node keys replaced by their position, and export metadata dropped."""
    order = {node["key"]: f"n{i}" for i, node in enumerate(document["nodes"])}
    nodes = []
    for node in document["nodes"]:
        node = {**node, "key": order[node["key"]]}
        for relation in ("supports", "opposes"):
            if relation in node:
                node[relation] = [order[k] for k in node[relation]]
        nodes.append(node)
    debates = [{**d, "key": "d", "thesis": order[d["thesis"]]} for d in document["debates"]]
    return {
        "themes": document["themes"],
        "sources": document["sources"],
        "voices": document["voices"],
        "debates": debates,
        "nodes": nodes,
    }


def test_export_then_import_gives_back_the_same_debate(app, runner, mini, tmp_path):
    first = export(runner, "mini")
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(first))
    imported = runner.invoke(args=["import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "/debates/mini-2" in imported.output
    assert canonical(export(runner, "mini-2")) == canonical(first)


def test_the_imported_debate_browses_like_any_other(app, client, runner, mini, tmp_path):
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(export(runner, "mini")))
    runner.invoke(args=["import", str(path)])
    html = client.get("/debates/mini-2").get_data(as_text=True)
    assert "Private companies could sit on ICS boards" in html and "NHS bodies can hold the contracts" in html


def test_a_subtree_exports_with_its_root_as_thesis(runner, mini):
    document = export(runner, "mini", "--node", str(mini["pro-boards"]))
    assert [n["title"] for n in document["nodes"]] == [
        "Private companies could sit on ICS boards",
        "Government keeps private companies off ICB boards",
    ]
    assert document["nodes"][0]["kind"] == "thesis" and "supports" not in document["nodes"][0]


def test_the_schema_in_docs_is_the_one_the_code_uses():
    committed = json.loads((ROOT / "docs" / "icsdebate-map.schema.json").read_text())
    assert committed == mapdoc.json_schema()


def count(app, table: str) -> int:
    with app.app_context():
        return db.session().exec(text(f"SELECT count(*) FROM {table}")).one()[0]


def broken(document: dict) -> dict[str, tuple[str, str]]:
    text_ = json.dumps(document)
    nested = dict(document, nodes={"not": "a list"})
    missing = json.loads(text_)
    missing["nodes"][2]["supports"] = ["no-such-node"]
    cycle = json.loads(text_)
    cycle["nodes"][1]["supports"] = [cycle["nodes"][3]["key"]]
    return {
        "truncated": (text_[: len(text_) // 2], "line 1, column"),
        "empty": ("", "the file is empty"),
        "wrong nesting": (json.dumps(nested), "'nodes' must be a list"),
        "missing node": (json.dumps(missing), "parent 'no-such-node' is not defined"),
        "cycle": (json.dumps(cycle), "links make a cycle"),
        "unknown shape": (json.dumps({"format": "aif"}), "cannot tell the format"),
    }


def test_malformed_files_are_refused_and_leave_nothing(app, runner, mini, tmp_path):
    document = export(runner, "mini")
    nodes_before = count(app, "node")
    for case, (content, message) in broken(document).items():
        path = tmp_path / f"{case.replace(' ', '-')}.json"
        path.write_text(content)
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code == 1, case
        assert message in result.output, (case, result.output)
        assert "Nothing was imported" in result.output
    assert count(app, "node") == nodes_before


def test_a_huge_file_is_refused(runner, mini, tmp_path):
    path = tmp_path / "huge.json"
    with path.open("w") as handle:
        handle.write('{"nodes": [' + ",".join(['{"key": "x"}'] * 2_000_000) + "]}")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "larger than 20 MB" in result.output


@pytest.mark.parametrize(
    "args,message", [(["nope"], "no debate called 'nope'"), (["mini", "--node", "99999"], "no node numbered")]
)
def test_export_names_what_it_cannot_find(runner, mini, args, message):
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 1 and message in result.output


@pytest.mark.parametrize(
    "fmt,mimetype",
    [
        ("json", "application/json"),
        ("kialo", "text/plain"),
        ("csv", "text/csv"),
        ("argdown", "text/plain"),
        ("aif", "application/json"),
        ("sadface", "application/json"),
        ("md", "text/markdown"),
        ("html", "text/html"),
    ],
)
def test_every_format_downloads_from_the_debate_and_node_pages(client, mini, fmt, mimetype):
    debate_page = client.get("/debates/mini").get_data(as_text=True)
    node_page = client.get(f"/nodes/{mini['pro-boards']}").get_data(as_text=True)
    assert f'href="/debates/mini/export/{fmt}"' in debate_page
    assert f'href="/nodes/{mini["pro-boards"]}/export/{fmt}"' in node_page
    response = client.get(f"/nodes/{mini['pro-boards']}/export/{fmt}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Government keeps private companies off ICB boards" in response.get_data(as_text=True)
    assert client.get(f"/debates/mini/export/{fmt}").status_code == 200
    assert client.get("/debates/mini/export/pdf").status_code == 404


def test_a_value_cut_where_the_reader_s_window_ends_is_read_whole(monkeypatch):
    """The streamed reader decodes what its window holds; a number cut at the window's end ("1." of "1.5", "1e+"
    of "1e+5") must be read on, at every place the window can end."""
    from icsdebate.formats import jsonstream

    document = {"version": 1.0, "w": [1.5, -0.25, 1e5, 12345, 1e-7, True, None, "x"], "nodes": [{"n": 6.02e23}]}
    text = json.dumps(document)
    for window in range(1, len(text) + 2):
        monkeypatch.setattr(jsonstream, "CHUNK", window)
        read = {
            key: list(value) if isinstance(value, jsonstream.Items) else value
            for key, value in jsonstream.sections(jsonstream.Text(text), "cut.json")
        }
        assert read == document, window


def test_a_map_without_a_debate_is_refused_with_a_message(app, client, users):
    from .conftest import sign_in

    token = sign_in(client, "moderator-user")
    for body in (b"{}", b'{"format": "icsdebate-map", "themes": []}'):
        response = client.post(
            "/import",
            content_type="multipart/form-data",
            data={"csrf_token": token, "file": (io.BytesIO(body), "empty.json"), "format": "json"},
        )
        assert response.status_code == 422, body
        assert "holds no debate to import" in response.get_data(as_text=True)
