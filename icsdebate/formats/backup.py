"""Restoring a backup (export --all) into an empty database: every debate as it was exported."""

from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, select

from .. import derived, seeds
from ..models import Debate, GlossaryTerm, Node, Source, Theme, Voice
from . import FormatError, mapdoc

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


def read(document: dict, name: str) -> Backup:
    """Validate a backup document whole; FormatError lists each problem and where it is."""
    return with_state(mapdoc.validate(document, name), document.get(mapdoc.STATE, []), name)


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
        ("node", entry.key, seed_set.nodes),
        ("debate", entry.debate, seed_set.debates),
        ("source", entry.outcome_citation and entry.outcome_citation.source, seed_set.sources),
    ]
    return [
        f"{label}: {what} '{key}' is not defined in the backup"
        for what, key, known in named
        if key and key not in known
    ]


def restore(session: Session, backup: Backup) -> dict[str, int]:
    """Write the backup into the session's open transaction; refused when the database holds any map already,
    so that nothing is overwritten. Returns what was restored, counted."""
    held = [f"{n} {what}" for what, n in ((what, _count(session, model)) for what, model in HELD.items()) if n]
    if held:
        raise RestoreError(
            f"The database already holds {', '.join(held)}. A backup is restored only into an empty "
            "database, so that nothing here is overwritten: restore it into a new database (after "
            "init-db), or import a single debate's export to add that debate as a copy."
        )
    counts = seeds.load(session, backup.seeds, derive=False).held
    _apply_state(session, backup.state)
    derived.after_load(session)  # with the archived points, which no longer count
    return counts


def _count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _apply_state(session: Session, state: dict[str, mapdoc.NodeState]) -> None:
    """Statuses and outcomes from node_state; then the keys the export made up from ids are dropped again, so the
    restored rows are keyless as their originals were."""
    sources = {source.key: source.id for source in session.exec(select(Source))}
    for node in session.exec(select(Node)):
        entry = state.get(node.key)
        if entry:
            node.status = entry.status
        if entry and entry.outcome:
            node.outcome, node.outcome_on, node.outcome_reason = entry.outcome, entry.outcome_on, entry.outcome_reason
            cited = entry.outcome_citation
            node.outcome_source_id = sources[cited.source]
            node.outcome_quote, node.outcome_locator = cited.quote, cited.locator
    for model, prefix in ((Node, "node"), (Source, "source"), (Voice, "voice")):
        for row in session.exec(select(model).where(model.key.like(f"{prefix}-%"))):
            if mapdoc.made_up(row.key, prefix):
                row.key = None
    session.flush()
