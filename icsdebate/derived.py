"""The one step every write goes through to bring the values worked out from the map up to date.

Pages read derived values instead of working them out, so that a page costs the same however big the debate.
Every derived value, where it lives, what keeps it and when, is listed in docs/derived-state.md:

- kept by the database itself, in the same statement as the write (triggers, listed in that page and checked
  against a migrated database by tests/test_derived_state.py): the tallies (`kindtally`, `relationtally`,
  `voicetally`, `childtally`, `sidetally`, `sidekindtally`, `sidevoicetally`, `quotetally`, `sourcetally`), each
  link's copy of its child's sort keys (`link.child_rank`, `link.child_less_support`), the search index and the
  content versions (`debateversion`);
- kept at write time by the code that writes the text: a point's annotation and a debate's summary as HTML
  (`text.render_markdown`), and whether a quote is in its source's attached copy (`quotecheck`);
- kept here, after the rows are written and before the transaction commits: whether a point stands
  (`standing`), the support beneath it (`strength`), the side of the thesis it argues (`graph` for its own
  debate, `sides` for every debate it reaches).

A write to one or a few points calls `after_point_write` with the points it touched; a load of whole debates
(seeds, imports, backups, generated debates) calls `after_load`. Neither commits: the caller's transaction
holds the write and what follows from it together.
"""

from sqlmodel import Session

from . import graph, sides, standing, strength


def after_point_write(session: Session, node_ids: list[int]) -> None:
    """Bring standing, support and sides up to date after a write to the points `node_ids` (their links, status,
    kind or voice); the points above and below them that depend on them are worked out again too. A handful of
    set-based statements whatever the size of the debate; raises nothing of its own."""
    standing.refresh(session, node_ids)
    strength.refresh(session, node_ids)
    sides.refresh(session, node_ids)


def after_load(session: Session, debate_ids: list[int] | None = None) -> None:
    """Work out standing, sides and support for every point of the debates `debate_ids` (of every debate when
    None) after their rows were written in bulk. Sides come from the links first: standing and support do not
    depend on them, the per-debate sides (`sides`) do."""
    standing.refresh_all(session, debate_ids)
    graph.refresh_sides(session, debate_ids)
    strength.refresh_all(session, debate_ids)
    sides.refresh_all(session, debate_ids)
