"""Full-text search over titles, annotations and quotes: SQLite FTS5 or PostgreSQL tsvector, one interface."""
import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from .models import Debate, Node, Voice

START, STOP = "\x02", "\x03"
MAX_TERMS = 12

_SQLITE = text(f"""
    SELECT rowid, highlight(node_search, 0, '{START}', '{STOP}'),
           snippet(node_search, -1, '{START}', '{STOP}', '…', 16)
    FROM node_search WHERE node_search MATCH :query ORDER BY rank LIMIT :limit
""")
_POSTGRES = text(f"""
    SELECT id,
           ts_headline('english', title, query, 'StartSel={START}, StopSel={STOP}, HighlightAll=true'),
           ts_headline('english', coalesce(annotation, '') || ' ' || coalesce(
               (SELECT string_agg(quote, ' ') FROM citation WHERE node_id = node.id), ''), query,
               'StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10')
    FROM node, to_tsquery('english', :query) AS query
    WHERE search @@ query ORDER BY ts_rank(search, query) DESC, id LIMIT :limit
""").bindparams(bindparam("limit"))


@dataclass
class Hit:
    node: Node
    voice: Voice | None
    title: Markup
    snippet: Markup


def terms(words: str) -> list[str]:
    """The words of a query, whatever else was typed (quotes, operators, punctuation are dropped)."""
    return re.findall(r"\w+", words.lower())[:MAX_TERMS]


def _marked(value: str) -> Markup:
    return Markup(str(escape(value or "")).replace(START, "<mark>").replace(STOP, "</mark>"))


def search(session: Session, *, words: str, limit: int = 60) -> list[tuple[Debate, list[Hit]]]:
    """Active points matching every word (as a prefix), best first, grouped by debate: two queries."""
    found = terms(words)
    if not found:
        return []
    if session.get_bind().dialect.name == "sqlite":
        rows = session.exec(_SQLITE, params={"query": " ".join(f'"{t}"*' for t in found), "limit": limit * 2}).all()
    else:
        rows = session.exec(_POSTGRES, params={"query": " & ".join(f"{t}:*" for t in found), "limit": limit * 2}).all()
    marks = {row[0]: (row[1], row[2]) for row in rows}
    order = {row[0]: index for index, row in enumerate(rows)}
    nodes = session.exec(
        select(Node, Voice, Debate).outerjoin(Voice, Voice.id == Node.voice_id).join(Debate, Debate.id == Node.debate_id)
        .where(Node.id.in_(list(marks)), Node.status == "active")
    ).all() if marks else []
    groups: dict[int, tuple[Debate, list[Hit]]] = {}
    for node, voice, debate in sorted(nodes, key=lambda row: order[row[0].id])[:limit]:
        title, snippet = marks[node.id]
        groups.setdefault(debate.id, (debate, []))[1].append(Hit(node, voice, _marked(title), _marked(snippet)))
    return list(groups.values())
