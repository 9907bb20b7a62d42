"""Which side of each debate's thesis every point argues, stored, with tallies a page reads in one query.

A point argues *for* a thesis when a path of links leads from it up to the thesis with an even number of
'opposes' links on it (supporting a point for the thesis, or opposing a point against it), *against* when the
number is odd, and *on both sides* when it has paths of both kinds. Only active points and links between them
count. A point linked under points of two debates has a side in each, and counts once in each debate however
many parents it has there.

`NodeSide` keeps one row per (point, debate it reaches); `SideTally` and `SideVoiceTally` count those rows by side
and kind, and by side and voice, so that the home and debate pages read their counts with one small query whatever
the size of the debate. Every write that changes links, status, kind or voice calls `refresh` for the points it
touched (their descendants are worked out again too); bulk loads call `refresh_all`. Both walk the graph with
loops over rows read in three queries, never by recursion in Python.
"""
from collections import defaultdict, deque

from sqlalchemy import bindparam, text
from sqlmodel import Session

from .models import Debate

FOR, AGAINST, BOTH, THESIS = "for", "against", "both", "thesis"
PARITIES = {FOR: frozenset({0}), AGAINST: frozenset({1}), BOTH: frozenset({0, 1}), THESIS: frozenset({0})}
NAMES = {frozenset({0}): FOR, frozenset({1}): AGAINST, frozenset({0, 1}): BOTH}

_DOWN = """
    WITH RECURSIVE down(id) AS (
        SELECT node.id FROM node WHERE node.id IN :ids
        UNION
        SELECT link.child_id FROM link JOIN down ON link.parent_id = down.id
    )"""
_NODES = text(_DOWN + """
    SELECT node.id, node.kind, node.voice_id, node.status FROM node JOIN down ON down.id = node.id
""").bindparams(bindparam("ids", expanding=True))
_LINKS = text(_DOWN + """
    SELECT link.child_id, link.parent_id, link.relation, parent.status
    FROM link JOIN down ON down.id = link.child_id JOIN node AS parent ON parent.id = link.parent_id
""").bindparams(bindparam("ids", expanding=True))
_STORED = text(_DOWN + """
    SELECT nodeside.node_id, nodeside.debate_id, nodeside.side, nodeside.kind, nodeside.voice_id
    FROM nodeside WHERE nodeside.node_id IN (SELECT id FROM down)
        OR nodeside.node_id IN (SELECT link.parent_id FROM link JOIN down ON down.id = link.child_id)
""").bindparams(bindparam("ids", expanding=True))

_TALLY = {
    "sidetally": ("debate_id, side, kind", "INSERT INTO sidetally (debate_id, side, kind, n) "
                  "VALUES (:debate_id, :side, :kind, :n) ON CONFLICT (debate_id, side, kind) "
                  "DO UPDATE SET n = sidetally.n + excluded.n"),
    "sidevoicetally": ("debate_id, side, voice_id", "INSERT INTO sidevoicetally (debate_id, side, voice_id, n) "
                       "VALUES (:debate_id, :side, :voice_id, :n) ON CONFLICT (debate_id, side, voice_id) "
                       "DO UPDATE SET n = sidevoicetally.n + excluded.n"),
}


