"""Argdown source: one statement per point, its supports (+) and attacks (-) indented below it,
themes as tags, voice and sources as inline data. Read by the Argdown parser (@argdown/cli)."""

import json
import re
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import fields
from . import FormatError, Section, head_and_nodes, imported, jsonstream
from .tree import tree_of

MAX_INDENT = 24  # levels of indentation before a deeper branch is set out on its own
SPECIAL = re.compile(r"([\\\[\]<>{}#*_`~])")


def _text(text: str) -> str:
    return SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _statement(node: dict, voices: dict, sources: dict) -> str:
    tags = " ".join(f"#({theme})" for theme in node.get("themes", []))
    return f"[{node['key']}]: {_text(node['title'])} {tags} {_data(node, voices, sources)}".replace("  ", " ")


def _data(node: dict, voices: dict, sources: dict) -> str:
    data = {"kind": node["kind"], "voice": voices.get(node.get("voice"), "")}
    for dated in ("argued_on", "happened_on"):
        if node.get(dated):
            data[dated] = node[dated]
    if node.get("answers"):
        data["answers"] = node["answers"]
    data["sources"] = [
        {"source": sources[c["source"]], "quote": c["quote"], "locator": c.get("locator", "")}
        for c in node.get("citations", [])
    ]
    return json.dumps(data, ensure_ascii=False)


def write(document: Iterable[Section]) -> Iterator[str]:
    """A map document given as (name, value) pairs (gather.sections; the nodes may come as an iterator read once)
    as chunks of the text `dump` writes. Each point is kept as its statement once read, with the shape of the
    tree; the blocks are written once all are read."""
    head, entries = head_and_nodes(document)
    return _lines(head, entries)


def dump(document: dict) -> str:
    """The map as Argdown: front matter with the debate's title, each point a statement titled by its key with its
    supports (+) and attacks (-) indented below it. Argdown has no neutral relation: a position answering a
    question starts a block of its own, and its data names the question ("answers"), which the CLI keeps as data."""
    return "".join(write(document.items()))


def _lines(head: dict, entries: Iterable[dict]) -> Iterator[str]:
    """The lines of the file, each after a newline but the first."""
    voices = {voice["key"]: voice["name"] for voice in head["voices"]}
    sources = {source["key"]: source["title"] for source in head["sources"]}
    debate = head["debates"][0]
    shape = tree_of(debate, entries, keep=lambda node: _statement(node, voices, sources))
    front = {"title": debate["title"]}
    if debate.get("summary"):
        front["description"] = debate["summary"]
    yield "==="
    for key, value in front.items():
        yield f"\n{key}: {json.dumps(value, ensure_ascii=False)}"
    yield f"\n===\n\n# {_text(debate['title'])}\n"
    written: set[str] = set()
    blocks = deque(shape.roots)
    while blocks:  # each block: a statement heading its supports and attacks; answers start blocks of their own
        top = blocks.popleft()
        if top in written:
            continue
        written.add(top)
        yield "\n" + shape.nodes[top]
        stack = [(top, 1, 0)]
        while stack:
            parent, depth, index = stack.pop()
            kids = shape.children.get(parent, [])
            if index >= len(kids):
                continue
            stack.append((parent, depth, index + 1))
            child, relation = kids[index]
            if relation == "answers":
                blocks.append(child)
                continue
            sign = "+" if relation == "supports" else "-"
            indent = "  " * depth
            if child in written:
                yield f"\n{indent}{sign} [{child}]"
                continue
            if depth >= MAX_INDENT and shape.children.get(child):  # set out again at the margin: lines stay short
                yield f"\n{indent}{sign} [{child}]"
                blocks.append(child)
                continue
            written.add(child)
            yield f"\n{indent}{sign} {shape.nodes[child]}"
            stack.append((child, depth + 1, 0))
        yield "\n"


ARGDOWN = Path(__file__).resolve().parent.parent.parent / "node_modules" / ".bin" / "argdown"
OPPOSING = {"attack", "undercut", "contrary", "contradictory"}
FRONT = re.compile(r"\A\ufeff?===[ \t]*\r?\n(.*?)\r?\n===[ \t]*(?:\r?\n|\Z)", re.S)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
AT = re.compile(r"At (\d+):(\d+)\s*\n\s*(.+)")
KEPT_KINDS = ("claim", "evidence", "question")  # kinds an Argdown file's data may give a point


