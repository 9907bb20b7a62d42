"""The tables of the argument graph, and the vocabularies they use."""

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from . import fields

NODE_KINDS = ("thesis", "claim", "evidence", "question", "event")
RELATIONS = ("supports", "opposes", "answers")  # answers: a position answering a question, neither for nor against it
SIDES = ("supports", "opposes")  # the relations that argue for or against: pro and con columns, forms
SOURCE_KINDS = ("think tank", "parliament", "campaign", "comment", "encyclopedia", "government", "news", "argument map")
STATUSES = ("active", "archived")
OUTCOMES = ("open", "answered", "confirmed", "contested")  # what later events made of a point, set by moderators


SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Vocabulary(TypeDecorator):
    """A text column that holds one of a fixed set of words (`words`: a point's kind, its status), compared with
    its words written into the SQL, not sent as parameters: `Node.status == "active"` reads `node.status =
    'active'`. Any other value is sent as a parameter as usual.

    Why: the timeline's partial indexes hold only points with `status = 'active' AND kind <> 'thesis'` (0016).
    When a statement compares one of those columns with a parameter, SQLite can use such an index only if it
    knows the value. So it prepares the statement again each time it runs (where.c, whereUsablePartialIndex, which
    marks the parameter through sqlite3ExprImpliesExpr). For a point's detail that was 130 µs of a 145 µs
    statement, on every statement about points on every page (tests/test_statements.py counts the statements
    SQLite prepares). PostgreSQL's plans, likewise, use a partial index only where the word is written.

    Only a plain str equal to one of `words` is written, and it is the listed word that is written. A written word
    cannot be evaluated in Python: an ORM bulk update filtering on these columns must synchronise the session by
    "fetch" (the default, "auto", chooses it), not "evaluate"."""

    impl = String
    cache_ok = True

    def __init__(self, words: tuple[str, ...], length: int = 10):
        if any("'" in word or len(word) > length for word in words):
            raise ValueError(f"{words}: each word is written into SQL as it is, so it holds no quote and fits")
        super().__init__(length)
        self.words = words

    class comparator_factory(TypeDecorator.Comparator):
        def operate(self, op, *other, **kwargs):
            words = self.type.words  # type: ignore[attr-defined]
            if op in (operators.eq, operators.ne) and len(other) == 1 and type(other[0]) is str and other[0] in words:
                other = (literal_column(f"'{words[words.index(other[0])]}'", self.type),)  # the listed word
            return super().operate(op, *other, **kwargs)


def _in(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class Theme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=fields.KEY, unique=True)
    name: str = Field(max_length=fields.THEME_NAME)
    description: str = Field(default="", sa_type=Text)


class Source(SQLModel, table=True):
    __table_args__ = (_in("kind", SOURCE_KINDS),)
    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=fields.KEY, unique=True)
    title: str = Field(max_length=fields.SOURCE_TITLE)
    publisher: str = Field(default="", max_length=fields.NAME)
    author: str = Field(default="", max_length=fields.NAME)
    date: str | None = Field(default=None, max_length=fields.DATE)
    address: str | None = Field(default=None, max_length=fields.ADDRESS)
    kind: str = Field(max_length=20)


class Voice(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=fields.KEY, unique=True)
    name: str = Field(max_length=fields.NAME)
    role: str = Field(default="", max_length=fields.NAME)
    organisation: str = Field(default="", max_length=fields.NAME)
    group_name: str = Field(max_length=fields.GROUP, index=True)


class Debate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=fields.KEY, unique=True)
    title: str = Field(max_length=fields.TITLE)
    summary: str = Field(default="", sa_type=Text)
    summary_html: str = Field(default="", sa_type=Text)
    thesis_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("node.id", use_alter=True, name="fk_debate_thesis"), nullable=True),
    )
    created_at: datetime = Field(default_factory=utcnow)


