"""Contributors add, edit and archive; every version is kept and can be compared and restored."""

import re

import pytest
from sqlmodel import select

from icsdebate import db
from icsdebate.models import Citation, Link, Node, Revision, Source, Voice

from .conftest import sign_in
from .factories import add_one, ids, post_add


def test_add_without_javascript_redirects_to_the_parent(app, client, mini, users, form):
    token = sign_in(client, "contributor-user")
    response = post_add(client, mini["pro-boards"], form, token)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert re.search(rf"/nodes/{mini['pro-boards']}#point-(\d+)$", location)  # back at the parent, at the new card
    page = client.get(f"/nodes/{mini['pro-boards']}").get_data(as_text=True)
    con = page[page.index('id="col-opposes"') :]
    assert "Boards answer to NHS England" in con and f'id="{location.rsplit("#", 1)[1]}"' in con
    with app.app_context():
        node = db.session().exec(select(Node).where(Node.title == "Boards answer to NHS England")).one()
        assert node.annotation_html == "<p>See <em>the long read</em>.</p>"
        assert (
            db.session().exec(select(Citation).where(Citation.node_id == node.id)).one().locator
            == "section: Accountability"
        )
        assert db.session().exec(select(Revision).where(Revision.node_id == node.id)).one().action == "created"


