"""Restoring a backup (export --all) into an empty database: every debate as it was exported."""

from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from .. import derived, seeds
from ..models import Debate, GlossaryTerm, Node, Source, Theme, Voice
from ..seeds.writing import catalogue
from . import FormatError, mapdoc, store

HELD = {
    "debates": Debate,
    "nodes": Node,
    "sources": Source,
    "voices": Voice,
    "themes": Theme,
    "glossary terms": GlossaryTerm,
}


class RestoreError(ValueError):
    """A backup that cannot be restored into this database; nothing was written."""


@dataclass
class Backup:
    seeds: seeds.SeedSet  # debate_of already says where node_state places a node
    state: dict[str, mapdoc.NodeState]


def with_state(seed_set: seeds.SeedSet, entries, name: str) -> Backup:
    """A backup of the seeds checked already and its node_state entries (a list of dicts), checked against them;
    FormatError lists each problem and where it is."""
    if not isinstance(entries, list):
        raise FormatError(f"{name}: '{mapdoc.STATE}' must be a list")
    state, problems = {}, []
    for index, raw in enumerate(entries):
        label = f"{name}: {mapdoc.STATE}[{index}]"
        try:
            entry = mapdoc.NodeState.model_validate(raw)
        except ValidationError as exc:
            problems += [f"{label}: {'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors()]
            continue
        problems += _unknown(label, entry, seed_set)
        state[entry.key] = entry
    if problems:
        raise FormatError("\n".join(problems))
    seed_set.debate_of.update({key: entry.debate for key, entry in state.items() if entry.debate})
    return Backup(seed_set, state)


def _unknown(label: str, entry: mapdoc.NodeState, seed_set: seeds.SeedSet) -> list[str]:
    """The keys a node_state entry names that the backup does not define."""
    named = [
        ("node", entry.key, seed_set.outlines),
        ("debate", entry.debate, seed_set.debates),
        ("source", entry.outcome_citation and entry.outcome_citation.source, seed_set.sources),
    ]
    return [
        f"{label}: {what} '{key}' is not defined in the backup"
        for what, key, known in named
        if key and key not in known
    ]


def restore(session: Session, backup: Backup) -> dict[str, int]:
    """Write the backup into the session's open transaction, a batch of points at a time (see `store`); refused
    with RestoreError when the database holds any map already, so that nothing is overwritten. Returns what was
    restored, counted: {"debates": n, "nodes": n, "sources": n, "voices": n, "citations": n}."""
    held = [f"{n} {what}" for what, n in ((what, _count(session, model)) for what, model in HELD.items()) if n]
    if held:
        raise RestoreError(
            f"The database already holds {', '.join(held)}. A backup is restored only into an empty "
            "database, so that nothing here is overwritten: restore it into a new database (after "
            "init-db), or import a single debate's export to add that debate as a copy."
        )
    checked = backup.seeds
    counts = {
        "debates": len(checked.debates),
        "nodes": len(checked.outlines),
        "sources": len(checked.sources),
        "voices": len(checked.voices),
    }
    themes, sources, voices, _written = catalogue(session, checked, update=True)
    debates = store.new_debates(session, checked)
    citations = store.write_points(session, checked, debates, themes, sources, voices, keyed=True)
    session.add_all(
        GlossaryTerm(
            key=key,
            term=g.term,
            expansion=g.expansion,
            definition=g.definition,
            source_id=sources[g.citation.source].id,
            quote=g.citation.quote,
            locator=g.citation.locator,
        )
        for key, g in checked.glossary.items()
    )
    session.flush()
    _apply_state(session, backup.state)
    derived.after_load(session)  # with the archived points, which no longer count
    return counts | {"citations": citations}


def _count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _apply_state(session: Session, state: dict[str, mapdoc.NodeState]) -> None:
    """Statuses and outcomes from node_state, a statement for each node it names; then the keys the export made
    up from ids are dropped again, store.BATCH rows a statement, so the restored rows are keyless as their
    originals were."""
    sources = dict(session.exec(select(Source.key, Source.id)).all())
    for key, entry in state.items():
        values: dict = {"status": entry.status}
        if entry.outcome and entry.outcome_citation:
            cited = entry.outcome_citation
            values |= {
                "outcome": entry.outcome,
                "outcome_on": entry.outcome_on,
                "outcome_reason": entry.outcome_reason,
                "outcome_source_id": sources[cited.source],
                "outcome_quote": cited.quote,
                "outcome_locator": cited.locator,
            }
        session.execute(update(Node).where(col(Node.key) == key).values(**values))
    for model, prefix in ((Node, "node"), (Source, "source"), (Voice, "voice")):
        keyed = session.exec(select(model.id, model.key).where(col(model.key).like(f"{prefix}-%"))).all()
        made = [row_id for row_id, key in keyed if key and mapdoc.made_up(key, prefix)]
        for start in range(0, len(made), store.BATCH):
            session.execute(update(model).where(col(model.id).in_(made[start : start + store.BATCH])).values(key=None))
    session.flush()
