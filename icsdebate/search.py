"""Full-text search over titles, annotations and quotes: SQLite FTS5 or PostgreSQL tsvector, one interface.

A query is read as a person means it: the words that carry meaning (stop words such as "do", "the", "of"
dropped), each matched as a stem and as a prefix; points with every word come first, then points with any of
them, each group in rank order (FTS5's bm25, PostgreSQL's ts_rank)."""

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from .models import Debate, Node, Voice

START, STOP = "\x02", "\x03"
MAX_TERMS = 12
# Each query ranks at most the CANDIDATES newest points that match it, so that a page costs the same however many
# points match: ranking (bm25, ts_rank) and marking the words cost a row each, and a common word can match
# every point of a 100,000-point debate. The page says so when more match.
CANDIDATES = 500

# The newest CANDIDATES + 1 matches (one more says whether there were more), numbered newest first; those
# numbered up to CANDIDATES are ranked, and the best :limit come back with their words marked.
_SQLITE = text(f"""
    SELECT id, title, snippet, total FROM (
        SELECT id, title, snippet, score, count(*) OVER () AS total, row_number() OVER (ORDER BY id DESC) AS newest
        FROM (
            SELECT rowid AS id, rank AS score, highlight(node_search, 0, '{START}', '{STOP}') AS title,
                   snippet(node_search, -1, '{START}', '{STOP}', '…', 16) AS snippet
            FROM node_search WHERE node_search MATCH :query ORDER BY rowid DESC LIMIT :fetch
        )
    ) WHERE newest <= :candidates ORDER BY score, id DESC LIMIT :limit
""")
_SQLITE_IDS = text("""
    SELECT id FROM (
        SELECT rowid AS id, rank AS score FROM node_search WHERE node_search MATCH :query
        ORDER BY rowid DESC LIMIT :candidates
    ) ORDER BY score, id DESC LIMIT :limit
""")
_POSTGRES = text(f"""
    SELECT c.id,
           ts_headline('english', c.title, query, 'StartSel={START}, StopSel={STOP}, HighlightAll=true'),
           ts_headline('english', coalesce(c.annotation, '') || ' ' || coalesce(
               (SELECT string_agg(quote, ' ') FROM citation WHERE node_id = c.id), ''), query,
               'StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10'),
           c.total
    FROM (
        SELECT id, title, annotation, score, count(*) OVER () AS total, row_number() OVER (ORDER BY id DESC) AS newest
        FROM (
            SELECT id, title, annotation, ts_rank(search, query) AS score
            FROM node, to_tsquery('english', :query) AS query
            WHERE search @@ query ORDER BY id DESC LIMIT :fetch
        ) newest_matches
    ) c, to_tsquery('english', :query) AS query
    WHERE c.newest <= :candidates ORDER BY c.score DESC, c.id DESC LIMIT :limit
""").bindparams(bindparam("limit"), bindparam("candidates"), bindparam("fetch"))
_POSTGRES_IDS = text("""
    SELECT id FROM (
        SELECT id, ts_rank(search, query) AS score FROM node, to_tsquery('english', :query) AS query
        WHERE search @@ query ORDER BY id DESC LIMIT :candidates
    ) newest_matches ORDER BY score DESC, id DESC LIMIT :limit
""").bindparams(bindparam("limit"), bindparam("candidates"))

# The English stop words of the Snowball project, which PostgreSQL's 'english' configuration drops too
# (share/tsearch_data/english.stop): words that say how a question is put, not what it is about.
STOP_WORDS = frozenset(
    """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
it its itself they them their theirs themselves what which who whom this that these those am is are was were be
been being have has had having do does did doing a an the and but if or because as until while of at by for with
about against between into through during before after above below to from up down in out on off over under again
further then once here there when where why how all any both each few more most other some such no nor not only
own same so than too very s t can will just don should now d ll m o re ve y ain aren couldn didn doesn hadn hasn
haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn
""".split()
)


@dataclass
class Hit:
    node: Node
    voice: Voice | None
    title: Markup
    snippet: Markup


