"""Argdown source: one statement per point, its supports (+) and attacks (-) indented below it,
themes as tags, voice and sources as inline data. Read by the Argdown parser (@argdown/cli)."""
import json
from collections import deque
import re
import subprocess
import tempfile
from pathlib import Path

from . import FormatError, imported
from .tree import tree

MAX_INDENT = 24  # levels of indentation before a deeper branch is set out on its own
SPECIAL = re.compile(r"([\\\[\]<>{}#*_`~])")


def _text(text: str) -> str:
    return SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _data(node: dict, voices: dict, sources: dict) -> str:
    data = {"kind": node["kind"], "voice": voices.get(node.get("voice"), "")}
    for field in ("argued_on", "happened_on"):
        if node.get(field):
            data[field] = node[field]
    data["sources"] = [{"source": sources[c["source"]], "quote": c["quote"], "locator": c.get("locator", "")}
                       for c in node.get("citations", [])]
    return json.dumps(data, ensure_ascii=False)


def _statement(node: dict, voices: dict, sources: dict) -> str:
    tags = " ".join(f"#({theme})" for theme in node.get("themes", []))
    return f"[{node['key']}]: {_text(node['title'])} {tags} {_data(node, voices, sources)}".replace("  ", " ")


def dump(document: dict) -> str:
    shape = tree(document)
    voices = {voice["key"]: voice["name"] for voice in document["voices"]}
    sources = {source["key"]: source["title"] for source in document["sources"]}
    title = document["debates"][0]["title"]
    lines = [f"===\ntitle: {json.dumps(title, ensure_ascii=False)}\n===", "", f"# {_text(title)}", "",
             _statement(shape.nodes[shape.root], voices, sources)]
    written = {shape.root}
    # Depth first with a stack (a chain may run thousands of points deep). Below MAX_INDENT levels a point is
    # named where it sits and set out again at the left margin with the points under it, so lines stay short.
    tops = deque([shape.root])
    while tops:
        top = tops.popleft()
        if top != shape.root:
            lines += ["", _statement(shape.nodes[top], voices, sources)]
        stack = [(top, 1, iter(shape.children.get(top, [])))]
        while stack:
            parent, depth, children = stack[-1]
            for child, relation in children:
                sign = "+" if relation == "supports" else "-"
                indent = "  " * depth
                if child in written:
                    lines.append(f"{indent}{sign} [{child}]")
                    continue
                written.add(child)
                if depth >= MAX_INDENT and shape.children.get(child):
                    lines.append(f"{indent}{sign} [{child}]")
                    tops.append(child)
                    continue
                lines.append(f"{indent}{sign} {_statement(shape.nodes[child], voices, sources)}")
                stack.append((child, depth + 1, iter(shape.children.get(child, []))))
                break
            else:
                stack.pop()
    return "\n".join(lines) + "\n"


ARGDOWN = Path(__file__).resolve().parent.parent.parent / "node_modules" / ".bin" / "argdown"
OPPOSING = {"attack", "undercut", "contrary", "contradictory"}


def parse(text: str, name: str) -> dict:
    """Argdown source as a map document, read by the Argdown parser itself (@argdown/cli): statements and
    arguments become points, support and attack relations become links."""
    if not text.strip():
        raise FormatError(f"{name}: the file is empty.")
    if not ARGDOWN.exists():
        raise FormatError("Reading Argdown needs the Argdown parser: run `npm ci` in the project folder.")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "map.argdown").write_text(text, encoding="utf-8")
        result = subprocess.run([str(ARGDOWN), "json", "map.argdown", "out"], cwd=folder, capture_output=True,
                                text=True, timeout=120)
        out = Path(folder) / "out" / "map.json"
        if result.returncode != 0 or not out.exists():
            raise FormatError(f"{name}: the Argdown parser refused the file: {result.stderr.strip()[-500:]}")
        parsed = json.loads(out.read_text(encoding="utf-8"))
    errors = [e for e in parsed.get("parserErrors", []) if e]
    if errors:
        raise FormatError(f"{name}: line {errors[0].get('startLine', '?')}: {errors[0].get('message', errors[0])}")
    statements = []
    for title, statement in parsed.get("statements", {}).items():
        body = next((m.get("text") for m in statement.get("members", []) if (m.get("text") or "").strip()), title)
        statements.append(imported.Statement(title, body.strip(), f"Argdown [{title}]"))
    for title, argument in parsed.get("arguments", {}).items():
        body = next((m.get("text") for m in argument.get("members", []) if (m.get("text") or "").strip()), title)
        statements.append(imported.Statement(title, body.strip(), f"Argdown <{title}>"))
    relations, pairs = [], set()
    for relation in parsed.get("relations", []):
        ends = (relation["from"], relation["to"])
        if ends[::-1] in pairs:  # a symmetric relation (contradiction) is kept in one direction
            continue
        pairs.add(ends)
        kind = "opposes" if relation["relationType"] in OPPOSING else "supports"
        relations.append((*ends, kind))
    title = (parsed.get("frontMatter") or {}).get("title") or name
    return imported.document(title=str(title), tool="Argdown", name=name, content=text,
                             statements=statements, relations=relations)
