"""Write checked seeds into the database: rows are found by key and updated in place, so that loading the same
seeds again changes nothing and what users added (points, links, citations without a key) is left alone."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from .. import derived, edits
from ..models import (
    Citation,
    Debate,
    DebateTheme,
    GlossaryTerm,
    Link,
    Node,
    NodeTheme,
    Revision,
    Source,
    Theme,
    Voice,
    utcnow,
)
from ..text import render_markdown
from .entries import NodeSeed, SeedSet
from .merging import merge_node


def _assign(row, values: dict) -> bool:
    """Set changed attributes only; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _upsert(session: Session, model, rows_by_key: dict, key: str, values: dict, key_field: str = "key") -> bool:
    """The row `key` of `rows_by_key` added, or brought into line with `values`; True when anything was written."""
    row = rows_by_key.get(key)
    if row is None:
        row = model(**{key_field: key}, **values)
        session.add(row)
        rows_by_key[key] = row
        return True
    return _assign(row, values)


def _existing(session: Session, model, key_field: str = "key") -> dict:
    column = getattr(model, key_field)
    return {getattr(row, key_field): row for row in session.exec(select(model).where(column.is_not(None)))}


def catalogue(session: Session, seeds: SeedSet, *, update: bool) -> tuple[dict, dict, dict, int]:
    """The themes, sources and voices `seeds` defines, as three dicts of rows by key (each with every such row in
    the database, too). One missing is added; one already there is brought into line with the seeds when `update`
    (seeding again), and reused as it is otherwise (an import, which must not change what is here). The fourth
    value counts the rows added or changed."""
    themes, sources, voices = _existing(session, Theme), _existing(session, Source), _existing(session, Voice)
    wanted = [
        (Theme, themes, {key: {"name": t.name, "description": t.description} for key, t in seeds.themes.items()}),
        (Source, sources, {key: s.model_dump(exclude={"key", "voice"}) for key, s in seeds.sources.items()}),
        (
            Voice,
            voices,
            {
                key: {"name": v.name, "role": v.role, "organisation": v.organisation, "group_name": v.group}
                for key, v in seeds.voices.items()
            },
        ),
    ]
    written = 0
    for model, rows, values_by_key in wanted:
        for key, values in values_by_key.items():
            if update or key not in rows:
                written += _upsert(session, model, rows, key, values)
    return themes, sources, voices, written


def node_values(n: NodeSeed, debate_id: int, voices: dict) -> dict[str, Any]:
    """The columns of the point `n` that its seed gives, in the debate `debate_id`, with its voice's row id taken
    from `voices` (rows by key)."""
    return {
        "debate_id": debate_id,
        "kind": n.kind,
        "title": n.title,
        "annotation": n.annotation,
        "annotation_html": render_markdown(n.annotation),
        "voice_id": voices[n.voice].id,
        "argued_on": n.argued_on,
        "happened_on": n.happened_on,
    }


@dataclass
class Loaded:
    """What a load wrote: `held`, what the seeds hold, counted by kind of row; `added` and `changed`, how many of
    their points were new or differed from the database; `merged`, how many old points were folded into others;
    `links`, how many links, citations and themes of seeded points were added, removed or changed; `described`,
    how many themes, sources, voices, debates and glossary terms were added or changed."""

    held: dict[str, int]
    added: int = 0
    changed: int = 0
    merged: int = 0
    links: int = 0  # links, citations and themes of seeded points added, removed or changed
    described: int = 0  # themes, sources, voices, debates and glossary terms added or changed
    reseeded: int = 0  # points users had edited that the seeds changed again; each kept as a new version

    @property
    def unchanged(self) -> bool:
        """True when the database already held everything in the seeds as it is."""
        return not (self.added or self.changed or self.merged or self.links or self.described)