def terms(words: str) -> list[str]:
    """The words of a query that carry meaning, lower case, at most MAX_TERMS: quotes, operators, punctuation
    and stop words are dropped; a query of stop words only keeps them all (someone looking for "who" means it)."""
    found = list(dict.fromkeys(re.findall(r"\w+", words.lower())))
    return ([word for word in found if word not in STOP_WORDS] or found)[:MAX_TERMS]


def _queries(session: Session, found: list[str]) -> tuple[str, str]:
    """The every-word and any-word queries for `found`, in this database's query language."""
    if session.get_bind().dialect.name == "sqlite":
        words = [f'"{t}"*' for t in found]
        return " ".join(words), " OR ".join(words)
    words = [f"{t}:*" for t in found]
    return " & ".join(words), " | ".join(words)


def _params(query: str, limit: int) -> dict:
    return {"query": query, "limit": limit, "candidates": CANDIDATES, "fetch": CANDIDATES + 1}


def ranked_ids(session: Session, *, words: str, limit: int) -> list[int]:
    """Ids of points (any status) matching `words`: every word first, then any word, each best first among the
    CANDIDATES newest that match; at most `limit`. Two queries (one when a single word is asked for)."""
    found = terms(words)
    if not found:
        return []
    every, any_word = _queries(session, found)
    statement = _SQLITE_IDS if session.get_bind().dialect.name == "sqlite" else _POSTGRES_IDS
    ids = [row[0] for row in session.exec(statement, params=_params(every, limit)).all()]
    if len(found) > 1:  # always, so that a page costs the same queries whatever the debate holds
        seen = set(ids)
        ids += [
            row[0] for row in session.exec(statement, params=_params(any_word, limit * 2)).all() if row[0] not in seen
        ][: limit - len(ids)]
    return ids


def _marked(value: str) -> Markup:
    return Markup(str(escape(value or "")).replace(START, "<mark>").replace(STOP, "</mark>"))


@dataclass
class Results:
    """What a search found: hits grouped by debate, in rank order, and whether more points matched than were
    ranked (CANDIDATES), so that the page can say its hits are the best of the newest matches only."""

    groups: list[tuple[Debate, list[Hit]]]
    more_than_ranked: bool = False


def search(session: Session, *, words: str, limit: int = 60) -> Results:
    """Active points matching the words of `words` (as stems and prefixes): those with every word first, then
    those with any, each group best first among the CANDIDATES newest points that match it; grouped by debate in
    that order, at most `limit`. Three queries (two when one word is asked for); the cost is bounded by
    CANDIDATES, not by how many points match."""
    found = terms(words)
    if not found:
        return Results([])
    every, any_word = _queries(session, found)
    statement = _SQLITE if session.get_bind().dialect.name == "sqlite" else _POSTGRES
    rows = list(session.exec(statement, params=_params(every, limit * 2)).all())
    more = bool(rows) and rows[0][3] > CANDIDATES
    if len(found) > 1:  # always, so that a page costs the same queries whatever the debate holds
        seen = {row[0] for row in rows}
        others = list(session.exec(statement, params=_params(any_word, limit * 2)).all())
        more = more or (bool(others) and others[0][3] > CANDIDATES)
        rows += [row for row in others if row[0] not in seen]
    marks = {row[0]: (row[1], row[2]) for row in rows}
    order = {row[0]: index for index, row in enumerate(rows)}
    nodes = (
        session.exec(
            select(Node, Voice, Debate)
            .outerjoin(Voice, Voice.id == Node.voice_id)
            .join(Debate, Debate.id == Node.debate_id)
            .where(Node.id.in_(list(marks)), Node.status == "active")
        ).all()
        if marks
        else []
    )
    groups: dict[int, tuple[Debate, list[Hit]]] = {}
    for node, voice, debate in sorted(nodes, key=lambda row: order[row[0].id])[:limit]:
        title, snippet = marks[node.id]
        groups.setdefault(debate.id, (debate, []))[1].append(Hit(node, voice, _marked(title), _marked(snippet)))
    return Results(list(groups.values()), more)