class Node(SQLModel, table=True):
    __table_args__ = (
        _in("kind", NODE_KINDS),
        _in("status", STATUSES),
        _in("outcome", OUTCOMES),
        Index("ix_node_voice_debate", "voice_id", "debate_id", "id"),
    )  # a voice's page, in order
    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=fields.KEY, unique=True)
    debate_id: int = Field(foreign_key="debate.id", index=True)
    kind: str = Field(sa_type=Vocabulary(NODE_KINDS))
    title: str = Field(max_length=fields.TITLE)
    annotation: str = Field(default="", sa_type=Text)
    annotation_html: str = Field(default="", sa_type=Text)
    voice_id: int | None = Field(default=None, foreign_key="voice.id", index=True)
    argued_on: str | None = Field(default=None, max_length=fields.DATE)
    happened_on: str | None = Field(default=None, max_length=fields.DATE)
    status: str = Field(default="active", sa_type=Vocabulary(STATUSES))
    standing: str = Field(default="stands", max_length=10, sa_column_kwargs={"server_default": "stands"})
    # which side of the thesis, over every path up to it: 1 for, 2 against, 3 both, 0 none (graph.py, 0016)
    side: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    support: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # see strength.py (migration 0013)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    outcome: str | None = Field(default=None, max_length=10)
    outcome_on: str | None = Field(default=None, max_length=fields.DATE)
    outcome_reason: str = Field(default="", sa_type=Text)
    outcome_source_id: int | None = Field(default=None, foreign_key="source.id")
    outcome_quote: str = Field(default="", sa_type=Text)
    outcome_locator: str = Field(default="", max_length=fields.LOCATOR)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Link(SQLModel, table=True):
    """child -> parent: the child supports or opposes the parent."""

    __table_args__ = (
        UniqueConstraint("child_id", "parent_id", name="uq_link_child_parent"),
        CheckConstraint("child_id <> parent_id", name="not_self"),
        _in("relation", RELATIONS),
        # a point's replies by relation, strongest first (cards.sides): a page is read from here in order
        Index(
            "ix_link_parent_order", "parent_id", "relation", "child_rank", "child_less_support", "position", "child_id"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="node.id", index=True)
    parent_id: int = Field(foreign_key="node.id", index=True)
    relation: str = Field(max_length=10)
    position: int = Field(default=0)
    # the child's sort keys (strength.order_key), copied by triggers (0025) whenever its standing or support changes
    child_rank: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    child_less_support: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class Citation(SQLModel, table=True):
    __table_args__ = (
        Index("ix_citation_source_node", "source_id", "node_id"),  # a source's page, in order
        # the citations still to be checked against their source's copy (quotecheck.check_pending)
        Index(
            "ix_citation_unchecked",
            "source_id",
            sqlite_where=text("found_in_copy IS NULL"),
            postgresql_where=text("found_in_copy IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    node_id: int = Field(foreign_key="node.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)
    locator: str = Field(default="", max_length=fields.LOCATOR)
    position: int = Field(default=0)
    # found word for word in the source's attached copy (True/False); None while the source has no copy
    found_in_copy: bool | None = Field(default=None)


class SourceText(SQLModel, table=True):
    """A copy of a source's text, attached by an administrator (flask attach-text): the quotes citing the
    source are checked against it. Kept as given and normalised (quotecheck.normalise); never served whole."""

    source_id: int = Field(foreign_key="source.id", primary_key=True, ondelete="CASCADE")
    original: str = Field(sa_type=Text)
    normalised: str = Field(sa_type=Text)
    sha256: str = Field(max_length=64)
    filename: str = Field(default="", max_length=300)
    attached_at: datetime = Field(default_factory=utcnow)


class NodeTheme(SQLModel, table=True):
    __table_args__ = (Index("ix_nodetheme_theme_node", "theme_id", "node_id"),)  # a theme's page, in order
    node_id: int = Field(foreign_key="node.id", primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", primary_key=True, index=True)


class DebateTheme(SQLModel, table=True):
    debate_id: int = Field(foreign_key="debate.id", primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", primary_key=True)


ROLES = ("contributor", "moderator", "admin")


class User(SQLModel, table=True):
    __table_args__ = (_in("role", ROLES),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    password_hash: str = Field(max_length=300)
    role: str = Field(default="contributor", max_length=12)
    created_at: datetime = Field(default_factory=utcnow)

    def can(self, permission: str) -> bool:
        """moderate: edit, archive, restore and re-link anything; administer: manage users."""
        granted = {"contributor": set(), "moderator": {"moderate"}, "admin": {"moderate", "administer"}}
        return permission in granted[self.role]


class Login(SQLModel, table=True):
    """A signed-in session, kept on the server so that signing out ends it for good."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class NodeAlias(SQLModel, table=True):
    """A point merged into another: its old number and key lead to the point that replaced it (seeds' `replaces`)."""

    __tablename__ = "nodealias"
    old_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    old_key: str | None = Field(default=None, max_length=fields.KEY, unique=True)
    node_id: int = Field(foreign_key="node.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Revision(SQLModel, table=True):
    """One version of a node: every creation, edit, archive, restore and re-link adds one."""

    __table_args__ = (
        UniqueConstraint("node_id", "number", name="uq_revision_node_number"),
        Index("ix_revision_created_id", "created_at", "id"),  # recent changes, newest first
        Index("ix_revision_debate_created_id", "debate_id", "created_at", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    node_id: int = Field(foreign_key="node.id", index=True)
    debate_id: int = Field(foreign_key="debate.id", index=True)
    number: int
    action: str = Field(max_length=20)
    note: str = Field(default="", max_length=fields.NOTE)
    author_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    content: str = Field(sa_type=Text)  # JSON: the node's fields, citations and themes at this version


class GlossaryTerm(SQLModel, table=True):
    """An acronym of the debate, defined in our words, with the source that explains it."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=fields.KEY, unique=True)
    term: str = Field(max_length=fields.TERM, unique=True)
    expansion: str = Field(max_length=fields.NAME)
    definition: str = Field(sa_type=Text)
    source_id: int = Field(foreign_key="source.id")
    quote: str = Field(sa_type=Text)
    locator: str = Field(default="", max_length=fields.LOCATOR)


# Tallies kept by database triggers (migration 0007), so that counting a debate never scans it.
class KindTally(SQLModel, table=True):
    """How many active nodes of each kind a debate has."""

    debate_id: int = Field(foreign_key="debate.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(max_length=10, primary_key=True)
    n: int = 0


class RelationTally(SQLModel, table=True):
    """How many links from a debate's active nodes support, and how many oppose."""

    debate_id: int = Field(foreign_key="debate.id", primary_key=True, ondelete="CASCADE")
    relation: str = Field(max_length=10, primary_key=True)
    n: int = 0


class VoiceTally(SQLModel, table=True):
    """How many of a debate's active nodes each voice made."""

    debate_id: int = Field(foreign_key="debate.id", primary_key=True, ondelete="CASCADE")
    voice_id: int = Field(foreign_key="voice.id", primary_key=True, ondelete="CASCADE")
    n: int = 0


class ChildTally(SQLModel, table=True):
    """How many active points support a node, and how many oppose it (migration 0011)."""

    node_id: int = Field(foreign_key="node.id", primary_key=True, ondelete="CASCADE")
    relation: str = Field(max_length=10, primary_key=True)
    n: int = 0


class QuoteTally(SQLModel, table=True):
    """How many of the quotes citing a source its attached copy holds (found) and does not (migration 0023)."""

    source_id: int = Field(foreign_key="source.id", primary_key=True, ondelete="CASCADE")
    found_in_copy: bool = Field(primary_key=True)
    n: int = 0


class SourceTally(SQLModel, table=True):
    """How many quotes of a source the active points hold (migration 0024): the sources index's count."""

    source_id: int = Field(foreign_key="source.id", primary_key=True, ondelete="CASCADE")
    n: int = 0


class NodeSide(SQLModel, table=True):
    """Which side of a debate's thesis an active point argues: for, against, both, or thesis (sides.py)."""

    node_id: int = Field(foreign_key="node.id", primary_key=True, ondelete="CASCADE")
    debate_id: int = Field(foreign_key="debate.id", primary_key=True, index=True, ondelete="CASCADE")
    side: str = Field(max_length=10)
    kind: str = Field(max_length=10)
    voice_id: int | None = Field(default=None, foreign_key="voice.id")


class SideKindTally(SQLModel, table=True):
    """How many distinct active points of each kind argue each side of a debate's thesis (sides.py)."""

    debate_id: int = Field(foreign_key="debate.id", primary_key=True, ondelete="CASCADE")
    side: str = Field(max_length=10, primary_key=True)
    kind: str = Field(max_length=10, primary_key=True)
    n: int = 0


class SideVoiceTally(SQLModel, table=True):
    """How many of the points on each side of a debate's thesis each voice made (sides.py)."""

    debate_id: int = Field(foreign_key="debate.id", primary_key=True, ondelete="CASCADE")
    side: str = Field(max_length=10, primary_key=True)
    voice_id: int = Field(foreign_key="voice.id", primary_key=True, ondelete="CASCADE")
    n: int = 0


class SideTally(SQLModel, table=True):
    """How many of a debate's active points (not its thesis) each voice argued on each side (migration 0016)."""

    debate_id: int = Field(foreign_key="debate.id", primary_key=True, ondelete="CASCADE")
    voice_id: int = Field(foreign_key="voice.id", primary_key=True, ondelete="CASCADE")
    side: int = Field(primary_key=True)
    n: int = 0


class ContentVersion(SQLModel, table=True):
    """The site's number before versions per debate (migration 0013); no longer raised."""

    id: int = Field(default=1, primary_key=True)
    n: int = 0


class DebateVersion(SQLModel, table=True):
    """A debate's number, raised by triggers (migration 0013) whenever anything its pages show changes; cached
    pages of the debate are kept under it. Rows are never deleted, so a sum of numbers only grows."""

    debate_id: int = Field(primary_key=True)
    n: int = Field(sa_type=BigInteger)
    changed_at: datetime


class DebateBridge(SQLModel, table=True):
    """Two debates joined by a link between their points (both orders are stored): a change in one shows in the
    other's pages, so they share a version. Kept by the link triggers of migration 0013."""

    a: int = Field(primary_key=True)
    b: int = Field(primary_key=True)
