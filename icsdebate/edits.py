"""Every change to the argument map: each one keeps a revision, so nothing a user wrote is lost."""

import json
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from . import derived, graph
from .models import Citation, Link, Node, NodeTheme, Revision, Source, Theme, User, Voice, utcnow
from .schemas import NodeCreate, NodeFields, NodeUpdate, OutcomeSet
from .text import render_markdown

OUTCOME_FIELDS = ("outcome", "outcome_on", "outcome_reason", "outcome_source_id", "outcome_quote", "outcome_locator")


class EditError(ValueError):
    """A change the rules refuse; `field` names the form field it concerns, when there is one."""

    def __init__(self, message: str, field: str = "form"):
        super().__init__(message)
        self.field = field


class EditConflict(Exception):
    """An edit based on a version that is no longer current, when the point's content has changed since.

    `number` is the current version's number, `theirs` its content (as snapshot() gives it), `saved_at` (UTC)
    and `author` when and by whom it was saved (None, None for the published map). Plain values: the session
    they were read in is rolled back."""

    def __init__(self, number: int, theirs: dict, saved_at: datetime | None, author: str | None):
        super().__init__(f"This point changed since version {number}.")
        self.number, self.theirs, self.saved_at, self.author = number, theirs, saved_at, author


# What the edit form changes: a conflict is a change to one of these since the editor's version. Status, links
# and outcomes are changed elsewhere, and an edit leaves them as they are.
EDITED_FIELDS = ("kind", "title", "annotation", "argued_on", "happened_on", "voice_id", "citations", "themes")


def current_version(session: Session, node_id: int) -> int:
    """The number of the point's latest version; 0 for a point of the published map never changed since."""
    return session.exec(select(func.coalesce(func.max(Revision.number), 0)).where(Revision.node_id == node_id)).one()


def check_base(session: Session, node: Node, base: int) -> None:
    """Raise EditConflict when the point's content changed after version `base`, the one an edit started from.

    Version 0 is the published map, kept as the "original" version at the first change. A later version that
    changed none of EDITED_FIELDS (a link, an archive, an outcome) is no conflict. Call it with the node's row
    locked (Session.get(..., with_for_update=True)), so that two saves from the same base cannot both pass."""
    latest = session.exec(
        select(Revision).where(Revision.node_id == node.id).order_by(Revision.number.desc()).limit(1)
    ).first()
    number = latest.number if latest else 0
    if number == base:
        return
    if base == 0:
        then = session.exec(
            select(Revision).where(Revision.node_id == node.id, Revision.number == 1, Revision.action == "original")
        ).first()
    else:
        then = session.exec(select(Revision).where(Revision.node_id == node.id, Revision.number == base)).first()
    now = snapshot(session, node)
    if then is not None and base < number:
        earlier = json.loads(then.content)
        if all(earlier.get(field) == now.get(field) for field in EDITED_FIELDS):
            return
    author = session.get(User, latest.author_id) if latest and latest.author_id else None
    raise EditConflict(number, now, latest.created_at if latest else None, author.name if author else None)


def snapshot(session: Session, node: Node) -> dict:
    """The node's content as a plain dict: what a revision keeps."""
    citations = session.exec(
        select(Citation, Source)
        .join(Source, Source.id == Citation.source_id)
        .where(Citation.node_id == node.id)
        .order_by(Citation.position)
    ).all()
    themes = session.exec(
        select(Theme)
        .join(NodeTheme, NodeTheme.theme_id == Theme.id)
        .where(NodeTheme.node_id == node.id)
        .order_by(Theme.name)
    ).all()
    voice = session.get(Voice, node.voice_id) if node.voice_id else None
    return {
        "kind": node.kind,
        "title": node.title,
        "annotation": node.annotation,
        "argued_on": node.argued_on or "",
        "happened_on": node.happened_on or "",
        "status": node.status,
        "voice_id": node.voice_id,
        "voice": voice.name if voice else "",
        "citations": [
            {"source_id": s.id, "source": s.title, "quote": c.quote, "locator": c.locator} for c, s in citations
        ],
        "themes": [{"id": t.id, "name": t.name} for t in themes],
        **{field: getattr(node, field) for field in OUTCOME_FIELDS},
    }


