"""Links to the quoted passage in a source's page, by the rules of URL text fragments (WICG)."""

import re
from urllib.parse import unquote

import pytest

from icsdebate.fragments import directive, encode, link

PAGE = "https://www.kingsfund.org.uk/publications/making-sense-integrated-care-systems"


def parameters(url: str) -> list[str]:
    """The text directive's parameters, percent-decoded as a browser does."""
    text = url.split("#", 1)[1].split(":~:", 1)[1]
    assert text.startswith("text=")
    return [unquote(p) for p in text[len("text=") :].split(",")]


def test_the_directive_syntax_characters_and_spaces_are_percent_encoded():
    assert encode("A, B & C-D") == "A%2C%20B%20%26%20C%2DD"
    assert encode("costs (2018)") == "costs%20%282018%29"


def test_non_ascii_is_percent_encoded_as_utf8_and_explicit_chars_stay():
    assert encode("won’t") == "won%E2%80%99t"
    assert encode("£20bn") == "%C2%A320bn"
    assert encode("a.b/c:d;e=f?g@h_i~j!k$l*m+n'o") == "a.b/c:d;e=f?g@h_i~j!k$l*m+n'o"


def test_a_short_quote_is_matched_whole_with_whitespace_collapsed():
    url = link(PAGE, "Control totals\n   are   a blunt tool.")
    assert url == PAGE + "#:~:text=Control%20totals%20are%20a%20blunt%20tool"


def test_a_long_quote_uses_its_first_and_last_words():
    quote = (
        "The King's Fund has consistently argued that the NHS should be funded to meet rising demand, "
        "and that social care needs reform as well"
    )
    start, end = parameters(link(PAGE, quote))
    assert quote.startswith(start) and quote.endswith(end)
    assert len(start.split()) == len(end.split()) == 5


def test_an_elided_quote_runs_from_its_first_part_to_its_last():
    start, end = parameters(link(PAGE, "ICSs are an evolution [...] not a revolution in how care is run"))
    assert start == "ICSs are an evolution"
    assert end == "in how care is run"


def test_no_parameter_is_empty_and_no_comma_or_dash_is_left_raw():
    for quote in ("a, b - c, d", "— dashes — only — here —", "x-y, z & w, more words to make it long enough here"):
        url = link(PAGE, quote)
        text = url.split(":~:text=", 1)[1] if ":~:" in url else ""
        assert all(text.split(",")), url
        assert "-" not in text and "&" not in text and " " not in text


def test_dashes_that_a_page_may_type_differently_are_kept_out_of_the_match():
    # "-" typed for the page's "—" would not match in Chromium: start and end avoid such words
    start, end = parameters(
        link(PAGE, "ICSs - and this is key - will not be self-governing until 2020 at the earliest")
    )
    assert start == "and this is key"
    assert end == "until 2020 at the earliest"
    assert parameters(link(PAGE, "spending rose in 2017-2018 by far less than demand")) == [
        "spending rose in",
        "by far less than demand",
    ]
    assert parameters(link(PAGE, "in 2017-2018 by far less")) == ["by far less"]  # "in" alone could be anywhere
    # a hyphenated word is typed the same on the page
    assert parameters(link(PAGE, "self-governing systems")) == ["self-governing systems"]


def test_quotation_marks_and_full_stops_at_the_edges_are_dropped():
    assert parameters(link(PAGE, "“a vehicle for cuts.”")) == ["a vehicle for cuts"]


def test_an_existing_fragment_is_kept_and_an_old_directive_replaced():
    assert link(PAGE + "#comments", "blunt tool") == PAGE + "#comments:~:text=blunt%20tool"
    assert link(PAGE + "#:~:text=old", "blunt tool") == PAGE + "#:~:text=blunt%20tool"
    assert link(PAGE + "#c:~:text=old&text=older", "blunt tool") == PAGE + "#c:~:text=blunt%20tool"
    assert (
        link("https://nhsforsale.info/?p=3112", "blunt tool") == "https://nhsforsale.info/?p=3112#:~:text=blunt%20tool"
    )


@pytest.mark.parametrize("quote", ["", "   ", "...", "[...]", "—"])
def test_nothing_to_look_for_leaves_the_address_as_it_is(quote):
    assert link(PAGE, quote) == PAGE
    assert directive(quote) is None


def test_no_address_no_link():
    assert link(None, "words") is None and link("", "words") is None


def test_every_seeded_quote_gets_a_well_formed_directive():
    from pathlib import Path

    import yaml

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    quotes = [m for f in seeds.glob("*.yaml") for m in re.findall(r"quote: (.+)", f.read_text())]
    assert quotes
    grammar = re.compile(r"^text=[A-Za-z0-9%!$'*+./:;=?@_~]+(,[A-Za-z0-9%!$'*+./:;=?@_~]+)?$")
    for raw in quotes:
        quote = yaml.safe_load(raw) if raw[:1] in "\"'" else raw
        text = directive(str(quote))
        assert text is not None and grammar.match(text), (quote, text)


FRAGMENT = PAGE + "#:~:text=NHS%20organisations%20continue%20to%20look%20upwards"


def test_the_point_page_links_each_quote_to_its_passage(client, mini):
    html = client.get(f"/nodes/{mini['con-nhs-bodies']}").get_data(as_text=True)
    assert f'href="{FRAGMENT}"' in html and "Read it at the source" in html
    # a source without an address has no link to follow
    html = client.get(f"/nodes/{mini['pro-boards']}").get_data(as_text=True)
    assert "Read it at the source" not in html


def test_briefings_link_each_quote_to_its_passage(client, mini):
    html = client.get("/debates/mini/summary").get_data(as_text=True)
    assert f'<a href="{FRAGMENT}"' in html
    markdown = client.get("/debates/mini/export/md").get_data(as_text=True)
    assert "“NHS organisations continue to look upwards” [[" in markdown
    assert f"]({FRAGMENT})" in markdown
    assert "“the presence of private companies on the boards” [" in markdown  # no address: no link
