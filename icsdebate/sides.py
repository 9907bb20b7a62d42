"""Which side of each debate's thesis every point argues, stored, with tallies a page reads in one query.

A point argues *for* a thesis when a path of links leads from it up to the thesis with an even number of
'opposes' links on it (supporting a point for the thesis, or opposing a point against it), *against* when the
number is odd, and *on both sides* when it has paths of both kinds. Only active points and links between them
count. A point linked under points of two debates has a side in each, and counts once in each debate however
many parents it has there.

`NodeSide` keeps one row per (point, debate it reaches); `SideKindTally` and `SideVoiceTally` count those rows by side
and kind, and by side and voice, so that the home and debate pages read their counts with one small query whatever
the size of the debate; triggers on NodeSide keep the tallies (migration 0018). Every write reaches `refresh` for
the points it touched (their descendants are worked out again too), and every bulk load `refresh_all`, through
`derived`. Both walk the graph with loops over rows read in one query, never by recursion.
"""

from collections import defaultdict, deque

from sqlalchemy import bindparam, delete, insert, text
from sqlmodel import Session

from .models import NodeSide

FOR, AGAINST, BOTH, THESIS = "for", "against", "both", "thesis"
PARITIES = {FOR: frozenset({0}), AGAINST: frozenset({1}), BOTH: frozenset({0, 1}), THESIS: frozenset({0})}
NAMES = {frozenset({0}): FOR, frozenset({1}): AGAINST, frozenset({0, 1}): BOTH}

_READ = text("""
    WITH RECURSIVE down(id) AS (
        SELECT node.id FROM node WHERE node.id IN :ids
        UNION
        SELECT link.child_id FROM link JOIN down ON link.parent_id = down.id
    )
    SELECT 0, node.id, node.kind, node.voice_id, node.status, link.parent_id, link.relation, parent.status, led.id
    FROM node JOIN down ON down.id = node.id
    LEFT JOIN link ON link.child_id = node.id
    LEFT JOIN node AS parent ON parent.id = link.parent_id
    LEFT JOIN debate AS led ON led.thesis_id = node.id
    UNION ALL
    SELECT 1, nodeside.node_id, nodeside.side, nodeside.voice_id, nodeside.kind, nodeside.debate_id, NULL, NULL, NULL
    FROM nodeside WHERE nodeside.node_id IN (SELECT id FROM down)
        OR nodeside.node_id IN (SELECT link.parent_id FROM link JOIN down ON down.id = link.child_id)
""").bindparams(bindparam("ids", expanding=True))


def refresh(session: Session, node_ids: list[int]) -> None:
    """Work out again the sides of `node_ids` and of every point below them and store what changed (triggers move
    the tallies). One query to read, one or two to write; the work grows with the branches below `node_ids`, not
    with the debate."""
    session.flush()
    if not node_ids:
        return
    nodes: dict[int, tuple[str, int | None, str]] = {}  # id -> (kind, voice, status)
    links: list[tuple[int, int, str, str]] = []
    theses: dict[int, int] = {}  # thesis id -> its debate
    stored: dict[tuple[int, int], tuple[str, str, int | None]] = {}
    outside: dict[int, dict[int, frozenset]] = defaultdict(dict)  # parent above the branch -> {debate: parities}
    rows = session.exec(_READ, params={"ids": sorted(set(node_ids))}).all()
    for part, node_id, text_a, number_b, text_c, number_d, relation, parent_status, led in rows:
        if part == 0:
            nodes[node_id] = (text_a, number_b, text_c)
            if number_d is not None:
                links.append((node_id, number_d, relation, parent_status))
            if led is not None:
                theses[node_id] = led
    for part, node_id, side, voice_id, kind, debate_id, *_ in rows:
        if part == 1 and node_id in nodes:
            stored[(node_id, debate_id)] = (side, kind, voice_id)
        elif part == 1:
            outside[node_id][debate_id] = PARITIES[side]

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
        reached: dict[int, set[int]] = defaultdict(set)
        if nodes[node_id][2] == "active" and node_id in theses:
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