def load(session: Session, seeds: SeedSet, *, derive: bool = True) -> Loaded:
    """Write `seeds` into the session's open transaction; returns counts of what the seeds hold. With `derive`
    False the derived values (standing, sides, support) are left for the caller's `derived.after_load`, for a
    caller that writes more before they are worked out. The seeds must have been read whole (`read`,
    `read_document`): ValueError for a map read as a stream, which holds no point's seed."""
    if len(seeds.nodes) != len(seeds.outlines):
        raise ValueError("seeds.load writes seeds read whole; a map read as a stream is written by formats.store")
    themes, sources, voices, described = catalogue(session, seeds, update=True)
    debates = _existing(session, Debate, "slug")
    for key, d in seeds.debates.items():
        values = {"title": d.title, "summary": d.summary, "summary_html": render_markdown(d.summary)}
        described += _upsert(session, Debate, debates, key, values, key_field="slug")
    session.flush()

    nodes = _existing(session, Node)
    edited = _edited(session)  # before anything is written: the seeded points users have changed
    merges = _take_over_replaced(seeds, nodes)
    added = changed = 0
    for key, n in seeds.nodes.items():
        values = node_values(n, debates[seeds.debate_of[key]].id, voices)
        row = nodes.get(key)
        if row is None:
            nodes[key] = Node(key=key, **values)
            session.add(nodes[key])
            added += 1
        elif _assign(row, values):
            row.updated_at = utcnow()
            changed += 1
    session.flush()
    for key, d in seeds.debates.items():
        described += _assign(debates[key], {"thesis_id": nodes[d.thesis].id if d.thesis else None})
    for old, kept in merges:
        merge_node(session, old, kept)

    terms = _existing(session, GlossaryTerm)
    for key, g in seeds.glossary.items():
        values = {
            "term": g.term,
            "expansion": g.expansion,
            "definition": g.definition,
            "source_id": sources[g.citation.source].id,
            "quote": g.citation.quote,
            "locator": g.citation.locator,
        }
        described += _upsert(session, GlossaryTerm, terms, key, values)
    by_id = {row.id: key for key, row in nodes.items()}
    relinked = _sync_links(session, seeds, nodes, by_id)
    relinked += _sync_citations(session, seeds, nodes, sources) + _sync_themes(session, seeds, nodes, debates, themes)
    reseeded = _record_reseeded(session, edited, nodes)
    if derive:
        derived.after_load(session)
    held = {
        "debates": len(seeds.debates),
        "nodes": len(seeds.nodes),
        "sources": len(seeds.sources),
        "voices": len(seeds.voices),
        "citations": sum(len(n.citations) for n in seeds.nodes.values()),
    }
    return Loaded(
        held,
        added=added,
        changed=changed,
        merged=len(merges),
        links=relinked,
        described=described,
        reseeded=reseeded,
    )


def _edited(session: Session) -> dict[int, str]:
    """{id: content of its latest version} of every seeded point that has versions: points users have edited,
    archived, linked or given an outcome (a point loaded from the seeds has none). One query."""
    latest = (
        select(Revision.node_id, func.max(Revision.number).label("number"))
        .join(Node, Node.id == Revision.node_id)
        .where(KEYED)
        .group_by(Revision.node_id)
        .subquery()
    )
    rows = session.exec(
        select(Revision.node_id, Revision.content).join(
            latest, (latest.c.node_id == Revision.node_id) & (latest.c.number == Revision.number)
        )
    )
    return dict(rows.all())


def _record_reseeded(session: Session, edited: dict[int, str], nodes: dict) -> int:
    """Keep as a new version ('seeded') every point users had edited whose content the seeds just changed, so
    that their version stays in its history and the change is seen there. Returns how many there were."""
    count = 0
    for row in nodes.values():
        if row.id in edited and json.loads(edited[row.id]) != edits.snapshot(session, row):
            edits.record(session, row, "seeded", None, "Brought into line with the seed files")
            count += 1
    return count


def _take_over_replaced(seeds: SeedSet, nodes: dict) -> list[tuple[Node, Node]]:
    """Pairs (old row, kept row) for every replaced key still in the database. A kept key that is new takes over
    the first old row still there (renamed in place, so its number stays); `nodes` is updated to match."""
    pairs = []
    for key, n in seeds.nodes.items():
        for old in n.replaces:
            row = nodes.pop(old, None)
            if row is None:
                continue
            if key not in nodes:
                row.key = key
                nodes[key] = row
            else:
                pairs.append((row, key))
    return [(row, nodes[key]) for row, key in pairs]


