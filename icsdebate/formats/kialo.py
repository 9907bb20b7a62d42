"""Kialo's plain-text export, in both layouts Kialo has written.

Current layout: "Discussion Name:" with the name on the next line; each claim's number and stance ("1. Thesis:",
"1.1. Pro:", "1.2. Con:") alone on a line with its text on the lines below, indented two spaces a level; "[n]"
marks in a claim's text refer to a closing "Sources:" block. Older layout: "Discussion Title: name", then
"1.1. Pro: text" on one line. In both, "-> See 1.x." repeats a claim given above, and a multi-thesis discussion
has a question at "1." whose theses carry no Pro/Con: they answer it. Claim text is Kialo Markdown: "\\(" escapes
and "[text](url)" links.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .. import fields
from . import FormatError, Section, head_and_nodes, imported
from .tree import tree_of

MAX_INDENT = 24  # levels of indentation written at most
SIDE = {"supports": "Pro", "opposes": "Con", "answers": "Thesis"}


def write(document: Iterable[Section]) -> Iterator[str]:
    """A map document given as (name, value) pairs (gather.sections; the nodes may come as an iterator read once)
    as chunks of the text `dump` writes. Each title is kept as its line once read, with the shape of the tree; the
    lines are written depth first once all are read."""
    head, entries = head_and_nodes(document)
    return _lines(head["debates"][0], entries, current=True)


def dump(document: dict) -> str:
    """The map as Kialo writes an export today (the current layout): each claim numbered where it first appears,
    "-> See" where it appears again. A question with positions beneath is written as Kialo writes a multi-thesis
    discussion; a debate headed by several top-level points as one whose theses answer its title."""
    return "".join(write(document.items()))


def dump_older(document: dict) -> str:
    """The map in Kialo's older layout ("Discussion Title: …", one line a claim), which arguebuf reads."""
    return "".join(_lines(document["debates"][0], document["nodes"], current=False))


def _lines(debate: dict, entries: Iterable[dict], *, current: bool) -> Iterator[str]:
    shape = tree_of(debate, entries, keep=lambda node: _one_line(node["title"]))
    title = debate["title"]
    numbers: dict[str, str] = {}
    yield f"Discussion Name:\n{_one_line(title)}\n\n" if current else f"Discussion Title: {_one_line(title)}\n\n"
    if shape.root is None:  # several top-level points: theses of a discussion titled by the debate
        top, children = _one_line(title), [(key, "answers") for key in shape.roots]
    else:
        numbers[shape.root] = "1."
        top, children = shape.nodes[shape.root], shape.children.get(shape.root, [])
        has_answers = any(relation == "answers" for _, relation in children)
    if current:
        label = "" if shape.root is None or has_answers else " Thesis:"
        yield f"1.{label}\n{top}\n\n"
    else:
        yield f"1. {top}\n"
    stack = [("1.", children, 0)]
    while stack:  # depth first, without recursion
        parent_number, kids, index = stack.pop()
        if index >= len(kids):
            continue
        stack.append((parent_number, kids, index + 1))
        child, relation = kids[index]
        number = f"{parent_number}{index + 1}."
        depth = number.count(".") - 1
        side = SIDE[relation]
        seen = child in numbers
        text = f"-> See {numbers[child]}" if seen else shape.nodes[child]
        if current:
            indent = "  " * min(depth, MAX_INDENT)  # Kialo reads any indentation; deep chains stay linear
            yield (
                f"{indent}{number} {side}:\n{indent}{text}\n\n"
                if side != "Thesis" or seen
                else f"{indent}{number} Thesis:\n{indent}{text}\n\n"
            )
        else:
            yield f"{number} {side}: {text}\n" if side != "Thesis" else f"{number} {text}\n"
        if not seen:
            numbers[child] = number
            stack.append((number, shape.children.get(child, []), 0))


