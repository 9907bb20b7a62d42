"""A chain of 5,000 points, each under the one before: every page, map, briefing, export and import walks it
with loops, never with recursion, so none of them meets Python's recursion limit (about 1,000 frames)."""

import json
import sys

from sqlmodel import select

from icsdebate import db
from icsdebate.formats.registry import EXPORTERS
from icsdebate.generate import generate_shape
from icsdebate.models import Node

from .conftest import sign_in

DEPTH = 5_000


def _chain(app) -> list[int]:
    """A debate 'deep': a thesis and DEPTH points below it, each opposing the previous one (generate_shape's
    chain). Returns the node ids, thesis first."""
    with app.app_context(), db.write_session() as session:
        debate = generate_shape(session, shape="chain", size=DEPTH, slug="deep")
        return list(session.exec(select(Node.id).where(Node.debate_id == debate.id).order_by(Node.id)).all())


def test_the_chain_is_deeper_than_the_recursion_limit():
    assert DEPTH > 2 * sys.getrecursionlimit()


def test_the_deepest_point_its_map_and_the_briefings_answer(app, client):
    ids = _chain(app)
    deepest, middle = ids[-1], ids[DEPTH // 2]
    for url, limit in [
        (f"/nodes/{deepest}", 200_000),
        (f"/nodes/{middle}", 200_000),
        (f"/nodes/{deepest}/map", 200_000),
        (f"/nodes/{middle}/map?depth=12", 400_000),
        ("/debates/deep/map?depth=12", 400_000),
        (f"/nodes/{deepest}/map.svg", 100_000),
        ("/debates/deep/summary", 200_000),
        (f"/nodes/{middle}/summary", 200_000),
        (f"/nodes/{deepest}/summary", 100_000),
        (f"/nodes/{deepest}/outline", 200_000),
        (f"/nodes/{middle}/children/opposes", 200_000),
        (f"/nodes/{deepest}/history", 200_000),
        ("/debates/deep", 200_000),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.data) < limit, (url, len(response.data))
    page = client.get(f"/nodes/{deepest}").get_data(as_text=True)
    # the breadcrumbs show the debate, a gap, and the points just above; the page walks no further up
    assert "more points above" in page
    assert f'href="/nodes/{ids[-2]}"' in page and f'href="/nodes/{ids[1]}"' not in page


def test_every_export_of_the_chain_answers(app, client):
    ids = _chain(app)
    for fmt in EXPORTERS:
        response = client.get(f"/debates/deep/export/{fmt}")
        assert response.status_code == 200, fmt
        # Kialo numbers each point with its whole path (1.1.1.…), so its size grows with depth times points
        limit = 30_000_000 if fmt == "kialo" else 6_000_000
        assert len(response.data) < limit, (fmt, len(response.data))
        if fmt not in ("md", "html"):  # the briefings set out four levels below the thesis
            assert f"Point {DEPTH}: chain" in response.get_data(as_text=True), fmt
    for fmt in ("kialo", "argdown", "md"):
        assert client.get(f"/nodes/{ids[DEPTH // 2]}/export/{fmt}").status_code == 200, fmt


def test_a_json_import_listed_child_first_loads(app, client, users):
    nodes = [
        {
            "key": f"n{n}",
            "kind": "thesis" if n == 0 else "claim",
            "title": f"Imported point {n}",
            "voice": "v",
            **({"supports": [f"n{n - 1}"]} if n else {}),
            "citations": [{"source": "s", "quote": f"Quoted {n}."}],
        }
        for n in range(DEPTH, -1, -1)
    ]
    document = {
        "format": "icsdebate-map",
        "version": 1,
        "themes": [],
        "sources": [{"key": "s", "title": "A source", "kind": "news"}],
        "voices": [{"key": "v", "name": "A voice", "group": "A group"}],
        "debates": [{"key": "imported-deep", "title": "Imported deep", "thesis": "n0"}],
        "nodes": nodes,
    }
    token = sign_in(client, "moderator-user")
    body = (
        (
            f'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            '--b\r\nContent-Disposition: form-data; name="file"; filename="deep.json"\r\n'
            "Content-Type: application/json\r\n\r\n"
        ).encode()
        + json.dumps(document).encode()
        + b"\r\n--b--\r\n"
    )
    # the body written out, so that the test client keeps no temporary file of its own open
    response = client.post("/import", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        assert db.session().exec(select(Node).where(Node.title == "Imported point 5000")).first() is not None
    assert client.get("/debates/imported-deep/export/kialo").status_code == 200


def test_a_deep_argdown_export_reads_back_with_every_link(tmp_path):
    """Below MAX_INDENT levels a branch is set out again at the margin; the Argdown parser still sees one chain."""
    from icsdebate.formats import argdown

    depth = 3 * argdown.MAX_INDENT + 5
    document = {
        "exported_at": "2026-01-01T00:00:00+00:00",
        "exported_from": "test",
        "themes": [],
        "sources": [{"key": "s", "title": "S"}],
        "voices": [{"key": "v", "name": "V"}],
        "debates": [{"key": "d", "title": "Deep", "thesis": "n0"}],
        "nodes": [
            {
                "key": f"n{n}",
                "kind": "thesis" if n == 0 else "claim",
                "title": f"Point {n}",
                "voice": "v",
                **({"opposes" if n % 3 == 0 else "supports": [f"n{n - 1}"]} if n else {}),
                "citations": [{"source": "s", "quote": "q"}],
            }
            for n in range(depth + 1)
        ],
    }
    text = argdown.dump(document)
    assert max(len(line) - len(line.lstrip()) for line in text.splitlines()) <= 2 * argdown.MAX_INDENT
    back = argdown.parse(text, "deep.argdown")
    titles = {node["key"]: node["title"] for node in back["nodes"]}
    links = {
        (titles[node["key"]], titles[parent], relation)
        for node in back["nodes"]
        for relation in ("supports", "opposes")
        for parent in node.get(relation, [])
    }
    assert links == {
        (f"Point {n}", f"Point {n - 1}", "opposes" if n % 3 == 0 else "supports") for n in range(1, depth + 1)
    }
