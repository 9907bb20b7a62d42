"""The argument map as a picture: the tree under a node, to a chosen depth, laid out by Graphviz."""
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass

import graphviz
from markupsafe import escape
from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from .models import Link, Node, Voice

MAX_NODES = 1000
SHAPES = {"thesis": "box", "claim": "box", "evidence": "note", "question": "ellipse", "event": "cds"}
GROUP_COLOURS = ["#dbe9f6", "#fde2cf", "#e8e1f3", "#e0f0e3", "#f8e0e6", "#f3efd2", "#dcefef", "#ececec"]
EDGE_COLOURS = {"supports": "#1f7a4d", "opposes": "#b03a2e", "answers": "#5f6b7a"}


DOT_TIMEOUT = 20  # seconds `dot` may take before the map is given up for now
TOOLTIP = re.compile(r'((?:xlink:)?)title="@tooltip(\d+)@"')  # put in after layout: Graphviz unescapes tooltips twice
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class DiagramUnavailable(RuntimeError):
    """The map cannot be drawn just now: Graphviz's `dot` is missing, failed or took too long."""


@dataclass
class Picture:
    svg: str
    nodes: int
    edges: int
    truncated: bool
    groups: dict[str, str]


_DOWN = text("""
    WITH RECURSIVE down(id, depth) AS (
        SELECT CAST(:root AS INTEGER), 0
        UNION
        SELECT link.child_id, down.depth + 1 FROM link
        JOIN down ON link.parent_id = down.id
        JOIN node ON node.id = link.child_id
        WHERE node.status = 'active' AND down.depth < :depth
    )
    SELECT id, min(depth) AS depth FROM down GROUP BY id ORDER BY min(depth), id LIMIT :limit
""").bindparams(bindparam("limit"))


def plain(text: str) -> graphviz.quoting.NoHtml:
    """`text` as a DOT string Graphviz shows literally: never an HTML-like label (even when it reads `<...>`),
    backslashes doubled so that escapes such as `\\N` or `\\l` stay text, `&` written as `&amp;` so that
    entities such as `&#106;` stay text, control characters dropped.
    Quotes are escaped by python-graphviz when the string is quoted."""
    return graphviz.nohtml(CONTROL.sub("", text).replace("\\", "\\\\").replace("&", "&amp;"))


def _label(title: str) -> graphviz.quoting.NoHtml:
    """A title wrapped to at most four lines of about 30 characters, as literal text."""
    lines = textwrap.wrap(CONTROL.sub(" ", title), 30) or [""]
    shown = [str(plain(line)) for line in lines[:4]]
    return graphviz.nohtml("\\n".join(shown) + ("…" if len(lines) > 4 else ""))


def _svg(source: str) -> str:
    """The SVG `dot` lays out from DOT `source`; DiagramUnavailable when dot is missing, fails or times out."""
    try:
        result = subprocess.run(["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                                timeout=DOT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise DiagramUnavailable("Drawing the map needs Graphviz (apt-get install graphviz).") from None
    except subprocess.TimeoutExpired:
        raise DiagramUnavailable("Drawing this map took too long.") from None
    svg = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0 or "<svg" not in svg:
        raise DiagramUnavailable("Graphviz could not lay out this map.")
    return svg[svg.index("<svg"):]


def draw(session: Session, *, root_id: int, depth: int, link_to) -> Picture:
    """An SVG of the points within `depth` steps below `root_id` (at most MAX_NODES), in three queries.
    Every text from users reaches `dot` as literal text (see `plain`). Raises DiagramUnavailable when Graphviz
    is missing, fails or takes longer than DOT_TIMEOUT seconds."""
    if shutil.which("dot") is None:
        raise DiagramUnavailable("Drawing the map needs Graphviz (apt-get install graphviz).")
    rows = session.exec(_DOWN, params={"root": root_id, "depth": depth, "limit": MAX_NODES + 1}).all()
    truncated = len(rows) > MAX_NODES
    ids = [row[0] for row in rows[:MAX_NODES]]
    nodes = session.exec(select(Node, Voice).outerjoin(Voice, Voice.id == Node.voice_id).where(Node.id.in_(ids))).all()
    links = session.exec(select(Link).where(Link.child_id.in_(ids), Link.parent_id.in_(ids), Link.child_id != root_id)
                         .order_by(Link.child_id, Link.position, Link.id)).all()
    groups: dict[str, str] = {}
    graph = graphviz.Digraph(graph_attr={"rankdir": "RL", "bgcolor": "transparent", "nodesep": "0.15",
                                         "ranksep": "0.5", "fontname": "Helvetica"},
                             node_attr={"fontname": "Helvetica", "fontsize": "11", "style": "filled,rounded",
                                        "color": "#9aa5ad", "margin": "0.12,0.06"},
                             edge_attr={"arrowsize": "0.7", "penwidth": "1.4"})
    tooltips: dict[str, str] = {}
    for node, voice in nodes:
        group = voice.group_name if voice else "Unattributed"
        tooltips[str(node.id)] = f"{node.kind}: {node.title} — {voice.name if voice else 'unattributed'} ({group})"
        colour = groups.setdefault(group, GROUP_COLOURS[len(groups) % len(GROUP_COLOURS)])
        style = "filled,bold" if node.kind == "thesis" else "filled" if node.kind in ("evidence", "event") else "filled,rounded"
        graph.node(str(node.id), _label(node.title), shape=SHAPES[node.kind], fillcolor=colour, style=style,
                   tooltip=f"@tooltip{node.id}@",
                   URL=link_to(node.id), target="_top", id=f"node_{node.id}", **{"class": f"kind_{node.kind}"})
    seen = set()
    for link in links:
        cross = link.child_id in seen  # a point's second parent is drawn dashed
        seen.add(link.child_id)
        graph.edge(str(link.child_id), str(link.parent_id), color=EDGE_COLOURS[link.relation],
                   style="dashed" if cross else "solid", id=f"edge_{link.id}", **{"class": link.relation})
    svg = TOOLTIP.sub(lambda m: f'{m[1]}title="{escape(CONTROL.sub("", tooltips[m[2]]))}"', _svg(graph.source))
    return Picture(svg, len(nodes), len(links), truncated, groups)
