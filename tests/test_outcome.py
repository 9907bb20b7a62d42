"""Moderators record what later events made of a point: shown on the point, its card and the timeline."""

from sqlmodel import select

from icsdebate import db
from icsdebate.models import Node, Source

from .conftest import sign_in


def form(app, **change):
    with app.app_context():
        source = db.session().exec(select(Source).where(Source.key == "campaign")).one().id
    return {
        "outcome": "answered",
        "outcome_on": "2021-09",
        "source": str(source),
        "outcome_reason": "The government amendment kept private companies off integrated care boards.",
        "quote": "no private company will be allowed",
        "locator": "section: Integrated care",
        **change,
    }


def test_a_moderator_sets_an_outcome_that_shows_everywhere(app, client, mini, users):
    token = sign_in(client, "moderator-user")
    response = client.post(f"/nodes/{mini['pro-boards']}/outcome", data={**form(app), "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    node_page = client.get(f"/nodes/{mini['pro-boards']}").get_data(as_text=True)
    assert "answered by later events" in node_page and "since September 2021" in node_page
    assert "kept private companies off integrated care boards" in node_page
    assert "answered by later events" in client.get("/debates/mini").get_data(as_text=True)
    assert "answered by later events, September 2021" in client.get("/debates/mini/timeline").get_data(as_text=True)
    history = client.get(f"/nodes/{mini['pro-boards']}/history").get_data(as_text=True)
    assert "<strong>outcome</strong>" in history and "<strong>original</strong>" in history
    diff = client.get(f"/nodes/{mini['pro-boards']}/history/compare?from=1&to=2").get_data(as_text=True)
    assert "<ins>answered</ins>" in diff
    # restoring the original version clears the outcome again
    assert client.post(f"/nodes/{mini['pro-boards']}/history/1/restore", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session().get(Node, mini["pro-boards"]).outcome is None


def test_contributors_cannot_set_an_outcome(app, client, mini, users):
    token = sign_in(client, "contributor-user")
    assert client.get(f"/nodes/{mini['pro-boards']}/outcome").status_code == 403
    assert (
        client.post(f"/nodes/{mini['pro-boards']}/outcome", data={**form(app), "csrf_token": token}).status_code == 403
    )


def test_an_outcome_needs_a_date_a_reason_and_a_quote(app, client, mini, users):
    token = sign_in(client, "moderator-user")
    for change, message in (
        ({"outcome_on": ""}, "Say when"),
        ({"outcome_on": "Sept 2021"}, "Write a date as 2018"),
        ({"outcome_reason": ""}, "This is required."),
        ({"quote": ""}, "This is required."),
        ({"outcome": "settled"}, "Choose one of the options."),
        ({"source": "99999"}, "no longer exists"),
    ):
        data = {**form(app, **change), "csrf_token": token}
        response = client.post(f"/nodes/{mini['pro-boards']}/outcome", data=data)
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), change
    with app.app_context():
        assert db.session().get(Node, mini["pro-boards"]).outcome is None
