"""The argument map as a picture: the points under a node, to the depth and breadth the reader chose, laid out
top-down by Graphviz, each point coloured by the side it takes on the debate's thesis.

What a map costs is bounded by what it shows, not by the debate: at most MAX_POINTS points are drawn, the
strongest replies of each point first (by strength.py's rule), and the replies left out are
drawn as one "+N more" box per point that opens that point's own map. The layout (Graphviz's output) is kept
per content version, so a map is laid out once per change to the site, whoever asks for it."""

import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field
from threading import Lock

import graphviz
from cachetools import LRUCache
from flask import current_app
from markupsafe import escape
from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from .models import Node, Voice

MAX_POINTS = 100  # points drawn at most, however many levels and replies are asked for: keeps a map page small
BREADTHS = (3, 5, 8, 12, 20)  # replies drawn under each point, the reader's choice
DEFAULT_BREADTH = 5
SHAPES = {"thesis": "box", "claim": "box", "evidence": "note", "question": "ellipse", "event": "cds"}
# fill and border of a point by the side it takes on the thesis: the same greens and reds as the site's columns
SIDES = {
    "thesis": ("#ffffff", "#1b2a33"),
    "for": ("#e3f2e8", "#1f7a4d"),
    "against": ("#fbe5e2", "#b03a2e"),
    "both": ("#eef0f2", "#5f6b73"),
}
SIDE_WORDS = {
    "thesis": "Thesis",
    "for": "For the thesis",
    "against": "Against the thesis",
    "both": "For and against (reached both ways)",
}
EDGE_COLOUR = "#5f6b73"

DOT_TIMEOUT = 20  # seconds `dot` may take before the map is given up for now
TOOLTIP = re.compile(r'((?:xlink:)?)title="@tooltip(\d+)@"')  # put in after layout: Graphviz unescapes tooltips twice
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class DiagramUnavailable(RuntimeError):
    """The map cannot be drawn just now: Graphviz's `dot` is missing, failed or took too long."""


@dataclass
class Picture:
    """A drawn map: `svg` (markup from Graphviz), the points and links drawn, the replies left out, and the
    points in drawing order as (node id, title, side) for the reader's "centre on" list."""

    svg: str
    nodes: int
    edges: int
    hidden: int
    points: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.hidden > 0


_UP = text("""
    WITH RECURSIVE up(id, against) AS (
        SELECT CAST(:root AS INTEGER), 0
        UNION
        SELECT link.parent_id, (up.against + CASE WHEN link.relation = 'opposes' THEN 1 ELSE 0 END) % 2
        FROM link JOIN up ON link.child_id = up.id
    )
    SELECT DISTINCT up.against FROM up JOIN debate ON debate.thesis_id = up.id
""")

# The strongest `breadth` replies of each point of one level, by the site's one rule (strength.py): standing
# (stands, undecided, answered), then the support beneath, then the order they were added.
_LEVEL = text("""
    SELECT id, child_id, parent_id, relation FROM (
        SELECT link.id, link.child_id, link.parent_id, link.relation, row_number() OVER (
            PARTITION BY link.parent_id
            ORDER BY CASE node.standing WHEN 'stands' THEN 0 WHEN 'undecided' THEN 1 ELSE 2 END,
                     node.support DESC, link.position, link.id) AS rank
        FROM link JOIN node ON node.id = link.child_id
        WHERE link.parent_id IN :ids AND node.status = 'active'
    ) AS ranked WHERE rank <= :breadth
""").bindparams(bindparam("ids", expanding=True))

_REPLIES = text("SELECT node_id, sum(n) FROM childtally WHERE node_id IN :ids GROUP BY node_id").bindparams(
    bindparam("ids", expanding=True)
)


def plain(text: str) -> graphviz.quoting.NoHtml:
    """`text` as a DOT string Graphviz shows literally: never an HTML-like label (even when it reads `<...>`),
    backslashes doubled so that escapes such as `\\N` or `\\l` stay text, `&` written as `&amp;` so that
    entities such as `&#106;` stay text, control characters dropped.
    Quotes are escaped by python-graphviz when the string is quoted."""
    return graphviz.nohtml(CONTROL.sub("", text).replace("\\", "\\\\").replace("&", "&amp;"))


def _label(title: str, heading: str = "") -> graphviz.quoting.NoHtml:
    """A title wrapped to at most four lines of about 26 characters, as literal text, under a `heading` line
    (the side, in words) when one is given."""
    lines = textwrap.wrap(CONTROL.sub(" ", title), 26) or [""]
    shown = [str(plain(line)) for line in lines[:4]]
    return graphviz.nohtml("\\n".join(([heading] if heading else []) + shown) + ("…" if len(lines) > 4 else ""))