# Every point's sides after a bulk load, set-based: the walk down from each active thesis along links between active
# points keeps one row per (debate, point, parity), however many paths lead there, so its cost follows the links.
_FRESH = """
    WITH RECURSIVE walk(debate_id, id, parity) AS (
        SELECT debate.id, debate.thesis_id, 0 FROM debate JOIN node ON node.id = debate.thesis_id
        WHERE node.status = 'active' {debates}
        UNION
        SELECT walk.debate_id, link.child_id,
               (walk.parity + CASE WHEN link.relation = 'opposes' THEN 1 ELSE 0 END) % 2
        FROM walk JOIN link ON link.parent_id = walk.id JOIN node ON node.id = link.child_id
        WHERE node.status = 'active'
    ), fresh(node_id, debate_id, side) AS (
        SELECT walk.id, walk.debate_id, CASE
            WHEN debate.thesis_id = walk.id THEN 'thesis'
            WHEN min(walk.parity) <> max(walk.parity) THEN 'both'
            WHEN min(walk.parity) = 0 THEN 'for' ELSE 'against' END
        FROM walk JOIN debate ON debate.id = walk.debate_id
        GROUP BY walk.id, walk.debate_id, debate.thesis_id
    ), wanted(node_id, debate_id, side, kind, voice_id) AS (
        SELECT fresh.node_id, fresh.debate_id, fresh.side, node.kind, node.voice_id
        FROM fresh JOIN node ON node.id = fresh.node_id
    )
"""
_SAME = """
    wanted.node_id = nodeside.node_id AND wanted.debate_id = nodeside.debate_id AND wanted.side = nodeside.side
    AND wanted.kind = nodeside.kind AND (wanted.voice_id = nodeside.voice_id
        OR (wanted.voice_id IS NULL AND nodeside.voice_id IS NULL))
"""
_DROP = _FRESH + "DELETE FROM nodeside WHERE {rows} NOT EXISTS (SELECT 1 FROM wanted WHERE " + _SAME + ")"
_ADD = (
    "INSERT INTO nodeside (node_id, debate_id, side, kind, voice_id) "
    + _FRESH
    + "SELECT * FROM wanted WHERE NOT EXISTS (SELECT 1 FROM nodeside WHERE "
    + _SAME
    + ")"
)


def refresh_all(session: Session, debate_ids: list[int] | None = None) -> None:
    """Work out the sides of every point of `debate_ids` (of every debate when None) after a bulk load: two
    statements, one dropping the rows that no longer hold, one adding the missing ones (triggers move the tallies),
    so nothing of the graph is held in memory and a row that still holds is not touched. For `debate_ids`, only
    those debates' rows are worked out: debates just made, which nothing outside them leads to yet."""
    session.flush()
    if debate_ids is not None and not debate_ids:
        return
    scoped = debate_ids is not None
    params = {"ids": list(debate_ids or [])} if scoped else {}
    for statement, rows in ((_DROP, "nodeside.debate_id IN :ids AND"), (_ADD, "")):
        sql = text(statement.format(debates="AND debate.id IN :ids" if scoped else "", rows=rows if scoped else ""))
        session.execute(sql.bindparams(bindparam("ids", expanding=True)) if scoped else sql, params)


def _store(session: Session, stored: dict, fresh: dict, chunk: int = 1000) -> None:
    """Replace the rows of each point whose rows changed: per `chunk` points, a DELETE (when it had rows) and one
    multi-row INSERT, so that the statement triggers of PostgreSQL run once a chunk."""
    changed = sorted(
        {node_id for node_id, _ in stored.keys() ^ fresh.keys()}
        | {key[0] for key in stored.keys() & fresh.keys() if stored[key] != fresh[key]}
    )
    had = {node_id for node_id, _ in stored}
    by_node: dict[int, list[dict]] = defaultdict(list)
    for (node_id, debate_id), (side, kind, voice_id) in fresh.items():
        by_node[node_id].append(
            {"node_id": node_id, "debate_id": debate_id, "side": side, "kind": kind, "voice_id": voice_id}
        )
    table = NodeSide.__table__
    for start in range(0, len(changed), chunk):
        ids = changed[start : start + chunk]
        if had.intersection(ids):
            session.execute(delete(table).where(table.c.node_id.in_([n for n in ids if n in had])))
        values = [row for node_id in ids for row in by_node[node_id]]
        if values:
            session.execute(insert(table).values(values))