def refresh(session: Session, node_ids: list[int]) -> None:
    """Work out again the sides of `node_ids` and of every point below them, store what changed and move the
    tallies by the difference. Cost grows with the branches below `node_ids`, not with the debate."""
    session.flush()
    if not node_ids:
        return
    params = {"ids": sorted(set(node_ids))}
    nodes = {row[0]: row[1:] for row in session.exec(_NODES, params=params)}  # id -> (kind, voice, status)
    links = session.exec(_LINKS, params=params).all()
    stored: dict[tuple[int, int], tuple[str, str, int | None]] = {}
    outside: dict[int, dict[int, frozenset]] = defaultdict(dict)  # parent above the branch -> {debate: parities}
    for node_id, debate_id, side, kind, voice_id in session.exec(_STORED, params=params):
        if node_id in nodes:
            stored[(node_id, debate_id)] = (side, kind, voice_id)
        else:
            outside[node_id][debate_id] = PARITIES[side]
    theses = dict(session.exec(text("SELECT thesis_id, id FROM debate WHERE thesis_id IS NOT NULL")).all()) \
        if any(kind == "thesis" for kind, _, _ in nodes.values()) else {}

    parents: dict[int, list[tuple[int, int]]] = defaultdict(list)  # child -> [(parent, 1 if opposes)]
    inside: dict[int, list[int]] = defaultdict(list)  # parent in the branch -> children
    waiting = dict.fromkeys(nodes, 0)
    for child_id, parent_id, relation, parent_status in links:
        if parent_status != "active" or nodes[child_id][2] != "active":
            continue
        parents[child_id].append((parent_id, 1 if relation == "opposes" else 0))
        if parent_id in nodes:
            inside[parent_id].append(child_id)
            waiting[child_id] += 1

    parities: dict[int, dict[int, frozenset]] = {}
    queue = deque(node_id for node_id, count in waiting.items() if count == 0)
    while queue:  # top-down, each point after every parent in the branch (the graph has no circles)
        node_id = queue.popleft()
        kind, _voice, status = nodes[node_id]
        reached: dict[int, set[int]] = defaultdict(set)
        if status == "active" and node_id in theses:
            reached[theses[node_id]].add(0)
        for parent_id, flip in parents[node_id]:
            for debate_id, values in (parities.get(parent_id) or outside.get(parent_id) or {}).items():
                reached[debate_id].update((value + flip) % 2 for value in values)
        parities[node_id] = {debate_id: frozenset(values) for debate_id, values in reached.items()}
        for child_id in inside[node_id]:
            waiting[child_id] -= 1
            if waiting[child_id] == 0:
                queue.append(child_id)

    fresh = {}
    for node_id, by_debate in parities.items():
        kind, voice_id, _status = nodes[node_id]
        for debate_id, values in by_debate.items():
            side = THESIS if theses.get(node_id) == debate_id else NAMES[values]
            fresh[(node_id, debate_id)] = (side, kind, voice_id)
    _store(session, stored, fresh)


def refresh_all(session: Session, debate_ids: list[int] | None = None) -> None:
    """Work out the sides of every point of `debate_ids` (of every debate when None) after a bulk load."""
    query = text("SELECT thesis_id FROM debate WHERE thesis_id IS NOT NULL")
    theses = [thesis for (thesis,) in session.exec(query)] if debate_ids is None else [
        debate.thesis_id for debate_id in debate_ids if (debate := session.get(Debate, debate_id)) and debate.thesis_id]
    refresh(session, theses)


def _store(session: Session, stored: dict, fresh: dict) -> None:
    gone = [key for key, row in stored.items() if fresh.get(key) != row]
    new = [key for key, row in fresh.items() if stored.get(key) != row]
    deltas = {"sidetally": defaultdict(int), "sidevoicetally": defaultdict(int)}
    for rows, keys, sign in ((stored, gone, -1), (fresh, new, 1)):
        for node_id, debate_id in keys:
            side, kind, voice_id = rows[(node_id, debate_id)]
            deltas["sidetally"][(debate_id, side, kind)] += sign
            if voice_id is not None:
                deltas["sidevoicetally"][(debate_id, side, voice_id)] += sign
    for start in range(0, len(gone), 500):
        session.execute(text("DELETE FROM nodeside WHERE node_id = :node_id AND debate_id = :debate_id"),
                        [{"node_id": n, "debate_id": d} for n, d in gone[start:start + 500]])
    if new:
        session.execute(text("INSERT INTO nodeside (node_id, debate_id, side, kind, voice_id) "
                          "VALUES (:node_id, :debate_id, :side, :kind, :voice_id)"),
                        [{"node_id": n, "debate_id": d, "side": fresh[(n, d)][0], "kind": fresh[(n, d)][1],
                          "voice_id": fresh[(n, d)][2]} for n, d in new])
    for table, delta in deltas.items():
        names = _TALLY[table][0].split(", ")
        rows = [{**dict(zip(names, key)), "n": n} for key, n in delta.items() if n]
        if rows:
            session.execute(text(_TALLY[table][1]), rows)
