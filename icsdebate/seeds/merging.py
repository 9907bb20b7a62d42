"""Fold one point into another (a seed's `replaces:`): everything that hung on the old point moves to the kept
one, and the old number and key lead there for good."""

from sqlmodel import Session, select

from .. import fields
from ..models import ChildTally, Citation, Debate, Link, Node, NodeAlias, NodeTheme, Revision


def merge_node(session: Session, old: Node, kept: Node) -> None:
    """Fold `old` into `kept` and delete it: its links (as child and as parent), citations, themes, history and
    status move to `kept`, a link that `kept` already has is dropped, and `old`'s number and key become an alias
    that leads to `kept`. Runs in the session's open transaction; raises nothing."""
    session.flush()
    for link in session.exec(select(Link).where(Link.child_id == old.id)).all():
        taken = session.exec(select(Link.id).where(Link.child_id == kept.id, Link.parent_id == link.parent_id)).first()
        if taken is not None or link.parent_id == kept.id:
            session.delete(link)
        else:
            link.child_id = kept.id
    for link in session.exec(select(Link).where(Link.parent_id == old.id)).all():
        taken = session.exec(select(Link.id).where(Link.child_id == link.child_id, Link.parent_id == kept.id)).first()
        if taken is not None or link.child_id == kept.id:
            session.delete(link)
        else:
            link.parent_id = kept.id
    session.flush()
    last = max([c.position for c in session.exec(select(Citation).where(Citation.node_id == kept.id))], default=-1)
    for offset, citation in enumerate(session.exec(select(Citation).where(Citation.node_id == old.id)).all(), 1):
        citation.node_id, citation.position = kept.id, last + offset
    kept_themes = set(session.exec(select(NodeTheme.theme_id).where(NodeTheme.node_id == kept.id)).all())
    for row in session.exec(select(NodeTheme).where(NodeTheme.node_id == old.id)).all():
        if row.theme_id not in kept_themes:
            session.add(NodeTheme(node_id=kept.id, theme_id=row.theme_id))
        session.delete(row)
    number = max(session.exec(select(Revision.number).where(Revision.node_id == kept.id)).all(), default=0)
    for revision in session.exec(select(Revision).where(Revision.node_id == old.id).order_by(Revision.number)).all():
        number += 1
        revision.node_id, revision.number = kept.id, number
        revision.note = (f"[from merged point {old.key or old.id}] " + revision.note)[: fields.NOTE]
    if kept.outcome is None and old.outcome is not None:
        for name in (
            "outcome",
            "outcome_on",
            "outcome_reason",
            "outcome_source_id",
            "outcome_quote",
            "outcome_locator",
        ):
            setattr(kept, name, getattr(old, name))
    for debate in session.exec(select(Debate).where(Debate.thesis_id == old.id)).all():
        debate.thesis_id = kept.id
    for alias in session.exec(select(NodeAlias).where(NodeAlias.node_id == old.id)).all():
        alias.node_id = kept.id
    session.add(NodeAlias(old_id=old.id, old_key=old.key, node_id=kept.id))
    session.flush()
    for tally in session.exec(select(ChildTally).where(ChildTally.node_id == old.id)).all():
        session.delete(tally)
    session.delete(old)
    session.flush()
