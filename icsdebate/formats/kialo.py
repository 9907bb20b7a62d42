"""Kialo's plain-text export: 'Discussion Title:', numbered Pro/Con lines, '-> See N.' for linked claims."""
import re

from . import FormatError, imported
from .tree import tree


def dump(document: dict) -> str:
    """The map as Kialo text: each claim numbered where it first appears, a '-> See' line where it appears again."""
    shape = tree(document)
    numbers = {shape.root: "1."}
    lines = [f"Discussion Title: {document['debates'][0]['title']}", "", f"1. {shape.nodes[shape.root]['title']}"]

    stack = [(shape.root, iter(enumerate(shape.children.get(shape.root, []), start=1)))]
    while stack:  # depth first, with a stack: a chain may run thousands of points deep
        parent, children = stack[-1]
        for index, (child, relation) in children:
            number = f"{numbers[parent]}{index}."
            side = "Pro" if relation == "supports" else "Con"
            if child not in numbers:
                numbers[child] = number
                lines.append(f"{number} {side}: {_one_line(shape.nodes[child]['title'])}")
                stack.append((child, iter(enumerate(shape.children.get(child, []), start=1))))
                break
            lines.append(f"{number} {side}: -> See {numbers[child]}")
        else:
            stack.pop()
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


HEADER = re.compile(r"^Discussion (?:Title|Name): (.*)$")
LINE = re.compile(r"^((?:\d+\.)+) (?:(Pro|Con|Thesis): )?(.*)$")


def parse(text: str, name: str) -> dict:
    """A Kialo export (the older 'Discussion Title:' or the newer 'Discussion Name:' header) as a map document."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = HEADER.match(lines[0].lstrip("\ufeff").strip()) if lines else None
    if not header:
        raise FormatError(f"{name}: line 1: expected 'Discussion Title: …' or 'Discussion Name: …'.")
    entries: list[list] = []  # [number, stance, text, line]
    for number, line in enumerate(lines[1:], start=2):
        match = LINE.match(line.strip())
        if match:
            entries.append([match[1], match[2], match[3], number])
        elif line.strip():
            if not entries:
                raise FormatError(f"{name}: line {number}: expected the thesis, numbered '1.'.")
            entries[-1][2] += "\n" + line.strip()
    if not entries or entries[0][0] != "1.":
        raise FormatError(f"{name}: the thesis, numbered '1.', is missing.")
    statements, relations, seen = [], [], set()
    for number, stance, body, line in entries:
        parent = number[: number[:-1].rfind(".") + 1] if number != "1." else None
        if parent is not None and parent not in seen:
            raise FormatError(f"{name}: line {line}: {number} comes before its parent {parent}.")
        if parent is not None and stance not in ("Pro", "Con"):
            raise FormatError(f"{name}: line {line}: {number} needs 'Pro:' or 'Con:'.")
        relation = "supports" if stance == "Pro" else "opposes"
        see = re.match(r"^-> See ((?:\d+\.)+)", body)
        if see:
            if see[1] not in seen:
                raise FormatError(f"{name}: line {line}: '-> See {see[1]}' refers to a claim not given above.")
            relations.append((see[1], parent, relation))
            continue
        if number in seen:
            raise FormatError(f"{name}: line {line}: {number} is numbered twice.")
        seen.add(number)
        statements.append(imported.Statement(number, body, f"Kialo {number}"))
        if parent:
            relations.append((number, parent, relation))
    return imported.document(title=header[1].strip(), tool="Kialo", name=name, content=text,
                             statements=statements, relations=relations)