def _front_matter(text: str, name: str) -> dict:
    """The YAML between the '===' lines at the top, as a mapping ({} when there is none)."""
    match = FRONT.match(text)
    if not match:
        return {}
    try:
        front = yaml.safe_load(match[1])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}, column {mark.column + 1}" if mark else "line 2"
        raise FormatError(
            f"{name}: {where}: the front matter is not valid YAML ({getattr(exc, 'problem', 'unreadable')})."
        ) from None
    if front is None:
        return {}
    if not isinstance(front, dict):
        raise FormatError(f"{name}: line 2, column 1: expected the front matter to be 'key: value' lines.")
    return front


@dataclass
class _Parsed:
    """What the Argdown parser's JSON says that a map needs, read a member at a time: statements and arguments as
    statements (the statements first), their ids by (kind, title), themes by key, and compact relations, premises
    and conclusions (pcs), and answers, each in the parser's order."""

    statements: list[imported.Statement] = field(default_factory=list)
    arguments: list[imported.Statement] = field(default_factory=list)
    ids: dict[tuple[str, object], str] = field(default_factory=dict)
    themes: dict[str, dict[str, str]] = field(default_factory=lambda: {"statements": {}, "arguments": {}})
    relations: list[tuple[object, object, object, object, object]] = field(default_factory=list)
    pcs: list[tuple[str, list[tuple[object, object]]]] = field(default_factory=list)
    answers: list[tuple[str, list]] = field(default_factory=list)


def _named(themes: dict[str, dict[str, str]]) -> dict[str, str]:
    """The themes by key, the statements' first, each named as it was first tagged: by a statement before an
    argument, though the parser gives the arguments first."""
    named = dict(themes["statements"])
    for key, value in themes["arguments"].items():
        named.setdefault(key, value)
    return named


def _run_parser(text: str, name: str) -> _Parsed:
    """What the Argdown CLI's JSON for `text` says, read from its file as a stream (never parsed whole); FormatError
    with the line, column and what it expected when the parser refuses the text."""
    if not ARGDOWN.exists():
        raise FormatError("Reading Argdown needs the Argdown parser: run `npm ci` in the project folder.")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "map.argdown").write_text(text, encoding="utf-8", errors="surrogateescape")
        result = subprocess.run(
            [str(ARGDOWN), "json", "map.argdown", "out"], cwd=folder, capture_output=True, text=True, timeout=120
        )
        out = Path(folder) / "out" / "map.json"
        if result.returncode != 0 or not out.exists():
            said = ANSI.sub("", result.stdout + "\n" + result.stderr)
            at = AT.search(said)
            if at:
                raise FormatError(f"{name}: line {at[1]}, column {at[2]}: not valid Argdown: {at[3].strip()[:300]}.")
            raise FormatError(f"{name}: line 1, column 1: the Argdown parser could not read the file as Argdown.")
        with out.open("rb") as handle:
            return _read_parsed(jsonstream.sections(handle, name, objects=True))


def _read_parsed(sections: Iterable[Section]) -> _Parsed:
    parsed = _Parsed()
    for section, members in sections:
        if section == "relations" and isinstance(members, Iterator):
            parsed.relations.extend(
                (r.get("fromType"), r.get("from"), r.get("toType"), r.get("to"), r.get("relationType"))
                for r in members
                if isinstance(r, dict)
            )
        elif section in ("statements", "arguments") and isinstance(members, Iterator):
            is_statement = section == "statements"
            prefix, kind = ("s", "equivalence-class") if is_statement else ("a", "argument")
            for title, item in members:
                if not isinstance(item, dict):
                    continue
                body, data, tags = _body(item, title)
                point_id = parsed.ids[(kind, title)] = f"{prefix}:{title}"  # one string for both
                for tag in tags:
                    parsed.themes[section].setdefault(imported.theme_key(tag), str(tag)[: fields.THEME_NAME])
                data_kind = data.get("kind") if data.get("kind") in KEPT_KINDS else None
                (parsed.statements if is_statement else parsed.arguments).append(
                    imported.Statement(
                        point_id,
                        body,
                        f"Argdown {'[' if is_statement else '<'}{title}{']' if is_statement else '>'}",
                        themes=tuple(imported.theme_key(tag) for tag in tags),
                        kind=data_kind,
                    )
                )
                if is_statement and isinstance(data.get("answers"), list):
                    parsed.answers.append((title, data["answers"]))
                elif not is_statement:
                    members_ = item.get("pcs") or []
                    parsed.pcs.append((title, [(m.get("role"), m.get("title")) for m in members_]))
    return parsed


