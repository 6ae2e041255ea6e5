"""Guards against mass change: a lost tab, a lost id column or a mass deletion stops the sync."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from sheets_support import KEY

from icp_sheets.cli import cli
from icp_sheets.core.names import ACCOUNTS, CONTACTS
from icp_sheets.sheets.client import Connection
from icp_sheets.sheets.guards import DELETE_LIMIT_SETTING, SyncGuarded, Why
from icp_sheets.sheets.merge import Side
from icp_sheets.sheets.sync import Mode, sync
from icp_sheets.testing.fake_sheets import FakeSheets


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def request(fake: FakeSheets, kind: str, body: dict[str, Any]) -> None:
    fake.store.batch_update(fake.store.spreadsheets[KEY], [{kind: body}])


def sheet_id(fake: FakeSheets, tab: str) -> int:
    return int(fake.store.spreadsheets[KEY].sheet(tab).sheet_id)


def data_rows(fake: FakeSheets, tab: str) -> int:
    return sum(1 for row in fake.store.grid(KEY, tab)[1:] if any(v not in (None, "") for v in row))


def wb_companies(path: Path, tab: str = ACCOUNTS) -> list[Any]:
    ws = openpyxl.load_workbook(path)[tab]
    return [r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None]


def stopped(path: Path, conn: Connection, fake: FakeSheets, **kwargs: Any) -> SyncGuarded:
    """Run a sync that must stop, and prove it wrote nothing on either side."""
    before_wb, before_sheet = digest(path), sheet_state(fake)
    with pytest.raises(SyncGuarded) as caught:
        sync(path, conn, **kwargs)
    assert digest(path) == before_wb
    assert sheet_state(fake) == before_sheet
    return caught.value


def sheet_state(fake: FakeSheets) -> dict[str, list[list[Any]]]:
    return {s.title: fake.store.grid(KEY, s.title) for s in fake.store.spreadsheets[KEY].sheets}


def test_a_tab_renamed_in_the_sheet_stops_the_sync_and_names_the_new_title(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    accounts = len(wb_companies(pushed))
    request(
        fake,
        "updateSheetProperties",
        {"properties": {"sheetId": sheet_id(fake, ACCOUNTS), "title": "Accounts (Q3)"}, "fields": "title"},
    )
    error = stopped(pushed, conn, fake)
    (guard,) = error.guards
    assert (guard.why, guard.tab, guard.side, guard.renamed_to) == (
        Why.MISSING_TAB,
        ACCOUNTS,
        Side.SHEET,
        "Accounts (Q3)",
    )
    assert len(guard.deletes) == accounts
    assert "renamed 'Accounts (Q3)'" in str(error) and "--allow-delete" in str(error)
    # renamed back, the sync goes on as if nothing happened
    request(
        fake,
        "updateSheetProperties",
        {"properties": {"sheetId": sheet_id(fake, "Accounts (Q3)"), "title": ACCOUNTS}, "fields": "title"},
    )
    sync(pushed, conn)
    assert len(wb_companies(pushed)) == accounts


def test_a_tab_deleted_in_the_sheet_or_in_the_workbook_stops_the_sync(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    contacts = len(wb_companies(pushed, CONTACTS))
    request(fake, "deleteSheet", {"sheetId": sheet_id(fake, CONTACTS)})
    (guard,) = stopped(pushed, conn, fake).guards
    assert (guard.why, guard.side, guard.renamed_to, len(guard.deletes)) == (
        Why.MISSING_TAB,
        Side.SHEET,
        None,
        contacts,
    )

    book = openpyxl.load_workbook(pushed)
    del book[ACCOUNTS]
    book.save(pushed)
    guards = stopped(pushed, conn, fake).guards
    assert {(g.tab, g.side) for g in guards} == {(CONTACTS, Side.SHEET), (ACCOUNTS, Side.WORKBOOK)}


def test_allow_delete_carries_a_deleted_tab_over(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    request(fake, "deleteSheet", {"sheetId": sheet_id(fake, CONTACTS)})
    sync(pushed, conn, allow_delete=True)
    assert wb_companies(pushed, CONTACTS) == []


def test_clearing_every_data_row_in_the_sheet_is_a_mass_deletion(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    rows = data_rows(fake, ACCOUNTS)
    fake.store.clear(fake.store.spreadsheets[KEY], f"{ACCOUNTS}!A2:ZZ{rows + 1}")
    (guard,) = stopped(pushed, conn, fake).guards
    assert (guard.why, guard.tab, guard.side, len(guard.deletes), guard.limit) == (
        Why.TOO_MANY,
        ACCOUNTS,
        Side.SHEET,
        rows,
        10,
    )


def delete_id_column(fake: FakeSheets) -> None:
    index = fake.store.grid(KEY, ACCOUNTS)[0].index("icp_id")
    rng = {"sheetId": sheet_id(fake, ACCOUNTS), "dimension": "COLUMNS", "startIndex": index, "endIndex": index + 1}
    request(fake, "deleteDimension", {"range": rng})


def test_a_deleted_id_column_comes_back_from_the_row_metadata(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    ids = {r[0]: r[-1] for r in fake.store.grid(KEY, ACCOUNTS)[1:]}
    delete_id_column(fake)
    report = sync(pushed, conn)
    grid = fake.store.grid(KEY, ACCOUNTS)
    assert {r[0]: r[grid[0].index("icp_id")] for r in grid[1:]} == ids
    assert len(wb_companies(pushed)) == len(ids)
    assert len(report.repairs) == len(ids)


def test_a_deleted_id_column_without_row_metadata_stops_the_sync(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    lookup = {"developerMetadataLookup": {"metadataKey": "icp_id"}}
    request(fake, "deleteDeveloperMetadata", {"dataFilter": lookup})  # rows synced before rows were tagged
    delete_id_column(fake)
    (guard,) = stopped(pushed, conn, fake).guards
    assert (guard.why, guard.tab, guard.side) == (Why.MISSING_IDS, ACCOUNTS, Side.SHEET)


def test_the_deletion_limit_is_a_local_setting(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    book = openpyxl.load_workbook(pushed)
    settings = book["Settings"]
    row = next(c.row for (c,) in settings.iter_rows(min_col=1, max_col=1) if c.value == DELETE_LIMIT_SETTING)
    settings.cell(row=row, column=2, value=0)
    book.save(pushed)
    first = wb_companies(pushed)[0]
    row_in_sheet = next(i for i, r in enumerate(fake.store.grid(KEY, ACCOUNTS)) if r and r[0] == first)
    request(
        fake,
        "deleteDimension",
        {
            "range": {
                "sheetId": sheet_id(fake, ACCOUNTS),
                "dimension": "ROWS",
                "startIndex": row_in_sheet,
                "endIndex": row_in_sheet + 1,
            }
        },
    )
    (guard,) = stopped(pushed, conn, fake).guards
    assert (guard.why, guard.deletes, guard.limit) == (Why.TOO_MANY, (first,), 0)
    settings.cell(row=row, column=2, value="lots")
    book.save(pushed)
    with pytest.raises(Exception, match="Sync deletion limit must be a whole number"):
        sync(pushed, conn)


def test_status_lists_pending_deletions_and_what_sync_would_stop_for(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    first = wb_companies(pushed)[0]
    row_in_sheet = next(i for i, r in enumerate(fake.store.grid(KEY, ACCOUNTS)) if r and r[0] == first)
    request(
        fake,
        "deleteDimension",
        {
            "range": {
                "sheetId": sheet_id(fake, ACCOUNTS),
                "dimension": "ROWS",
                "startIndex": row_in_sheet,
                "endIndex": row_in_sheet + 1,
            }
        },
    )
    lines = sync(pushed, conn, Mode.STATUS).lines()
    assert lines[0].startswith(f"{ACCOUNTS}: ") and lines[0].endswith(
        f"cells to the workbook (+0/-1 rows, deleting {first!r})"
    )
    book = openpyxl.load_workbook(pushed)
    last = wb_companies(pushed)[-1]
    book[ACCOUNTS].delete_rows(len(wb_companies(pushed)) + 1)
    book.save(pushed)
    lines = sync(pushed, conn, Mode.STATUS).lines()
    assert f"0 cells to the sheet (+0/-1 rows, deleting {last!r})" in lines[0]
    request(fake, "deleteSheet", {"sheetId": sheet_id(fake, CONTACTS)})
    lines = sync(pushed, conn, Mode.STATUS).lines()
    assert any(
        line.startswith(f"Stopped before writing: {CONTACTS} is missing from the Google Sheet") for line in lines
    )


def test_the_command_exits_2_and_lists_the_rows(pushed: Path, fake: FakeSheets) -> None:
    request(fake, "deleteSheet", {"sheetId": sheet_id(fake, CONTACTS)})
    result = CliRunner().invoke(cli, ["sync", str(pushed), "--api-url", fake.url])
    assert result.exit_code == 2, result.output
    assert f"{CONTACTS} is missing from the Google Sheet" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["sync", str(pushed), "--api-url", fake.url, "--allow-delete"])
    assert result.exit_code == 0, result.output
