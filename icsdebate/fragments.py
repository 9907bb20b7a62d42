"""Links that open a source's own web page at the quoted passage: URL text fragments.

A text fragment (WICG "URL Fragment Text Directives", https://wicg.github.io/scroll-to-text-fragment/) is
`#:~:text=[prefix-,]textStart[,textEnd][,-suffix]` at the end of an address; Chromium, Edge, Safari and Firefox
scroll to the first match and highlight it. Matching is case-insensitive and on whole words. Chromium treats
straight and curly quotes and apostrophes alike, but not a hyphen and a dash, which is why words with a dash in
them are kept out of textStart and textEnd (a quote typed with "-" for the page's "—" would not match).
"""

import re
from urllib.parse import quote as _percent

DIRECTIVE = ":~:"
# The spec's "text directive explicit chars" besides letters and digits may stay as they are; everything else,
# and '&', '-' and ',' (the directive's own syntax) in particular, is percent-encoded as UTF-8.
_SAFE = "!$'*+./:;=?@_~"  # and ( ) encoded too, so a link survives Markdown
EXACT_WORDS = 10  # a quote of at most this many words is matched whole
EDGE_WORDS = 5  # otherwise textStart is its first words and textEnd its last, this many each
MIN_RUN = 3  # fewer words than this ("ICSs") could match anywhere on the page
_ELLIPSIS = re.compile(r"\s*\[?(?:\.\.\.|\u2026)\]?\s*")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_UNSAFE = re.compile(f"[{_DASHES}]|\\d-\\d|^-+$")
_EDGE_PUNCTUATION = "\"'\u2018\u2019\u201c\u201d([{)]}.,;:!?-" + _DASHES


def encode(text: str) -> str:
    """Percent-encode one text directive parameter (str -> str) as the spec requires: every character other
    than ASCII letters, digits and !$'*+./:;=?@_~ becomes %XX per UTF-8 byte; so '-' is %2D, ',' %2C,
    '&' %26 and a space %20."""
    return _percent(text, safe=_SAFE).replace("-", "%2D")


def _unsafe(word: str) -> bool:
    """A word whose dashes may be typed differently from the page's: a lone dash, an en or em dash, or a
    hyphen between digits (2017-2020 for the page's 2017–2020)."""
    return _UNSAFE.search(word) is not None


def _trim(words: list[str]) -> list[str]:
    """Drop punctuation at the two ends of a run of words (a page need not have the quote's closing full stop
    or the quotation marks a quote was typed with)."""
    if not words:
        return words
    words = list(words)
    words[0] = words[0].lstrip(_EDGE_PUNCTUATION)
    words[-1] = words[-1].rstrip(_EDGE_PUNCTUATION)
    return [w for w in words if w]


def _safe_run(words: list[str], count: int, *, from_end: bool = False) -> tuple[int, int]:
    """The (start, stop) indices of up to `count` words without an unsure dash, as near the start of `words`
    (or its end) as can be: the first run of at least MIN_RUN such words, else the longest run; (0, 0) when
    every word is unsure."""
    runs, i = [], 0
    while i < len(words):
        if _unsafe(words[i]):
            i += 1
            continue
        j = i
        while j < len(words) and not _unsafe(words[j]):
            j += 1
        runs.append((i, j))
        i = j
    if not runs:
        return (0, 0)
    ordered = runs[::-1] if from_end else runs
    i, j = next((r for r in ordered if r[1] - r[0] >= MIN_RUN), max(ordered, key=lambda r: r[1] - r[0]))
    return (max(i, j - count), j) if from_end else (i, min(j, i + count))


def directive(quote: str) -> str | None:
    """The text directive (str, without `#:~:`) that finds `quote` on a page, or None when the quote has no
    word to look for. Whitespace is collapsed. A short quote without ellipses or unsure dashes is matched whole
    (`text=the%20words`); otherwise `text=start,end`: textStart is the first words of the quote, textEnd the
    last words (of the part after the last "..." or "[...]"), a few each, stopping at an unsure dash."""
    pieces = [p.split() for p in _ELLIPSIS.split(quote) if p.split()]
    if not pieces:
        return None
    first, last = pieces[0], pieces[-1]
    if len(pieces) == 1 and len(first) <= EXACT_WORDS and not any(map(_unsafe, first)):
        return _parameter(first)
    a, b = _safe_run(first, EDGE_WORDS)
    c, d = _safe_run(last, EDGE_WORDS, from_end=True)
    if a == b and c == d:
        return None
    if a == b or c == d:  # one usable run only
        return _parameter(first[a:b] if a < b else last[c:d])
    if len(pieces) == 1 and c < b:  # the two overlap, within one run of sure words: match the run whole
        return _parameter(first[min(a, c) : max(b, d)])
    start, end = _trim(first[a:b]), _trim(last[c:d])
    if not start or not end:
        return _parameter(start or end)
    return "text=" + encode(" ".join(start)) + "," + encode(" ".join(end))


def _parameter(words: list[str]) -> str | None:
    words = _trim(words)
    return "text=" + encode(" ".join(words)) if words else None


def link(address: str | None, quote: str | None) -> str | None:
    """`address` with a text fragment for `quote` (str | None -> str | None). An address without a fragment gets
    `#:~:text=...`; one with a fragment keeps it (`#section:~:text=...`, which still scrolls to the section if
    the text is not found); a fragment directive already in the address is replaced. No quote: the address
    unchanged; no address: None."""
    if not address:
        return None
    text = directive(quote or "")
    if text is None:
        return address
    base, hash_, fragment = address.partition("#")
    fragment = fragment.split(DIRECTIVE, 1)[0]
    return f"{base}#{fragment}{DIRECTIVE}{text}"
