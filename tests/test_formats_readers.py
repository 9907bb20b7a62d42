"""Our exports read back in third-party tools with the same counts, for every shipped debate."""

import csv
import io
import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import arguebuf
import pytest
from sqlmodel import select

from icsdebate import db
from icsdebate.formats import aif, argdown, csvmap, gather, kialo, sadface
from icsdebate.models import Debate

from .conftest import ARGDOWN, ROOT, load_seeds


@pytest.fixture
def documents(app):
    """Every shipped debate as a map document."""
    load_seeds(app, Path(os.environ.get("TEST_SEEDS", ROOT / "seeds")))
    with app.app_context():
        session = db.session()
        return {d.slug: gather.collect(session, debate=d) for d in session.exec(select(Debate).order_by(Debate.slug))}


def relations(document: dict) -> Counter:
    return Counter(rel for node in document["nodes"] for rel in ("supports", "opposes") for _ in node.get(rel, []))


def named(document: dict, support: str, attack: str) -> Counter:
    """The document's links counted by relation, under the names another format gives supports and opposes."""
    counts = relations(document)
    return Counter({support: counts["supports"], attack: counts["opposes"]})


def schemes(graph) -> Counter:
    """An arguebuf graph's schemes counted by the type of each."""
    return Counter(type(s.scheme).__name__ for s in graph.scheme_nodes.values())


def test_kialo_exports_read_in_arguebuf_with_the_same_counts(documents):
    """arguebuf reads Kialo's older layout only; the current layout, which the site writes, reads back in our reader
    with the same shape (test_formats_roundtrip)."""
    for slug, document in documents.items():
        graph = arguebuf.load.kialo(io.StringIO(kialo.dump_older(document)), name=slug)
        assert len(graph.atom_nodes) == len(document["nodes"]), slug
        assert schemes(graph) == named(document, "Support", "Attack"), slug


def test_csv_has_one_row_per_node(documents):
    for slug, document in documents.items():
        rows = list(csv.DictReader(io.StringIO(csvmap.dump(document))))
        assert len(rows) == len(document["nodes"])
        assert {row["kind"] for row in rows} <= {"thesis", "claim", "evidence", "question", "event"}
        assert all(row["quote"] and row["voice"] for row in rows), slug
        assert rows[0]["kind"] == "thesis" and rows[0]["parent_id"] == ""


def test_aif_exports_read_in_arguebuf_with_the_same_counts(documents):
    for slug, document in documents.items():
        graph = arguebuf.load.aif(json.loads(aif.dump(document)), name=slug)
        assert len(graph.atom_nodes) == len(document["nodes"]), slug
        assert schemes(graph) == named(document, "Support", "Attack")


def test_sadface_exports_read_in_arguebuf_with_the_same_counts(documents):
    # arguebuf reads a SADFace 'conflict' scheme without a scheme type (it does so for the real sample too)
    for slug, document in documents.items():
        graph = arguebuf.load.sadface(json.loads(sadface.dump(document)), name=slug)
        assert len(graph.atom_nodes) == len(document["nodes"]), slug
        assert schemes(graph) == named(document, "Support", "NoneType")
        names = Counter(n["name"] for n in json.loads(sadface.dump(document))["nodes"] if n["type"] == "scheme")
        assert names == named(document, "support", "conflict")


def test_argdown_exports_parse_in_the_argdown_cli_with_the_same_counts(documents, tmp_path):
    assert ARGDOWN.exists(), "the Argdown CLI is missing: run `npm ci` (make test does)"
    for slug, document in documents.items():
        (tmp_path / f"{slug}.argdown").write_text(argdown.dump(document))
    result = subprocess.run(
        [str(ARGDOWN), "json", "*.argdown", str(tmp_path / "out")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for slug, document in documents.items():
        parsed = json.loads((tmp_path / "out" / f"{slug}.json").read_text())
        kinds = Counter(relation["relationType"] for relation in parsed["relations"])
        assert len(parsed["statements"]) == len(document["nodes"]), slug
        assert kinds == named(document, "support", "attack"), slug
        for node in document["nodes"]:
            member = parsed["statements"][node["key"]]["members"][0]
            text = re.sub(r"\s*#\([^)]*\)", "", member["text"]).strip()  # the text keeps its tags
            assert text == " ".join(node["title"].split()), node["key"]
            assert member["data"]["voice"] and member["data"]["sources"][0]["quote"]
            assert set(member.get("tags", [])) == set(node.get("themes", []))
