"""Importing real maps written by others: the counts their own readers report, one transaction, clear errors."""

import io
import json
import subprocess
from collections import Counter
from pathlib import Path

import arguebuf
import pytest
from sqlalchemy import text

from icsdebate import db
from icsdebate.formats import FormatError, registry

from .conftest import ARGDOWN, ROOT

SAMPLES = ROOT.parent / "shared" / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason="the shared samples are not beside this checkout")


def arguebuf_counts(graph) -> tuple[int, int, int]:
    """Atoms, (premise, scheme) pairs, and top-level atoms, as arguebuf reads the file."""
    pairs = sum(len(graph.incoming_nodes(scheme)) for scheme in graph.scheme_nodes.values())
    roots = sum(1 for atom in graph.atom_nodes.values() if not graph.outgoing_nodes(atom))
    return len(graph.atom_nodes), pairs, roots


def imported_counts(seed_set) -> tuple[int, int]:
    return len(seed_set.outlines), sum(len(node.parents()) for node in seed_set.outlines.values())


def expected(atoms: int, relations: int, roots: int) -> tuple[int, int]:
    """Nothing is invented: a map with several top-level claims keeps them as they are."""
    return atoms, relations


@needs_samples
@pytest.mark.parametrize(
    "path,loader",
    [
        ("kialo/should-hate-speech-be-illegal-6148.txt", "kialo"),
        ("aif/nodeset21145.json", "aif"),
        ("sadface/hangback.json", "sadface"),
    ],
)
def test_samples_import_with_the_counts_arguebuf_reports(path, loader):
    raw = (SAMPLES / path).read_text(encoding="utf-8")
    source = io.StringIO(raw) if loader == "kialo" else json.loads(raw)
    graph = getattr(arguebuf.load, loader)(source, name=path)
    seed_set = registry.read((SAMPLES / path).read_bytes().decode("utf-8"), Path(path).name)
    assert imported_counts(seed_set) == expected(*arguebuf_counts(graph))


