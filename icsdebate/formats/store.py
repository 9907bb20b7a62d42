"""Write a checked map as new rows, a batch of points at a time: an import, stored as new debates beside the ones
already here (its points are always new rows; its themes, sources and voices are reused when ones with the same
keys exist), and a backup's restore (`backup`), which writes the same rows with their keys kept. A map read as a
stream (`seeds.read_map`) is written as it is read again, so memory holds a batch of points and each point's row
id, never the map."""

from collections.abc import Iterable, Iterator
from itertools import islice

from sqlmodel import Session, select

from .. import derived, fields
from ..db import insert_rows
from ..models import Citation, Debate, DebateTheme, Link, Node, NodeTheme, utcnow
from ..seeds.entries import SeedSet
from ..seeds.reading import close
from ..seeds.writing import catalogue, node_values
from ..text import render_markdown
from . import FormatError
from .mapdoc import made_up

BATCH = 1000  # points (or links) written at a time


def _free_slug(session: Session, wanted: str) -> str:
    """`wanted`, or `wanted`-2, -3, … (cut short to leave room for the number within fields.KEY) when taken."""
    taken = set(session.exec(select(Debate.slug).where(Debate.slug.like(f"{wanted[: fields.KEY - 5]}%"))).all())
    if wanted not in taken:
        return wanted
    return next(
        slug for n in range(2, 10_000) if (slug := f"{wanted[: fields.KEY - len(str(n)) - 1]}-{n}") not in taken
    )


def load_as_new(session: Session, seeds: SeedSet) -> list[Debate]:
    """Write `seeds` as new debates (imports): nodes are always new and keyless; themes, sources and voices are
    reused when one with the same key exists. Runs in the session's open transaction; returns the new debates.
    FormatError, before anything is written, when the map holds no debate."""
    if not seeds.debates:
        raise FormatError("The map holds no debate to import: nothing was imported.")
    catalogued = catalogue(session, seeds, update=False)[:3]
    _unkeyed_if_made_up(catalogued[1], "source")
    _unkeyed_if_made_up(catalogued[2], "voice")
    debates = {key: _debate(d, slug=_free_slug(session, key)) for key, d in seeds.debates.items()}
    session.add_all(debates.values())
    session.flush()
    write_points(session, seeds, debates, *catalogued, keyed=False)
    derived.after_load(session, [debate.id for debate in debates.values()])
    return list(debates.values())


def _unkeyed_if_made_up(rows: dict, prefix: str) -> None:
    """A source or voice this import adds under a key an export made up from a row's id elsewhere (voice-12) is
    stored without it, as its original was: kept, the key would take the place of the made-up key of the row
    here whose id it is, and a backup would then hold that key twice and refuse to be made."""
    for key, row in rows.items():
        if row.id is None and made_up(key, prefix):
            row.key = None


def _debate(d, *, slug: str) -> Debate:
    return Debate(slug=slug, title=d.title, summary=d.summary, summary_html=render_markdown(d.summary))


def new_debates(session: Session, seeds: SeedSet) -> dict[str, Debate]:
    """A row for each debate of `seeds` under its own key as slug (a restore into an empty database), flushed."""
    debates = {key: _debate(d, slug=key) for key, d in seeds.debates.items()}
    session.add_all(debates.values())
    session.flush()
    return debates


def write_points(
    session: Session, seeds: SeedSet, debates: dict, themes: dict, sources: dict, voices: dict, *, keyed: bool
) -> int:
    """Insert every point of `seeds` (taken from `seeds.points()`, BATCH at a time) with its citations and themes,
    then the links between them, then each debate's thesis and themes. `debates`, `themes`, `sources` and `voices`
    are rows by seed key; points keep their keys when `keyed`. A streamed map is spent once written (see
    `SeedSet.spend`): count its points before. Returns how many citations were written. Raises
    SeedError (from `points()`) when a streamed map changed after it was checked."""
    ids: dict[str, int] = {}
    points = seeds.points()
    try:
        citations = sum(
            _write_batch(session, batch, seeds, ids, debates, themes, voices, sources, keyed)
            for batch in _batched(points)
        )
    finally:
        close(points)  # a write that failed lets go of the file its points come from now
    links = (
        {
            "child_id": ids[key],
            "parent_id": ids[parent],
            "relation": relation,
            "position": position,
            "created_at": utcnow(),
        }
        for key, outline in seeds.outlines.items()
        for position, (parent, relation) in enumerate(outline.parents())
    )
    for batch in _batched(links):
        insert_rows(session, Link, list(batch))
    for key, d in seeds.debates.items():
        debates[key].thesis_id = ids[d.thesis] if d.thesis else None
        session.add_all(DebateTheme(debate_id=debates[key].id, theme_id=themes[t].id) for t in dict.fromkeys(d.themes))
    session.flush()
    seeds.spend()
    return citations


def _write_batch(
    session: Session, batch: list, seeds: SeedSet, ids: dict, debates, themes, voices, sources, keyed
) -> int:
    """Insert a batch of points with their citations and themes, noting each point's row id in `ids`; returns how
    many citations were written."""
    rows = [
        node_values(n, debates[seeds.debate_of[n.key]].id, voices)
        | {"status": "active", "created_at": utcnow(), "updated_at": utcnow()}
        | ({"key": n.key} if keyed else {})
        for n in batch
    ]
    for n, (row_id,) in zip(batch, insert_rows(session, Node, rows), strict=True):
        ids[n.key] = row_id
    cited = [
        {
            "node_id": ids[n.key],
            "source_id": sources[c.source].id,
            "quote": c.quote,
            "locator": c.locator,
            "position": position,
        }
        for n in batch
        for position, c in enumerate(n.citations)
    ]
    insert_rows(session, Citation, cited)
    themed = [{"node_id": ids[n.key], "theme_id": themes[t].id} for n in batch for t in dict.fromkeys(n.themes)]
    insert_rows(session, NodeTheme, themed)
    return len(cited)


def _batched(items: Iterable) -> Iterator[list]:
    """`items` in lists of BATCH, the last one shorter."""
    items = iter(items)
    while batch := list(islice(items, BATCH)):
        yield batch
