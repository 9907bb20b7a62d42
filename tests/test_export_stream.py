"""Downloads are written as they are read, after the view has returned: each reads from a session of its own and
gives its connection back when the body ends or the reader goes away."""

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


def test_a_download_left_half_read_gives_its_connection_back(app, client, mini, monkeypatch):
    monkeypatch.setattr(gather, "BATCH", 1)  # many chunks, so the reader can stop between them
    response = client.get("/debates/mini/export/json", buffered=False)
    chunks = iter(response.response)
    assert next(chunks)
    response.close()  # what a WSGI server does when the reader hangs up
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
