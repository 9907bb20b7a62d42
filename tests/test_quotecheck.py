"""Quotes checked against a source's attached copy, by the same rules as the project's checking tool."""

import importlib.util

import pytest
from sqlmodel import select

from icsdebate import db, quotecheck
from icsdebate.models import Citation, Source, SourceText

from .conftest import ROOT

TOOL = ROOT.parent / "shared" / "tools" / "check_quotes.py"
TEXT = (
    "The King’s Fund said that ICSs — and this is key —\n\nwon’t be “self-governing” until 2020. "
    "Control  totals\u00a0are a blunt tool… Or so it seems! A new paragraph\nstarts here."
)


def test_normalising_folds_typography_and_collapses_whitespace_but_keeps_line_breaks():
    assert (
        quotecheck.normalise("  a\u2019s \u201cb\u201d \u2013 c\u2014d\u00a0e\u2026  \n\n  f\tg  ")
        == 'a\'s "b" - c-d e...\nf g'
    )


@pytest.mark.parametrize(
    "quote,expected",
    [
        ('won\'t be "self-governing" until 2020', True),  # straight for curly
        ("ICSs - and this is key - won’t be", True),  # hyphens for dashes, across a paragraph break
        ("control totals are a BLUNT tool", True),  # case and a no-break space
        ("The King's Fund said [...] until 2020.", True),
        ("The King's Fund said ... won't ... blunt tool", True),
        ("blunt tool ... The King's Fund", False),  # parts out of order
        ("control totals are a sharp tool", False),
        ("", False),
        ("...", False),
    ],
)
def test_found_agrees_with_the_checking_tool(quote, expected):
    assert quotecheck.found(quote, quotecheck.normalise(TEXT)) is expected
    if not TOOL.exists():
        pytest.skip(f"the checking tool is not at {TOOL}")
    spec = importlib.util.spec_from_file_location("check_quotes", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    if tool.fold(quote).strip(" .[]"):  # the tool has no opinion on a quote without words
        assert tool.found(quote, [tool.fold(TEXT)]) is expected


def test_a_quote_is_shown_in_its_sentence_with_the_quoted_words_marked():
    text = quotecheck.normalise(TEXT)
    assert quotecheck.in_sentence("control totals are a blunt tool", text) == [
        ("Control totals are a blunt tool", True),
        ("...", False),
    ]
    assert quotecheck.in_sentence("self-governing", text) == [
        ("won't be \"", False),
        ("self-governing", True),
        ('" until 2020.', False),
    ]
    assert quotecheck.in_sentence("said ... until 2020", text) == [
        ("The King's Fund ", False),
        ("said", True),
        (' that ICSs - and this is key - won\'t be "self-governing" ', False),
        ("until 2020", True),
        (".", False),
    ]
    assert quotecheck.in_sentence("not there", text) is None


def test_a_long_sentence_is_cut_with_an_ellipsis():
    text = quotecheck.normalise("word " * 200 + "needle " + "word " * 200)
    segments = quotecheck.in_sentence("needle", text)
    assert segments[0] == ("…", False) and segments[-1] == ("…", False) and ("needle", True) in segments
    shown = "".join(part for part, _ in segments[1:-1])
    assert shown.startswith("word") and shown.endswith("word") and len(shown) < 700


def test_a_text_that_is_not_utf8_too_large_or_empty_is_refused():
    with pytest.raises(quotecheck.TextError, match=r"not UTF-8 text \(byte 2"):
        quotecheck.read_text(b"ab\xff\xfe", "x.txt")
    with pytest.raises(quotecheck.TextError, match="at most 5,000,000 bytes"):
        quotecheck.read_text(b"a" * 5_000_001, "big.txt")
    with pytest.raises(quotecheck.TextError, match="holds no text"):
        quotecheck.read_text(b" \n ", "empty.txt")
    assert quotecheck.read_text("\ufeffcafé".encode("utf-8"), "bom.txt") == "café"


CAMPAIGN_TEXT = (
    "Integrated care\n\nControversy for the development of ICS: the presence of private companies on the "
    "boards of ICSs. Under the amendment, no private company will be allowed to sit on an ICS Board (ICB)."
)


def statuses(app) -> dict[str, bool | None]:
    with app.app_context():
        return {quote: found for quote, found in db.session().exec(select(Citation.quote, Citation.found_in_copy))}


def test_attach_text_checks_every_quote_of_the_source(app, runner, mini, tmp_path):
    copy = tmp_path / "campaign.txt"
    copy.write_text(CAMPAIGN_TEXT, encoding="utf-8")
    result = runner.invoke(args=["attach-text", "campaign", str(copy)])
    assert result.exit_code == 0, result.output
    assert "Attached a copy to 'campaign'" in result.output
    assert "3 of 4 quotes citing it are found word for word in the copy." in result.output
    assert "not found (point" in result.output and "'free at the point of use'" in result.output
    assert statuses(app) == {
        "Controversy for the development of ICS": True,
        "the presence of private companies on the boards": True,
        "no private company will be allowed": True,
        "free at the point of use": False,
        "NHS organisations continue to look upwards": None,
    }  # its source has no copy
    with app.app_context():
        stored = db.session().exec(select(SourceText)).one()
        assert stored.original == CAMPAIGN_TEXT and "\n" in stored.normalised and stored.filename == "campaign.txt"

    copy.write_text(CAMPAIGN_TEXT + " Care stays free at the point of use.", encoding="utf-8")
    again = runner.invoke(args=["attach-text", "campaign", str(copy)])
    assert again.exit_code == 0 and "Replaced the copy of 'campaign'" in again.output
    assert "4 of 4 quotes" in again.output and statuses(app)["free at the point of use"] is True
    with app.app_context():
        assert len(db.session().exec(select(SourceText)).all()) == 1


def test_attach_text_refuses_what_it_cannot_use_and_attaches_nothing(app, runner, mini, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (quotecheck.MAX_TEXT_BYTES + 1))
    cases = [
        (
            ["attach-text", "no-such-source", str(bad)],
            "There is no source with the key 'no-such-source'. Known keys: campaign, kf.",
        ),
        (
            ["attach-text", "kf", str(tmp_path / "missing.txt")],
            "missing.txt cannot be read: No such file or directory.",
        ),
        (["attach-text", "kf", str(tmp_path)], "cannot be read"),
        (["attach-text", "kf", str(bad)], "Nothing was attached. latin1.txt is not UTF-8 text (byte 3 cannot be read)"),
        (
            ["attach-text", "kf", str(big)],
            "big.txt is 5,000,001 bytes; a source's text may be at most 5,000,000 bytes.",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and message in result.output, result.output
    with app.app_context():
        assert db.session().exec(select(SourceText)).all() == []


def test_quotes_written_after_the_copy_are_checked_when_written(app, runner, mini, tmp_path):
    copy = tmp_path / "campaign.txt"
    copy.write_text(CAMPAIGN_TEXT, encoding="utf-8")
    assert runner.invoke(args=["attach-text", "campaign", str(copy)]).exit_code == 0
    with app.app_context(), db.write_session() as session:
        source = session.exec(select(Source).where(Source.key == "campaign")).one()
        session.add(Citation(node_id=mini["t"], source_id=source.id, quote="an ICS Board (ICB)", position=1))
        session.add(Citation(node_id=mini["t"], source_id=source.id, quote="an ICS Bored", position=2))
    assert statuses(app)["an ICS Board (ICB)"] is True and statuses(app)["an ICS Bored"] is False


def attach(runner, tmp_path, key: str, text: str) -> None:
    copy = tmp_path / f"{key}.txt"
    copy.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["attach-text", key, str(copy)])
    assert result.exit_code == 0, result.output


FOUND, MISSING = "Found word for word in the attached copy", "Not found in the attached copy"


def test_each_citation_says_whether_the_attached_copy_holds_it(client, runner, mini, tmp_path):
    before = client.get(f"/nodes/{mini['question']}").get_data(as_text=True)
    assert FOUND not in before and MISSING not in before  # no copy yet: nothing said
    attach(runner, tmp_path, "campaign", CAMPAIGN_TEXT)
    html = client.get(f"/nodes/{mini['question']}").get_data(as_text=True)
    assert MISSING in html and FOUND not in html
    html = client.get(f"/nodes/{mini['pro-boards']}").get_data(as_text=True)
    assert FOUND in html and MISSING not in html
    html = client.get("/debates/mini").get_data(as_text=True)  # the thesis's quote
    assert FOUND in html
    html = client.get(f"/nodes/{mini['con-nhs-bodies']}").get_data(as_text=True)
    assert FOUND not in html and MISSING not in html  # its source has no copy


def test_the_source_page_shows_each_quote_in_its_sentence(client, runner, mini, tmp_path):
    html = client.get("/sources/campaign").get_data(as_text=True)
    assert "no copy of its text is attached" in html and "<mark>" not in html
    attach(runner, tmp_path, "campaign", CAMPAIGN_TEXT + " <b>Bold</b> & free at the point of <i>use</i>.")
    html = client.get("/sources/campaign").get_data(as_text=True)
    assert "3 of 4 quotes found word for word, <strong>1 not found</strong>" in html
    assert (
        "Controversy for the development of ICS: <mark>the presence of private companies on the boards</mark> of ICSs."
    ) in html
    assert "Under the amendment, <mark>no private company will be allowed</mark> to sit on an ICS Board (ICB)." in html
    assert "The point quotes: “free at the point of use”" in html
    attach(runner, tmp_path, "campaign", "&lt; <script>alert(1)</script> free at the point of use.")
    html = client.get("/sources/campaign").get_data(as_text=True)
    assert "&amp;lt; &lt;script&gt;alert(1)&lt;/script&gt; <mark>free at the point of use</mark>." in html
    assert "<script>alert" not in html


def _count(app, model, *conditions) -> int:
    with app.app_context():
        return len(db.session().exec(select(model).where(*conditions)).all())


@pytest.fixture
def campaign_form(app, mini):
    from icsdebate.models import Voice

    with app.app_context():
        voice = db.session().exec(select(Voice).where(Voice.key == "campaigners")).one().id
        source = db.session().exec(select(Source).where(Source.key == "campaign")).one().id
    return {
        "relation": "supports",
        "kind": "claim",
        "title": "Care will not stay free",
        "voice": str(voice),
        "source": str(source),
        "quote": "care will be charged for",
        "locator": "question 4",
    }


def _keep_value(html: str) -> str:
    import re

    return re.search(r'name="keep_quote" value="([0-9a-f]+)"', html).group(1)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_quote_not_in_the_copy_is_warned_about_and_kept_only_when_confirmed(
    app, client, runner, mini, users, tmp_path, campaign_form, htmx
):
    from icsdebate.models import Node

    from .conftest import sign_in

    attach(runner, tmp_path, "campaign", CAMPAIGN_TEXT)
    token = sign_in(client, "contributor-user")
    headers = {"HX-Request": "true", "HX-Target": "add-slot-supports"} if htmx else {}
    url = f"/nodes/{mini['t']}/add"
    citations = _count(app, Citation)
    first = client.post(url, data={**campaign_form, "csrf_token": token}, headers=headers)
    html = first.get_data(as_text=True)
    assert first.status_code == 422
    assert "Not found in the attached copy." in html and "These words are not in the copy of “Integrated care”" in html
    assert "Keep it anyway" in html and "care will be charged for</textarea>" in html  # what was typed stays
    assert _count(app, Citation) == citations and _count(app, Node, Node.title == "Care will not stay free") == 0

    # a keep sent for another quote does not keep this one
    other = client.post(
        url,
        data={
            **campaign_form,
            "quote": "care will be charged for soon",
            "keep_quote": _keep_value(html),
            "csrf_token": token,
        },
        headers=headers,
    )
    assert other.status_code == 422 and _count(app, Citation) == citations

    kept = client.post(
        url, data={**campaign_form, "keep_quote": _keep_value(html), "csrf_token": token}, headers=headers
    )
    assert kept.status_code == (200 if htmx else 302)
    with app.app_context():
        node = db.session().exec(select(Node).where(Node.title == "Care will not stay free")).one()
        assert db.session().exec(select(Citation.found_in_copy).where(Citation.node_id == node.id)).one() is False
    assert MISSING in client.get(f"/nodes/{node.id}").get_data(as_text=True)


def test_a_quote_found_in_the_copy_or_from_a_source_without_one_is_saved_at_once(
    app, client, runner, mini, users, tmp_path, campaign_form
):
    from .conftest import sign_in

    token = sign_in(client, "contributor-user")
    url = f"/nodes/{mini['t']}/add"
    no_copy = client.post(url, data={**campaign_form, "csrf_token": token})
    assert no_copy.status_code == 302  # no copy attached: no warning
    attach(runner, tmp_path, "campaign", CAMPAIGN_TEXT)
    found = client.post(
        url,
        data={
            **campaign_form,
            "title": "Boards",
            "csrf_token": token,
            "quote": "the presence of  private companies on the BOARDS",
        },
    )
    assert found.status_code == 302
    new_source = client.post(
        url,
        data={
            **campaign_form,
            "title": "Elsewhere",
            "source": "new",
            "csrf_token": token,
            "source_title": "A leaflet",
            "source_kind": "campaign",
        },
    )
    assert new_source.status_code == 302


def test_editing_with_a_quote_not_in_the_copy_warns_before_saving(
    app, client, runner, mini, users, tmp_path, campaign_form
):
    from icsdebate.models import Revision

    from .conftest import sign_in

    attach(runner, tmp_path, "campaign", CAMPAIGN_TEXT)
    token = sign_in(client, "moderator-user")
    node_id = mini["pro-boards"]
    form = {**campaign_form, "title": "Private companies could sit on ICS boards", "csrf_token": token}
    warned = client.post(f"/nodes/{node_id}/edit", data=form)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 422 and "Keep it anyway" in html and 'id="w-quote-edit"' in html
    assert _count(app, Citation, Citation.node_id == node_id) == 1 and _count(app, Revision) == 0
    saved = client.post(f"/nodes/{node_id}/edit", data={**form, "keep_quote": _keep_value(html)})
    assert saved.status_code == 302
    assert _count(app, Citation, Citation.node_id == node_id) == 2
    # an edit that adds no quote is not held up by the quotes it already has
    plain = {k: v for k, v in form.items() if k not in ("quote", "source", "locator")}
    assert client.post(f"/nodes/{node_id}/edit", data=plain).status_code == 302
