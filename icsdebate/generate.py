"""Synthetic debates of any size, deterministic for a seed: for benchmarks and scale tests."""

import random

from sqlmodel import Session, select

from . import derived
from .db import insert_rows
from .models import Citation, Debate, Link, Node, NodeTheme, Source, Theme, Voice, utcnow

WORDS = (
    "integrated care funding boards commissioning providers accountability evidence hospitals "
    "community general practice councils budgets contracts competition staff patients outcomes "
    "prevention data partnerships regulation waiting times social care transparency law"
).split()
GROUPS = ("The King's Fund", "Select Committee", "Campaigners", "Commenters", "Government and NHS England")


def _sentence(rng: random.Random, index: int) -> str:
    words = rng.sample(WORDS, 6)
    return f"Point {index}: {' '.join(words).capitalize()}"


def generate(
    session: Session, *, nodes: int, seed: int, slug: str | None = None, voices: int = 20, sources: int = 10
) -> Debate:
    """A debate of `nodes` nodes: varied depth and fan-out, ~3% with a second parent, cited and themed; its
    points are argued by `voices` voices and cite `sources` sources (one each makes a voice and a source with
    every point of the debate)."""
    rng = random.Random(seed)
    slug = slug or f"generated-{nodes}-{seed}"
    debate = Debate(
        slug=slug,
        title=f"Generated debate of {nodes} points (seed {seed})",
        summary="A synthetic debate for measuring speed.",
        summary_html="<p>A synthetic debate for measuring speed.</p>",
    )
    session.add(debate)
    voices = [Voice(name=f"Voice {seed}-{k}", group_name=GROUPS[k % len(GROUPS)]) for k in range(voices)]
    sources = [
        Source(title=f"Source {seed}-{k}", publisher="Generated", kind="think tank", date="2018")
        for k in range(sources)
    ]
    themes = list(session.exec(select(Theme))) or [Theme(key=f"gen-{seed}-{k}", name=f"Theme {k}") for k in range(5)]
    session.add_all(voices + sources + themes)
    session.flush()

    rows = []
    for index in range(nodes):
        roll = rng.random()
        kind = (
            "thesis"
            if index == 0
            else ("evidence" if roll < 0.2 else "question" if roll < 0.23 else "event" if roll < 0.26 else "claim")
        )
        rows.append(
            {
                "debate_id": debate.id,
                "kind": kind,
                "title": _sentence(rng, index),
                "voice_id": rng.choice(voices).id,
                "argued_on": f"{rng.randint(2014, 2022)}",
                "status": "active",
                "annotation": "",
                "annotation_html": "",
                "happened_on": f"{rng.randint(2014, 2022)}-0{rng.randint(1, 9)}" if kind == "event" else None,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        )
    ids = [row.id for row in insert_rows(session, Node, rows)]
    debate.thesis_id = ids[0]

    links = []
    citations = [
        {
            "node_id": ids[0],
            "source_id": sources[0].id,
            "quote": "Quoted words for the thesis.",
            "locator": "page 1",
            "position": 0,
        }
    ]
    node_themes = []
    for index in range(1, nodes):
        parent = rng.randrange(min(index, 30)) if rng.random() < 0.3 else rng.randrange(index)
        relation = "supports" if rng.random() < 0.55 else "opposes"
        links.append(
            {
                "child_id": ids[index],
                "parent_id": ids[parent],
                "relation": relation,
                "position": index,
                "created_at": utcnow(),
            }
        )
        if index > 2 and rng.random() < 0.03:
            second = rng.randrange(index)
            if second != parent:
                links.append(
                    {
                        "child_id": ids[index],
                        "parent_id": ids[second],
                        "relation": relation,
                        "position": index,
                        "created_at": utcnow(),
                    }
                )
        citations.append(
            {
                "node_id": ids[index],
                "source_id": rng.choice(sources).id,
                "position": 0,
                "quote": f"Quoted words for point {index}.",
                "locator": f"page {rng.randint(1, 60)}",
            }
        )
        node_themes.append({"node_id": ids[index], "theme_id": rng.choice(themes).id})
    for model, values in ((Link, links), (Citation, citations), (NodeTheme, node_themes)):
        insert_rows(session, model, values)
    derived.after_load(session, [debate.id])
    return debate


SHAPES = ("chain", "fan", "paths")


def generate_shape(session: Session, *, shape: str, size: int, slug: str | None = None) -> Debate:
    """A debate of one extreme shape, for benchmarks and tests of writes and pages on it:

    - "chain": `size` points in one line under the thesis, each opposing the one above (the deepest is at
      depth `size`), so one more opposing point at the bottom flips the standing of every point in the chain;
    - "fan": one point under the thesis with `size` direct replies, alternately supporting and opposing;
    - "paths": `size` layers of two points, each under both points of the layer above, so each point of the
      last layer reaches the thesis along 2^(size-1) paths (`size` 21 gives 2^20); links alternate in relation.
    Every point has one voice and cites one source. Returns the debate; its points are numbered in order of
    depth (the highest id is deepest)."""
    if shape not in SHAPES:
        raise ValueError(f"A shape is one of {', '.join(SHAPES)}, not '{shape}'.")
    slug = slug or f"{shape}-{size}"
    debate = Debate(
        slug=slug,
        title=f"A {shape} of {size} points",
        summary="A synthetic debate for measuring speed.",
        summary_html="<p>A synthetic debate for measuring speed.</p>",
    )
    voice = Voice(name=f"Voice of the {shape}", group_name=GROUPS[0])
    source = Source(title=f"Source of the {shape}", publisher="Generated", kind="think tank", date="2018")
    session.add_all([debate, voice, source])
    session.flush()
    count = 1 + (2 * size if shape == "paths" else size + (1 if shape == "fan" else 0))
    rows = [
        {
            "debate_id": debate.id,
            "kind": "thesis" if index == 0 else "claim",
            "title": f"Point {index}: {shape}",
            "voice_id": voice.id,
            "argued_on": "2020",
            "status": "active",
            "annotation": "",
            "annotation_html": "",
            "happened_on": None,
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for index in range(count)
    ]
    ids = [row.id for row in insert_rows(session, Node, rows)]
    debate.thesis_id = ids[0]

    def link(child: int, parent: int, relation: str) -> dict:
        return {
            "child_id": ids[child],
            "parent_id": ids[parent],
            "relation": relation,
            "position": child,
            "created_at": utcnow(),
        }

    if shape == "chain":
        links = [link(index, index - 1, "opposes") for index in range(1, count)]
    elif shape == "fan":
        links = [link(1, 0, "supports")] + [
            link(index, 1, ("supports", "opposes")[index % 2]) for index in range(2, count)
        ]
    else:
        links = [link(1, 0, "supports"), link(2, 0, "opposes")]
        for layer in range(1, size):
            for k in (1, 2):
                child = 2 * layer + k
                links += [
                    link(child, 2 * layer - 1, ("supports", "opposes")[k - 1]),
                    link(child, 2 * layer, ("supports", "opposes")[k - 1]),
                ]
    insert_rows(session, Link, links)
    insert_rows(
        session,
        Citation,
        [
            {
                "node_id": node_id,
                "source_id": source.id,
                "quote": f"Quoted words for {node_id}.",
                "locator": "page 1",
                "position": 0,
            }
            for node_id in ids
        ],
    )
    derived.after_load(session, [debate.id])
    return debate
