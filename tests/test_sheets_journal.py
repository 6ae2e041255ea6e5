"""A sync that dies between the sheet write and the workbook save duplicates nothing afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sheets_support import KEY

from icp_sheets.core.names import ACCOUNTS
from icp_sheets.sheets import journal
from icp_sheets.sheets.client import Connection
from icp_sheets.sheets.http import SheetsError
from icp_sheets.sheets.sync import sync
from icp_sheets.sheets.workbook_io import WorkbookSide
from icp_sheets.testing.fake_sheets import FakeSheets

NEW = "Quayside Robotics"


def add_account(path: Path) -> None:
    """A row typed at the bottom of Accounts: a copy of the first account, renamed, with no id."""
    book = openpyxl.load_workbook(path)
    ws = book[ACCOUNTS]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    row[0], row[header.index("icp_id")] = NEW, None
    ws.append(row)
    book.save(path)


def set_region(path: Path, value: str) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[ACCOUNTS]
    header = [c.value for c in ws[1]]
    for line in ws.iter_rows(min_row=2):
        if line[0].value == NEW:
            line[header.index("Region")].value = value
    book.save(path)


def rows_named(grid: list[list[Any]], name: str) -> list[dict[str, Any]]:
    return [dict(zip(grid[0], r, strict=False)) for r in grid[1:] if r and r[0] == name]


def workbook_rows(path: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[ACCOUNTS]
    return rows_named([list(r) for r in ws.iter_rows(values_only=True)], NEW)


def test_a_failed_save_after_the_sheet_write_then_an_edit_duplicates_nothing(
    pushed: Path, fake: FakeSheets, conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_account(pushed)

    def failing_save(_self: WorkbookSide) -> None:
        raise SheetsError("the disk is full")

    monkeypatch.setattr(WorkbookSide, "save", failing_save)
    with pytest.raises(SheetsError, match="disk is full"):
        sync(pushed, conn)
    monkeypatch.undo()
    (in_sheet,) = rows_named(fake.store.grid(KEY, ACCOUNTS), NEW)
    assert in_sheet["icp_id"] and journal.path_of(pushed).exists()
    (in_workbook,) = workbook_rows(pushed)
    assert in_workbook["icp_id"] is None  # the save failed: the workbook never got the id

    set_region(pushed, "Edited after the crash")
    sync(pushed, conn)
    (in_sheet_after,) = rows_named(fake.store.grid(KEY, ACCOUNTS), NEW)
    (in_workbook_after,) = workbook_rows(pushed)
    assert in_sheet_after["icp_id"] == in_workbook_after["icp_id"] == in_sheet["icp_id"]
    assert in_sheet_after["Region"] == in_workbook_after["Region"] == "Edited after the crash"
    assert not journal.path_of(pushed).exists()


def test_a_sheet_write_that_never_happened_leaves_the_row_to_be_added_once(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    add_account(pushed)
    fake.inject("500", "values.batchUpdateByDataFilter", times=99)
    with pytest.raises(SheetsError):
        sync(pushed, conn)
    fake.faults.clear()
    assert rows_named(fake.store.grid(KEY, ACCOUNTS), NEW) == []
    set_region(pushed, "Edited after the failure")
    sync(pushed, conn)
    (in_sheet,) = rows_named(fake.store.grid(KEY, ACCOUNTS), NEW)
    (in_workbook,) = workbook_rows(pushed)
    assert in_sheet["Region"] == in_workbook["Region"] == "Edited after the failure"
    assert in_sheet["icp_id"] == in_workbook["icp_id"]


def test_a_note_for_another_sheet_or_a_damaged_one_is_ignored(pushed: Path) -> None:
    journal.note(pushed, "other-sheet", {ACCOUNTS: [journal.Pending("r1", 2, {"Company": "A"}, {"Company": "A"})]})
    assert journal.read(pushed, KEY) == {}
    assert journal.read(pushed, "other-sheet")[ACCOUNTS][0].key == "r1"
    journal.path_of(pushed).write_text("{not json", encoding="utf-8")
    assert journal.read(pushed, "other-sheet") == {}
