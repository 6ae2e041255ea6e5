"""Scored workbooks keep the company in view (header row and name column frozen, both printed on every
page) and style their result columns wherever they are, and only those."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import RESULT_COLUMNS, RESULT_NOTES
from icp_sheets.example import example_accounts
from icp_sheets.io.xlsx_writer import name_column
from icp_sheets.jobs import score_accounts_file, score_workbook, write_example_workbook


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Company", "Domain"], 1),
        (["Record ID", "Owner", " account  NAME ", "Name"], 3),  # a company header beats a plain 'Name'
        (["Id", "Name"], 2),
        (["Domain", "Employees"], 0),
    ],
)
def test_the_name_column_is_found_by_header(headers: list[str], expected: int) -> None:
    assert name_column(headers) == expected


def _assert_company_stays_in_view(path: Path, tab: str, frozen: str, titles: str) -> None:
    ws = load_workbook(path)[tab]
    assert ws.freeze_panes == frozen
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_title_cols == titles
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0


def test_a_scored_export_freezes_and_prints_its_company_column(model: IcpModel, tmp_path: Path) -> None:
    frame = pd.DataFrame(example_accounts())
    frame.insert(0, "Record ID", [f"R{i}" for i in range(len(frame))])
    frame.insert(1, "Owner", "Sam")
    source = tmp_path / "export.csv"
    frame.to_csv(source, index=False)
    out = tmp_path / "export.xlsx"
    score_accounts_file(model, source, out)
    _assert_company_stays_in_view(out, "Accounts", "D2", "$A:$C")


def test_scoring_the_workbooks_own_tabs_freezes_and_prints_the_company(tmp_path: Path) -> None:
    path = tmp_path / "icp.xlsx"
    write_example_workbook(path)
    out = tmp_path / "scored.xlsx"
    score_workbook(path, out)
    _assert_company_stays_in_view(out, "Accounts", "B2", "$A:$A")


EXTRA = ["Record ID", "Owner", "Created", "Lead source", "Phone", "City", "Country", "Stage", "Last activity",
         "Notes", "ARR", "Website visits", "Lifecycle", "Rating"]  # fmt: skip


def _paste_export(path: Path, rows: int = 40) -> list[str]:
    """A 25-column CRM export pasted as values over the template's Accounts tab from A1, the
    template's look left on the cells, as a paste of values does; the headers, in order."""
    accounts = pd.DataFrame(example_accounts())
    model_columns = list(accounts.columns)
    headers = [*EXTRA[:2], *model_columns, *EXTRA[2:]]
    assert len(headers) == 25
    book = load_workbook(path)
    ws = book["Accounts"]
    for index, header in enumerate(headers, 1):
        ws.cell(1, index).value = header
    for row in range(2, rows + 2):
        source = accounts.iloc[(row - 2) % len(accounts)].to_dict()
        for index, header in enumerate(headers, 1):
            ws.cell(row, index).value = source.get(header, f"{header} {row}")
    book.save(path)
    return headers


def test_a_pasted_export_gets_its_results_styled_and_keeps_its_own_columns(tmp_path: Path) -> None:
    path = tmp_path / "icp.xlsx"
    write_example_workbook(path)
    before = load_workbook(path)["Accounts"]
    template_why = next(c.column for c in before[1] if c.value == "icp_why")
    headers = _paste_export(path)
    out = tmp_path / "scored.xlsx"
    score_workbook(path, out)
    ws = load_workbook(out)["Accounts"]
    found = {c.value: c.column for c in ws[1] if c.value is not None}
    assert [ws.cell(1, i).value for i in range(1, 26)] == headers  # the export's columns stay where they were
    results = {h: i for h, i in found.items() if str(h).startswith("icp_")}
    assert min(results.values()) == 26 and set(RESULT_COLUMNS) <= set(results)
    width = {h: ws.column_dimensions[get_column_letter(i)].width for h, i in results.items()}
    assert 40 <= width["icp_why"] <= 70 and width["icp_why"] > 8
    assert all(8 <= w <= 70 for w in width.values()), width
    assert width["icp_score"] <= 24 and width["icp_priority"] <= 24
    why = ws.cell(2, results["icp_why"])
    assert why.alignment.wrap_text and ws.cell(2, results["icp_action"]).alignment.wrap_text
    assert ws.row_dimensions[2].height and ws.row_dimensions[2].height > 15  # tall enough for the wrapped why
    assert ws.cell(2, results["icp_score"]).number_format == "0.0#"
    assert ws.cell(2, results["icp_tier"]).fill.fgColor.rgb.endswith("EEF3EA")
    coloured = {str(cf.sqref).split(":")[0].rstrip("0123456789") for cf in ws.conditional_formatting}
    letters = {get_column_letter(results[h]) for h in ("icp_tier", "icp_priority")}
    assert coloured == letters  # the template's colours moved with tier and priority
    for index in range(1, 26):  # the user's columns: no result look left over from the template
        header = ws.cell(1, index)
        assert not str(header.fill.fgColor.rgb).endswith("375623"), header.value
        assert header.comment is None or header.comment.text not in RESULT_NOTES.values(), header.value
        for row in range(2, 12):
            assert not str(ws.cell(row, index).fill.fgColor.rgb).endswith("EEF3EA"), (row, header.value)
    assert ws.cell(1, template_why).value == headers[template_why - 1]
    (table,) = ws.tables.values()
    assert [c.name for c in table.tableColumns] == [ws.cell(1, i).value for i in range(1, ws.max_column + 1)]
