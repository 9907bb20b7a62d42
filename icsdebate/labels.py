"""The small marks every card and list repeats, as Jinja filters: the side a point takes, its kind, whether it
stands and why, a count with its noun, and the attributes of a link that htmx follows into #main.

They were macros; a page of cards called about 140 of them, and a Jinja macro call costs several times a
filter's (binding its arguments, a frame of its own, joining its output), about a tenth of a point's page.
Each takes text and returns Markup with that text escaped, or plain text for Jinja to escape."""

import functools

from markupsafe import Markup, escape

from .models import NODE_KINDS

_SIDES = {
    # (relation, under a question): the side a card takes, in words
    ("supports", False): Markup('<span class="side side-pro">For</span>'),
    ("supports", True): Markup('<span class="side side-pro">Yes</span>'),
    ("opposes", False): Markup('<span class="side side-con">Against</span>'),
    ("opposes", True): Markup('<span class="side side-con">No</span>'),
    ("answers", False): Markup('<span class="side side-answer">Position</span>'),
    ("answers", True): Markup('<span class="side side-answer">Position</span>'),
}
_KINDS = {kind: Markup(f'<span class="kind kind-{kind}">{kind}</span>') for kind in NODE_KINDS}


def side_label(relation: str | None, parent_kind: str | None = None) -> Markup:
    """The side a card takes under its parent, in words: For/Against, Yes/No under a question, Position for an
    answer to one; nothing for a card without a relation."""
    return _SIDES.get((relation or "", parent_kind == "question"), Markup(""))


def kind_badge(kind: str) -> Markup:
    """A point's kind (models.NODE_KINDS) as a badge."""
    found = _KINDS.get(kind)
    return found if found is not None else Markup('<span class="kind kind-{0}">{0}</span>').format(kind)


def standing_words(standing: str, cons: int) -> Markup:
    """Whether a point stands (standing.py: stands, answered or undecided), with the reason, from its standing
    and its count of opposing points (`cons`)."""
    if standing == "stands":
        if cons == 0:
            reason = "nothing opposes it"
        elif cons == 1:
            reason = "the one reply against it is answered"
        else:
            reason = f"all {escape(cons)} replies against it are answered"
        return Markup(f"<strong>Stands</strong>: {reason}")
    if standing == "answered":
        if cons == 1:
            reason = "the reply against it stands"
        else:
            reason = f"at least one of the {escape(cons)} replies against it stands"
        return Markup(f"<strong>Answered</strong>: {reason}")
    return Markup("<strong>Undecided</strong>: the replies against it answer each other in a circle")


def counted(n: int, one: str, many: str) -> str:
    """A count with its noun in the right number: "1 question", "2 questions" (text, for Jinja to escape)."""
    return f"{n} {one if n == 1 else many}"


@functools.lru_cache(maxsize=4096, typed=True)
def drill(url: str) -> Markup:
    """The attributes of a link that htmx follows into #main (pushing the address, scrolling to the top), and
    that works as a plain link without it. Made once for each of the 4,096 addresses most recently asked for
    (a point's page asks for about 35, mostly the same on every page); `typed`, so that Markup, which is not
    escaped again, is kept apart from a str of the same text."""
    url = escape(url)
    return Markup(
        f'href="{url}" hx-get="{url}" hx-target="#main" hx-push-url="true" hx-swap="innerHTML show:window:top"'
    )


FILTERS = {
    "side_label": side_label,
    "kind_badge": kind_badge,
    "standing_words": standing_words,
    "counted": counted,
    "drill": drill,
}