def _clean(member: dict) -> str:
    """A member's text without its tags, each mention of a statement or argument replaced by its title."""
    text = member.get("text") or ""
    for span in sorted(member.get("ranges") or [], key=lambda r: r.get("start", 0), reverse=True):
        start, stop = span.get("start"), span.get("stop")
        if not isinstance(start, int) or not isinstance(stop, int):
            continue
        if span.get("type") == "tag":
            text = text[:start] + text[stop + 1 :]
        elif span.get("type") in ("statement-mention", "argument-mention"):
            text = text[:start] + str(span.get("title", "")) + text[stop + 1 :]
    return " ".join(text.split())


def _body(item: dict, title: str) -> tuple[str, dict, list[str]]:
    """The text of a statement or argument (its first member with text), that member's data, and the tags."""
    members = item.get("members") or []
    member = next((m for m in members if (m.get("text") or "").strip()), None)
    tags = list(dict.fromkeys([*(item.get("tags") or []), *(t for m in members for t in (m.get("tags") or []))]))
    if member is None:
        return title, {}, tags
    data = member.get("data") if isinstance(member.get("data"), dict) else {}
    return _clean(member) or title, data, tags


def _relations(parsed: _Parsed) -> list[tuple[str, str, str]]:
    """The (child, parent, relation) triples of what the parser read, each pair of points linked once: its support
    and attack relations, each premise supporting its argument and the argument its conclusion (as the CLI's map
    draws them), and each position the question it answers."""
    ids = parsed.ids
    relations, pairs = [], set()

    def relate(child, parent, relation):
        if child and parent and child != parent and (child, parent) not in pairs and (parent, child) not in pairs:
            pairs.add((child, parent))
            relations.append((child, parent, relation))

    for from_type, start, to_type, end, relation_type in parsed.relations:
        relate(
            ids.get(("argument" if from_type == "argument" else "equivalence-class", start)),
            ids.get(("argument" if to_type == "argument" else "equivalence-class", end)),
            "opposes" if relation_type in OPPOSING else "supports",
        )
    for title, members in parsed.pcs:
        for role, statement_title in members:
            statement = ids.get(("equivalence-class", statement_title))
            if role == "main-conclusion":
                relate(ids[("argument", title)], statement, "supports")
            else:
                relate(statement, ids[("argument", title)], "supports")
    for title, answered in parsed.answers:
        for question in answered:
            relate(ids[("equivalence-class", title)], ids.get(("equivalence-class", str(question))), "answers")
    return relations


def parse(text: str, name: str) -> dict:
    """Argdown source as a map document, read by the Argdown parser itself (@argdown/cli): the front matter's title
    and description name and describe the debate; statements and arguments become points, their tags themes, their
    mentions the mentioned title; support and attack relations become links; in a reconstructed argument each
    premise supports the argument and the argument supports its conclusion, as the CLI's map draws it.
    FormatError names the line and column of what the parser refused."""
    if not text or text.isspace():
        raise FormatError(f"{name}: the file is empty.")
    front = _front_matter(text, name)
    parsed = _run_parser(text, name)
    relations = _relations(parsed)
    statements, themes = parsed.statements + parsed.arguments, _named(parsed.themes)
    del parsed  # its ids and the parser's relations: the document is made without them
    named = front.get("title")
    summary = front.get("description") or front.get("subTitle") or ""
    return imported.document(
        title=str(named).strip() if named else name,
        tool="Argdown",
        name=name,
        content=text,
        statements=statements,
        relations=relations,
        themes=[{"key": key, "name": value} for key, value in themes.items()],
        summary=str(summary),
    )