# Rows of seeded nodes are found by a join, not by listing their ids: a backup's list would outgrow the
# 65,535 parameters PostgreSQL takes in one statement.
KEYED = Node.key.is_not(None)


def _sync_links(session: Session, seeds: SeedSet, nodes: dict, by_id: dict) -> int:
    """Links between seeded nodes mirror the seeds; links a user made are left alone. Returns how many links were
    added, removed or changed."""
    wanted, touched = {}, 0
    for key, n in seeds.nodes.items():
        for position, (parent, relation) in enumerate(n.parents()):
            wanted[(nodes[key].id, nodes[parent].id)] = (relation, position)
    seeded_ids = set(by_id)
    for link in session.exec(select(Link).join(Node, Node.id == Link.child_id).where(KEYED)):
        if link.child_id not in seeded_ids or link.parent_id not in seeded_ids:
            continue
        target = wanted.pop((link.child_id, link.parent_id), None)
        if target is None and link.created_by_id is None:  # a seeded link the seeds no longer make
            session.delete(link)
            touched += 1
        elif target is None:  # a link a user made between two seeded points: theirs, kept
            continue
        else:
            touched += _assign(link, {"relation": target[0], "position": target[1]})
    for (child_id, parent_id), (relation, position) in wanted.items():
        session.add(Link(child_id=child_id, parent_id=parent_id, relation=relation, position=position))
    return touched + len(wanted)


def _sync_citations(session: Session, seeds: SeedSet, nodes: dict, sources: dict) -> int:
    """Each seeded point's citations are the seeds' ones, in order. Returns how many points' citations changed."""
    current: dict[int, list[Citation]] = {}
    touched = 0
    keyed = select(Citation).join(Node, Node.id == Citation.node_id).where(KEYED).order_by(Citation.position)
    for citation in session.exec(keyed):
        current.setdefault(citation.node_id, []).append(citation)
    for key, n in seeds.nodes.items():
        node_id = nodes[key].id
        wanted = [(sources[c.source].id, c.quote, c.locator) for c in n.citations]
        have = [(c.source_id, c.quote, c.locator) for c in current.get(node_id, [])]
        if wanted == have:
            continue
        touched += 1
        for citation in current.get(node_id, []):
            session.delete(citation)
        for position, (source_id, quote, locator) in enumerate(wanted):
            session.add(Citation(node_id=node_id, source_id=source_id, quote=quote, locator=locator, position=position))
    return touched


def _sync_themes(session: Session, seeds: SeedSet, nodes: dict, debates: dict, themes: dict) -> int:
    """Seeded points' and debates' themes are the seeds' ones. Returns how many were added or removed."""
    touched = 0
    node_ids = {nodes[key].id for key in seeds.nodes}
    keyed = select(NodeTheme).join(Node, Node.id == NodeTheme.node_id).where(KEYED)
    have = {(r.node_id, r.theme_id) for r in session.exec(keyed) if r.node_id in node_ids}
    want = {(nodes[k].id, themes[t].id) for k, n in seeds.nodes.items() for t in n.themes}
    touched += len(want ^ have)
    for node_id, theme_id in want - have:
        session.add(NodeTheme(node_id=node_id, theme_id=theme_id))
    for node_id, theme_id in have - want:
        session.delete(session.get(NodeTheme, (node_id, theme_id)))
    debate_ids = [debates[k].id for k in seeds.debates]
    have = {
        (r.debate_id, r.theme_id)
        for r in session.exec(select(DebateTheme).where(DebateTheme.debate_id.in_(debate_ids)))
    }
    want = {(debates[k].id, themes[t].id) for k, d in seeds.debates.items() for t in d.themes}
    for debate_id, theme_id in want - have:
        session.add(DebateTheme(debate_id=debate_id, theme_id=theme_id))
    for debate_id, theme_id in have - want:
        session.delete(session.get(DebateTheme, (debate_id, theme_id)))
    return touched + len(want ^ have)