@needs_samples
@pytest.mark.parametrize("name", ["argdown-primer.argdown", "state-censorship.argdown"])
def test_argdown_samples_import_with_the_counts_the_argdown_cli_reports(name, tmp_path):
    subprocess.run(
        [str(ARGDOWN), "json", str(SAMPLES / "argdown" / name), str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    parsed = json.loads((tmp_path / name.replace(".argdown", ".json")).read_text())
    items = len(parsed["statements"]) + len(parsed["arguments"])
    parents = {r["from"] for r in parsed["relations"]}
    sum(1 for title in list(parsed["statements"]) + list(parsed["arguments"]) if title not in parents)
    premises = sum(1 for argument in parsed["arguments"].values() for member in argument.get("pcs") or [])
    seed_set = registry.read((SAMPLES / "argdown" / name).read_text(), name)
    circular = (
        1 if name == "argdown-primer.argdown" else 0
    )  # the primer's Argument 1 concludes what leads to its premise
    assert imported_counts(seed_set) == (items, len(parsed["relations"]) + premises - circular)


@needs_samples
def test_an_imported_sample_browses_like_any_other(app, client, runner):
    result = runner.invoke(args=["import", str(SAMPLES / "kialo" / "should-hate-speech-be-illegal-6148.txt")])
    assert result.exit_code == 0, result.output
    html = client.get("/debates/should-hate-speech-be-illegal").get_data(as_text=True)
    assert "Hate speech should be banned." in html
    assert "It is better to challenge bad ideas" in html


def test_our_kialo_export_imports_back_with_the_same_shape(app, runner, mini, tmp_path):
    exported = runner.invoke(args=["export", "mini", "--format", "kialo"]).output
    seed_set = registry.read(exported, "mini.txt")
    relations = Counter(rel for node in seed_set.outlines.values() for _, rel in node.parents())
    assert len(seed_set.outlines) == 5 and relations == Counter({"supports": 3, "opposes": 2})


def test_the_newer_kialo_header_is_read():
    seed_set = registry.read(
        "\ufeffDiscussion Name: Tea or coffee?\r\r1. Thesis: Tea is better.\r1.1. Pro: It calms.\r"
        "1.2. Con: It is weak.\r1.2.1. Con: -> See 1.1.\r",
        "tea.txt",
    )
    assert imported_counts(seed_set) == (3, 3)


CIRCULAR = (
    "map.json",
    json.dumps(
        {
            "metadata": {"core": {"title": "c"}},
            "nodes": [
                {"id": "a", "type": "atom", "text": "A"},
                {"id": "b", "type": "atom", "text": "B"},
                {"id": "t", "type": "atom", "text": "T"},
                {"id": "s1", "type": "scheme", "name": "support"},
                {"id": "s2", "type": "scheme", "name": "support"},
                {"id": "s3", "type": "scheme", "name": "support"},
            ],
            "edges": [
                {"id": "1", "source_id": "a", "target_id": "s1"},
                {"id": "2", "source_id": "s1", "target_id": "b"},
                {"id": "3", "source_id": "b", "target_id": "s2"},
                {"id": "4", "source_id": "s2", "target_id": "a"},
                {"id": "5", "source_id": "a", "target_id": "s3"},
                {"id": "6", "source_id": "s3", "target_id": "t"},
            ],
        }
    ),
)


def test_a_link_that_closes_a_circle_stays_out_and_the_summary_says_so():
    document = registry.parse(CIRCULAR[1], CIRCULAR[0])
    assert {n["title"]: n.get("supports", []) for n in document["nodes"]} == {"A": ["n2", "n3"], "B": [], "T": []}
    assert document["debates"][0]["top"] == ["n2", "n3"]
    assert "1 link of the file closed a circle and was left out: “B” supports “A”." in document["debates"][0]["summary"]


BROKEN = {
    "kialo no header": (
        "kialo.txt",
        "1. Thesis\n1.1. Pro: x\n",
        "kialo.txt: line 1, column 1: expected Kialo's header",
    ),
    "kialo no name": ("kialo.txt", "Discussion Name:\n1. T\n", "line 2, column 1: expected the discussion's name"),
    "kialo no claims": ("kialo.txt", "Discussion Title: T\n\n", "the discussion has no claims"),
    "kialo text first": (
        "kialo.txt",
        "Discussion Title: T\n\nWhy?\n1. T\n",
        "line 3, column 1: expected the discussion's first claim",
    ),
    "kialo bad see": (
        "kialo.txt",
        "Discussion Title: T\n\n1. T\n1.1. Pro: -> See 1.9.\n",
        "line 4, column 1: '-> See 1.9.' refers to a claim not given above",
    ),
    "kialo empty claim": (
        "kialo.txt",
        "Discussion Title: T\n\n1. T\n1.1. Pro: \n",
        "line 4, column 1: claim 1.1. has no text: expected its text after '1.1. Pro:'",
    ),
    "argdown syntax": ("map.argdown", "===\ntitle: T\n===\n[T]: x\n  + <A: broken\n  ++ y\n", "map.argdown: line "),
    "argdown front matter": (
        "map.argdown",
        "===\ntitle: [unclosed\n===\n[T]: x\n",
        "map.argdown: line 2, column 17: the front matter is not valid YAML (expected ',' or ']'",
    ),
    "aif not a graph": (
        "map.json",
        '{"AIF": {"nodes": [{"nodeID": "1"}], "edges": []}}',
        "map.json: $.AIF.nodes[0]: expected an object with 'type'",
    ),
    "aif truncated": (
        "map.json",
        '{"nodes": [{"nodeID": "1", "type": "I", "text": "a"}], "edges": [',
        "not valid JSON",
    ),
    "aif nesting": (
        "map.json",
        '{"nodeID": 1, "locutions": [], "nodes": {"a": 1}, "edges": []}',
        "expected an object with 'nodes' and 'edges' lists",
    ),
    "aif missing node": (
        "map.json",
        '{"locutions": [], "nodes": [{"nodeID": "1", "type": "I", "text": "a"}], '
        '"edges": [{"fromID": "1", "toID": "9"}]}',
        "$.edges[0].toID: '9' is not a node",
    ),
    "empty": ("map.argdown", "  \n", "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_malformed_input_is_refused_with_where_and_what(case):
    name, content, message = BROKEN[case]
    with pytest.raises(FormatError) as error:
        registry.read(content, name)
    assert message in str(error.value)
    assert (
        "Traceback" not in str(error.value)
        and "/work" not in str(error.value)
        and "node_modules" not in str(error.value)
    )


def test_a_failed_import_leaves_nothing(app, runner, tmp_path):
    name, content, _ = BROKEN["aif missing node"]
    path = tmp_path / name
    path.write_text(content)
    assert runner.invoke(args=["import", str(path)]).exit_code == 1
    with app.app_context():
        assert db.session().exec(text("SELECT count(*) FROM node")).one()[0] == 0
        assert db.session().exec(text("SELECT count(*) FROM source")).one()[0] == 0


def test_moderators_import_through_the_upload_form(app, client, users):
    from .conftest import sign_in

    token = sign_in(client, "contributor-user")
    assert client.get("/import").status_code == 403
    client.post("/signout", data={"csrf_token": token})
    token = sign_in(client, "moderator-user")
    kialo = b"Discussion Title: Tea?\n\n1. Tea is better.\n1.1. Pro: It calms.\n"
    response = client.post(
        "/import",
        data={"csrf_token": token, "file": (io.BytesIO(kialo), "tea.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/debates/tea")
    assert "It calms." in client.get("/debates/tea").get_data(as_text=True)
    bad = client.post(
        "/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"1. x\n"), "bad.txt")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "bad.txt: line 1, column 1: expected" in bad.get_data(as_text=True)
    huge = client.post("/import", data=b"x" * 6_000_000, content_type="multipart/form-data; boundary=b")
    assert huge.status_code == 413 and "larger than 5 MB" in huge.get_data(as_text=True)


def test_a_file_that_is_not_utf8_is_refused_with_its_name_line_and_column(client, users):
    from .conftest import sign_in

    with pytest.raises(FormatError) as error:
        registry.decode(b"Discussion Title: Tea\n\n1. Caf" + b"\xe9\n", "tea.txt")
    assert str(error.value).startswith("tea.txt: line 3, column 7: expected UTF-8 text, found the byte 0xe9")
    token = sign_in(client, "moderator-user")
    response = client.post(
        "/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"x\n\xff"), "dir/latin.txt")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="f-file-error"' in html
    assert "latin.txt: line 2, column 1: expected UTF-8 text" in html
