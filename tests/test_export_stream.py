"""Downloads are written as they are read, a batch of points at a time, into a file made whole before the response
starts: a failure gets an error page, not a cut-off file, and no reader holds a database connection."""

import json

import pytest
from sqlmodel import select

from icsdebate import db
from icsdebate.formats import gather, registry
from icsdebate.formats.registry import EXPORTERS
from icsdebate.generate import generate
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


def _backup_with(tmp_path, entry_text: str, padding: int = 0):
    """A backup-shaped file whose first node entry is `entry_text`, after `padding` well-formed lines."""
    lines = ['{"format": "icsdebate-map", "exported_from": "every debate", "nodes": ['] + ["  {},"] * padding
    path = tmp_path / "backup.json"
    path.write_bytes(("\n".join(lines) + "\n" + entry_text + "\n]}\n").encode("utf-8", errors="surrogateescape"))
    return path


def test_a_json_file_nested_too_deeply_is_refused_with_a_clear_error(runner, mini, tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    for path in (_backup_with(tmp_path, deep), tmp_path / "plain.json"):
        if path.name == "plain.json":
            path.write_text('{"format": "icsdebate-map", "nodes": [' + deep + "]}")
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code == 1 and "nested too deeply" in result.output, result.output
        assert "Traceback" not in result.output


def test_a_streamed_json_error_names_its_own_line_and_stops_reading(runner, mini, tmp_path, monkeypatch):
    monkeypatch.setattr("icsdebate.formats.jsonstream.CHUNK", 4096)  # the faults lie past the first reads
    bad_byte = _backup_with(tmp_path, '  {"key": "a\udcffb"},', padding=2000)
    result = runner.invoke(args=["import", str(bad_byte)])
    assert result.exit_code == 1 and "near line 2002, column" in result.output, result.output
    assert "0xff" in result.output

    monkeypatch.setattr("icsdebate.formats.jsonstream.LARGEST_VALUE", 50_000)  # characters
    broken = _backup_with(tmp_path, '  {"key": "a",, "title": "' + "x" * 1_000_000 + '"}', padding=2000)
    read, opened = [], []
    real_open = type(broken).open

    def counting_open(self, *args, **kwargs):
        handle = real_open(self, *args, **kwargs)
        opened.append(handle)
        if args and "b" in args[0]:
            real_read = handle.read
            handle.read = lambda size=-1: read.append(size) or real_read(size)  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(type(broken), "open", counting_open)
    result = runner.invoke(args=["import", str(broken)])
    assert result.exit_code == 1 and "line 2002, column 15" in result.output, result.output
    assert sum(read) < 200_000  # bytes read before giving up: not the whole 1 MB entry
    assert opened and all(handle.closed for handle in opened)  # closed as reading stopped, not when collected


def test_a_large_download_never_read_closes_its_file_when_the_response_closes(app, client, mini, monkeypatch):
    import tempfile

    made = []
    real = tempfile.SpooledTemporaryFile

    def recorded(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr("icsdebate.views.export.tempfile.SpooledTemporaryFile", recorded)
    monkeypatch.setattr("icsdebate.views.export.SPOOL", 100)  # bytes: less than any export of mini
    response = client.head("/debates/mini/export/json")  # the body is made, and never read
    assert response.status_code == 200 and int(response.headers["Content-Length"]) > 100
    response.close()  # a WSGI server closes what it was given, read or not
    assert made[0].closed and checked_out(app) == 0


class _Entry(dict):
    """A node entry that can be watched for whether anything still holds it."""


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_no_format_holds_the_entries_it_has_read(app, fmt):
    """Every format is written from the entries as they come and keeps at most what it writes of each (its line,
    its numbers, its keys), never the entries themselves, so that its memory stays well below the map's: at most
    the entry being read and the one before it are alive while the next is read. The same text as `dump` comes out."""
    import gc
    import weakref

    with app.app_context(), db.write_session() as session:
        generate(session, nodes=60, seed=3, slug="watched")
    with app.app_context(), app.test_request_context():
        session = db.session()
        debate = session.exec(select(Debate).where(Debate.slug == "watched")).one()
        whole = gather.collect(session, debate=debate)
        alive: list[weakref.ref] = []
        most = 0

        def watched():
            nonlocal most
            for entry in whole["nodes"]:
                gc.collect()
                most = max(most, sum(1 for ref in alive if ref() is not None))
                copy = _Entry(json.loads(json.dumps(entry)))
                alive.append(weakref.ref(copy))
                yield copy
                del copy

        sections = [(name, watched() if name == "nodes" else value) for name, value in whole.items()]
        streamed = "".join(registry.chunks(fmt, iter(sections)))
        assert len(alive) == len(whole["nodes"]) == 60
        assert most <= 2, f"{fmt} held {most} entries at once"
        assert streamed == EXPORTERS[fmt].write(whole)