def test_add_with_htmx_returns_the_card_for_the_right_column(client, mini, users, form):
    token = sign_in(client, "contributor-user")
    response = post_add(
        client, mini["pro-boards"], form, token, **{"HX-Request": "true", "HX-Target": "add-slot-opposes"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'hx-swap-oob="afterbegin:#cards-opposes"' in html
    assert "Boards answer to NHS England" in html and "card-opposes" in html


def test_add_form_opens_inline_for_htmx_and_as_a_page_without(client, mini, users):
    sign_in(client, "contributor-user")
    inline = client.get(
        f"/nodes/{mini['t']}/add?relation=opposes&kind=evidence",
        headers={"HX-Request": "true", "HX-Target": "add-slot-opposes"},
    ).get_data(as_text=True)
    assert inline.startswith('<div id="add-slot-opposes"') and "<html" not in inline
    page = client.get(f"/nodes/{mini['t']}/add?relation=opposes&kind=evidence").get_data(as_text=True)
    assert "<html" in page and "Add evidence" in page


INVALID = {
    "title": ({"title": ""}, "This is required."),
    "long title": ({"title": "x" * 281}, "at most 280 characters"),
    "relation": ({"relation": "ignores"}, "Choose one of the options."),
    "kind": ({"kind": "thesis"}, "Choose one of the options."),
    "voice": ({"voice": ""}, "Choose who argued this"),
    "new voice": ({"voice": "new"}, "Name the person or body"),
    "quote": ({"quote": ""}, "Quote the source"),
    "source": ({"source": ""}, "Say where the quote comes from"),
    "new source": ({"source": "new"}, "Give the new source a title"),
    "source address": (
        {"source": "new", "source_title": "T", "source_kind": "news", "source_address": "javascript:alert(1)"},
        "starts with http",
    ),
    "date": ({"argued_on": "22/02/2018"}, "Write a date as 2018"),
    "event date": ({"kind": "event"}, "An event needs the date"),
    "annotation": ({"annotation": "x" * 10_001}, "at most 10000 characters"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_each_field_is_validated_and_what_was_typed_is_kept(app, client, mini, users, form, case):
    change, message = INVALID[case]
    token = sign_in(client, "contributor-user")
    before = len(ids(app, Node))
    response = post_add(client, mini["t"], {**form, **change}, token)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html or 'class="error"' in html
    if change.get("title", "x") != "":
        assert "NHS organisations continue to look upwards" in html or change.get("quote") == ""
    assert len(ids(app, Node)) == before


def test_new_voice_and_source_are_created_with_the_claim(app, client, mini, users, form):
    token = sign_in(client, "contributor-user")
    data = {
        **form,
        "voice": "new",
        "voice_name": "A Reader",
        "voice_group": "Commenters",
        "source": "new",
        "source_title": "A letter",
        "source_kind": "news",
        "source_address": "https://example.org/l",
    }
    assert post_add(client, mini["t"], data, token).status_code == 302
    assert ids(app, Voice, Voice.name == "A Reader") and ids(app, Source, Source.title == "A letter")


def test_edit_twice_compare_and_restore(app, client, mini, users, form):
    token = sign_in(client, "contributor-user")
    node_id = add_one(client, mini, form, token)
    for title in ("Boards answer upwards", "Boards answer to the centre"):
        response = client.post(
            f"/nodes/{node_id}/edit",
            data={
                **{k: v for k, v in form.items() if k not in ("quote", "source")},
                "title": title,
                "csrf_token": token,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    history = client.get(f"/nodes/{node_id}/history").get_data(as_text=True)
    assert history.count("<strong>edited</strong>") == 2 and "<strong>created</strong>" in history
    diff = client.get(f"/nodes/{node_id}/history/compare?from=1&to=3").get_data(as_text=True)
    assert "<del>to NHS England</del>" in diff or "<del>" in diff and "centre" in diff
    # a contributor cannot restore; a moderator can
    assert client.post(f"/nodes/{node_id}/history/1/restore", data={"csrf_token": token}).status_code == 403
    client.post("/signout", data={"csrf_token": token})
    token = sign_in(client, "moderator-user")
    assert client.post(f"/nodes/{node_id}/history/1/restore", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session().get(Node, node_id).title == "Boards answer to NHS England"
        assert [
            r.action
            for r in db.session().exec(select(Revision).where(Revision.node_id == node_id).order_by(Revision.number))
        ] == ["created", "edited", "edited", "restored"]


def test_editing_a_published_point_keeps_its_original(app, client, mini, users):
    token = sign_in(client, "moderator-user")
    response = client.get(f"/nodes/{mini['pro-boards']}/edit")
    values = dict(re.findall(r'name="(title|voice_group)" [^>]*value="([^"]*)"', response.get_data(as_text=True)))
    data = {"kind": "claim", "title": "Private firms could join ICS boards", "voice": "", "csrf_token": token}
    with app.app_context():
        data["voice"] = str(db.session().get(Node, mini["pro-boards"]).voice_id)
    assert values["title"] == "Private companies could sit on ICS boards"
    assert client.post(f"/nodes/{mini['pro-boards']}/edit", data=data).status_code == 302
    history = client.get(f"/nodes/{mini['pro-boards']}/history").get_data(as_text=True)
    assert "<strong>original</strong>" in history and "<strong>edited</strong>" in history


def test_archive_hides_and_a_moderator_restores(app, client, mini, users, form):
    token = sign_in(client, "contributor-user")
    node_id = add_one(client, mini, form, token)
    assert client.post(f"/nodes/{node_id}/archive", data={"csrf_token": token}).status_code == 302
    assert client.get(f"/nodes/{node_id}").status_code == 404
    assert "Boards answer to NHS England" not in client.get(f"/nodes/{mini['pro-boards']}").get_data(as_text=True)
    client.post("/signout", data={"csrf_token": token})
    token = sign_in(client, "moderator-user")
    page = client.get(f"/nodes/{node_id}")
    assert page.status_code == 200 and "Restore to the tree" in page.get_data(as_text=True)
    assert client.post(f"/nodes/{node_id}/unarchive", data={"csrf_token": token}).status_code == 302
    assert "Boards answer to NHS England" in client.get(f"/nodes/{mini['pro-boards']}").get_data(as_text=True)
    with app.app_context():
        assert db.session().get(Node, node_id).status == "active"


def test_contributors_cannot_edit_or_archive_others_points(client, mini, users, form):
    token = sign_in(client, "contributor-user")
    assert client.get(f"/nodes/{mini['pro-boards']}/edit").status_code == 403
    assert client.post(f"/nodes/{mini['pro-boards']}/archive", data={"csrf_token": token}).status_code == 403


def test_link_an_existing_point_and_refuse_a_cycle(app, client, mini, users):
    token = sign_in(client, "contributor-user")
    found = client.get(
        f"/nodes/{mini['pro-boards']}/link?q=free at", headers={"HX-Request": "true", "HX-Target": "link-results"}
    )
    assert "Will care stay free at the point of use?" in found.get_data(as_text=True)
    ok = client.post(
        f"/nodes/{mini['pro-boards']}/link",
        data={"child": mini["question"], "relation": "opposes", "csrf_token": token},
    )
    assert ok.status_code == 302
    assert ids(app, Link, Link.child_id == mini["question"], Link.parent_id == mini["pro-boards"])
    cycle = client.post(
        f"/nodes/{mini['amendment']}/link",
        data={"child": mini["pro-boards"], "relation": "opposes", "csrf_token": token},
    )
    assert cycle.status_code == 422 and "would make a circle" in cycle.get_data(as_text=True)
    thesis = client.post(
        f"/nodes/{mini['question']}/link", data={"child": mini["t"], "relation": "opposes", "csrf_token": token}
    )
    assert thesis.status_code == 422 and "heads its own debate" in thesis.get_data(as_text=True)
    assert not ids(app, Link, Link.child_id == mini["t"])
    picker = client.get(
        f"/nodes/{mini['question']}/link?q=ICS", headers={"HX-Request": "true", "HX-Target": "link-results"}
    )
    offered = picker.get_data(as_text=True)
    assert "Private companies could sit on ICS boards" in offered and f'value="{mini["t"]}"' not in offered
    self_link = client.post(
        f"/nodes/{mini['question']}/link", data={"child": mini["question"], "relation": "opposes", "csrf_token": token}
    )
    assert self_link.status_code == 422 and "cannot support or oppose itself" in self_link.get_data(as_text=True)


def test_recent_changes_list_who_changed_what(client, mini, users, form):
    token = sign_in(client, "contributor-user")
    add_one(client, mini, form, token)
    for page in ("/changes", "/debates/mini/changes"):
        html = client.get(page).get_data(as_text=True)
        assert "contributor-user" in html and "Boards answer to NHS England" in html and "created" in html


def test_preview_is_sanitised(client, mini, users):
    token = sign_in(client, "contributor-user")
    html = client.post("/preview", data={"annotation": "**bold** <script>x()</script>", "csrf_token": token}).get_data(
        as_text=True
    )
    assert "<strong>bold</strong>" in html and "<script" not in html


def test_oversized_input_gets_a_4xx_with_a_message(client, mini, users, form):
    token = sign_in(client, "contributor-user")
    response = post_add(client, mini["t"], {**form, "annotation": "x" * 2_000_000}, token)
    assert response.status_code == 422 and "at most 10000 characters" in response.get_data(as_text=True)
    huge = client.post(
        f"/nodes/{mini['t']}/add", data=b"title=" + b"x" * 6_000_000, content_type="application/x-www-form-urlencoded"
    )
    assert huge.status_code == 413 and "larger than 5 MB" in huge.get_data(as_text=True)


def test_malformed_choices_get_422_not_500(client, mini, users, form):
    token = sign_in(client, "contributor-user")
    assert post_add(client, mini["t"], {**form, "voice": "99999"}, token).status_code == 422
    assert post_add(client, mini["t"], {**form, "source": "99999"}, token).status_code == 422
    bad_link = client.post(
        f"/nodes/{mini['t']}/link", data={"child": "abc", "relation": "supports", "csrf_token": token}
    )
    assert bad_link.status_code == 422
    missing = client.post(
        f"/nodes/{mini['t']}/link", data={"child": "99999", "relation": "supports", "csrf_token": token}
    )
    assert missing.status_code == 422


def test_every_error_is_listed_at_once_and_tied_to_its_field(app, client, mini, users, form):
    token = sign_in(client, "contributor-user")
    wrong = {**form, "title": "", "voice": "new", "source": "new", "argued_on": "22/02/2018"}
    html = post_add(
        client, mini["t"], wrong, token, **{"HX-Request": "true", "HX-Target": "add-slot-opposes"}
    ).get_data(as_text=True)
    summary = html[html.index('class="error-summary"') : html.index("</ul>")]
    assert "autofocus" in html[html.index("<div", html.index("add-slot")) : html.index('class="error-summary"') + 200]
    for field in ("title", "voice_name", "voice_group", "source_title", "source_kind", "argued_on"):
        assert f'href="#f-{field}-add-opposes"' in summary, field
        assert re.search(
            rf'id="f-{field}-add-opposes"[^>]*aria-describedby="[^"]*e-{field}-add-opposes"', html
        ) or re.search(rf'aria-describedby="[^"]*e-{field}-add-opposes"[^>]*aria-invalid="true"', html), field
    assert summary.index("#f-title") < summary.index("#f-voice_name") < summary.index("#f-source_title")  # form order
    assert re.search(r'aria-describedby="h-title-add-opposes[ "]', html)  # the hint is tied to its input


def test_the_add_form_asks_only_what_applies(client, mini, users):
    sign_in(client, "contributor-user")
    html = client.get(f"/nodes/{mini['t']}/add?relation=opposes&kind=claim").get_data(as_text=True)
    assert 'type="radio" name="relation"' not in html and 'type="hidden" name="relation" value="opposes"' in html
    happened = html[html.index('data-for-kind="event"') - 80 : html.index('data-for-kind="event"') + 40]
    assert "hidden" in happened
    event = client.get(f"/nodes/{mini['t']}/add?relation=opposes&kind=event").get_data(as_text=True)
    assert 'data-for-kind="event">' in event  # shown for an event


def test_quotes_locators_and_sources_are_corrected_on_the_edit_page_as_a_new_version(app, client, mini, users):
    token = sign_in(client, "moderator-user")
    node = mini["con-nhs-bodies"]
    page = client.get(f"/nodes/{node}/edit").get_data(as_text=True)
    assert 'name="citations-0-quote"' in page and 'name="citations-0-locator"' in page
    fields = {name: value for name, value in re.findall(r'<input id="[^"]*" name="([^"]+)"[^>]*value="([^"]*)"', page)}
    voice = re.search(r'name="voice"[^>]*>.*?<option value="(\d+)" selected', page, re.S).group(1)
    source = re.search(r'name="citations-0-source"[^>]*>.*?<option value="(\d+)" selected', page, re.S).group(1)
    data = {
        "kind": "claim",
        "title": fields["title"],
        "voice": voice,
        "citations-0-source": source,
        "citations-0-quote": "NHS bodies can hold the contracts, corrected",
        "citations-0-locator": "para 9",
        "csrf_token": token,
    }
    assert client.post(f"/nodes/{node}/edit", data=data).status_code == 302
    shown = client.get(f"/nodes/{node}").get_data(as_text=True)
    assert "NHS bodies can hold the contracts, corrected" in shown and "para 9" in shown
    history = client.get(f"/nodes/{node}/history").get_data(as_text=True)
    assert history.count('data-label="Version"') == 2  # the original is kept
    empty = client.post(f"/nodes/{node}/edit", data={**data, "citations-0-quote": ""})
    assert empty.status_code == 422 and 'href="#f-citations-0-quote-edit"' in empty.get_data(as_text=True)


def _edit_form(client, node_id) -> dict:
    """What the edit form holds, as a browser would send it back."""
    html = client.get(f"/nodes/{node_id}/edit").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]* name="(title|base|csrf_token|note)"[^>]* value="([^"]*)"', html))
    fields["voice"] = re.search(r'name="voice".*?<option value="(\d+)" selected', html, re.S).group(1)
    fields["kind"] = re.search(r'name="kind".*?<option value="(\w+)" selected', html, re.S).group(1)
    fields["annotation"] = re.search(r'name="annotation"[^>]*>([^<]*)</textarea>', html).group(1)
    return fields


def test_two_people_editing_the_same_point_neither_is_silently_lost(app, client, mini, users, form):
    """The second save from the same version is not kept: it gets both versions side by side, and saving again
    from their version (a merge by hand) goes through."""
    token = sign_in(client, "contributor-user")
    node_id = add_one(client, mini, form, token)
    moderator = app.test_client()
    sign_in(moderator, "moderator-user")
    mine, theirs = _edit_form(client, node_id), _edit_form(moderator, node_id)
    assert mine["base"] == theirs["base"] == "1"
    first = client.post(f"/nodes/{node_id}/edit", data={**mine, "title": "Boards answer upwards, to the centre"})
    assert first.status_code == 302
    with app.app_context():
        versions = len(db.session().exec(select(Revision).where(Revision.node_id == node_id)).all())
    second_data = {
        **theirs,
        "title": "Boards answer to NHS England and to nobody local",
        "annotation": "The moderator's own reading.",
    }
    second = moderator.post(f"/nodes/{node_id}/edit", data=second_data)
    html = second.get_data(as_text=True)
    assert second.status_code == 409, html
    assert "Nothing was saved" in html and "contributor-user saved version 2" in html
    assert "Boards answer upwards, to the centre" in html  # theirs, current
    assert "<ins>" in html and "nobody local" in html and "own reading" in html  # yours, word by word
    assert 'name="base" value="2"' in html and 'value="Boards answer to NHS England and to nobody local"' in html
    assert "Keep theirs" in html
    with app.app_context():
        node = db.session().get(Node, node_id)
        assert node.title == "Boards answer upwards, to the centre"
        assert len(db.session().exec(select(Revision).where(Revision.node_id == node_id)).all()) == versions
    fragment = moderator.post(
        f"/nodes/{node_id}/edit", data=second_data, headers={"HX-Request": "true", "HX-Target": "main"}
    )
    assert fragment.status_code == 409 and "<html" not in fragment.get_data(as_text=True)
    assert "Boards answer upwards, to the centre" in fragment.get_data(as_text=True)
    merged = moderator.post(
        f"/nodes/{node_id}/edit",
        data={**second_data, "base": "2", "title": "Boards answer upwards, and to nobody local"},
    )
    assert merged.status_code == 302
    with app.app_context():
        assert db.session().get(Node, node_id).title == "Boards answer upwards, and to nobody local"


def test_a_published_point_edited_twice_from_the_same_page_conflicts(app, mini, users):
    from .conftest import make_user

    first, second = app.test_client(), app.test_client()
    make_user(app, "second-moderator", "moderator")
    sign_in(first, "moderator-user")
    sign_in(second, "second-moderator")
    a, b = _edit_form(first, mini["pro-boards"]), _edit_form(second, mini["pro-boards"])
    assert a["base"] == b["base"] == "0"
    assert first.post(f"/nodes/{mini['pro-boards']}/edit", data={**a, "title": "First title"}).status_code == 302
    assert second.post(f"/nodes/{mini['pro-boards']}/edit", data={**b, "title": "Second title"}).status_code == 409
    with app.app_context():
        assert db.session().get(Node, mini["pro-boards"]).title == "First title"


def test_a_change_elsewhere_is_no_conflict(app, client, mini, users):
    """A link (or an archive, or an outcome) since the form was opened changed nothing the form edits."""
    token = sign_in(client, "moderator-user")
    opened = _edit_form(client, mini["question"])
    linked = client.post(
        f"/nodes/{mini['pro-boards']}/link",
        data={"child": mini["question"], "relation": "opposes", "csrf_token": token},
    )
    assert linked.status_code == 302
    saved = client.post(f"/nodes/{mini['question']}/edit", data={**opened, "title": "Will care stay free?"})
    assert saved.status_code == 302, saved.get_data(as_text=True)


def test_the_add_page_on_its_own_posts_as_a_plain_form(client, mini, users):
    """Opened directly, the add page has no slot to swap into: its form posts and redirects, with or without
    JavaScript (an htmx target missing from the page would make Add do nothing)."""
    sign_in(client, "contributor-user")
    page = client.get(f"/nodes/{mini['pro-boards']}/add?relation=opposes").get_data(as_text=True)
    form_tag = page[page.index('<form method="post" action="/nodes/') :]
    form_tag = form_tag[: form_tag.index(">")]
    assert "hx-post" not in form_tag and "hx-target" not in form_tag
