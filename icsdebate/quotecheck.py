"""Quotes checked against the copy of their source that an administrator attached.

The rules are those of the project's checking tool (`check_quotes.py`): whitespace collapsed, typographic
quotes, apostrophes, dashes, the ellipsis character and no-break spaces folded to plain ones, case ignored; a
quote may leave words out with "..." or "[...]", and its parts must then be found in that order. A quote is
"found" when the attached copy holds it word for word by those rules.

A copy is stored whole (SourceText.original) and in the normalised form the rules compare against
(SourceText.normalised: folded and collapsed, with line breaks kept as "\n" so that sentences and paragraphs can
be told apart, and case kept for showing a quote in its sentence). No page serves either whole.

Each citation stores the outcome (Citation.found_in_copy: True, False, or None while its source has no copy):
`attach` checks every quote of a source when its copy arrives, and `check_pending`, run by every write
transaction, checks the citations written since.
"""

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from .models import Citation, Source, SourceText, utcnow

MAX_TEXT_BYTES = 5_000_000
FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)
_ELLIPSIS = re.compile(r"\[?\.\.\.\]?")
_LINE_BREAK = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]*[\r\n\u2028\u2029\x1c-\x1e\x85][\s]*")
_SPACE = re.compile(r"[^\S\n]+")
CONTEXT_CHARS = 320  # at most this much of a sentence is shown on either side of a quote


class TextError(ValueError):
    """A copy that cannot be attached; the message says why."""


def normalise(text: str) -> str:
    """A source's text as quotes are compared against it (str -> str): typography folded as FOLD says, each run
    of whitespace that holds a line break made one "\n", every other run one space, ends stripped."""
    folded = text.translate(FOLD)
    return _SPACE.sub(" ", _LINE_BREAK.sub("\n", folded)).strip()


def comparable(normalised: str) -> str:
    """The normalised text as quotes are looked for in it: line breaks as spaces and lower case, letter for
    letter (so offsets in it are offsets in the normalised text). Worth keeping when looking for many quotes."""
    flat = normalised.replace("\n", " ")
    lowered = flat.lower()
    if len(lowered) == len(flat):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in flat)


def pieces(quote: str) -> list[str]:
    """The parts of a quote to look for, in order (str -> list[str]): folded, collapsed and lower-cased, split at
    "..." and "[...]", each stripped of spaces and full stops at its ends; empty parts dropped."""
    folded = re.sub(r"\s+", " ", quote.translate(FOLD)).strip().lower()
    return [p for p in (p.strip(" .") for p in _ELLIPSIS.split(folded)) if p]


def locate(quote: str, normalised: str, flat: str | None = None) -> list[tuple[int, int]] | None:
    """Where each part of `quote` is in `normalised` (a list of (start, end) offsets), or None when some part
    is not there in order, or the quote has no words. `flat`: comparable(normalised), if already made."""
    text = flat if flat is not None else comparable(normalised)
    spans, at = [], 0
    parts = pieces(quote)
    for part in parts:
        start = text.find(part, at)
        if start < 0:
            return None
        spans.append((start, start + len(part)))
        at = start + len(part)
    return spans or None


def found(quote: str, normalised: str) -> bool:
    """Whether the copy holds `quote` word for word by the rules above."""
    return locate(quote, normalised) is not None


_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?= )|\n")


def in_sentence(quote: str, normalised: str, flat: str | None = None) -> list[tuple[str, bool]] | None:
    """The sentence or sentences of the copy that hold `quote`, as (text, is_quoted) segments in order: the
    quoted parts marked, text around them up to the sentence's ends (or "…" after CONTEXT_CHARS). None when the
    quote is not found. Plain text, to be escaped by whoever shows it."""
    spans = locate(quote, normalised, flat)
    if spans is None:
        return None
    first, last = spans[0][0], spans[-1][1]
    floor = max(0, first - CONTEXT_CHARS)
    ends = [m.end() for m in _SENTENCE_END.finditer(normalised, floor, first)]
    start = ends[-1] if ends else floor
    if start == floor and floor > 0:  # cut at a word
        start = normalised.find(" ", floor, first) + 1 or floor
    after = _SENTENCE_END.search(normalised, last, min(len(normalised), last + CONTEXT_CHARS))
    stop = after.end() if after else min(len(normalised), last + CONTEXT_CHARS)
    if not after and stop < len(normalised):
        stop = normalised.rfind(" ", last, stop) if normalised.rfind(" ", last, stop) > last else stop
    segments: list[tuple[str, bool]] = [("…", False)] if start > 0 and not ends else []
    at = start
    for a, b in spans:
        segments += [(normalised[at:a], False), (normalised[a:b], True)]
        at = b
    segments.append((normalised[at:stop], False))
    if not after and stop < len(normalised):
        segments.append(("…", False))
    segments = [(text.replace("\n", " "), marked) for text, marked in segments if text or marked]
    if not segments[0][1]:
        segments[0] = (segments[0][0].lstrip(), False)
    if not segments[-1][1]:
        segments[-1] = (segments[-1][0].rstrip(), False)
    return [(text, marked) for text, marked in segments if text or marked]


