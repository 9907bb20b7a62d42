"""Argdown source: one statement per point, its supports (+) and attacks (-) indented below it,
themes as tags, voice and sources as inline data. Read by the Argdown parser (@argdown/cli)."""
import json
import re

from .tree import tree

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

    def write(parent: str, depth: int) -> None:
        for child, relation in shape.children.get(parent, []):
            sign = "+" if relation == "supports" else "-"
            indent = "  " * depth
            if child in written:
                lines.append(f"{indent}{sign} [{child}]")
                continue
            written.add(child)
            lines.append(f"{indent}{sign} {_statement(shape.nodes[child], voices, sources)}")
            write(child, depth + 1)

    write(shape.root, 1)
    return "\n".join(lines) + "\n"
