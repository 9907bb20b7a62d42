"""The map shows every title as the words it is: never as Graphviz markup, never as a link of its own; and when
Graphviz cannot draw, the map page says so with a 503 instead of failing."""

import os
import re
import stat
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import text

from icsdebate import db, diagram

HOSTILE_TITLES = [
    '<<table href="javascript:alert(1)"><tr><td>x</td></tr></table>>',
    '<<table href="javascript:alert(1)">x</table>>',
    "<x>broken</x>",
    "<b>bold?</b>",
    "<>",
    "He said \"no\" and 'yes'",
    'ends with a quote "',
    "back\\slash and \\\\ two",
    "ends with a backslash \\",
    "left \\l right \\r centre \\n",
    "node name \\N graph \\G edge \\E tail \\T head \\H label \\L",
    "record {a|b} <port> {|}",
    "& ampersand &amp; &#106;avascript: entity",
    "]]> <!-- comment --> <![CDATA[x]]>",
    'URL="javascript:alert(1)" href=javascript:alert(1)',
]
SVG_TAGS = {"svg", "g", "title", "polygon", "path", "text", "a", "ellipse", "polyline"}


def _retitle(app, node_id: int, title: str) -> None:
    with app.app_context(), db.write_session() as session:
        session.execute(text("UPDATE node SET title = :t WHERE id = :id"), {"t": title, "id": node_id})


def _texts_of(svg: str, node_id: int) -> tuple[str, list[ET.Element]]:
    root = ET.fromstring(svg)
    elements = list(root.iter())
    group = next(e for e in elements if e.get("id") == f"node_{node_id}")
    return " ".join(t.text or "" for t in group.iter() if t.tag.endswith("}text")), elements


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_title_is_drawn_as_its_own_words(app, client, mini, title):
    _retitle(app, mini["pro-boards"], title)
    response = client.get(f"/nodes/{mini['t']}/map.svg")
    assert response.status_code == 200
    svg = response.get_data(as_text=True)
    shown, elements = _texts_of(svg[svg.index("<svg") :], mini["pro-boards"])
    # the words, wrapped (perhaps cut short), after the side the box takes in words; nothing interpreted
    words = "".join(re.sub(r"^(THESIS|FOR|AGAINST|BOTH|FOR AND AGAINST)\s+", "", shown).split()).rstrip("…")
    assert words and "".join(title.split()).startswith(words), (shown, title)
    assert {e.tag.rsplit("}", 1)[-1] for e in elements} <= SVG_TAGS
    for element in elements:
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value.startswith("/nodes/"), (name, value)
    page = client.get("/debates/mini/map")
    assert page.status_code == 200
    assert "javascript:" not in "".join(e.get(n, "") for e in elements for n in e.attrib if n.endswith("href"))


def test_the_tooltip_is_literal_too(app, client, mini):
    title = "tip \\N <b>x</b>"
    _retitle(app, mini["pro-boards"], title)
    svg = client.get(f"/nodes/{mini['t']}/map.svg").get_data(as_text=True)
    root = ET.fromstring(svg[svg.index("<svg") :])
    titles = [v for e in root.iter() for n, v in e.attrib.items() if n.endswith("title")]
    assert any(f"claim: {title} — " in value for value in titles), titles


def _fake_dot(tmp_path, body: str) -> str:
    folder = tmp_path / "bin"
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + body + "\n")
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)
    return str(folder)


@pytest.mark.parametrize(
    "body",
    ["kill -SEGV $$", "echo 'Error: syntax error in line 1' >&2; exit 1", "cat >/dev/null; echo 'not a picture'"],
)
def test_a_failing_dot_gives_a_503_page(client, mini, tmp_path, monkeypatch, body):
    monkeypatch.setenv("PATH", _fake_dot(tmp_path, body) + os.pathsep + os.environ["PATH"])
    for url in (
        f"/nodes/{mini['t']}/map",
        "/debates/mini/map",
        f"/nodes/{mini['t']}/map.svg",
        "/debates/mini/map?depth=12",
    ):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "The map cannot be drawn just now" in response.get_data(as_text=True)
    assert client.get("/debates/mini").status_code == 200  # the rest of the debate is still there


def test_a_slow_dot_gives_a_503_page(client, mini, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", _fake_dot(tmp_path, "sleep 5") + os.pathsep + os.environ["PATH"])
    monkeypatch.setattr(diagram, "DOT_TIMEOUT", 0.5)
    response = client.get("/debates/mini/map")
    assert response.status_code == 503 and "took too long" in response.get_data(as_text=True)


def test_a_missing_dot_gives_a_503_page(client, mini, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    response = client.get("/debates/mini/map")
    assert response.status_code == 503 and "Graphviz" in response.get_data(as_text=True)
