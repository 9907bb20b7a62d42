"""The shipped maps against the source documents: every seeded quote is found in the copy of its source.

The texts are the project's source documents in ../shared/sources (the product does not ship them). Each is
attached to the seeded sources it is the text of, told by ../shared/sources/INDEX.md: by the address the index
gives, else by the source's title in the index's description of the file.
"""

import html as html_lib
import re
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from icsdebate import db, quotecheck, seeds
from icsdebate.formats.registry import EXPORTERS
from icsdebate.models import Citation, Debate, Node, Source

from .conftest import ROOT, load_seeds

SOURCES = ROOT.parent / "shared" / "sources"
pytestmark = pytest.mark.skipif(
    not (SOURCES / "INDEX.md").exists(), reason=f"the source documents are not at {SOURCES} (they are not shipped)"
)


def index_rows() -> list[dict[str, str]]:
    """The rows of INDEX.md's table: file, what it is, address."""
    rows = []
    for line in (SOURCES / "INDEX.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].endswith(".txt"):
            rows.append({"file": cells[0], "what": cells[1], "address": cells[6]})
    return rows


def _fold(text: str) -> str:
    return re.sub(r"[\"'\u2018\u2019\u201c\u201d]", "", quotecheck.normalise(text)).lower()


def text_file_of(source: Source, rows: list[dict[str, str]]) -> Path | None:
    """The source document a seeded source is taken from: same address, else its title (up to any " — ")
    named in the index's description of the file."""
    for row in rows:
        if source.address and row["address"] == source.address:
            return SOURCES / row["file"]
    title = _fold(source.title.split(" — ")[0])
    matches = [row for row in rows if title and title in _fold(row["what"])]
    return SOURCES / matches[0]["file"] if len(matches) == 1 else None


@pytest.fixture
def attached(app, runner) -> dict[str, Path]:
    """The shipped seeds, with every cited source's text attached through `flask attach-text`."""
    load_seeds(app, ROOT / "seeds")
    rows = index_rows()
    assert len(rows) == 5, "INDEX.md should list the five source documents"
    with app.app_context():
        cited = db.session().exec(select(Source).where(Source.id.in_(select(Citation.source_id)))).all()
    files = {source.key: text_file_of(source, rows) for source in cited}
    unknown = sorted(key for key, path in files.items() if path is None)
    assert not unknown, f"no source document in INDEX.md is the text of these cited sources: {unknown}"
    for key, path in files.items():
        result = runner.invoke(args=["attach-text", key, str(path)])
        assert result.exit_code == 0, result.output
    return files


def test_every_seeded_quote_is_found_in_its_source_document(app, attached):
    with app.app_context():
        rows = (
            db.session()
            .exec(
                select(Node.key, Source.key, Citation.quote, Citation.found_in_copy)
                .join(Node, Node.id == Citation.node_id)
                .join(Source, Source.id == Citation.source_id)
            )
            .all()
        )
    seeded = seeds.read(ROOT / "seeds")
    assert len(rows) == sum(len(node.citations) for node in seeded.nodes.values()) > 0
    missing = [f"{node} ({source}): {quote[:120]!r}" for node, source, quote, found in rows if found is not True]
    assert not missing, f"{len(missing)} seeded quotes are not found in their source's text:\n" + "\n".join(missing)


def test_every_seeded_quote_shows_as_found_on_its_point(client, app, attached):
    with app.app_context():
        node_id = (
            db.session()
            .exec(select(Node.id).where(Node.key.is_not(None), Node.kind != "thesis").order_by(Node.id))
            .first()
        )
    html = client.get(f"/nodes/{node_id}").get_data(as_text=True)
    assert "Found word for word in the attached copy" in html and "Not found in the attached copy" not in html


def _visible(body: str) -> str:
    """A response as the words it shows: tags dropped, entities read, typography folded and case ignored."""
    return quotecheck.comparable(quotecheck.normalise(html_lib.unescape(re.sub(r"<[^>]+>", " ", body))))


def _coverage(text: str, body: str, size: int = 100) -> float:
    """The share of the text's consecutive `size`-character stretches that the response shows."""
    flat = quotecheck.comparable(quotecheck.normalise(text))
    chunks = [flat[i : i + size] for i in range(0, len(flat) - size + 1, size)]
    return sum(chunk in body for chunk in chunks) / len(chunks)


def test_no_page_or_download_serves_a_source_document_whole(client, app, attached):
    with app.app_context():
        session = db.session()
        slugs = session.exec(select(Debate.slug)).all()
        citing = session.exec(select(Citation.source_id, func.min(Citation.node_id)).group_by(Citation.source_id)).all()
    pages = ["/", "/sources", "/glossary", "/timeline", "/search?q=integrated+care", "/voices", "/themes"]
    for slug in slugs:
        pages += [
            f"/debates/{slug}",
            f"/debates/{slug}/summary",
            f"/debates/{slug}/outline",
            f"/debates/{slug}/timeline",
        ] + [f"/debates/{slug}/export/{fmt}" for fmt in EXPORTERS]
    for key in attached:
        pages += [f"/sources/{key}?page={n}" for n in (1, 2, 3, 4, 5, 6)]
    pages += [f"/nodes/{node_id}" for _source, node_id in citing]
    texts = {path: path.read_text(encoding="utf-8") for path in set(attached.values())}
    worst = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = _visible(response.get_data(as_text=True))
        for path, text in texts.items():
            share = _coverage(text, body)
            worst[path.name] = max(worst.get(path.name, 0), share)
            assert share < 0.8, f"{page} shows {share:.0%} of {path.name}"
    # the source pages do show the quoted sentences
    assert max(worst.values()) > 0.05, worst
