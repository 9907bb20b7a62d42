"""Imports and restores are written as they are read: checking a map keeps each point's outline, never its seed,
and the points are read again, a batch at a time, as they are written; so a map of any size is brought in with the
memory of a batch, and comes in whole."""

import gc

import pytest
from sqlalchemy import func
from sqlmodel import select

from icsdebate import db
from icsdebate.formats import gather, registry, store
from icsdebate.formats.registry import IMPORTERS
from icsdebate.generate import generate
from icsdebate.models import Debate, Link, Node
from icsdebate.seeds import NodeSeed

from .test_backup import empty_database, export_all, restore, the_maps

BATCH = 10


def seeds_alive() -> int:
    gc.collect()
    return sum(isinstance(held, NodeSeed) for held in gc.get_objects())


def counted(session, debate_id: int) -> tuple[int, int]:
    nodes = session.exec(select(func.count()).select_from(Node).where(Node.debate_id == debate_id)).one()
    links = session.exec(
        select(func.count()).select_from(Link).join(Node, Node.id == Link.child_id).where(Node.debate_id == debate_id)
    ).one()
    return nodes, links


def watch_inserts(monkeypatch, before: int) -> list[int]:
    """Writes BATCH points at a time; the list gets, at each insert, how many points' seeds are alive beyond
    `before`."""
    monkeypatch.setattr(store, "BATCH", BATCH)
    alive: list[int] = []
    insert_rows = store.insert_rows

    def watched(session, model, rows, *args, **kwargs):
        alive.append(seeds_alive() - before)
        return insert_rows(session, model, rows, *args, **kwargs)

    monkeypatch.setattr(store, "insert_rows", watched)
    return alive


@pytest.fixture
def exported(app):
    """A generated debate of 120 points exported in every format that imports, with its points and links counted."""
    with app.app_context(), db.write_session() as session:
        debate = generate(session, nodes=120, seed=3, slug="streamed")
    with app.app_context():
        session = db.session()
        debate = session.exec(select(Debate).where(Debate.slug == "streamed")).one()
        texts = {fmt: "".join(registry.chunks(fmt, gather.sections(session, debate=debate))) for fmt in IMPORTERS}
        return texts, counted(session, debate.id)


@pytest.mark.parametrize("fmt", sorted(IMPORTERS))
def test_no_import_holds_the_points_it_has_read(app, exported, monkeypatch, fmt):
    texts, (nodes, links) = exported
    before = seeds_alive()
    checked = registry.read(texts[fmt], f"streamed.{fmt}", fmt)
    assert seeds_alive() == before, "checking kept the points' seeds"
    assert len(checked.outlines) == nodes
    alive = watch_inserts(monkeypatch, before)
    with app.app_context(), db.write_session() as session:
        debate = store.load_as_new(session, checked)[0]
    assert 0 < max(alive) <= 2 * BATCH, alive  # a batch of seeds at a time, never the map's
    with app.app_context():
        assert counted(db.session(), debate.id) == (nodes, links)  # every point and link, once


def test_a_restore_holds_a_batch_of_points_at_a_time(app, runner, exported, monkeypatch, tmp_path):
    export_all(runner, tmp_path / "backup.json")
    before_maps = the_maps(app)
    empty_database(app)
    before = seeds_alive()
    alive = watch_inserts(monkeypatch, before)
    result = restore(runner, tmp_path / "backup.json")
    assert result.exit_code == 0, result.output
    assert 0 < max(alive) <= 2 * BATCH, alive
    assert the_maps(app) == before_maps
