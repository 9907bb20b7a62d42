"""A briefing from a map document: the case for and against, strongest first, with every quote and source."""

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..fragments import link
from ..standing import STANDS, grounded
from ..strength import order_key, support_weights
from ..text import partial_date
from .tree import tree_of

ORDER_NOTE = (
    "Strongest first: points that still stand (nothing that opposes them stands) come before undecided ones, "
    "then answered ones; among equals, the point with more supporting points beneath it comes first. "
    "A point stands when every point opposing it has itself been answered."
)
MAX_DEPTH = 4


@dataclass
class Point:
    node: dict
    relation: str
    standing: str
    voice: dict | None
    citations: list[tuple[int, dict]]  # (source number, citation)
    support: int
    replies: list["Point"] = field(default_factory=list)
    linked: bool = False  # shown in full elsewhere in the briefing


@dataclass
class Summary:
    title: str
    thesis: dict | None  # None for a debate headed by several top-level points
    thesis_voice: dict | None
    thesis_citations: list[tuple[int, dict]]
    summary: str
    counts: dict[str, int]
    case_for: list[Point]
    case_against: list[Point]
    events: list[dict]
    sources: list[dict]
    exported_at: str
    exported_from: str
    order_note: str = ORDER_NOTE
    positions: list[Point] = field(default_factory=list)  # answers to the question at the top, or top-level points
    positions_heading: str = "Positions"

    def reading_order(self, points: list[Point]):
        """`steps(points)`, for templates."""
        return steps(points)

    def at_source(self, number: int, citation: dict) -> str | None:
        """The address of source `number` opened at `citation`'s quote (a text fragment), or None."""
        return link(self.sources[number - 1].get("address"), citation.get("quote"))


def build(document: dict) -> Summary:
    """The briefing of a map document (a dict, its nodes a list)."""
    return build_from(document, document["nodes"])


def build_from(head: dict, entries: Iterable[dict]) -> Summary:
    """The briefing of a map document given as its sections but the nodes (`head`: debates, voices, sources,
    exported_at, exported_from) and its node entries, read once (an iterator will do). Each entry is kept as
    compact JSON and decoded again only if the briefing shows it, with the shape of the tree, its kind and the
    points it opposes: at 100,000 points a small part of the entries themselves. The briefing shows points to
    MAX_DEPTH levels, and every event."""
    kinds: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    attacks: list[tuple[str, str]] = []
    events: list[str] = []

    def keep(node: dict) -> str:
        kinds[node["kind"]] += 1
        for relation in ("supports", "opposes"):
            relations[relation] += len(node.get(relation, []))
        attacks.extend((node["key"], parent) for parent in node.get("opposes", []))
        packed = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        if node["kind"] == "event":
            events.append(packed)
        return packed

    shape = tree_of(head["debates"][0], entries, keep)
    voices = {voice["key"]: voice for voice in head["voices"]}
    numbers = {source["key"]: n for n, source in enumerate(head["sources"], start=1)}
    standing = grounded(list(shape.nodes), attacks)
    below = support_weights(shape.children, list(shape.nodes))
    shown: set[str] = set()

    def ranked(parent: str, relation: str | None) -> list[tuple[str, str]]:
        kids = [(c, rel) for c, rel in shape.children.get(parent, []) if relation in (None, rel)]
        kids.sort(key=lambda kid: order_key(standing[kid[0]], below[kid[0]]))
        return kids

    def case(relation: str) -> list[Point]:
        """The points under the thesis with `relation` (or, for "top", the debate's top-level points), strongest
        first, each with its replies to MAX_DEPTH levels; depth first with a stack, so a point set out in full
        once is 'linked' wherever it shows again."""
        top: list[Point] = []
        heads = [(key, "top") for key in shape.roots] if relation == "top" else ranked(shape.root, relation)
        stack = [(key, rel, 1, top) for key, rel in reversed(heads)]
        while stack:
            key, rel, depth, into = stack.pop()
            node = json.loads(shape.nodes[key])
            result = Point(
                node,
                rel,
                standing[key],
                voices.get(node.get("voice")),
                [(numbers[c["source"]], c) for c in node.get("citations", [])],
                below[key],
                linked=key in shown and rel != "top",
            )
            shown.add(key)
            into.append(result)
            if depth < MAX_DEPTH and not result.linked:
                stack.extend((c, r, depth + 1, result.replies) for c, r in reversed(ranked(key, None)))
        return top

    root = json.loads(shape.nodes[shape.root]) if shape.root else None
    shown.update(shape.roots)
    return Summary(
        title=head["debates"][0]["title"],
        thesis=root,
        thesis_voice=voices.get((root or {}).get("voice")),
        thesis_citations=[(numbers[c["source"]], c) for c in (root or {}).get("citations", [])],
        summary=head["debates"][0].get("summary", ""),
        counts={
            "points": len(shape.nodes),
            "for": relations["supports"],
            "against": relations["opposes"],
            "evidence": kinds["evidence"],
            "events": kinds["event"],
            "questions asked": kinds["question"],
            "sources": len(head["sources"]),
            "still standing": sum(1 for key in shape.nodes if standing[key] == STANDS),
        },
        case_for=case("supports") if root else [],
        case_against=case("opposes") if root else [],
        positions=case("answers") if root else case("top"),
        positions_heading="Positions" if root else "Top-level points",
        events=sorted((json.loads(e) for e in events), key=lambda n: n.get("happened_on", "")),
        sources=head["sources"],
        exported_at=head["exported_at"],
        exported_from=head["exported_from"],
    )


MARKUP = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
SPECIAL = re.compile(r"([\\`*_\[\]])")


