"""Markdown to sanitised HTML, and small display helpers."""

import calendar
import difflib
import re

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def render_markdown(source: str) -> str:
    """Markdown to HTML that keeps only harmless tags, attributes and http(s)/mailto links."""
    if not source or not source.strip():
        return ""
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def partial_date(value: str | None) -> str:
    """'2018-02-22' -> '22 February 2018'; '2018-02' -> 'February 2018'; '2018' stays."""
    if not value:
        return ""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = calendar.month_name[int(parts[1])]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def word_diff(old: str, new: str) -> Markup:
    """The words removed and added between two texts, marked up with <del> and <ins>."""
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(out)


SKIP_INSIDE = {"a", "code", "pre", "abbr"}
TAG = re.compile(r"(<[^>]+>)")


def acronym_pattern(terms: dict[str, str]) -> re.Pattern | None:
    """One regex for every term (longest first), matching whole words and a plural 's'."""
    if not terms:
        return None
    alternatives = "|".join(re.escape(str(escape(term))) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])({alternatives})(s?)(?![A-Za-z0-9])")


def expand_acronyms(html: str, terms: dict[str, str], pattern: re.Pattern | None) -> Markup:
    """Wrap known acronyms in <abbr title="expansion"> in sanitised HTML, leaving links, code and abbr alone."""
    if pattern is None:
        return Markup(html)

    def expansion(found: str) -> str:
        """The expansion of a term as it reads in the HTML (`found`): most terms read as they are written, and
        the table of their escaped forms is made only for a term that does not (A&E read as A&amp;E)."""
        if found in terms and str(escape(found)) == found:
            return terms[found]
        return {str(escape(term)): meaning for term, meaning in terms.items()}[found]

    out, skipping = [], []
    for piece in TAG.split(html):
        if piece.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            tag = name.group(1).lower() if name else ""
            if tag in SKIP_INSIDE:
                if piece.startswith("</"):
                    if skipping and skipping[-1] == tag:
                        skipping.pop()
                elif not piece.endswith("/>"):
                    skipping.append(tag)
            out.append(piece)
        elif skipping:
            out.append(piece)
        else:
            out.append(
                pattern.sub(lambda m: f'<abbr title="{escape(expansion(m.group(1)))}">{m.group(0)}</abbr>', piece)
            )
    return Markup("".join(out))


def lead(html: str, limit: int = 170) -> str:
    """The opening of sanitised HTML as one line of plain text: its first sentence, cut at a clause (or a word)
    with '…' when longer than `limit` characters. '' for ''."""
    import html as html_module

    plain = " ".join(html_module.unescape(nh3.clean(html or "", tags=set())).split())
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9“‘\"])", plain, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    head = sentence[:limit]
    for mark in (":", ";", " – ", " — ", ","):
        cut = head.rfind(mark)
        if cut > limit // 3:
            return head[:cut].rstrip() + "…"
    return head.rsplit(" ", 1)[0] + "…"