def read_text(data: bytes, name: str) -> str:
    """A file's bytes as text (bytes -> str), or TextError saying what is wrong: empty, larger than
    MAX_TEXT_BYTES, or not UTF-8 (with the byte offset)."""
    if len(data) > MAX_TEXT_BYTES:
        raise TextError(f"{name} is {len(data):,} bytes; a source's text may be at most {MAX_TEXT_BYTES:,} bytes.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TextError(
            f"{name} is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8 and attach it again."
        ) from exc
    if not text.strip():
        raise TextError(f"{name} holds no text.")
    return text


@dataclass
class Attached:
    """What attaching a copy did: whether it replaced one, and how many of the source's quotes it holds."""

    source: Source
    replaced: bool
    same_text: bool  # the copy replaced held the same text
    found: int
    not_found: list[Citation]


def attach(session: Session, *, source: Source, text: str, name: str) -> Attached:
    """Store `text` as `source`'s copy (replacing any earlier one) and check every quote citing the source
    against it, in the session's open transaction."""
    copy = session.get(SourceText, source.id)
    replaced = copy is not None
    same = replaced and copy.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    if copy is None:
        copy = SourceText(source_id=source.id)
        session.add(copy)
    copy.original, copy.normalised = text, normalise(text)
    copy.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    copy.filename, copy.attached_at = name[-300:], utcnow()
    session.flush()
    citations = list(
        session.exec(
            select(Citation).where(Citation.source_id == source.id).order_by(Citation.node_id, Citation.position)
        )
    )
    outcome = _check(session, citations, {source.id: copy.normalised})
    return Attached(source, replaced, same, sum(outcome.values()), [c for c in citations if not outcome[c.id]])


def _check(session: Session, citations: list[Citation], texts: dict[int, str]) -> dict[int, bool]:
    """Check `citations` against the normalised copies in `texts` (by source id) and store the outcome: two
    UPDATE statements whatever the number of citations."""
    flat = {source_id: comparable(text) for source_id, text in texts.items()}
    outcome = {c.id: locate(c.quote, texts[c.source_id], flat[c.source_id]) is not None for c in citations}
    for value in (True, False):
        ids = [citation_id for citation_id, ok in outcome.items() if ok is value]
        for start in range(0, len(ids), 1000):
            session.execute(
                update(Citation)
                .where(Citation.id.in_(ids[start : start + 1000]))
                .values(found_in_copy=value)
                .execution_options(synchronize_session=False)
            )
    for citation in citations:
        citation.found_in_copy = outcome[citation.id]
    return outcome


def check_pending(session: Session) -> int:
    """Check the citations not yet checked whose source has a copy (those written in this transaction, as a
    rule); returns how many. One query when there are none."""
    session.flush()
    rows = list(
        session.exec(
            select(Citation)
            .join(SourceText, SourceText.source_id == Citation.source_id)
            .where(Citation.found_in_copy.is_(None))
        )
    )
    if not rows:
        return 0
    ids = sorted({c.source_id for c in rows})
    texts = dict(
        session.exec(select(SourceText.source_id, SourceText.normalised).where(SourceText.source_id.in_(ids))).all()
    )
    _check(session, rows, texts)
    return len(rows)


def check_quote(session: Session, *, source_id: int, quote: str) -> bool | None:
    """Whether source `source_id`'s copy holds `quote`: None when the source has no copy. One query."""
    text = session.exec(select(SourceText.normalised).where(SourceText.source_id == source_id)).first()
    return None if text is None else found(quote, text)
