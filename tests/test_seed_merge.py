"""Reseeding a database made from the maps before copies were merged: nothing a user added is lost, old pages
redirect to the point that replaced them, and history moves with them."""

import io
import re
import subprocess
import tarfile

import pytest
from sqlalchemy import func
from sqlmodel import select

from icsdebate import db
from icsdebate.models import Citation, Link, Node, NodeAlias, Revision, Source, Voice

from .conftest import ROOT, load_seeds, sign_in
from .factories import post_add

BEFORE_MERGE = "9b7b3eb"  # the maps with copies


@pytest.fixture(scope="module")
def old_seeds(tmp_path_factory):
    """The seed folder as it was before copies were merged, from git."""
    archive = subprocess.run(["git", "archive", BEFORE_MERGE, "seeds"], cwd=ROOT, capture_output=True)
    if archive.returncode != 0:
        pytest.skip(f"commit {BEFORE_MERGE} is not in this checkout's history")
    folder = tmp_path_factory.mktemp("old")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "seeds"


def node_id(key: str) -> int | None:
    return db.session().exec(select(Node.id).where(Node.key == key)).first()


def test_reseeding_merges_copies_and_keeps_what_users_added(app, client, users, old_seeds):
    load_seeds(app, old_seeds)
    with app.app_context():
        copy, other_copy = node_id("law-coalitions"), node_id("care-ham-coalitions")
        kept = node_id("acct-ham-coalitions")
        voice = db.session().exec(select(Voice.id).where(Voice.key == "wikipedia")).one()
        source = db.session().exec(select(Source.id).where(Source.key == "wikipedia-ics")).one()
    token = sign_in(client, "contributor-user")
    reply = {
        "relation": "opposes",
        "kind": "claim",
        "title": "Coalitions of the willing were enough to start",
        "annotation": "",
        "voice": str(voice),
        "source": str(source),
        "quote": "They were described by Chris Ham as",
        "locator": "section: 2018: Integrated care systems",
    }
    assert post_add(client, copy, reply, token).status_code == 302
    with app.app_context():
        reply_id = db.session().exec(select(Node.id).where(Node.title == reply["title"])).one()
        copy_history = (
            db.session().exec(select(func.count()).select_from(Revision).where(Revision.node_id == copy)).one()
        )
        reply_history = (
            db.session().exec(select(func.count()).select_from(Revision).where(Revision.node_id == reply_id)).one()
        )
    # a moderator records what later events made of the copy: kept on the point it becomes
    client.post("/signout", data={"csrf_token": token})
    token = sign_in(client, "moderator-user")
    status = {
        "outcome": "open",
        "outcome_on": "2022",
        "outcome_reason": "Still argued",
        "source": str(source),
        "quote": "They were described by Chris Ham as",
        "locator": "section: 2018",
        "csrf_token": token,
    }
    assert client.post(f"/nodes/{copy}/outcome", data=status).status_code == 302
    with app.app_context():
        copy_history = (
            db.session().exec(select(func.count()).select_from(Revision).where(Revision.node_id == copy)).one()
        )

    new = load_seeds(app, ROOT / "seeds")

    with app.app_context():
        session = db.session()
        assert node_id("law-coalitions") is None and node_id("care-ham-coalitions") is None
        assert node_id("acct-ham-coalitions") == kept
        # the reply hangs under the kept point, once
        links = session.exec(select(Link.parent_id, Link.relation).where(Link.child_id == reply_id)).all()
        assert links == [(kept, "opposes")]
        # the copy's history and the moderator's status moved with it; the reply's own history is untouched
        notes = session.exec(select(Revision.note).where(Revision.node_id == kept)).all()
        assert sum("merged point law-coalitions" in note for note in notes) == copy_history
        assert (
            session.exec(select(func.count()).select_from(Revision).where(Revision.node_id == reply_id)).one()
            == reply_history
        )
        numbers = session.exec(select(Revision.number).where(Revision.node_id == kept)).all()
        assert len(numbers) == len(set(numbers))
        assert session.get(Node, kept).outcome == "open"
        # every citation of the kept point is the seeds' (the copies' quotes were the same words)
        quotes = session.exec(select(Citation.quote).where(Citation.node_id == kept)).all()
        assert quotes == [c.quote for c in new.nodes["acct-ham-coalitions"].citations]
        # counts: the seeded points are the seeds' own, plus the one reply
        assert session.exec(select(func.count()).select_from(Node)).one() == len(new.nodes) + 1
        assert session.exec(select(func.count()).select_from(NodeAlias)).one() == sum(
            len(n.replaces) for n in new.nodes.values()
        )
        parents = {parent for parent, _ in new.nodes["acct-ham-coalitions"].parents()}
        have = set(
            session.exec(select(Node.key).join(Link, Link.parent_id == Node.id).where(Link.child_id == kept)).all()
        )
        assert have == parents

    # old addresses redirect, permanently, to the same page of the kept point
    for old in (copy, other_copy):
        response = client.get(f"/nodes/{old}")
        assert response.status_code == 301
        assert response.headers["Location"].endswith(f"/nodes/{kept}")
    assert client.get(f"/nodes/{copy}/history").headers["Location"].endswith(f"/nodes/{kept}/history")
    page = client.get(f"/nodes/{kept}").get_data(as_text=True)
    assert reply["title"] in page
    assert client.get("/nodes/999999").status_code == 404

    # seeding again changes nothing
    with app.app_context():
        before = (
            db.session().exec(select(func.count()).select_from(NodeAlias)).one(),
            db.session().exec(select(func.count()).select_from(Link)).one(),
        )
    load_seeds(app, ROOT / "seeds")
    with app.app_context():
        assert (
            db.session().exec(select(func.count()).select_from(NodeAlias)).one(),
            db.session().exec(select(func.count()).select_from(Link)).one(),
        ) == before


def test_a_replaced_key_that_is_still_a_node_is_refused(tmp_path):
    from icsdebate import seeds

    text = (ROOT / "tests" / "fixtures" / "seeds" / "mini.yaml").read_text()
    keys = re.findall(r"^  - key: (\S+)", text[text.index("nodes:") :], re.M)
    broken = text.replace(f"  - key: {keys[1]}\n", f"  - key: {keys[1]}\n    replaces: [{keys[2]}]\n", 1)
    (tmp_path / "mini.yaml").write_text(broken)
    with pytest.raises(seeds.SeedError, match=f"replaces '{keys[2]}', which is still a node of its own"):
        seeds.read(tmp_path)
