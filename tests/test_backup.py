"""A backup of every debate (export --all) restores into an empty database as it was, and never over maps."""

import io
import json
import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from icsdebate import db, edits
from icsdebate.models import Debate, Link, Node, Source, Theme, User
from icsdebate.schemas import OutcomeSet

from .conftest import FIXTURES, ROOT, _empty_tables, load_seeds, sign_in
from .factories import add_reply

USER_CLAIM = "Foundation trusts already hold NHS contracts"
QUESTION = "Will care stay free at the point of use?"


def export_all(runner, path) -> dict:
    result = runner.invoke(args=["export", "--all", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


def restore(runner, path):
    return runner.invoke(args=["import", str(path)])


def empty_database(app) -> None:
    """As a new database after init-db: the schema, and no rows."""
    _empty_tables(app.extensions["engine"])


def renumbered(document: dict) -> dict:
    """The document without its time, and with the keys made up from row ids (node-12, source-3, voice-7)
    numbered by first appearance: restored rows may get other ids."""
    seen: dict[str, str] = {}
    body = json.dumps({name: value for name, value in document.items() if name != "exported_at"})
    return json.loads(
        re.sub(
            r'"((node|source|voice)-\d+)"', lambda m: '"' + seen.setdefault(m[1], f"{m[2]}-#{len(seen)}") + '"', body
        )
    )


def the_maps(app) -> dict:
    """What the database holds: the counts, each debate's points (by key, or title when keyless) with their status
    and outcome, and the links between points of different debates."""
    rows = {
        "counts": "SELECT (SELECT count(*) FROM debate), (SELECT count(*) FROM node), (SELECT count(*) FROM link), "
        "(SELECT count(*) FROM citation), (SELECT count(*) FROM glossaryterm)",
        "points": "SELECT d.slug, COALESCE(n.key, n.title), n.status, COALESCE(n.outcome, '') FROM node n "
        "JOIN debate d ON d.id = n.debate_id",
        "cross links": "SELECT c.key, p.key, l.relation FROM link l JOIN node c ON c.id = l.child_id "
        "JOIN node p ON p.id = l.parent_id WHERE c.debate_id <> p.debate_id",
    }
    with app.app_context():
        return {what: sorted(map(tuple, db.session().exec(text(sql)).all())) for what, sql in rows.items()}


def node_id(app, key: str) -> int:
    with app.app_context():
        return db.session().exec(select(Node.id).where(Node.key == key)).one()


def test_the_shipped_maps_come_back_as_they_were(app, runner, tmp_path):
    content = load_seeds(app, ROOT / "seeds")
    nodes, citations = len(content.nodes), sum(len(n.citations) for n in content.nodes.values())
    links = sum(len(n.parents()) for n in content.nodes.values())
    crossing = sum(
        content.debate_of[parent] != content.debate_of[key]
        for key, n in content.nodes.items()
        for parent, _ in n.parents()
    )
    before = the_maps(app)
    first = export_all(runner, tmp_path / "backup.json")
    empty_database(app)
    result = restore(runner, tmp_path / "backup.json")
    assert result.exit_code == 0, result.output
    assert f"Restored 6 debates, {nodes} nodes, 25 sources, 29 voices, {citations} citations" in result.output
    assert before["counts"] == [(6, nodes, links, citations, 22)]
    assert len(before["cross links"]) == crossing >= 15
    assert the_maps(app) == before  # every point in its own debate, though some hang under another debate first
    again = export_all(runner, tmp_path / "again.json")
    assert {**again, "exported_at": ""} == {**first, "exported_at": ""}


def user_changes(app, users) -> None:
    """What moderators do: a point with a new voice and source, linked under a second parent; an archived point;
    and what later events made of a point."""
    with app.app_context(), db.write_session() as session:
        author = session.get(User, users["moderator"])
        nodes = {node.key: node for node in session.exec(select(Node))}
        campaign = session.exec(select(Source).where(Source.key == "campaign")).one()
        claim = add_reply(
            session, nodes["con-nhs-bodies"], author, USER_CLAIM, "supports", quote="the trusts hold the contracts now"
        )
        edits.link_existing(session, child=claim, parent=nodes["t"], relation="opposes", author=author)
        edits.set_status(session, node=nodes["question"], status="archived", author=author)
        edits.set_outcome(
            session,
            node=nodes["pro-boards"],
            author=author,
            data=OutcomeSet(
                outcome="answered",
                outcome_on="2021-09",
                outcome_reason="The amendment kept them off the boards.",
                source=str(campaign.id),
                quote="no private company will be allowed",
            ),
        )


def test_archived_points_outcomes_and_moderators_points_come_back(app, client, runner, mini, users, tmp_path):
    assert QUESTION in client.get(f"/nodes/{mini['t']}").get_data(as_text=True)
    user_changes(app, users)
    before = the_maps(app)
    first = export_all(runner, tmp_path / "backup.json")
    empty_database(app)
    assert restore(runner, tmp_path / "backup.json").exit_code == 0
    assert the_maps(app) == before
    assert renumbered(export_all(runner, tmp_path / "again.json")) == renumbered(first)
    page = client.get("/debates/mini").get_data(as_text=True)
    assert USER_CLAIM in page and QUESTION not in page
    assert "answered by later events" in client.get(f"/nodes/{node_id(app, 'pro-boards')}").get_data(as_text=True)
    # the restored point has no key, as before: seeding again leaves its links alone
    assert runner.invoke(args=["seed", "--folder", str(FIXTURES / "seeds")]).exit_code == 0
    assert USER_CLAIM in client.get("/debates/mini").get_data(as_text=True)


@pytest.mark.parametrize(
    "args,message",
    [
        (["mini", "--all"], "--all exports every debate: leave out DEBATE and --node."),
        (["--all", "--node", "1"], "--all exports every debate: leave out DEBATE and --node."),
        (["--all", "--format", "csv"], "--all writes JSON only, not csv"),
        ([], "Name the DEBATE to export, or give --all"),
    ],
)
def test_export_all_refuses_what_does_not_go_with_it(runner, mini, tmp_path, args, message):
    result = runner.invoke(args=["export", *args, "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


def test_a_backup_is_not_restored_over_the_maps_already_there(app, runner, mini, tmp_path):
    export_all(runner, tmp_path / "backup.json")
    before = the_maps(app)
    result = restore(runner, tmp_path / "backup.json")
    assert result.exit_code == 1
    assert "Nothing was restored" in result.output and "already holds 1 debates, 5 nodes, 2 sources" in result.output
    assert the_maps(app) == before


def test_a_backup_does_not_overwrite_even_a_lone_theme(app, runner, mini, tmp_path):
    export_all(runner, tmp_path / "backup.json")
    empty_database(app)
    with app.app_context(), db.write_session() as session:
        session.add(Theme(key="privatisation", name="Markets in the NHS"))
    result = restore(runner, tmp_path / "backup.json")
    assert result.exit_code == 1 and "already holds 1 themes" in result.output
    with app.app_context():
        assert [t.name for t in db.session().exec(select(Theme))] == ["Markets in the NHS"]
        assert db.session().exec(select(Debate)).first() is None


def test_a_broken_backup_is_refused_whole(app, runner, mini, tmp_path):
    document = export_all(runner, tmp_path / "backup.json")
    document["node_state"] += [
        {"key": "no-such-node", "status": "archived"},
        {"key": "t", "status": "deleted"},
        {"key": "amendment", "outcome": "answered"},
    ]
    (tmp_path / "broken.json").write_text(json.dumps(document))
    empty_database(app)
    result = restore(runner, tmp_path / "broken.json")
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    assert "node_state[0]: node 'no-such-node' is not defined in the backup" in result.output
    assert "node_state[1]: status: Input should be 'active' or 'archived'" in result.output
    assert "node_state[2]: entry: Value error, an outcome needs outcome_on" in result.output
    assert the_maps(app)["counts"] == [(0, 0, 0, 0, 0)]


def test_a_backup_is_restored_whatever_its_size(app, runner, mini, tmp_path, monkeypatch):
    monkeypatch.setattr("icsdebate.cli.MAX_IMPORT_BYTES", 1000)
    single = runner.invoke(args=["export", "mini", "-o", str(tmp_path / "mini.json")])
    assert single.exit_code == 0 and "larger than" in restore(runner, tmp_path / "mini.json").output
    export_all(runner, tmp_path / "backup.json")
    empty_database(app)
    result = restore(runner, tmp_path / "backup.json")
    assert result.exit_code == 0, result.output


def test_a_backup_over_the_upload_limit_is_read_as_a_stream_and_restored(app, runner, mini, tmp_path, monkeypatch):
    assert runner.invoke(args=["gen-debate", "--nodes", "300", "--slug", "big"]).exit_code == 0
    export_all(runner, tmp_path / "backup.json")
    size = (tmp_path / "backup.json").stat().st_size
    monkeypatch.setattr("icsdebate.cli.MAX_IMPORT_BYTES", size // 4)  # the web's limit is far below the file
    monkeypatch.setattr("icsdebate.formats.jsonstream.CHUNK", 4096)  # entries run across the chunks read
    monkeypatch.setattr("pathlib.Path.read_bytes", lambda self: pytest.fail(f"{self.name} was read whole"))
    before = the_maps(app)
    empty_database(app)
    result = restore(runner, tmp_path / "backup.json")
    assert result.exit_code == 0, result.output
    assert "Restored 2 debates, 305 nodes" in result.output
    assert the_maps(app) == before


def test_the_import_page_refuses_a_backup(app, client, runner, mini, users, tmp_path):
    export_all(runner, tmp_path / "backup.json")
    token = sign_in(client, "moderator-user")
    response = client.post(
        "/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO((tmp_path / "backup.json").read_bytes()), "backup.json")},
    )
    assert response.status_code == 422
    assert "backup.json is a backup of every debate" in response.get_data(as_text=True)
    assert the_maps(app)["counts"][0][0] == 1
    broken = json.loads((tmp_path / "backup.json").read_text())  # one with a problem is still named a backup
    del broken["nodes"][0]["title"]
    response = client.post(
        "/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(json.dumps(broken).encode()), "broken.json")},
    )
    assert response.status_code == 422
    assert "broken.json is a backup of every debate" in response.get_data(as_text=True)


def test_no_backup_is_written_of_what_the_map_format_cannot_hold(app, runner, mini, users, tmp_path):
    assert runner.invoke(args=["gen-debate", "--nodes", "3", "--slug", "other"]).exit_code == 0
    with app.app_context(), db.write_session() as session:  # a link the site has refused since it kept a database
        other = session.exec(select(Debate).where(Debate.slug == "other")).one()
        session.add(Link(child_id=other.thesis_id, parent_id=mini["pro-boards"], relation="supports"))
    result = runner.invoke(args=["export", "--all", "-o", str(tmp_path / "backup.json")])
    assert result.exit_code == 1 and "No backup was written" in result.output
    assert "a thesis has no parent" in result.output
    assert not (tmp_path / "backup.json").exists()


def test_a_site_holding_an_imported_copy_of_its_own_debate_backs_up_and_restores(app, runner, tmp_path):
    """Voices and sources without keys are exported under keys made from their ids (voice-12): a copy imported
    on the same site must not take those keys, or the backup would hold them twice."""
    assert runner.invoke(args=["gen-debate", "--nodes", "40", "--slug", "made"]).exit_code == 0
    exported = runner.invoke(args=["export", "made", "-o", str(tmp_path / "made.json")])
    assert exported.exit_code == 0, exported.output
    copied = runner.invoke(args=["import", str(tmp_path / "made.json")])
    assert copied.exit_code == 0 and "/debates/made-2" in copied.output, copied.output
    export_all(runner, tmp_path / "backup.json")
    before = the_maps(app)
    empty_database(app)
    result = restore(runner, tmp_path / "backup.json")
    assert result.exit_code == 0, result.output
    assert "Restored 2 debates, 80 nodes" in result.output
    assert the_maps(app) == before


def test_a_backup_whose_debate_names_a_theme_twice_restores(app, runner, mini, tmp_path):
    document = export_all(runner, tmp_path / "backup.json")
    before = the_maps(app)
    document["debates"][0]["themes"] = document["debates"][0]["themes"] * 2
    assert document["debates"][0]["themes"]
    (tmp_path / "twice.json").write_text(json.dumps(document))
    empty_database(app)
    result = restore(runner, tmp_path / "twice.json")
    assert result.exit_code == 0, result.output
    assert the_maps(app) == before