def _record(
    session: Session, node: Node, action: str, author: User | None, note: str = "", first: bool = False
) -> Revision:
    """Keep the node's current content as its next version (`first` for a node made just now: version 1)."""
    session.flush()
    number = (
        0
        if first
        else session.exec(select(func.coalesce(func.max(Revision.number), 0)).where(Revision.node_id == node.id)).one()
    )
    revision = Revision(
        node_id=node.id,
        debate_id=node.debate_id,
        number=number + 1,
        action=action,
        note=note,
        author_id=author.id if author else None,
        content=json.dumps(snapshot(session, node)),
    )
    session.add(revision)
    return revision


def _keep_original(session: Session, node: Node) -> None:
    """A node loaded from the seeds has no revision yet: keep its original before the first change."""
    if session.exec(select(Revision.id).where(Revision.node_id == node.id)).first() is None:
        _record(session, node, "original", None, "As first published")


def _voice(session: Session, data, author: User) -> int:
    if data.voice == "new":
        voice = Voice(
            name=data.voice_name,
            role=data.voice_role,
            organisation=data.voice_organisation,
            group_name=data.voice_group,
        )
        session.add(voice)
        session.flush()
        return voice.id
    if session.get(Voice, int(data.voice)) is None:
        raise EditError("That voice no longer exists; choose another.", "voice")
    return int(data.voice)


def _add_citation(session: Session, node: Node, data, first: bool = False) -> None:
    """Add the citation the form gives, last of the node's; `first` for a node made just now."""
    if not data.quote:
        return
    if data.source == "new":
        source = Source(
            title=data.source_title,
            publisher=data.source_publisher,
            author=data.source_author,
            date=data.source_date or None,
            address=data.source_address or None,
            kind=data.source_kind,
        )
        session.add(source)
        session.flush()
    else:
        source = session.get(Source, int(data.source))
        if source is None:
            raise EditError("That source no longer exists; choose another.", "source")
    position = 0 if first else session.exec(select(func.count()).where(Citation.node_id == node.id)).one()
    session.add(
        Citation(node_id=node.id, source_id=source.id, quote=data.quote, locator=data.locator, position=position)
    )


def _correct_citations(session: Session, node: Node, corrected: list | None) -> None:
    """Put the corrected source, quote and locator into each of the node's citations, in order; None leaves them."""
    if corrected is None:
        return
    cited = session.exec(select(Citation).where(Citation.node_id == node.id).order_by(Citation.position)).all()
    if len(corrected) != len(cited):
        raise EditError("The quotes of this point changed while you were editing it; reload the page.")
    for number, (citation, change) in enumerate(zip(cited, corrected, strict=True), start=1):
        if session.get(Source, int(change.source)) is None:
            raise EditError("That source no longer exists; choose another.", f"citations-{number - 1}-source")
        citation.source_id, citation.quote, citation.locator = int(change.source), change.quote, change.locator


def _set_themes(session: Session, node: Node, theme_ids: list[int], fresh: bool = False) -> None:
    """Make the node's themes `theme_ids`; `fresh` for a node made just now, which has none yet."""
    known = set(session.exec(select(Theme.id).where(Theme.id.in_(theme_ids))).all()) if theme_ids else set()
    if known != set(theme_ids):
        raise EditError("One of the themes no longer exists.", "themes")
    current = (
        set() if fresh else set(session.exec(select(NodeTheme.theme_id).where(NodeTheme.node_id == node.id)).all())
    )
    for theme_id in known - current:
        session.add(NodeTheme(node_id=node.id, theme_id=theme_id))
    for theme_id in current - known:
        session.delete(session.get(NodeTheme, (node.id, theme_id)))


def _apply(node: Node, data: NodeFields) -> None:
    node.kind, node.title = data.kind, data.title
    node.annotation, node.annotation_html = data.annotation, render_markdown(data.annotation)
    node.argued_on, node.happened_on = data.argued_on or None, data.happened_on or None
    node.updated_at = utcnow()


def create_node(session: Session, *, parent: Node, data: NodeCreate, author: User) -> Node:
    """A new node under `parent`, with its voice, first citation and themes, and its first revision."""
    if parent.status != "active":
        raise EditError("That point is archived; nothing can be added under it.")
    node = Node(
        debate_id=parent.debate_id,
        kind=data.kind,
        title=data.title,
        created_by_id=author.id,
        voice_id=_voice(session, data, author),
        side=graph.side_below(parent.side, data.relation),
    )
    _apply(node, data)
    session.add(node)
    session.flush()
    _add_citation(session, node, data, first=True)
    _set_themes(session, node, data.themes, fresh=True)
    graph.add_link(session, child=node, parent=parent, relation=data.relation, created_by_id=author.id, fresh=True)
    derived.after_point_write(session, [node.id])
    _record(session, node, "created", author, f"{data.relation} “{parent.title}”", first=True)
    return node


