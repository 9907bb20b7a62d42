"""The briefing: thesis, counts, the case for and against strongest first, events, sources, provenance."""

import re

from icsdebate.standing import ANSWERED, STANDS


def test_markdown_briefing_reads_as_a_briefing(runner, mini):
    result = runner.invoke(args=["export", "mini", "--format", "md"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("# ICSs open the door to privatisation")
    for heading in ("## The case for", "## The case against", "## Dated events", "## Sources"):
        assert heading in text
    assert "Strongest first" in text
    assert "**September 2021**: Government keeps private companies off ICB boards" in text
    assert re.search(
        r"^\d\. Making sense of integrated care systems, Chris Ham, The King's Fund, February 2018 "
        r"<https://www\.kingsfund\.org\.uk/",
        text,
        re.M,
    )
    assert "Exported from ICS Debate (mini) at" in text
    assert "“no private company will be allowed” [" in text


def test_strongest_first(runner, mini):
    # the amendment (standing) opposes 'Private companies could sit on ICS boards', so that pro point is answered
    text = runner.invoke(args=["export", "mini", "--format", "md"]).output
    case_for = text[text.index("## The case for") : text.index("## The case against")]
    assert case_for.index("(stands): Will care stay free") < case_for.index(
        f"({ANSWERED}): Private companies could sit"
    )
    assert f"({STANDS}): NHS bodies can hold the contracts" in text


def test_html_briefing_page_and_download(client, mini):
    page = client.get("/debates/mini/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "The case against" in html and "css/summary.css" in html and "<style>" not in html
    download = client.get(f"/nodes/{mini['pro-boards']}/export/html")
    assert "attachment" in download.headers["Content-Disposition"]
    body = download.get_data(as_text=True)
    assert "<style>" in body and "@media print" in body
    assert "Private companies could sit on ICS boards" in body
    assert client.get("/nodes/99999/summary").status_code == 404


def test_summary_links_on_pages(client, mini):
    assert 'href="/debates/mini/summary"' in client.get("/debates/mini").get_data(as_text=True)
    assert f'href="/nodes/{mini["pro-boards"]}/summary"' in client.get(f"/nodes/{mini['pro-boards']}").get_data(
        as_text=True
    )
