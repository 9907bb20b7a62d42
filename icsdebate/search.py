"""Full-text search over titles, annotations and quotes: SQLite FTS5 or PostgreSQL tsvector, one interface.

A query is read as a person means it: the words that carry meaning (stop words such as "do", "the", "of"
dropped), each matched as a stem and as a prefix; points with every word come first, then points with any of
them, each group in rank order: the matches found, weighted by where (title, annotation, quotes) and each further
match counting less, as PostgreSQL's ts_rank weighs them (WEIGHTS)."""

import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Integer, String, bindparam, column, func, text
from sqlmodel import Session, select

from .models import Citation, Debate, Node, Voice

START, STOP = "\x02", "\x03"
MAX_TERMS = 12
# Each query ranks at most the CANDIDATES newest points that match it, so that a page costs the same however many
# points match: ranking and marking the words cost a row each, and a common word can match every point of a
# 100,000-point debate. The page says so when more match.
CANDIDATES = 500

# How much a word found in a point's title, annotation and quotes counts towards its rank: the weights PostgreSQL's
# ts_rank gives the labels A, B and C (ts_rank.c, default_weights) that the search column sets (migration 0006).
WEIGHTS = (1.0, 0.4, 0.2)

# SQLite: the matches weighted as ts_rank weighs a word's (calc_rank_or): taken in the order of the column (title,
# then annotation, then quotes), the k-th match counts 1/k² of its column's weight, so that a point's score stays
# under its best column's weight however often the words recur, and no number of matches in the quotes outranks
# one more in the title. Unlike ts_rank, all the words asked for are counted together, not each on its own.
# FTS5 marks each match (highlight puts a character either side), so a column's matches are read off the length
# of its marked text: 2n characters for n. With P(n) = sum(1/k², k = 1..n), the score is
# 1.0 P(t) + 0.4 (P(t + a) - P(t)) + 0.2 (P(t + a + q) - P(t + a)) = 0.6 P(t) + 0.2 P(t + a) + 0.2 P(t + a + q),
# and P(n) is within 1% of π²/6 - 1.061 / (n + 0.645) (exact for none, one and in the limit).
# Not FTS5's bm25: bm25 weighs each word by how many points hold it in the whole index, and counts them on every
# search (5.1 ms of ranking for "integrated care" at 171,000 points, growing with the site, where this takes
# 2.5 ms for the 500 candidates at any size).
_MATCHES = ", ".join(
    f"coalesce(length(highlight(node_search, {column}, char(2), char(3))) - length(node_search.{name}), 0) / 2"
    f" AS {name}_matches"
    for column, name in enumerate(("title", "annotation", "quotes"))
)
_P = "(1.645 - 1.061 / ({n} + 0.645))"
_SQLITE_SCORE = " + ".join(
    f"{share} * " + _P.format(n=n)
    for share, n in zip(
        (WEIGHTS[0] - WEIGHTS[1], WEIGHTS[1] - WEIGHTS[2], WEIGHTS[2]),
        ("title_matches", "title_matches + annotation_matches", "title_matches + annotation_matches + quotes_matches"),
        strict=True,
    )
)

# The best :limit of the CANDIDATES newest active matches, as (id, how many matched, up to CANDIDATES + 1: one
# more says whether there were more). The matches are read newest first from the index (on SQLite from its prefix
# indexes, 0027) and the reading stops at :fetch, so the cost follows CANDIDATES, not the number of points that
# match. Ranking is done on those only: PostgreSQL's ts_rank, which in the same select as the match would be
# computed for every match before the newest were picked, and its weights on SQLite (_SQLITE_SCORE).
_SQLITE = text(f"""
    SELECT id, total FROM (
        SELECT id, {_SQLITE_SCORE} AS score, count(*) OVER () AS total,
               row_number() OVER (ORDER BY id DESC) AS newest
        FROM (
            SELECT node_search.rowid AS id, {_MATCHES}
            FROM node_search JOIN node ON node.id = node_search.rowid
            WHERE node_search MATCH :query AND node.status = 'active' ORDER BY node_search.rowid DESC LIMIT :fetch
        )
    ) WHERE newest <= :candidates ORDER BY score DESC, id DESC LIMIT :limit
""")
_POSTGRES = text("""
    SELECT id, total FROM (
        SELECT id, ts_rank(search, query) AS score, count(*) OVER () AS total,
               row_number() OVER (ORDER BY id DESC) AS newest
        FROM (
            SELECT id, search FROM node WHERE search @@ to_tsquery('english', :query) AND status = 'active'
            ORDER BY id DESC LIMIT :fetch
        ) newest_matches, to_tsquery('english', :query) AS query
    ) ranked WHERE newest <= :candidates ORDER BY score DESC, id DESC LIMIT :limit
""").bindparams(bindparam("limit"), bindparam("candidates"), bindparam("fetch"))

