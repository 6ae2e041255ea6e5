"""Scored workbooks keep the company in view: header row and name column frozen, both printed on every page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from icp_sheets.core.models import IcpModel
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
