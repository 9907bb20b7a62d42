"""Every file in the shared samples imports with the right reading (../shared/samples/README.md), asserted exactly,
and every import format round-trips: export, import, export again gives the same points, links, titles, themes and
debate title, for every shipped debate and every sample file."""

import io
import os
from collections import Counter
from pathlib import Path

import arguebuf
import pytest
from sqlmodel import select

from icsdebate import db
from icsdebate.formats import aif, argdown, gather, jsonmap, kialo, mapdoc, registry, sadface, store
from icsdebate.models import Debate

from .conftest import ROOT, load_seeds

SAMPLES = ROOT.parent / "shared" / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason="the shared samples are not beside this checkout")


def read(path: str) -> dict:
    return registry.parse((SAMPLES / path).read_bytes().decode("utf-8"), Path(path).name)


def shape(document: dict) -> tuple:
    """What a reader sees of a map: the debate's title, each point's title, kind and themes, and each link with its
    kind, by titles (keys differ between files)."""
    titles = {node["key"]: node["title"] for node in document["nodes"]}
    debate = document["debates"][0]
    points = sorted((node["title"], tuple(sorted(node.get("themes", [])))) for node in document["nodes"])
    links = sorted(
        (node["title"], relation, titles[parent])
        for node in document["nodes"]
        for relation in ("supports", "opposes", "answers")
        for parent in node.get(relation, [])
    )
    top = sorted(titles[key] for key in ([debate["thesis"]] if debate.get("thesis") else debate.get("top", [])))
    return debate["title"], points, links, top


@needs_samples
def test_kialo_current_layout():
    document = read("regressions/kialo-new-format.txt")
    assert shape(document) == (
        "Should the town build a new library?",
        [
            ("A library gives everyone free access to books.", ()),
            ("The town cannot afford it.", ()),
            ("The town should build a new library.", ()),
        ],
        [
            ("A library gives everyone free access to books.", "supports", "The town should build a new library."),
            ("The town cannot afford it.", "opposes", "The town should build a new library."),
        ],
        ["The town should build a new library."],
    )
    cited = {node["title"]: node["citations"] for node in document["nodes"]}["The town cannot afford it."]
    reference = next(s for s in document["sources"] if s["key"] == cited[0]["source"])
    assert reference["address"] == "https://example.org/budget"
    assert (cited[0]["quote"], cited[0]["locator"]) == ("The budget is fully committed.", "[1]")
    assert not any("budget" in node["title"] or "Sources" in node["title"] for node in document["nodes"])


@needs_samples
def test_kialo_multi_thesis_is_a_question_with_positions():
    document = read("regressions/kialo-multi-thesis.txt")
    assert shape(document) == (
        "Which editor is better?",
        [
            ("Editor A", ()),
            ("Editor B", ()),
            ("It is hard to learn.", ()),
            ("It starts quickly.", ()),
            ("Which editor is better?", ()),
        ],
        [
            ("Editor A", "answers", "Which editor is better?"),
            ("Editor B", "answers", "Which editor is better?"),
            ("It is hard to learn.", "opposes", "Editor B"),
            ("It starts quickly.", "supports", "Editor A"),
        ],
        ["Which editor is better?"],
    )
    assert {node["title"]: node["kind"] for node in document["nodes"]}["Which editor is better?"] == "question"


@needs_samples
def test_kialo_numbered_list_stays_in_the_claim():
    document = read("regressions/kialo-numbered-list-in-claim.txt")
    claim = (
        "The simulation model adds two claims to the ordinary model: 1. Things exist outside our world. "
        "2. Those things created our world."
    )
    assert shape(document) == (
        "Do we live in a simulation?",
        [("Simpler models are preferred.", ()), (claim, ()), ("We live in a simulation.", ())],
        [("Simpler models are preferred.", "supports", claim), (claim, "opposes", "We live in a simulation.")],
        ["We live in a simulation."],
    )


@needs_samples
def test_ova3_xaif_wrapper():
    assert shape(read("regressions/xaif-ova3-wrapper.json"))[1:] == (
        [("A", ()), ("B", ())],
        [("B", "supports", "A")],
        ["A"],
    )


@needs_samples
def test_argdown_front_matter_title_and_tags():
    assert shape(read("regressions/argdown-frontmatter-title.argdown")) == (
        "Town library",
        [
            ("A library gives everyone free access to books.", ("access",)),
            ("The town cannot afford it.", ()),
            ("The town should build a new library.", ()),
        ],
        [
            ("A library gives everyone free access to books.", "supports", "The town should build a new library."),
            ("The town cannot afford it.", "opposes", "The town should build a new library."),
        ],
        ["The town should build a new library."],
    )