# SQLite: the words of the points shown, marked by FTS5 (highlight, snippet), each group with its own query. FTS5
# marks a row only while its match is read, so each group's matches are read again between its oldest and newest
# shown point (at most CANDIDATES + 1 rows: they were among its newest matches) and only the shown are marked.
# Marking every candidate in the ranking pass cost 2.3 ms at 171,000 points; asking for the rows by rowid starts
# the match again for each row (0.24 ms a row). `+` keeps the id list from being offered to FTS5 as a lookup.
_SQLITE_MARK = f"""
    SELECT node_search.rowid AS id, highlight(node_search, 0, '{START}', '{STOP}') AS title,
           snippet(node_search, -1, '{START}', '{STOP}', '…', 16) AS snippet
    FROM node_search WHERE node_search MATCH :query_{{n}} AND node_search.rowid BETWEEN :low_{{n}} AND :high_{{n}}
    AND +node_search.rowid IN (SELECT value FROM json_each(:ids_{{n}}))
"""
_SQLITE_MARKS = (
    text(_SQLITE_MARK.format(n=0) + " UNION ALL " + _SQLITE_MARK.format(n=1))
    .columns(column("id", Integer), column("title", String), column("snippet", String))
    .subquery("marks")
)

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
    """The every-word and any-word queries for `found`, in this database's query language.

    On PostgreSQL each word is asked for as its stem or a prefix (`(integr | integr:*)`), which matches the same
    points as the prefix alone: the planner reads an exact stem's frequency from the column's statistics but
    guesses a prefix's (ts_selfuncs.c), and with the guess (3,400 of 171,000 points, against 33,000) it read all
    11,000 matches of "integrated care" through the GIN index to keep the newest 501 (145 ms), where reading the
    newest points until 501 match takes 8 ms."""
    if session.get_bind().dialect.name == "sqlite":
        words = [f'"{t}"*' for t in found]
        return " ".join(words), " OR ".join(words)
    words = [f"({t} | {t}:*)" for t in found]
    return " & ".join(words), " | ".join(words)


def _params(query: str, limit: int) -> dict:
    """The parameters of one search statement; a `limit` of 0 reads nothing (the statement still runs, so that a
    page makes the same queries whatever it finds)."""
    return {
        "query": query,
        "limit": limit,
        "candidates": CANDIDATES if limit else 0,
        "fetch": CANDIDATES + 1 if limit else 0,
    }


def _ranked(session: Session, queries: tuple[str, str], several: bool, limit: int) -> tuple[list[int], list[int], bool]:
    """(ids with every word, ids with any word and not every, whether more matched than were ranked), each list
    best first and the two together at most `limit`, for the every-word and any-word `queries` (_queries). Two
    queries (one unless `several` words are asked for); the any-word one reads nothing when the every-word one
    filled `limit`, since none of its points would come through."""
    every, any_word = queries
    statement = _SQLITE if session.get_bind().dialect.name == "sqlite" else _POSTGRES
    rows = session.exec(statement, params=_params(every, limit)).all()
    first, more = [row[0] for row in rows], bool(rows) and rows[0][1] > CANDIDATES
    others: list[int] = []
    if several:  # always, so that a page costs the same queries whatever the debate holds
        wanted = limit if len(first) < limit else 0  # the every-word points may rank among these too
        rows = session.exec(statement, params=_params(any_word, wanted)).all()
        more = more or (bool(rows) and rows[0][1] > CANDIDATES)
        seen = set(first)
        others = [row[0] for row in rows if row[0] not in seen][: limit - len(first)]
    return first, others, more