def md(text) -> str:
    """Text a user wrote, as Markdown that every reader shows as those words: on one line (no new block can
    start), `&`, `<` and `>` as entities (no HTML, no autolink), and backslash, backtick, `*`, `_`, `[`, `]`
    escaped (no emphasis, code or link). CommonMark and Python-Markdown both read it back as the text."""
    flat = " ".join(str(text or "").split())
    return SPECIAL.sub(r"\\\1", "".join(MARKUP.get(char, char) for char in flat))


def _address(address: str) -> str:
    """An autolink to `address` (http or https), with anything that could end it percent-encoded."""
    return "<" + re.sub(r"[<>\s\"'`]", lambda m: f"%{ord(m[0]):02X}", address) + ">"


def steps(points: list[Point]):
    """The points and their replies in reading order, without recursion: ("point", point, depth) for each, with
    ("replies", point, depth) before a point's replies and ("end", point, depth) after them."""
    stack: list[tuple[str, Point, int]] = [("point", p, 0) for p in reversed(points)]
    while stack:
        kind, point, depth = stack.pop()
        yield kind, point, depth
        if kind == "point" and point.replies:
            stack.append(("end", point, depth))
            stack.extend(("point", reply, depth + 1) for reply in reversed(point.replies))
            stack.append(("replies", point, depth))


def _voice(voice: dict | None) -> str:
    if not voice:
        return "unattributed"
    detail = ", ".join(md(part) for part in (voice.get("role"), voice.get("organisation")) if part)
    return f"{md(voice['name'])} ({detail})" if detail else md(voice["name"])


LABELS = {"supports": "For", "opposes": "Against", "answers": "Position", "top": "Point"}


def _cite_md(summary: Summary, number: int, citation: dict) -> str:
    """`[1, Paragraph 155]`, a link to the passage in the source's page when the source has an address."""
    label = f"{number}, {md(citation['locator'])}" if citation.get("locator") else f"{number}"
    address = summary.at_source(number, citation)
    if not address:
        return f"[{label}]"
    # the address percent-encoded wherever it could end the link or start markup
    return f"[[{label}]](" + re.sub(r"[<>\s\"'`()\[\]]", lambda m: f"%{ord(m[0]):02X}", address) + ")"


def _point_md(summary: Summary, point: Point, depth: int) -> list[str]:
    """The lines of one point (not its replies) at `depth` levels of indentation."""
    indent = "  " * depth
    node = point.node
    label = LABELS[point.relation]
    date = (
        f", {partial_date(node.get('argued_on') or node.get('happened_on'))}"
        if node.get("argued_on") or node.get("happened_on")
        else ""
    )
    if point.linked:
        return [f"{indent}- **{label}:** {md(node['title'])} *(set out above)*"]
    lines = [f"{indent}- **{label}** ({point.standing}): {md(node['title'])} — {_voice(point.voice)}{date}"]
    for number, citation in point.citations:
        lines.append(f"{indent}  > “{md(citation['quote'])}” {_cite_md(summary, number, citation)}")
    return lines


def markdown(summary: Summary) -> str:
    """The briefing as Markdown."""
    lines = [f"# {md(summary.title)}", ""]
    if summary.thesis:
        lines += [f"**Thesis:** {md(summary.thesis['title'])} — {_voice(summary.thesis_voice)}", ""]
    for number, citation in summary.thesis_citations:
        lines.append(f"> “{md(citation['quote'])}” {_cite_md(summary, number, citation)}")
    if summary.summary:
        lines += ["", md(summary.summary)]
    lines += ["", " · ".join(f"{n} {what}" for what, n in summary.counts.items()), "", f"*{summary.order_note}*", ""]
    sections = [(summary.positions_heading, summary.positions)] if summary.positions else []
    if summary.thesis:
        sections += [("The case for", summary.case_for), ("The case against", summary.case_against)]
    for heading, points in sections:
        lines += [f"## {heading}", ""]
        for kind, point, depth in steps(points):
            if kind == "point":
                lines.extend(_point_md(summary, point, depth))
        lines.append("" if points else "Nothing yet.\n")
    if summary.events:
        lines += ["## Dated events", ""]
        for event in summary.events:
            lines.append(f"- **{partial_date(event.get('happened_on'))}**: {md(event['title'])}")
        lines.append("")
    lines += ["## Sources", ""]
    for number, source in enumerate(summary.sources, start=1):
        parts = [source["title"], source.get("author"), source.get("publisher"), partial_date(source.get("date"))]
        address = f" {_address(source['address'])}" if source.get("address") else ""
        lines.append(f"{number}. " + ", ".join(md(p) for p in parts if p) + address)
    lines += ["", f"Exported from ICS Debate ({md(summary.exported_from)}) at {summary.exported_at}.", ""]
    return "\n".join(lines)


def _css_string(value: str) -> str:
    """`value` as a CSS string literal: every character but letters, digits and plain punctuation written as
    a six-digit escape and the space that ends it, so that no text can close the string or the rule."""
    return (
        '"'
        + "".join(c if c.isascii() and (c.isalnum() or c in " .,:;/-_()?!'") else f"\\{ord(c):06x} " for c in value)
        + '"'
    )


def print_css(*, title: str, address: str, made: str) -> str:
    """The rules that put a briefing's title at the head of every printed page and its address and date (in
    words) at the foot, beside the page number that summary.css prints. CSS paged media margin boxes, which
    Chromium prints from version 131 on."""
    head = "ICS Debate briefing: " + (title if len(title) <= 90 else title[:89] + "…")
    return (
        f"@page {{ @top-left {{ content: {_css_string(head)}; }} "
        f"@bottom-left {{ content: {_css_string(f'{address} · {made}')}; }} }}\n"
    )
