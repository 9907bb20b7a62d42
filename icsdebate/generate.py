"""Synthetic debates of any size, deterministic for a seed: for benchmarks and scale tests."""
import random

from sqlmodel import Session, select

from . import sides, standing, strength
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


def generate(session: Session, *, nodes: int, seed: int, slug: str | None = None) -> Debate:
    """A debate of `nodes` nodes: varied depth and fan-out, ~3% with a second parent, cited and themed."""
    rng = random.Random(seed)
    slug = slug or f"generated-{nodes}-{seed}"
    debate = Debate(slug=slug, title=f"Generated debate of {nodes} points (seed {seed})",
                    summary="A synthetic debate for measuring speed.", summary_html="<p>A synthetic debate for measuring speed.</p>")
    session.add(debate)
    voices = [Voice(name=f"Voice {seed}-{k}", group_name=GROUPS[k % len(GROUPS)]) for k in range(20)]
    sources = [Source(title=f"Source {seed}-{k}", publisher="Generated", kind="think tank", date="2018") for k in range(10)]
    themes = list(session.exec(select(Theme))) or [Theme(key=f"gen-{seed}-{k}", name=f"Theme {k}") for k in range(5)]
    session.add_all(voices + sources + themes)
    session.flush()

    rows = []
    for index in range(nodes):
        roll = rng.random()
        kind = "thesis" if index == 0 else ("evidence" if roll < .2 else "question" if roll < .23 else "event" if roll < .26 else "claim")
        rows.append({
            "debate_id": debate.id, "kind": kind, "title": _sentence(rng, index), "voice_id": rng.choice(voices).id,
            "argued_on": f"{rng.randint(2014, 2022)}", "status": "active", "annotation": "", "annotation_html": "",
            "happened_on": f"{rng.randint(2014, 2022)}-0{rng.randint(1, 9)}" if kind == "event" else None,
            "created_at": utcnow(), "updated_at": utcnow(),
        })
    ids = [row.id for row in insert_rows(session, Node, rows)]
    debate.thesis_id = ids[0]

    links = []
    citations = [{"node_id": ids[0], "source_id": sources[0].id, "quote": "Quoted words for the thesis.", "locator": "page 1",
                  "position": 0}]
    node_themes = []
    for index in range(1, nodes):
        parent = rng.randrange(min(index, 30)) if rng.random() < .3 else rng.randrange(index)
        relation = "supports" if rng.random() < .55 else "opposes"
        links.append({"child_id": ids[index], "parent_id": ids[parent], "relation": relation, "position": index,
                      "created_at": utcnow()})
        if index > 2 and rng.random() < .03:
            second = rng.randrange(index)
            if second != parent:
                links.append({"child_id": ids[index], "parent_id": ids[second], "relation": relation,
                              "position": index, "created_at": utcnow()})
        citations.append({"node_id": ids[index], "source_id": rng.choice(sources).id, "position": 0,
                          "quote": f"Quoted words for point {index}.", "locator": f"page {rng.randint(1, 60)}"})
        node_themes.append({"node_id": ids[index], "theme_id": rng.choice(themes).id})
    for model, values in ((Link, links), (Citation, citations), (NodeTheme, node_themes)):
        insert_rows(session, model, values)
    standing.refresh_all(session, [debate.id])
    strength.refresh_all(session, [debate.id])
    sides.refresh_all(session, [debate.id])
    return debate