def _svg(source: str) -> str:
    """The SVG `dot` lays out from DOT `source`; DiagramUnavailable when dot is missing, fails or times out."""
    try:
        result = subprocess.run(
            ["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=DOT_TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise DiagramUnavailable("Drawing the map needs Graphviz (apt-get install graphviz).") from None
    except subprocess.TimeoutExpired:
        raise DiagramUnavailable("Drawing this map took too long.") from None
    svg = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0 or "<svg" not in svg:
        raise DiagramUnavailable("Graphviz could not lay out this map.")
    return svg[svg.index("<svg") :]


def root_side(session: Session, root_id: int) -> str:
    """The side `root_id` takes on its debate's thesis: "thesis", "for", "against", or "both" when one path up
    passes through an even number of oppositions and another through an odd number. One query."""
    kinds = {row[0] for row in session.exec(_UP, params={"root": root_id}).all()}
    if session.get(Node, root_id).kind == "thesis":
        return "thesis"
    return "both" if len(kinds) > 1 else "against" if kinds == {1} else "for"


def _flip(side: str, relation: str) -> str:
    if side == "both":
        return "both"
    base = "for" if side in ("thesis", "for") else "against"
    if relation == "answers":  # a position answering a question takes no side of it
        return "both" if side == "thesis" else side
    return base if relation == "supports" else ("against" if base == "for" else "for")


def kept(key: tuple, make):
    """What `make()` returns, kept in the process's map cache (MAP_CACHE_MB, bounded in bytes, least recently
    used first out) under `key`, which must name the content version it was made at."""
    app = current_app._get_current_object()
    if "map_layouts" not in app.extensions:
        size = app.config.get("MAP_CACHE_MB", 16) * 1024 * 1024
        app.extensions["map_layouts"] = (LRUCache(maxsize=max(size, 1), getsizeof=_weight), Lock())
    pages, lock = app.extensions["map_layouts"]
    with lock:
        value = pages.get(key)
    if value is None:
        value = make()
        with lock:
            pages[key] = value
    return value


def _weight(value) -> int:
    """Roughly the bytes a kept value holds: its pictures' SVG."""
    values = value if isinstance(value, tuple) else (value,)
    return sum(len(v.svg) for v in values if isinstance(v, Picture)) + 1024


def draw(
    session: Session,
    *,
    root_id: int,
    depth: int,
    breadth: int = DEFAULT_BREADTH,
    link_to,
    map_to,
    version: int | None = None,
) -> Picture:
    """An SVG of the points within `depth` levels below `root_id`, the strongest `breadth` replies of each,
    at most MAX_POINTS in all; the rest as "+N more" boxes linking to `map_to(node_id)`.

    `link_to(node_id)` and `map_to(node_id)` give the addresses a point and its own map open. When `version`
    (the site's content version) is given, the picture is kept under it and served again until the next
    write. Queries: one for the root's side, one per level drawn, two for the points and their reply counts.
    Raises DiagramUnavailable when Graphviz is missing, fails or takes longer than DOT_TIMEOUT seconds."""

    def make():
        return _draw(session, root_id=root_id, depth=depth, breadth=breadth, link_to=link_to, map_to=map_to)

    if version is None:
        return make()
    return kept(("svg", version, root_id, depth, breadth), make)


def _draw(session: Session, *, root_id: int, depth: int, breadth: int, link_to, map_to) -> Picture:
    """The picture itself; every text from users reaches `dot` as literal text (see `plain`)."""
    if shutil.which("dot") is None:
        raise DiagramUnavailable("Drawing the map needs Graphviz (apt-get install graphviz).")
    sides = {root_id: root_side(session, root_id)}
    order = [root_id]
    edges: list[tuple[int, int, int, str, bool]] = []  # (link id, child, parent, relation, second parent)
    drawn_under: dict[int, int] = {}
    frontier = [root_id]
    for _level in range(depth):
        if not frontier or len(order) >= MAX_POINTS:
            break
        place = {node_id: index for index, node_id in enumerate(frontier)}
        rows = sorted(
            session.exec(_LEVEL, params={"ids": frontier, "breadth": breadth}).all(), key=lambda row: place[row[2]]
        )
        following = []
        for link_id, child_id, parent_id, relation in rows:
            side = _flip(sides[parent_id], relation)
            if child_id in sides:  # reached again: a second parent, drawn as a dotted link
                if sides[child_id] != side and sides[child_id] != "thesis":
                    sides[child_id] = "both"
                edges.append((link_id, child_id, parent_id, relation, True))
            elif len(order) < MAX_POINTS:
                sides[child_id] = side
                order.append(child_id)
                following.append(child_id)
                edges.append((link_id, child_id, parent_id, relation, False))
            else:
                continue
            drawn_under[parent_id] = drawn_under.get(parent_id, 0) + 1
        frontier = following
    rows = session.exec(select(Node, Voice).outerjoin(Voice, Voice.id == Node.voice_id).where(Node.id.in_(order))).all()
    nodes = {node.id: (node, voice) for node, voice in rows}
    replies = dict(session.exec(_REPLIES, params={"ids": order}).all())

    graph = graphviz.Digraph(
        graph_attr={
            "rankdir": "TB",
            "bgcolor": "transparent",
            "nodesep": "0.25",
            "ranksep": "0.45",
            "fontname": "Helvetica",
        },
        node_attr={
            "fontname": "Helvetica",
            "fontsize": "14",
            "style": "filled,rounded",
            "margin": "0.14,0.08",
            "penwidth": "1.6",
        },
        edge_attr={"arrowsize": "0.8", "penwidth": "1.4", "color": EDGE_COLOUR},
    )
    points, hidden, tooltips = [], 0, []
    for node_id in order:
        node, voice = nodes[node_id]
        side = sides[node_id]
        fill, border = SIDES[side]
        style = (
            "filled,bold"
            if node.kind == "thesis"
            else "filled"
            if node.kind in ("evidence", "event")
            else "filled,rounded"
        )
        heading = {"thesis": "THESIS", "for": "FOR", "against": "AGAINST", "both": "FOR AND AGAINST"}[side]
        tooltips.append(f"{SIDE_WORDS[side]}. {node.kind}: {node.title} — {voice.name if voice else 'unattributed'}")
        graph.node(
            str(node.id),
            _label(node.title, heading),
            shape=SHAPES[node.kind],
            fillcolor=fill,
            color=border,
            style=style,
            fontcolor="#1b2a33",
            tooltip=f"@tooltip{len(tooltips) - 1}@",
            URL=link_to(node.id),
            target="_top",
            id=f"node_{node.id}",
            **{"class": f"kind_{node.kind} side_{side}"},
        )
        points.append((node.id, node.title, side))
        left_out = int(replies.get(node_id) or 0) - drawn_under.get(node_id, 0)
        if left_out > 0:
            hidden += left_out
            where = "list them on its page" if node_id == root_id else "open its own map"
            tooltips.append(f"{left_out} more repl{'y' if left_out == 1 else 'ies'} to “{node.title}”: {where}")
            graph.node(
                f"more_{node.id}",
                f"+{left_out} more\nrepl{'y' if left_out == 1 else 'ies'}",
                shape="box",
                style="dashed,rounded",
                color=EDGE_COLOUR,
                fontcolor="#1b2a33",
                fontsize="12",
                tooltip=f"@tooltip{len(tooltips) - 1}@",
                URL=link_to(node.id) if node_id == root_id else map_to(node.id),
                target="_top",
                id=f"more_{node.id}",
                **{"class": "more"},
            )
            graph.edge(str(node.id), f"more_{node.id}", style="dashed", dir="none", **{"class": "more"})
    for link_id, child_id, parent_id, relation, second in edges:
        graph.edge(
            str(parent_id),
            str(child_id),
            dir="back",
            arrowtail="normal" if relation == "supports" else "tee",
            style="dotted" if second else "solid",
            id=f"edge_{link_id}",
            **{"class": relation},
        )
    svg = TOOLTIP.sub(lambda m: f'{m[1]}title="{escape(CONTROL.sub("", tooltips[int(m[2])]))}"', _svg(graph.source))
    return Picture(_compact(svg), len(order), len(edges), hidden, points)


_TEXT = ' font-family="Helvetica,sans-Serif" font-size="14.00" fill="#1b2a33"'


def _compact(svg: str) -> str:
    """Graphviz's SVG without what it repeats on every line: comments, the ids it writes as <title>s (the
    tooltips say what a box is), and the label font, set once on the whole graph and inherited."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    svg = re.sub(r"<title>[^<]*</title>\n?", "", svg)
    svg = svg.replace(' text-anchor="middle"', "").replace(_TEXT, "")
    return svg.replace('<g id="graph0" class="graph"', f'<g id="graph0" class="graph" text-anchor="middle"{_TEXT}', 1)