def ranked_ids(session: Session, *, words: str, limit: int) -> list[int]:
    """Ids of active points matching `words`: every word first, then any word, each best first among the
    CANDIDATES newest that match; at most `limit`. Two queries (one when a single word is asked for)."""
    found = terms(words)
    if not found:
        return []
    first, others, _ = _ranked(session, _queries(session, found), len(found) > 1, limit)
    return first + others


def _marked(value: str) -> Markup:
    return Markup(str(escape(value or "")).replace(START, "<mark>").replace(STOP, "</mark>"))


@dataclass
class Results:
    """What a search found: hits grouped by debate, in rank order, and whether more points matched than were
    ranked (CANDIDATES), so that the page can say its hits are the best of the newest matches only."""

    groups: list[tuple[Debate, list[Hit]]]
    more_than_ranked: bool = False


def _shown(session: Session, queries: tuple[str, str], groups: tuple[list[int], list[int]]) -> tuple[Any, dict]:
    """The statement (and its parameters) reading the active points of `groups` (the every-word ids, the any-word
    ids) as (Node, Voice, Debate, marked title, marked snippet). SQLite: FTS5's own marks, each group with its own
    query, joined as a subquery; PostgreSQL: ts_headline with the any-word query, which marks every word asked
    for."""
    statement = select(Node, Voice, Debate).outerjoin(Voice, Voice.id == Node.voice_id)
    statement = statement.join(Debate, Debate.id == Node.debate_id).where(
        Node.id.in_(groups[0] + groups[1]), Node.status == "active"
    )
    if session.get_bind().dialect.name == "sqlite":
        params: dict = {}
        for n, (query, ids) in enumerate(zip(queries, groups, strict=True)):
            params |= {
                f"query_{n}": query,
                f"low_{n}": min(ids, default=1),
                f"high_{n}": max(ids, default=0),
                f"ids_{n}": json.dumps(ids),
            }
        marks = _SQLITE_MARKS
        return statement.add_columns(marks.c.title, marks.c.snippet).join(marks, marks.c.id == Node.id), params
    any_word = func.to_tsquery("english", queries[1])
    quotes = select(func.string_agg(Citation.quote, " ")).where(Citation.node_id == Node.id).scalar_subquery()
    marked = statement.add_columns(
        func.ts_headline("english", Node.title, any_word, f"StartSel={START}, StopSel={STOP}, HighlightAll=true"),
        func.ts_headline(
            "english",
            func.concat(Node.annotation, " ", quotes),
            any_word,
            f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10",
        ),
    )
    return marked, {}


def search(session: Session, *, words: str, limit: int = 60) -> Results:
    """Active points matching the words of `words` (as stems and prefixes): those with every word first, then
    those with any, each group best first among the CANDIDATES newest points that match it; grouped by debate in
    that order, at most `limit`, their words marked. Three queries (two when one word is asked for); the any-word
    one reads nothing when the points with every word fill the page. The cost is bounded by CANDIDATES, not by how
    many points match."""
    found = terms(words)
    if not found:
        return Results([])
    queries = _queries(session, found)
    first, others, more = _ranked(session, queries, len(found) > 1, limit)
    order = {node_id: index for index, node_id in enumerate(first + others)}
    if not order:
        return Results([], more)
    statement, params = _shown(session, queries, (first, others))
    groups: dict[int, tuple[Debate, list[Hit]]] = {}
    rows: list[Any] = list(session.exec(statement, params=params).all())  # (Node, Voice, Debate, title, snippet)
    for node, voice, debate, title, snippet in sorted(rows, key=lambda row: order[row[0].id]):
        groups.setdefault(debate.id, (debate, []))[1].append(Hit(node, voice, _marked(title), _marked(snippet)))
    return Results(list(groups.values()), more)
