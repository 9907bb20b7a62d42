"""What a view reads from its address: the debate or point it names (or a 404 that says there is none), and
where in a list the reader is."""

from typing import NoReturn

from flask import abort, g, redirect, request, url_for
from sqlmodel import Session, select

from .. import db
from ..models import Debate, Node, NodeAlias
from ..params import int_arg
from ..queries.debates import DebateSummary, debate_summaries
from ..queries.keyset import Seek
from ..queries.points import NodeDetail, node_any_status, node_detail


def _no_such_debate(slug: str) -> NoReturn:
    """Raise the 404 for a debate address that names no debate, saying "There is no debate called “slug”."."""
    abort(404, f"There is no debate called “{slug}”.")


def debate_or_404(slug: str) -> Debate:
    """The Debate whose address is /debates/<slug>; a 404 (_no_such_debate) when there is none. One query."""
    debate = db.session().exec(select(Debate).where(Debate.slug == slug)).first()
    if debate is None:
        _no_such_debate(slug)
    return debate


def summary_or_404(slug: str) -> DebateSummary:
    """The DebateSummary (queries.debates) of the debate called `slug`; a 404 (_no_such_debate) when there is none."""
    summary = next(iter(debate_summaries(db.session(), slug=slug)), None)
    if summary is None:
        _no_such_debate(slug)
    return summary


def _no_such_point(node_id: int, *, follow_merged: bool = True) -> NoReturn:
    """Raise the 404 for a point's address that names no point, saying "There is no claim numbered N.". With
    `follow_merged`, a GET for a point merged into another (seeds' `replaces`) is first answered with a permanent
    redirect to the same page of the point it became."""
    if follow_merged:
        alias = db.session().get(NodeAlias, node_id)
        if alias is not None and request.method == "GET":
            args = {**(request.view_args or {}), "node_id": alias.node_id, **request.args.to_dict()}
            abort(redirect(url_for(request.endpoint or "", **args), 301))
    abort(404, f"There is no claim numbered {node_id}.")


def node_or_404(
    node_id: int, *, archived: bool = False, session: Session | None = None, follow_merged: bool = True
) -> Node:
    """The Node numbered `node_id`, read in `session` (the request's session when None); archived points too
    when `archived`. A 404 (or the redirect of a merged point; see _no_such_point) when there is none."""
    node = (session or db.session()).get(Node, node_id)
    if node is None or (node.status != "active" and not archived):
        _no_such_point(node_id, follow_merged=follow_merged)
    return node


def detail_or_404(node_id: int) -> NodeDetail:
    """The NodeDetail (queries.points) of point `node_id` for its page: archived points for moderators only. A 404
    (or the redirect of a merged point; see _no_such_point) when there is none."""
    if g.user and g.user.can("moderate"):
        detail = node_any_status(db.session(), node_id=node_id)
    else:
        detail = node_detail(db.session(), node_id=node_id)
    if detail is None:
        _no_such_point(node_id)
    return detail


def seek() -> Seek:
    """Where the reader is in a list, from the query string: ?after=KEY or ?before=KEY (as the list's own links
    carry them; at most 200 characters each, `after` winning over `before`) and the page number shown, ?page=N
    (1 to 99,999; the first when absent; a 400 for anything else). An address with ?page=N alone still opens that
    page (by counting rows). Lists paged by number alone (a point's children, the outline) read only `.page`."""
    page = int_arg("page", 1, hi=99_999)
    after, before = request.args.get("after") or None, request.args.get("before") or None
    return Seek(page, after[:200] if after else None, None if after or not before else before[:200])
