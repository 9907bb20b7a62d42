"""The seed loader: idempotent, and a broken file names itself and loads nothing."""

from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from icsdebate import db, seeds
from icsdebate.models import Link, Node

from .conftest import FIXTURES, load_seeds
from .factories import snapshot

MINI = (FIXTURES / "seeds" / "mini.yaml").read_text()


def test_seed_loads_the_map(app, mini):
    with app.app_context():
        session = db.session()
        debate = session.exec(text("SELECT slug, thesis_id FROM debate")).one()
        assert debate == ("mini", mini["t"])
        assert session.get(Node, mini["con-nhs-bodies"]).annotation_html.count("<script") == 0
        links = {(link.child_id, link.parent_id, link.relation) for link in session.exec(Link.__table__.select())}
        assert (mini["amendment"], mini["pro-boards"], "opposes") in links
        assert (mini["amendment"], mini["con-nhs-bodies"], "supports") in links


def test_seeding_twice_changes_nothing(app, mini):
    before = snapshot(app)
    load_seeds(app, FIXTURES / "seeds")
    assert snapshot(app) == before


def test_seed_command_reports_counts_and_is_idempotent(app, runner):
    first = runner.invoke(args=["seed", "--folder", str(FIXTURES / "seeds")])
    assert first.exit_code == 0, first.output
    assert "Seeded 1 debates, 5 nodes" in first.output
    before = snapshot(app)
    second = runner.invoke(args=["seed", "--folder", str(FIXTURES / "seeds")])
    assert second.exit_code == 0
    assert "nothing changed" in second.output and "added" not in second.output
    assert snapshot(app) == before


def test_the_seed_command_says_how_many_points_a_changed_seed_file_changed(app, runner, tmp_path):
    runner.invoke(args=["seed", "--folder", str(FIXTURES / "seeds")])
    (tmp_path / "mini.yaml").write_text(MINI.replace("title: Private companies could sit on ICS boards", "title: X"))
    result = runner.invoke(args=["seed", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 points added, 1 changed" in result.output


def test_editing_a_seed_updates_in_place(app, mini, tmp_path):
    (tmp_path / "mini.yaml").write_text(
        MINI.replace("NHS bodies can hold the contracts", "NHS bodies may hold the contracts")
    )
    load_seeds(app, tmp_path)
    with app.app_context():
        node = db.session().get(Node, mini["con-nhs-bodies"])
        assert node.title == "NHS bodies may hold the contracts"
        assert db.session().exec(text("SELECT count(*) FROM node")).one()[0] == 5


BROKEN = {
    "not yaml": ("nodes: [unclosed", "is not valid YAML"),
    "unknown field": (
        MINI.replace("    argued_on: 2022\n", "    argued_on: 2022\n    colour: red\n"),
        "colour: Extra inputs are not permitted",
    ),
    "missing title": (
        MINI.replace("    title: NHS bodies can hold the contracts\n", ""),
        "(con-nhs-bodies): title: Field required",
    ),
    "bad kind": (MINI.replace("kind: event", "kind: rumour"), "kind: Input should be"),
    "unknown parent": (MINI.replace("opposes: pro-boards", "opposes: nowhere"), "parent 'nowhere' is not defined"),
    "unknown voice": (MINI.replace("voice: ham", "voice: nobody"), "voice 'nobody' is not defined"),
    "unknown source": (MINI.replace("source: kf,", "source: nowhere,"), "source 'nowhere' is not defined"),
    "self link": (
        MINI.replace(
            "supports: t\n    voice: campaigners\n    argued_on: 2022",
            "supports: pro-boards\n    voice: campaigners\n    argued_on: 2022",
        ),
        "cannot be its own parent",
    ),
    "cycle": (
        MINI.replace(
            "supports: t\n    voice: campaigners\n    argued_on: 2022",
            "supports: amendment\n    voice: campaigners\n    argued_on: 2022",
        ),
        "links make a cycle",
    ),
    "no citation": (
        MINI.replace(
            '    citations:\n      - {source: campaign, quote: "free at the point of use", locator: "question 4"}\n',
            "    citations: []\n",
        ),
        "at least one citation",
    ),
    "event without date": (MINI.replace("    happened_on: 2021-09\n", ""), "an event needs happened_on"),
    "bad date": (MINI.replace("happened_on: 2021-09", "happened_on: 2021-13"), "happened_on: String should match"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_seed_file_names_itself_and_loads_nothing(app, runner, tmp_path, case):
    content, message = BROKEN[case]
    (tmp_path / "good.yaml").write_text("themes:\n  - {key: extra, name: Extra}\n")
    (tmp_path / "mini.yaml").write_text(content)
    result = runner.invoke(args=["seed", "--folder", str(tmp_path)])
    assert result.exit_code == 1
    assert "mini.yaml" in result.output
    assert message in result.output
    with app.app_context():
        assert db.session().exec(text("SELECT count(*) FROM theme")).one()[0] == 0


def test_duplicate_keys_across_files_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(MINI)
    (tmp_path / "b.yaml").write_text("voices:\n  - {key: ham, name: Someone else, group: Commenters}\n")
    with pytest.raises(seeds.SeedError) as error:
        seeds.read(tmp_path)
    assert "b.yaml: voices[0] (ham): key 'ham' is already used in a.yaml" in error.value.problems


def test_a_node_no_thesis_reaches_is_refused(tmp_path):
    start, end = MINI.index("debates:"), MINI.index("nodes:")
    (tmp_path / "mini.yaml").write_text(MINI[:start] + MINI[end:])
    with pytest.raises(seeds.SeedError) as error:
        seeds.read(tmp_path)
    assert "mini.yaml: node pro-boards is not reached from any debate's thesis" in error.value.problems


def test_an_unknown_section_is_refused(tmp_path):
    (tmp_path / "mini.yaml").write_text(MINI + "\nclaims: []\n")
    with pytest.raises(seeds.SeedError) as error:
        seeds.read(tmp_path)
    assert any("unknown section 'claims'" in p for p in error.value.problems)


def test_a_failure_while_writing_rolls_everything_back(app, tmp_path):
    (tmp_path / "mini.yaml").write_text(
        MINI.replace("title: Making sense of integrated care systems", "title: " + "x" * 390)
    )
    seed_set = seeds.read(tmp_path)
    seed_set.sources["kf"].title = "y" * 5000  # too long for the column on PostgreSQL; SQLite accepts it
    seed_set.nodes["t"].kind = "not-a-kind"  # refused by the CHECK constraint on both databases
    with app.app_context():
        with pytest.raises((sqlalchemy.exc.IntegrityError, sqlalchemy.exc.DataError)):
            with db.write_session() as session:
                seeds.load(session, seed_set)
        assert db.session().exec(text("SELECT count(*) FROM source")).one()[0] == 0
        assert db.session().exec(text("SELECT count(*) FROM debate")).one()[0] == 0


def test_the_shipped_seeds_validate():
    seed_set = seeds.read(Path(__file__).resolve().parent.parent / "seeds")
    assert seed_set.themes and seed_set.sources and seed_set.voices


def test_seed_if_empty_leaves_a_seeded_database_alone(app, runner, mini, tmp_path):
    (tmp_path / "mini.yaml").write_text(MINI.replace("NHS bodies can hold the contracts", "Changed title"))
    result = runner.invoke(args=["seed", "--if-empty", "--folder", str(tmp_path)])
    assert result.exit_code == 0
    assert "not seeding" in result.output
    with app.app_context():
        assert db.session().get(Node, mini["con-nhs-bodies"]).title == "NHS bodies can hold the contracts"
