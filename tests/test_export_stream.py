"""Downloads are written as they are read, a batch of points at a time, into a file made whole before the response
starts: a failure gets an error page, not a cut-off file, and no reader holds a database connection."""

import json

import pytest
from sqlmodel import select

from icsdebate import db
from icsdebate.formats import gather
from icsdebate.formats.registry import EXPORTERS
from icsdebate.models import Debate


def checked_out(app) -> int:
    return app.extensions["engine"].pool.checkedout()


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_every_download_gives_its_connection_back(app, client, mini, fmt):
    for url in (f"/debates/mini/export/{fmt}", f"/nodes/{mini['pro-boards']}/export/{fmt}"):
        response = client.get(url)
        assert response.status_code == 200 and response.get_data()
        assert checked_out(app) == 0, url


def test_a_large_download_is_sent_from_a_file_with_its_length_and_a_small_one_is_kept(app, client, mini, monkeypatch):
    monkeypatch.setattr(gather, "BATCH", 1)  # many chunks
    small = client.get("/debates/mini/export/json")
    assert client.get("/debates/mini/export/json").headers.get("X-Page-Cache") == "hit"
    monkeypatch.setattr("icsdebate.views.export.SPOOL", 100)  # bytes: less than any export of mini
    response = client.get("/debates/mini/export/csv", buffered=False)
    assert checked_out(app) == 0  # before a byte of the body is read
    assert int(response.headers["Content-Length"]) > 100
    body = response.get_data()
    assert len(body) == int(response.headers["Content-Length"]) and body.startswith(b'"id","debate",')
    assert json.loads(small.get_data(as_text=True))["nodes"]
    response.close()
    with client.get("/debates/mini/export/csv") as again:  # closing the response closes its file
        assert "X-Page-Cache" not in again.headers and again.get_data() == body


def test_a_download_that_fails_on_the_way_gets_an_error_page_not_a_cut_off_file(app, client, mini, monkeypatch):
    monkeypatch.setattr(gather, "BATCH", 1)
    real = gather._read_batch
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(gather, "_read_batch", failing)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for fmt in ("json", "csv"):
        calls.clear()
        response = client.get(f"/debates/mini/export/{fmt}")
        assert response.status_code == 500 and "Content-Disposition" not in response.headers, fmt
        assert checked_out(app) == 0


def test_a_download_read_in_small_batches_is_the_whole_document(app, client, mini, monkeypatch):
    monkeypatch.setattr(gather, "BATCH", 2)  # nodes read at a time: the map takes several batches
    monkeypatch.setitem(app.extensions, "page_cache_on", False)
    streamed = json.loads(client.get("/debates/mini/export/json").get_data(as_text=True))
    with app.app_context():
        whole = gather.collect(
            db.session(), debate=db.session().exec(select(Debate).where(Debate.slug == "mini")).one()
        )
    assert len(streamed["nodes"]) == len(whole["nodes"]) > 2 * 2
    streamed.pop("exported_at"), whole.pop("exported_at")
    assert streamed == json.loads(json.dumps(whole))


@pytest.mark.parametrize("args", [["mini"], ["--all"]])
def test_an_export_to_a_file_that_fails_on_the_way_leaves_the_file_as_it_was(runner, mini, tmp_path, monkeypatch, args):
    from sqlalchemy.exc import OperationalError

    path = tmp_path / "backup.json"
    assert runner.invoke(args=["export", *args, "-o", str(path)]).exit_code == 0
    whole = path.read_bytes()
    assert json.loads(whole)["nodes"]
    monkeypatch.setattr(gather, "BATCH", 1)
    real = gather._read_batch

    def failing(session, ids, *rest, **kwargs):
        if failing.calls == 2:
            raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))
        failing.calls += 1
        return real(session, ids, *rest, **kwargs)

    failing.calls = 0
    monkeypatch.setattr(gather, "_read_batch", failing)
    result = runner.invoke(args=["export", *args, "-o", str(path)])
    assert result.exit_code == 1 and f"{path} is unchanged" in result.output
    assert "server closed the connection" in result.output
    assert path.read_bytes() == whole and list(tmp_path.iterdir()) == [path]
