"""A debate headed by a question shows its positions, each with its own for and against; a debate with several
top-level points shows them; neither invents a thesis or a link, and an answer never changes what stands."""

import pytest
from sqlalchemy import text

from icsdebate import db

from .conftest import ROOT

SAMPLES = ROOT.parent / "shared" / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason="the shared samples are not beside this checkout")


@needs_samples
def test_a_question_with_positions_shows_each_with_its_own_columns(app, client, runner):
    result = runner.invoke(args=["import", str(SAMPLES / "regressions" / "kialo-multi-thesis.txt")])
    assert result.exit_code == 0, result.output
    html = client.get("/debates/which-editor-is-better").get_data(as_text=True)
    positions = html[html.index('id="positions-heading"') :]
    assert "Positions (2)" in positions
    a, b = positions.index("Editor A"), positions.index("Editor B")
    assert a < positions.index("It starts quickly.") < b < positions.index("It is hard to learn.")
    with app.app_context():
        rows = (
            db.session()
            .exec(
                text(
                    "SELECT n.title, l.relation, n.standing FROM link l JOIN node n ON n.id = l.child_id ORDER BY n.id"
                )
            )
            .all()
        )
        question = (
            db.session().exec(text("SELECT kind, standing FROM node WHERE title = 'Which editor is better?'")).one()
        )
    assert [(t, r) for t, r, _ in rows] == [
        ("Editor A", "answers"),
        ("It starts quickly.", "supports"),
        ("Editor B", "answers"),
        ("It is hard to learn.", "opposes"),
    ]
    assert tuple(question) == ("question", "stands")  # answers neither support nor attack it
    assert {t: s for t, _, s in rows}["Editor B"] == "answered"


@needs_samples
def test_a_map_with_several_top_level_claims_shows_them_without_a_thesis(app, client, runner):
    result = runner.invoke(args=["import", str(SAMPLES / "aif" / "nodeset21145.json")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        slug, thesis = db.session().exec(text("SELECT slug, thesis_id FROM debate")).one()
        links = db.session().exec(text("SELECT count(*) FROM link")).one()[0]
    assert thesis is None and links == 5
    html = client.get(f"/debates/{slug}").get_data(as_text=True)
    assert "Top-level points (9)" in html
    assert client.get("/").status_code == 200
    assert client.get(f"/debates/{slug}/outline").status_code == 302
    exported = runner.invoke(args=["export", slug, "--format", "aif"]).output
    assert exported.count('"type": "RA"') + exported.count('"type": "CA"') == 5


@needs_samples
def test_export_of_another_debates_point_is_refused(app, runner, mini):
    node = mini["t"]
    assert runner.invoke(args=["export", "mini", "--node", str(node)]).exit_code == 0
    assert runner.invoke(args=["import", str(SAMPLES / "regressions" / "kialo-new-format.txt")]).exit_code == 0
    result = runner.invoke(args=["export", "should-the-town-build-a-new-library", "--node", str(node)])
    assert result.exit_code == 1
    assert f"Node {node} is a point of the debate 'mini'" in result.output


@needs_samples
@pytest.mark.parametrize(
    "path,heading", [("regressions/kialo-multi-thesis.txt", "Positions"), ("aif/nodeset21145.json", "Top-level points")]
)
def test_briefings_list_the_positions_or_top_level_points(app, client, runner, path, heading):
    assert runner.invoke(args=["import", str(SAMPLES / path)]).exit_code == 0
    with app.app_context():
        slug = db.session().exec(text("SELECT slug FROM debate")).one()[0]
    for fmt in ("md", "html", "csv", "kialo", "argdown", "aif", "sadface", "json"):
        assert client.get(f"/debates/{slug}/export/{fmt}").status_code == 200, fmt
    briefing = client.get(f"/debates/{slug}/export/md").get_data(as_text=True)
    assert f"## {heading}" in briefing
    assert ("**Thesis:**" in briefing) == (heading == "Positions")
    assert client.get(f"/debates/{slug}/summary").status_code == 200