@needs_samples
def test_kialo_sample_reads_as_arguebuf_reads_it():
    title, points, links, top = shape(read("kialo/should-hate-speech-be-illegal-6148.txt"))
    assert (title, len(points), len(links), top) == (
        "Should hate speech be illegal?",
        105,
        105,
        ["Hate speech should be banned."],
    )
    graph = arguebuf.load.kialo(io.StringIO((SAMPLES / "kialo/should-hate-speech-be-illegal-6148.txt").read_text()))
    schemes = Counter(type(s.scheme).__name__ for s in graph.scheme_nodes.values())
    assert Counter(link[1] for link in links) == Counter({"supports": schemes["Support"], "opposes": schemes["Attack"]})
    document = read("kialo/should-hate-speech-be-illegal-6148.txt")  # whole texts: titles are cut at 280 characters
    assert sorted(" ".join(n["citations"][-1]["quote"].split()) for n in document["nodes"]) == sorted(
        " ".join(a.plain_text.split()) for a in graph.atom_nodes.values()
    )


@needs_samples
def test_aif_sample_keeps_its_top_level_claims_without_an_invented_thesis():
    document = read("aif/nodeset21145.json")
    title, points, links, top = shape(document)
    assert (len(points), len(links), len(top)) == (14, 5, 9)
    assert "thesis" not in document["debates"][0] and not any(n["kind"] == "thesis" for n in document["nodes"])
    assert sorted(r for _, r, _ in links) == ["opposes"] + ["supports"] * 4


@needs_samples
def test_argdown_samples_read_titles_tags_mentions_and_arguments():
    primer = read("argdown/argdown-primer.argdown")
    titles = {node["title"] for node in primer["nodes"]}
    assert "Let's do that now: The previous statement was Statement 1." in titles
    assert not any("#" in t or "@[" in t for t in titles)
    _, _, links, _ = shape(primer)
    assert (
        "First premise (this is is a normal statement and you can do everything with it, we have done with the "
        "statements above).",
        "supports",
        "Argument 1",
    ) in links
    censorship = read("argdown/state-censorship.argdown")
    assert censorship["debates"][0]["title"] == "Censorship from the State"
    assert {t["key"] for t in censorship["themes"]} == {"pro", "con"}


@needs_samples
def test_sadface_sample():
    title, points, links, top = shape(read("sadface/hangback.json"))
    assert (title, len(points), len(links), len(top)) == ("Hangback Example", 4, 3, 1)


WRITERS = {
    "json": (jsonmap.dump, "json"),
    "kialo": (kialo.dump, "txt"),
    "argdown": (argdown.dump, "argdown"),
    "aif": (aif.dump, "json"),
    "sadface": (sadface.dump, "json"),
}


def round_trip(app, document: dict, fmt: str) -> None:
    """Export `document` in `fmt`, import that into the database, export the import again: both exports read
    the same."""
    write, extension = WRITERS[fmt]
    first = write(document)
    read_first = registry.parse(first, f"export.{extension}", fmt)
    loaded = mapdoc.validate(read_first, "export")
    with app.app_context():
        with db.write_session() as session:
            debate = store.load_as_new(session, loaded)[0]
            debate_id = debate.id
        again = gather.collect(db.session(), debate=db.session().get(Debate, debate_id))
    second = write(again)
    assert shape(registry.parse(second, f"again.{extension}", fmt)) == shape(read_first)
    if fmt in ("json", "kialo", "argdown", "sadface"):  # AIF has no title
        assert again["debates"][0]["title"] == document["debates"][0]["title"]


@needs_samples
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_sample_round_trips(app, fmt):
    for path in sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md"):
        document = {**registry.parse(path.read_text(encoding="utf-8"), path.name), **mapdoc.header("sample")}
        round_trip(app, document, fmt)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_shipped_debate_round_trips(app, fmt):
    load_seeds(app, Path(os.environ.get("TEST_SEEDS", ROOT / "seeds")))
    with app.app_context():
        session = db.session()
        documents = [gather.collect(session, debate=d) for d in session.exec(select(Debate).order_by(Debate.slug))]
    for document in documents:
        round_trip(app, document, fmt)