def may_edit(user: User | None, node: Node) -> bool:
    return user is not None and (user.can("moderate") or node.created_by_id == user.id)


def update_node(session: Session, *, node: Node, data: NodeUpdate, author: User, base: int | None = None) -> Revision:
    """Apply an edit and keep the new version (and the original, for a node that had none).

    `base` is the version the edit started from (the edit form carries it): when the content changed since,
    nothing is changed and EditConflict is raised. None skips the check (the command line, older forms)."""
    if base is not None:
        check_base(session, node, base)
    _keep_original(session, node)
    node.voice_id = _voice(session, data, author)
    _apply(node, data)
    _correct_citations(session, node, data.citations)
    _add_citation(session, node, data)
    _set_themes(session, node, data.themes)
    derived.after_point_write(session, [node.id])  # its kind or voice may have changed
    return _record(session, node, "edited", author, data.note)


def set_status(session: Session, *, node: Node, status: str, author: User) -> Revision:
    """Archive a node (it leaves the tree) or bring it back; both are versions in its history."""
    if node.kind == "thesis":
        raise EditError("A debate's thesis cannot be archived.")
    _keep_original(session, node)
    node.status, node.updated_at = status, utcnow()
    derived.after_point_write(session, [node.id])
    return _record(session, node, "archived" if status == "archived" else "restored", author)


def restore_revision(session: Session, *, node: Node, number: int, author: User) -> Revision:
    """Make an earlier version current again, as a new version: later ones stay in the history."""
    old = session.exec(select(Revision).where(Revision.node_id == node.id, Revision.number == number)).first()
    if old is None:
        raise EditError(f"There is no version {number} of this point.")
    content = json.loads(old.content)
    node.kind, node.title, node.status = content["kind"], content["title"], content["status"]
    node.annotation, node.annotation_html = content["annotation"], render_markdown(content["annotation"])
    node.argued_on, node.happened_on = content["argued_on"] or None, content["happened_on"] or None
    node.voice_id, node.updated_at = content["voice_id"], utcnow()
    for field in OUTCOME_FIELDS:  # versions kept before outcomes existed have none
        setattr(
            node,
            field,
            content.get(field, "" if field in ("outcome_reason", "outcome_quote", "outcome_locator") else None),
        )
    for citation in session.exec(select(Citation).where(Citation.node_id == node.id)):
        session.delete(citation)
    for position, cited in enumerate(content["citations"]):
        session.add(
            Citation(
                node_id=node.id,
                source_id=cited["source_id"],
                quote=cited["quote"],
                locator=cited["locator"],
                position=position,
            )
        )
    session.flush()
    _set_themes(session, node, [theme["id"] for theme in content["themes"]])
    derived.after_point_write(session, [node.id])  # the version may have another status, kind or voice
    return _record(session, node, "restored", author, f"Restored version {number}")


def link_existing(session: Session, *, child: Node, parent: Node, relation: str, author: User) -> Link:
    """Put an existing node under another parent too; refused when it would make a cycle."""
    if child.status != "active" or parent.status != "active":
        raise EditError("Archived points cannot be linked.")
    try:
        link = graph.add_link(session, child=child, parent=parent, relation=relation, created_by_id=author.id)
    except graph.GraphError as exc:
        raise EditError(str(exc), "child") from exc
    derived.after_point_write(session, [child.id])
    _keep_original(session, child)
    _record(session, child, "linked", author, f"Also {relation} “{parent.title}”")
    return link


def set_outcome(session: Session, *, node: Node, data: OutcomeSet, author: User) -> Revision:
    """Record what later events made of a point, with the source that shows it; a version like any edit."""
    if session.get(Source, int(data.source)) is None:
        raise EditError("That source no longer exists; choose another.", "source")
    _keep_original(session, node)
    node.outcome, node.outcome_on, node.outcome_reason = data.outcome, data.outcome_on, data.outcome_reason
    node.outcome_source_id, node.outcome_quote, node.outcome_locator = int(data.source), data.quote, data.locator
    node.updated_at = utcnow()
    return _record(session, node, "outcome", author, f"{data.outcome} ({data.outcome_on})")
