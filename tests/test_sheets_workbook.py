"""The workbook side of the sync: the fast cell reader agrees with openpyxl; writes keep what they should."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from test_sheets_sync import write_workbook

from icp_sheets.core.names import ACCOUNTS, DATA_TABS, MODEL_TABS
from icp_sheets.sheets.merge import Formula
from icp_sheets.sheets.workbook_io import WorkbookSide


def test_the_fast_reader_reads_what_openpyxl_reads(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "icp.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACCOUNTS]
    ws["A2"] = "=1+2"
    ws["B2"] = "=text, not a formula"
    ws["B2"].data_type = "s"
    ws["C2"] = True
    ws["D2"] = 2.5
    ws["E2"] = dt.datetime(2026, 1, 5, 13, 30)
    ws["K40"] = "far away"
    wb.save(path)
    fast = WorkbookSide(path)
    slow = WorkbookSide(path)
    _ = slow.book  # loaded: grids now come from openpyxl
    for tab in (*MODEL_TABS, *DATA_TABS):
        assert fast.grid(tab) == slow.grid(tab), tab
    row = fast.grid(ACCOUNTS)[1]
    assert row[:5] == [Formula("=1+2"), "=text, not a formula", True, 2.5, "2026-01-05 13:30:00"]
    assert fast.grid(ACCOUNTS)[39][10] == "far away"


def test_writes_keep_text_as_text_dates_as_dates_and_stretch_tables(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "icp.xlsx")
    side = WorkbookSide(path)
    rows = len(side.grid(ACCOUNTS))
    side.write(ACCOUNTS, [(rows + 1, 1, "=HYPERLINK(1)"), (rows + 1, 8, "2026-02-03"), (rows + 1, 2, Formula("=A2"))])
    side.save()
    ws = openpyxl.load_workbook(path)[ACCOUNTS]
    assert ws.cell(rows + 1, 1).data_type == "s"
    assert ws.cell(rows + 1, 2).data_type == "f"
    assert isinstance(ws.cell(rows + 1, 8).value, dt.datetime)
    for table in ws.tables.values():
        assert table.ref.endswith(str(rows + 1))
