"""Plain helpers the test modules share: points added as a reader adds them, the add form posted, a snapshot of
every content row. Fixtures live in conftest.py."""

import re
from collections import Counter

from sqlmodel import SQLModel, select

from icsdebate import db, edits
from icsdebate.models import Node, User
from icsdebate.schemas import NodeCreate


def new_point(
    title: str,
    relation: str = "opposes",
    *,
    quote: str = "words",
    voice_name: str = "A reader",
    source_title: str = "A comment",
    source_kind: str = "comment",
    **fields,
) -> NodeCreate:
    """The form data of a claim under a point, argued by a new voice (a commenter) and citing a new source."""
    return NodeCreate(
        kind="claim",
        title=title,
        relation=relation,
        voice="new",
        voice_name=voice_name,
        voice_group="Commenters",
        source="new",
        source_title=source_title,
        source_kind=source_kind,
        quote=quote,
        **fields,
    )


def add_reply(session, parent: Node, author: User, title: str, relation: str = "opposes", **fields) -> Node:
    """A claim added under `parent` by `author` through edits.create_node, as the add form adds one (new_point's
    data; `fields` go to new_point)."""
    return edits.create_node(session, parent=parent, author=author, data=new_point(title, relation, **fields))


def tally_voices(sides: dict[tuple[int, int], tuple[str, int | None]]) -> Counter:
    """How many points each voice argued on each side of each debate, keyed (debate, side, voice), from each
    (point, debate)'s (side, voice); points without a voice are not counted."""
    return Counter(
        (debate_id, side, voice_id) for (_, debate_id), (side, voice_id) in sides.items() if voice_id is not None
    )


def ids(app, model, *conditions) -> list[int]:
    """The ids of the rows of `model` that meet `conditions`."""
    with app.app_context():
        return [row.id for row in db.session().exec(select(model).where(*conditions))]


def post_add(client, node_id, data, token, **headers):
    """Post the add form under a point, with the CSRF token and any request headers."""
    return client.post(f"/nodes/{node_id}/add", data={**data, "csrf_token": token}, headers=headers)


def add_one(client, mini, form, token) -> int:
    """Add the form's point under the mini map's pro-boards point; returns its id, read from recent changes."""
    post_add(client, mini["pro-boards"], form, token)
    return int(re.search(r"/nodes/(\d+)", client.get("/changes").get_data(as_text=True)).group(1))


def snapshot(app) -> dict:
    """Every row of every content table, for comparing before and after (not the version, which every write raises)."""
    with app.app_context():
        with db.engine().connect() as connection:
            return {
                table.name: sorted(map(tuple, connection.execute(table.select()).all()), key=repr)
                for table in SQLModel.metadata.sorted_tables
                if table.name not in ("contentversion", "debateversion")
            }
