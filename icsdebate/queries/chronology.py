"""Lists in time order: the recent changes and the timeline."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, literal_column
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..models import Debate, Link, Node, Revision, User, Voice
from .cards import ACTIVE
from .keyset import FIRST_PAGE, Seek, Window, seek_page


def recent_changes(session: Session, *, debate_id: int | None = None, seek: Seek = FIRST_PAGE, size: int = 50):
    """Newest changes first: (revision, node, debate, author) rows and their Window; one query, read along
    ix_revision_created_id (or ix_revision_debate_created_id) from where the last page ended."""
    query = (
        select(Revision, Node, Debate, User)
        .join(Node, Node.id == Revision.node_id)
        .join(Debate, Debate.id == Revision.debate_id)
        .outerjoin(User, User.id == Revision.author_id)
        .where(Revision.action != "original")
    )
    if debate_id is not None:
        query = query.where(Revision.debate_id == debate_id)
    return seek_page(session, query, (Revision.created_at, Revision.id), (_moment, int), seek, size, descending=True)


def _moment(value: str) -> datetime:
    """A moment in a recent-changes key, as its links write it: ISO 8601 with its UTC offset, in UTC. ValueError for
    a moment without an offset or one that UTC cannot hold (year 1 at +05:00), which the page refuses with a 400."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(value)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(value) from None


@dataclass
class Dated:
    node: Node
    voice: Voice | None
    debate: Debate
    date: str
    bears_on: list[tuple[str, int, str]] = field(default_factory=list)  # (relation, parent id, parent title)


def _flag(value: str) -> bool:
    if value not in ("0", "1"):
        raise ValueError(value)
    return value == "1"


def timeline(
    session: Session, *, debate_id: int | None = None, seek: Seek = FIRST_PAGE, size: int = 100
) -> tuple[list[Dated], Window]:
    """Dated points oldest first (events by when they happened, claims by when they were argued), and the
    page's Window: two queries, the first read along ix_node_timeline / ix_node_debate_timeline (0016)."""
    when = func.coalesce(Node.happened_on, Node.argued_on)
    # Written as the index writes it: with 'event' a bound parameter, SQLite would not match the index's second
    # column and would sort every point of the earliest date.
    not_event = Node.kind != literal_column("'event'")
    query = (
        select(Node, Voice, Debate, when)
        .outerjoin(Voice, Voice.id == Node.voice_id)
        .join(Debate, Debate.id == Node.debate_id)
        .where(ACTIVE, when.is_not(None), Node.kind != "thesis")
    )
    if debate_id is not None:
        query = query.where(Node.debate_id == debate_id)
    found, window = seek_page(session, query, (when, not_event, Node.id), (str, _flag, int), seek, size)
    rows = [Dated(node, voice, debate, date) for node, voice, debate, date in found]
    by_id = {row.node.id: row for row in rows}
    parent = aliased(Node)
    if by_id:
        for child_id, relation, parent_id, title in session.exec(
            select(Link.child_id, Link.relation, parent.id, parent.title)
            .join(parent, parent.id == Link.parent_id)
            .where(Link.child_id.in_(list(by_id)), parent.status == "active")
            .order_by(Link.position)
        ):
            by_id[child_id].bears_on.append((relation, parent_id, title))
    return rows, window