def _one_line(text: str) -> str:
    """A title as one line of Kialo Markdown that reads back as the same title: backslashes and brackets escaped,
    and a start that would read as a number, a stance, a '-> See' or the 'Sources:' block."""
    flat = re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))
    flat = re.sub(r"^(\d+)\.", r"\1\\.", flat)
    flat = re.sub(r"^(Pro|Con|Thesis|Sources):", r"\1\\:", flat)
    return re.sub(r"^->", r"\\->", flat)


HEADER = re.compile(r"^Discussion (Title|Name):[ \t]*(.*)$")
NUMBERED = re.compile(r"^((?:\d+\.)+)(?:[ \t]+(?:(Pro|Con|Thesis):)?[ \t]*(.*))?$")
SEE = re.compile(r"^->\s*See\s+((?:\d+\.)+)\s*$")
REFERENCE = re.compile(r"^\[(\d+)\][ \t]*(.*)$")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~:])")
TOKEN = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~:])|\[((?:[^\]\\]|\\.)*)\]\((https?://[^)\s]*)\)")
MARK = re.compile(r"[ \t]*\[(\d+)\]")
LINE_END = re.compile(r"\r\n|\r|\n")
STANCE = {"Pro": "supports", "Con": "opposes", "Thesis": "answers", None: "answers"}


@dataclass(slots=True)
class _Claim:
    number: str
    stance: str | None
    line: int
    text: list[str] = field(default_factory=list)


def _physical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for CRLF, LF or CR line ends, a leading BOM dropped."""
    start, number = 0, 1
    if text.startswith("\ufeff"):
        start = 1
    for match in LINE_END.finditer(text, start):
        yield number, text[start : match.start()]
        start, number = match.end(), number + 1
    if start < len(text):
        yield number, text[start:]


def clean(text: str) -> tuple[str, str]:
    """Kialo Markdown as a plain title (escapes undone, links reduced to their text), and the text with its links
    for the annotation ("" when it has none)."""
    has_link = False

    def plain(match: re.Match) -> str:
        nonlocal has_link
        if match[1] is not None:
            return match[1]
        has_link = True
        return ESCAPE.sub(r"\1", match[2])

    def linked(match: re.Match) -> str:
        return match[1] if match[1] is not None else "[" + ESCAPE.sub(r"\1", match[2]) + f"]({match[3]})"

    title = TOKEN.sub(plain, text)
    return title, TOKEN.sub(linked, text) if has_link else ""


def parse(text: str, name: str) -> dict:
    """A Kialo export in either layout as a map document. The question of a multi-thesis discussion is the
    debate's top, its theses answer it; "[n]" marks cite the "Sources:" block. FormatError names the line."""
    lines = _physical_lines(text)
    title = _title(lines, name)
    claims, references = _claims(lines, name)
    return _document(title, claims, references, name, text)


def _title(lines: Iterator[tuple[int, str]], name: str) -> str:
    for number, line in lines:
        if not line.strip():
            continue
        header = HEADER.match(line.strip())
        if not header:
            raise FormatError(
                f"{name}: line {number}, column 1: expected Kialo's header, 'Discussion Title: …' or "
                "'Discussion Name:' with the name on the next line."
            )
        if header[2].strip():
            return header[2].strip()
        for number_, line_ in lines:
            if line_.strip():
                if NUMBERED.match(line_.strip()):
                    raise FormatError(
                        f"{name}: line {number_}, column 1: expected the discussion's name after 'Discussion Name:'."
                    )
                return line_.strip()
        break
    raise FormatError(
        f"{name}: line 1, column 1: expected Kialo's header, 'Discussion Title: …' or "
        "'Discussion Name:' with the name on the next line."
    )


def _claims(lines: Iterable[tuple[int, str]], name: str) -> tuple[list[_Claim], dict[str, list[str]]]:
    """The claims in file order, and the references of the "Sources:" block by number."""
    claims: list[_Claim] = []
    known: dict[str, int] = {}  # number -> the index of its last child so far
    references: dict[str, list[str]] = {}
    in_sources = False
    for number, raw in lines:
        line = raw.strip()
        if in_sources:
            reference = REFERENCE.match(line)
            if reference:
                references[reference[1]] = [reference[2]]
            elif line and references:
                references[list(references)[-1]].append(line)
            continue
        if line == "Sources:" and claims:
            in_sources = True
            continue
        match = NUMBERED.match(line)
        if match and _continues(match[1], known):
            parent = _parent(match[1])
            if parent:
                known[parent] = int(match[1][len(parent) : -1])
            known[match[1]] = 0
            claims.append(_Claim(match[1], match[2], number, [match[3]] if match[3] else []))
        elif not line:
            if claims and claims[-1].text:
                claims[-1].text.append("")
        elif claims:
            claims[-1].text.append(line)
        else:
            raise FormatError(f"{name}: line {number}, column 1: expected the discussion's first claim, numbered '1.'.")
    if not claims:
        raise FormatError(f"{name}: the discussion has no claims: expected one numbered '1.' after the header.")
    return claims, references


def _parent(number: str) -> str:
    return number[: number[:-1].rfind(".") + 1]


def _continues(number: str, known: dict[str, int]) -> bool:
    """Whether `number` goes on with the discussion's numbering: '1.' first, then a later child of a claim given
    above (Kialo leaves gaps where claims were deleted). Other numbers ('1.', '2.' of a list inside a claim's text)
    are text."""
    if not known:
        return number == "1."
    parent = _parent(number)
    return parent in known and number not in known and int(number[len(parent) : -1]) > known[parent]


def _document(title: str, claims: list[_Claim], references: dict[str, list[str]], name: str, content: str) -> dict:
    statements, relations, given = [], [], set()  # given: the numbers of the claims above, for "-> See"
    for claim in claims:
        body = "\n".join(claim.text).strip()
        where = f"{name}: line {claim.line}, column 1"
        if not body:
            raise FormatError(
                f"{where}: claim {claim.number} has no text: expected its text after "
                f"'{claim.number}{' ' + claim.stance + ':' if claim.stance else ''}'."
            )
        parent = _parent(claim.number)
        relation = STANCE[claim.stance]
        see = SEE.match(body)
        if see:
            if see[1] not in given:
                raise FormatError(f"{where}: '-> See {see[1]}' refers to a claim not given above it.")
            if parent:
                relations.append((see[1], parent, relation))
            continue
        marks = MARK.findall(body)
        plain, annotation = clean(MARK.sub("", body) if references else body)
        cites = tuple(
            (f"kialo-{mark}", _quote(references[mark]) or plain.strip(), f"[{mark}]")
            for mark in dict.fromkeys(marks)
            if mark in references
        )
        statement = imported.Statement(
            claim.number, plain.strip(), f"Kialo {claim.number}", annotation=annotation, cites=cites
        )
        statements.append(statement)
        given.add(claim.number)
        if parent:
            relations.append((claim.number, parent, relation))
    sources = [_source(mark, lines) for mark, lines in references.items()]
    return imported.document(
        title=clean(title)[0],
        tool="Kialo",
        name=name,
        content=content,
        statements=statements,
        relations=relations,
        sources=sources,
    )


def _quote(lines: list[str]) -> str:
    """The words a reference quotes: its lines after the first, without their quotation marks."""
    return " ".join(line.strip().strip('"“”') for line in lines[1:] if line.strip()).strip()


def _source(mark: str, lines: list[str]) -> dict:
    first = lines[0].strip()
    address = re.search(r"https?://\S+", first)
    title = re.sub(r"https?://\S+", "", first).strip(" -–—:") or (
        address[0] if address else f"Kialo reference [{mark}]"
    )
    return {
        "key": f"kialo-{mark}",
        "title": title[: fields.SOURCE_TITLE],
        "publisher": "",
        "kind": "argument map",
        # an address cut short would lead nowhere: one too long to store is left out, its text stays in the title
        **({"address": address[0]} if address and len(address[0]) <= fields.ADDRESS else {}),
    }
