from icsdebate.text import partial_date, render_markdown


def test_markdown_keeps_formatting_and_links():
    html = render_markdown("Some *emphasis* and [a link](https://example.org).")
    assert "<em>emphasis</em>" in html
    assert 'href="https://example.org"' in html
    assert "noopener" in html


def test_markdown_drops_scripts_handlers_and_dangerous_links():
    html = render_markdown(
        "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1)) "
        '<a href="/n" hx-get="/evil" data-hx-post="/evil">y</a>'
    )
    for bad in ("<script", "onerror", "javascript:", "hx-get", "data-hx-post", "<img"):
        assert bad not in html


def test_empty_annotation_renders_nothing():
    assert render_markdown("  \n") == ""


def test_partial_dates_read_naturally():
    assert partial_date("2018-02-22") == "22 February 2018"
    assert partial_date("2018-02") == "February 2018"
    assert partial_date("2018") == "2018"
    assert partial_date(None) == ""
