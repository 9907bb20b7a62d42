"""Read seed files and map documents: parse, check every entry and every reference, and work out which debate
each point belongs to; every problem is reported at once, each with its file and entry."""

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import cast

import yaml
from pydantic import ValidationError

from .entries import SECTIONS, NodeOutline, NodeSeed, SeedError, SeedSet


def _location(error: dict) -> str:
    return ".".join(str(part) for part in error["loc"])


class _Loader(yaml.SafeLoader):
    """Safe YAML in which dates stay text, so that an impossible one (2018-02-31) is reported with its field by
    the date check rather than raised by the YAML reader."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_file(path: Path, seeds: SeedSet, problems: list[str]) -> None:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        problems.append(f"{path.name}:{line} is not valid YAML: {getattr(exc, 'problem', exc)}")
        return
    _parse_document(path.name, document, seeds, problems)


def _parse_document(name: str, document, seeds: SeedSet, problems: list[str], ignore=()) -> None:
    if document is None:
        return
    if not isinstance(document, dict):
        problems.append(f"{name}: expected a mapping of {', '.join(SECTIONS)} at the top")
        return
    _parse_sections(name, document.items(), seeds, problems, ignore)


def _parse_sections(
    name: str, sections: Iterable[tuple[str, object]], seeds: SeedSet, problems: list[str], ignore=(), keep=True
):
    """Check each entry of each section and file it in `seeds` by key; a point's seed is kept only when `keep`,
    its outline always."""
    for section, entries in sections:
        model = SECTIONS.get(section)
        if section in ignore:
            continue
        if model is None:
            problems.append(f"{name}: unknown section '{section}' (expected one of {', '.join(SECTIONS)})")
            continue
        if not isinstance(entries, Iterable) or isinstance(entries, str | bytes | dict):
            problems.append(f"{name}: '{section}' must be a list")
            continue
        table = seeds.outlines if section == "nodes" else getattr(seeds, section)
        for index, raw in enumerate(entries):
            label = _label(name, section, index, raw)
            try:
                entry = model.model_validate(raw)
            except ValidationError as exc:
                for error in exc.errors():
                    problems.append(f"{label}: {_location(error) or 'entry'}: {error['msg']}")
                continue
            if entry.key in table:
                problems.append(f"{label}: key '{entry.key}' is already used in {seeds.where[(section, entry.key)]}")
                continue
            if section == "nodes":  # its key interned, one object with the parent keys naming it
                seeds.outlines[sys.intern(entry.key)] = NodeOutline(entry, seeds.shared)
                if keep:
                    seeds.nodes[entry.key] = entry
            else:
                table[entry.key] = entry
            seeds.where.note(section, entry.key, name)


def _label(name: str, section: str, index: int, raw) -> str:
    label = f"{name}: {section}[{index}]"
    if isinstance(raw, dict) and isinstance(raw.get("key"), str):
        label += f" ({raw['key']})"
    return label


def _check_references(seeds: SeedSet, problems: list[str]) -> None:
    def missing(label, section, key, what):
        if key not in (seeds.outlines if section == "nodes" else getattr(seeds, section)):
            problems.append(f"{label}: {what} '{key}' is not defined in any seed file")

    heads = set()  # the nodes that head a debate: its thesis, or its top-level points
    for key, debate in seeds.debates.items():
        label = f"{seeds.where[('debates', key)]}: debate {key}"
        if (debate.thesis is None) == (not debate.top):
            problems.append(f"{label}: needs either a thesis or, without one, its top-level points (top:)")
        for head in [debate.thesis] * (debate.thesis is not None) + debate.top:
            missing(label, "nodes", head, "top-level point" if debate.top else "thesis")
            heads.add(head)
        for theme in debate.themes:
            missing(label, "themes", theme, "theme")
        thesis = seeds.outlines.get(debate.thesis)
        if thesis and thesis.kind not in ("thesis", "question"):
            problems.append(f"{label}: thesis '{debate.thesis}' is of kind {thesis.kind}, not thesis or question")
        for head in debate.top:
            if head in seeds.outlines and (seeds.outlines[head].kind == "thesis" or seeds.outlines[head].parents()):
                problems.append(f"{label}: top-level point '{head}' must be a point without a parent, not a thesis")
    for key, entry in seeds.glossary.items():
        missing(f"{seeds.where[('glossary', key)]}: glossary {key}", "sources", entry.citation.source, "source")
    replaced: dict[str, str] = {}
    for key, node in seeds.outlines.items():
        label = f"{seeds.where[('nodes', key)]}: node {key}"
        missing(label, "voices", node.voice, "voice")
        for theme in node.themes:
            missing(label, "themes", theme, "theme")
        for source in node.sources:
            missing(label, "sources", source, "source")
        parents = [parent for parent, _relation in node.parents()]
        for parent in {p for p in parents if parents.count(p) > 1}:
            problems.append(f"{label}: links to '{parent}' more than once")
        for parent, _relation in node.parents():
            missing(label, "nodes", parent, "parent")
            if parent == key:
                problems.append(f"{label}: a node cannot be its own parent")
        if node.kind == "thesis" and node.parents():
            problems.append(f"{label}: a thesis has no parent")
        if key in heads and node.parents():
            problems.append(f"{label}: heads a debate, so it has no parent")
        if node.kind != "thesis" and not node.parents() and key not in heads:
            problems.append(f"{label}: needs a parent (supports:, opposes: or answers:)")
        if node.kind == "event" and not node.dated:
            problems.append(f"{label}: an event needs happened_on")
        if node.yes_means and node.kind != "question":
            problems.append(f"{label}: only a question says which side its 'yes' takes")
        for speaker in node.speakers:
            missing(label, "voices", speaker, "speaker")
        for old in node.replaces:
            if old in seeds.outlines:
                problems.append(f"{label}: replaces '{old}', which is still a node of its own")
            elif old in replaced:
                problems.append(f"{label}: '{old}' is already replaced by {replaced[old]}")
            replaced.setdefault(old, key)
    for key, source in seeds.sources.items():
        if source.voice:
            missing(f"{seeds.where[('sources', key)]}: source {key}", "voices", source.voice, "voice")


def _check_cycles(seeds: SeedSet, problems: list[str]) -> None:
    """Depth-first search over child -> parent edges, with a stack instead of recursion (a chain may run
    thousands of points deep); reports each cycle once."""
    state: dict[str, int] = {}  # 1: on the current trail, 2: done
    for start in seeds.outlines:
        if start in state:
            continue
        state[start], trail, stack = 1, [start], [iter(seeds.outlines[start].parents())]
        while stack:
            for parent, _relation in stack[-1]:
                if parent not in seeds.outlines:
                    continue
                if state.get(parent) == 1:
                    cycle = trail[trail.index(parent) :] + [parent]
                    problems.append(f"{seeds.where[('nodes', trail[-1])]}: links make a cycle: {' -> '.join(cycle)}")
                elif parent not in state:
                    state[parent] = 1
                    trail.append(parent)
                    stack.append(iter(seeds.outlines[parent].parents()))
                    break
            else:
                stack.pop()
                state[trail.pop()] = 2


def _assign_debates(seeds: SeedSet, problems: list[str]) -> None:
    """Each node belongs to a debate its parents lead to: the one defined in its own file when there is one."""
    thesis_debate = {
        head: key
        for key, debate in seeds.debates.items()
        for head in [debate.thesis] * (debate.thesis is not None) + debate.top
    }

    def settle(start: str) -> None:
        """Work out debate_of for `start` and every node above it, parents first, with a stack."""
        seeds.debate_of[start] = None  # guards against revisiting while the answer is worked out
        stack = [(start, iter(seeds.outlines[start].parents()), [])]  # (node, parents left, debates found)
        while stack:
            key, parents, found = stack[-1]
            for parent, _relation in parents:
                if parent in thesis_debate:
                    found.append(thesis_debate[parent])
                elif parent not in seeds.debate_of:
                    seeds.debate_of[parent] = None
                    stack.append((parent, iter(seeds.outlines[parent].parents()), []))
                    break
                elif seeds.debate_of[parent]:
                    found.append(seeds.debate_of[parent])
            else:
                stack.pop()
                home = seeds.where[("nodes", key)]
                same_file = [d for d in found if seeds.where[("debates", d)] == home]
                seeds.debate_of[key] = (same_file or found or [None])[0]
                if stack and seeds.debate_of[key]:
                    stack[-1][2].append(seeds.debate_of[key])

    for key in seeds.outlines:
        if key in thesis_debate:
            seeds.debate_of[key] = thesis_debate[key]
            continue
        if key not in seeds.debate_of:
            settle(key)
        if not seeds.debate_of[key]:
            problems.append(f"{seeds.where[('nodes', key)]}: node {key} is not reached from any debate's thesis")


def read(folder: Path) -> SeedSet:
    """Parse and validate every *.yaml file in `folder`; raise SeedError listing every problem."""
    files = sorted(Path(folder).glob("*.yaml"))
    if not files:
        raise SeedError([f"{folder}: no *.yaml seed files found"])
    seeds, problems = SeedSet(), list[str]()
    for path in files:
        _parse_file(path, seeds, problems)
    return _validate(seeds, problems)


def read_document(name: str, document, ignore=()) -> SeedSet:
    """Validate one map document already parsed (from JSON, say), keeping every point's seed; raise SeedError
    listing every problem."""
    seeds, problems = SeedSet(), list[str]()
    _parse_document(name, document, seeds, problems, ignore)
    return _validate(seeds, problems)


def read_sections(name: str, sections: Iterable[tuple[str, object]], ignore=()) -> SeedSet:
    """Check a map document read a section at a time: (section name, its entries as a list or any iterable of
    them) pairs, with the messages `read_document` gives; the entries are read once, in order, and of the points
    only their outlines are kept (so `points()` has none to give: see `read_map`). Raises SeedError listing every
    problem."""
    seeds, problems = SeedSet(), list[str]()
    _parse_sections(name, sections, seeds, problems, ignore, keep=False)
    return _validate(seeds, problems)


def read_map(name: str, passes: Callable[[], Iterable[tuple[str, object]]], ignore=()) -> SeedSet:
    """Check a map of any size in bounded memory: `passes()` gives its sections (as `read_sections` takes them)
    afresh each time it is called. The first pass is checked whole, keeping each point's outline only; the
    returned seeds' `points()` reads the points again from a new pass, checking each again, for the writer to
    take one at a time. Raises SeedError listing every problem; `points()` raises SeedError if the map no longer
    holds the points that were checked, in the same order."""
    first = passes()
    try:
        seeds = read_sections(name, first, ignore)
    finally:
        close(first)  # a pass left part-read (a problem found) lets go of its file now, not when collected
    seeds.again = lambda: _points_again(name, passes(), seeds)
    return seeds


def close(iterator) -> None:
    """Close a generator (and so the file it reads) that may have been left part-read; other iterators as they are."""
    if callable(getattr(iterator, "close", None)):
        iterator.close()


def _points_again(name: str, sections: Iterable[tuple[str, object]], seeds: SeedSet) -> Iterator[NodeSeed]:
    try:
        yield from _checked_again(name, sections, seeds)
    finally:
        close(sections)


def _checked_again(name: str, sections: Iterable[tuple[str, object]], seeds: SeedSet) -> Iterator[NodeSeed]:
    checked = iter(seeds.outlines)
    for section, entries in sections:
        if section != "nodes":
            continue
        for index, raw in enumerate(cast(Iterable, entries)):  # checked to be iterable by the first pass
            try:
                entry = NodeSeed.model_validate(raw)
            except ValidationError:
                entry = None
            if entry is None or entry.key != next(checked, None):
                raise SeedError([f"{_label(name, section, index, raw)}: the map changed after it was checked"])
            yield entry
    if next(checked, None) is not None:
        raise SeedError([f"{name}: the map changed after it was checked: it holds fewer points"])


def _validate(seeds: SeedSet, problems: list[str]) -> SeedSet:
    _check_references(seeds, problems)
    if not problems:
        _check_cycles(seeds, problems)
    if not problems:
        _assign_debates(seeds, problems)
    if problems:
        raise SeedError(problems)
    return seeds
