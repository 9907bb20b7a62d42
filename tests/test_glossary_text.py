"""Acronyms get an <abbr> with their expansion, but not inside links, code or an existing abbr."""

from markupsafe import escape

from icsdebate.text import acronym_pattern, expand_acronyms

TERMS = {"ICS": "integrated care system", "ICP": "integrated care provider", "A&E": "accident and emergency"}


def expand(html: str) -> str:
    return str(expand_acronyms(html, TERMS, acronym_pattern(TERMS)))


def test_terms_and_plurals_are_expanded():
    assert expand("Two ICSs and one ICP.") == (
        'Two <abbr title="integrated care system">ICSs</abbr> and one '
        '<abbr title="integrated care provider">ICP</abbr>.'
    )


def test_only_whole_words():
    assert expand("ICSX PICS ICS-led") == 'ICSX PICS <abbr title="integrated care system">ICS</abbr>-led'


def test_escaped_terms_in_html_are_found():
    assert expand(str(escape("A&E visits"))) == '<abbr title="accident and emergency">A&amp;E</abbr> visits'


def test_links_code_and_abbr_are_left_alone():
    html = '<p><a href="/ics">the ICS page</a> <code>ICS</code> <abbr title="x">ICS</abbr> ICS</p>'
    assert expand(html) == (
        '<p><a href="/ics">the ICS page</a> <code>ICS</code> <abbr title="x">ICS</abbr> '
        '<abbr title="integrated care system">ICS</abbr></p>'
    )


def test_no_terms_changes_nothing():
    assert str(expand_acronyms("ICS", {}, None)) == "ICS"
