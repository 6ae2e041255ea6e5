"""Rows known by their metadata: sorts, copies, edited or deleted ids and inserts during a sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from sheets_support import KEY, drop_third_account

from icp_sheets.core.names import ACCOUNTS
from icp_sheets.sheets.a1 import column_letter
from icp_sheets.sheets.client import Connection
from icp_sheets.sheets.refresh import refresh
from icp_sheets.sheets.sync import sync
from icp_sheets.testing.fake_sheets import FakeSheets, Store


def grid(store: Store) -> list[list[Any]]:
    return store.grid(KEY, ACCOUNTS)


def sheet_id(store: Store) -> int:
    return int(store.spreadsheets[KEY].sheet(ACCOUNTS).sheet_id)


def by_company(rows: list[list[Any]]) -> dict[Any, dict[str, Any]]:
    """Company -> row; fails when a company is on two rows."""
    out: dict[Any, dict[str, Any]] = {}
    for r in rows[1:]:
        if r and r[0] not in (None, ""):
            assert r[0] not in out, f"{r[0]} twice"
            out[r[0]] = dict(zip(rows[0], r, strict=False))
    return out


def workbook(path: Path) -> dict[Any, dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[ACCOUNTS]
    return by_company([list(r) for r in ws.iter_rows(values_only=True)])


def edit_workbook(path: Path, company: str, header: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[ACCOUNTS]
    names = [c.value for c in ws[1]]
    for line in ws.iter_rows(min_row=2):
        if line[0].value == company:
            line[names.index(header)].value = value
    book.save(path)


def person_types_a_row_at_the_top(store: Store) -> None:
    """A person inserts a row above every account and types a company into it."""
    rng = {"sheetId": sheet_id(store), "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    store.batch_update(store.spreadsheets[KEY], [{"insertDimension": {"range": rng}}])
    store.type_in(KEY, ACCOUNTS, "A2", "Typed meanwhile Ltd")


def row_tags(store: Store) -> dict[int, str]:
    book = store.spreadsheets[KEY]
    return {
        m.place.index + 1: str(m.value)
        for m in book.developer_metadata.values()
        if m.key == "icp_id" and m.place.sheet_id == sheet_id(store) and m.place.index is not None
    }


def test_every_synced_row_is_tagged_with_its_id(pushed: Path, fake: FakeSheets) -> None:
    rows = grid(fake.store)
    ids = {r: line[rows[0].index("icp_id")] for r, line in enumerate(rows[1:], start=2)}
    assert row_tags(fake.store) == ids


def test_a_sort_that_leaves_the_id_column_out_moves_no_edit_to_another_company(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    before = by_company(grid(fake.store))
    width = grid(fake.store)[0].index("icp_id")  # the columns left of the id column: A:S
    rng = {"sheetId": sheet_id(fake.store), "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": width}
    fake.store.batch_update(
        fake.store.spreadsheets[KEY],
        [{"sortRange": {"range": rng, "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}]}}],
    )
    target = next(iter(before))
    edit_workbook(pushed, target, "Region", "Moved nowhere")
    report = sync(pushed, conn)
    after = by_company(grid(fake.store))
    assert after[target]["Region"] == "Moved nowhere"
    assert {c: r["icp_id"] for c, r in after.items()} == {c: r["icp_id"] for c, r in before.items()}
    assert sum(1 for c, r in after.items() if r["Region"] != before[c]["Region"]) == 1
    assert workbook(pushed)[target]["Region"] == "Moved nowhere"
    assert report.repairs and all("repaired" in str(r) for r in report.repairs)


def test_a_row_copied_above_its_original_gets_an_id_of_its_own(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    rows = grid(fake.store)
    original = rows[3]
    company = original[0]
    book = fake.store.spreadsheets[KEY]
    rng = {"sheetId": sheet_id(fake.store), "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    fake.store.batch_update(book, [{"insertDimension": {"range": rng, "inheritFromBefore": False}}])
    copy = [f"{company} (copy)", *original[1:]]  # pasted with its id
    fake.store.write(book, f"{ACCOUNTS}!A2:{column_letter(len(copy))}2", [copy], user_entered=False)
    edit_workbook(pushed, company, "Region", "Original edited")
    report = sync(pushed, conn)
    after = by_company(grid(fake.store))
    assert after[company]["Region"] == "Original edited"
    assert after[company]["icp_id"] == original[rows[0].index("icp_id")]
    assert after[f"{company} (copy)"]["icp_id"] not in (None, "", after[company]["icp_id"])
    assert f"{company} (copy)" in workbook(pushed)
    assert any("a copy of the row" in str(r) for r in report.repairs)


def test_an_id_cell_typed_over_is_repaired(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    rows = grid(fake.store)
    col = rows[0].index("icp_id")
    was = rows[2][col]
    fake.store.type_in(KEY, ACCOUNTS, f"{column_letter(col + 1)}3", "oops")
    sync(pushed, conn)
    assert grid(fake.store)[2][col] == was
    assert len(workbook(pushed)) == len(rows) - 1


def test_rows_synced_before_tags_get_them_on_the_next_sync(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    request = {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "icp_id"}}}}
    fake.store.batch_update(fake.store.spreadsheets[KEY], [request])
    assert row_tags(fake.store) == {}
    sync(pushed, conn)
    rows = grid(fake.store)
    assert row_tags(fake.store) == {r: line[rows[0].index("icp_id")] for r, line in enumerate(rows[1:], start=2)}


def test_a_delete_only_sync_reads_again_so_an_insert_meanwhile_costs_no_innocent_row(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    accounts = list(workbook(pushed))
    gone = drop_third_account(pushed)

    fake.on("values.batchGet", after=1, action=person_types_a_row_at_the_top)
    sync(pushed, conn)
    in_sheet = by_company(grid(fake.store))
    assert gone not in in_sheet
    assert set(in_sheet) == (set(accounts) - {gone}) | {"Typed meanwhile Ltd"}
    assert set(workbook(pushed)) == set(in_sheet)


def test_an_insert_between_the_re_read_and_the_write_puts_no_edit_on_another_company(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    before = by_company(grid(fake.store))
    target = list(before)[4]
    edit_workbook(pushed, target, "Region", "Right company")

    def person_inserts_a_row_at_the_top(store: Store) -> None:
        rng = {"sheetId": sheet_id(store), "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
        store.batch_update(store.spreadsheets[KEY], [{"insertDimension": {"range": rng}}])

    fake.on("values.batchGet", after=2, action=person_inserts_a_row_at_the_top)  # after the re-read
    report = sync(pushed, conn)
    assert report.rounds == 1
    after = by_company(grid(fake.store))
    assert after[target]["Region"] == "Right company"
    assert [c for c in after if after[c]["Region"] != before[c]["Region"]] == [target]


def test_a_row_deleted_between_the_re_read_and_the_write_keeps_the_workbook_edit(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    target = list(workbook(pushed))[4]
    edit_workbook(pushed, target, "Region", "Edited here")

    def person_deletes_the_row(store: Store) -> None:
        row = next(i for i, r in enumerate(grid(store)) if r and r[0] == target)
        rng = {"sheetId": sheet_id(store), "dimension": "ROWS", "startIndex": row, "endIndex": row + 1}
        store.batch_update(store.spreadsheets[KEY], [{"deleteDimension": {"range": rng}}])

    fake.on("values.batchGet", after=2, action=person_deletes_the_row)
    report = sync(pushed, conn)
    assert report.vanished == {ACCOUNTS: 1}
    assert target not in by_company(grid(fake.store))
    again = sync(pushed, conn)  # deleted there, edited here: kept and reported, not lost
    assert any(c.column is None and c.key for c in again.conflicts)
    assert workbook(pushed)[target]["Region"] == "Edited here"
    assert by_company(grid(fake.store))[target]["Region"] == "Edited here"


def test_a_sort_between_refresh_s_re_read_and_write_puts_every_score_on_its_own_company(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    def person_sorts_the_accounts(store: Store) -> None:
        rng = {"sheetId": sheet_id(store), "startRowIndex": 1}
        spec = {"dimensionIndex": 0, "sortOrder": "DESCENDING"}
        store.batch_update(store.spreadsheets[KEY], [{"sortRange": {"range": rng, "sortSpecs": [spec]}}])

    fake.on("values.batchGet", after=2, action=person_sorts_the_accounts)  # after refresh's re-read
    first = refresh(conn)
    assert first.cells > 0
    fake.hooks.clear()
    assert refresh(conn).cells == 0  # nothing was left on the wrong row to correct


def test_an_insert_between_the_re_read_and_a_deletion_costs_no_innocent_row(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    before = by_company(grid(fake.store))
    accounts = list(workbook(pushed))
    gone = drop_third_account(pushed)

    fake.on("values.batchGet", after=2, action=person_types_a_row_at_the_top)  # after the re-read
    report = sync(pushed, conn)
    in_sheet = by_company(grid(fake.store))
    assert set(in_sheet) == (set(accounts) - {gone}) | {"Typed meanwhile Ltd"}
    hit = accounts[1]  # the row above the one meant to go: where the shifted deletion landed
    assert [s.restored for s in report.slipped] == [(before[hit]["icp_id"],)]
    assert "repaired a shifted deletion" in "\n".join(report.lines())
    assert in_sheet[hit] == before[hit]  # every cell back, under its own id
    assert row_tags(fake.store)[list(in_sheet).index(hit) + 2] == before[hit]["icp_id"]
    sync(pushed, conn)
    assert set(workbook(pushed)) == set(by_company(grid(fake.store))) == set(in_sheet)


def test_a_sort_between_the_re_read_and_a_deletion_deletes_only_the_row_meant(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    before = by_company(grid(fake.store))
    accounts = list(workbook(pushed))
    gone = drop_third_account(pushed)

    def person_sorts_the_accounts(store: Store) -> None:
        rng = {"sheetId": sheet_id(store), "startRowIndex": 1}
        spec = {"dimensionIndex": 0, "sortOrder": "DESCENDING"}
        store.batch_update(store.spreadsheets[KEY], [{"sortRange": {"range": rng, "sortSpecs": [spec]}}])

    fake.on("values.batchGet", after=2, action=person_sorts_the_accounts)
    report = sync(pushed, conn)
    in_sheet = by_company(grid(fake.store))
    assert set(in_sheet) == set(accounts) - {gone}
    assert all(in_sheet[c] == before[c] for c in in_sheet)
    assert len(report.slipped) == 1
