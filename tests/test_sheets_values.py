"""Values as Google means them: dates typed in the sheet's locale, currency, percent, checkbox columns.

Real gspread against the fake server on 127.0.0.1, with the fake spreadsheet in en_US, de_DE and en_GB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from icp_sheets.cli import cli
from icp_sheets.core.names import ACCOUNTS
from icp_sheets.example import AS_OF, example_accounts
from icp_sheets.io.template import write_template
from icp_sheets.sheets.a1 import column_letter
from icp_sheets.sheets.client import Connection, connect
from icp_sheets.sheets.refresh import refresh
from icp_sheets.sheets.sync import Mode, sync
from icp_sheets.testing.fake_sheets import FakeSheets

KEY = "locale-icp"
COMPANY = "Kestrel Security"
DATE_COLUMN = "Last funding date"  # the "Funding round" signal: 1 point for 30 days
TYPED = {"en_US": "11/4/2026", "de_DE": "04.11.2026", "en_GB": "04/11/2026"}  # 4 November 2026


@pytest.fixture(params=sorted(TYPED))
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fake(locale: str) -> Iterator[FakeSheets]:
    with FakeSheets() as server:
        server.store.create("Shared ICP", spreadsheet_id=KEY, locale=locale)
        yield server


@pytest.fixture
def conn(fake: FakeSheets) -> Connection:
    connection = connect(KEY, api_url=fake.url, base_wait=0.0)
    connection.http.sleep = lambda _s: None
    return connection


@pytest.fixture
def pushed(tmp_path: Path, fake: FakeSheets, conn: Connection) -> Path:
    path = tmp_path / "icp.xlsx"
    write_template(path)
    sync(path, conn, Mode.PUSH, remember=KEY)
    return path


def _cell(fake: FakeSheets, company: str, header: str) -> str:
    grid = fake.store.grid(KEY, ACCOUNTS)
    row = next(i for i, line in enumerate(grid, start=1) if line and line[0] == company)
    return f"{column_letter(grid[0].index(header) + 1)}{row}"


def _wb_row(path: Path, company: str) -> dict[str, Any]:
    ws = openpyxl.load_workbook(path)[ACCOUNTS]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    return next(dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r[0] == company)


def _scored(path: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "scored.xlsx"
    result = CliRunner().invoke(cli, ["score", str(path), "-o", str(out), "--as-of", AS_OF.isoformat(), "--force"])
    assert result.exit_code == 0, result.output
    return _wb_row(out, COMPANY)


def _sheet_results(fake: FakeSheets, company: str) -> dict[str, Any]:
    grid = fake.store.grid(KEY, ACCOUNTS)
    return next(dict(zip(grid[0], line, strict=False)) for line in grid[1:] if line and line[0] == company)


def test_a_date_typed_in_the_sheets_locale_reaches_the_workbook_and_scoring_as_a_date(
    pushed: Path, fake: FakeSheets, conn: Connection, locale: str, tmp_path: Path
) -> None:
    before = _scored(pushed, tmp_path)
    where = f"{ACCOUNTS}!{_cell(fake, COMPANY, DATE_COLUMN)}"
    fake.store.type_in(KEY, ACCOUNTS, _cell(fake, COMPANY, DATE_COLUMN), TYPED[locale])
    book = fake.store.spreadsheets[KEY]
    assert fake.store.read(book, where, value_option="FORMATTED_VALUE")["values"] == [[TYPED[locale]]]
    assert fake.store.read(book, where, value_option="FORMULA")["values"] == [[46330]]  # 2026-11-04

    sync(pushed, conn, Mode.BOTH)
    assert _wb_row(pushed, COMPANY)[DATE_COLUMN] == dt.datetime(2026, 11, 4)  # a real date, not text
    after = _scored(pushed, tmp_path)
    assert "Funding round" in str(after["icp_why"]) and "Funding round" not in str(before["icp_why"])
    assert after["icp_score"] == before["icp_score"] + 1

    refresh(conn, as_of=AS_OF)
    sheet = _sheet_results(fake, COMPANY)
    assert sheet["icp_score"] == after["icp_score"] and sheet["icp_why"] == after["icp_why"]
    assert fake.store.read(book, where, value_option="FORMULA")["values"] == [[46330]]  # still a date


def test_a_date_the_sheet_holds_stays_a_date_on_both_sides_and_a_second_sync_has_nothing_to_do(
    pushed: Path, fake: FakeSheets, conn: Connection, locale: str
) -> None:
    fake.store.type_in(KEY, ACCOUNTS, _cell(fake, COMPANY, DATE_COLUMN), TYPED[locale])
    sync(pushed, conn, Mode.BOTH)
    fake.reset_counts()
    report = sync(pushed, conn, Mode.BOTH)
    assert report.lines() == ["Already in sync: nothing to change."]
    assert report.requests == 3  # no re-read: the base knows the date the serial number stands for
    where = f"{ACCOUNTS}!{_cell(fake, COMPANY, DATE_COLUMN)}"
    assert fake.store.read(fake.store.spreadsheets[KEY], where, value_option="FORMULA")["values"] == [[46330]]


def test_currency_percent_and_a_time_typed_in_the_sheet_arrive_as_numbers_and_a_time(
    pushed: Path, fake: FakeSheets, conn: Connection, locale: str
) -> None:
    money = {"en_US": "$1,200", "de_DE": "1.200 €", "en_GB": "£1,200"}[locale]
    fake.store.type_in(KEY, ACCOUNTS, _cell(fake, COMPANY, "Employees"), money)
    fake.store.type_in(KEY, ACCOUNTS, _cell(fake, COMPANY, "Domain"), "15%")
    fake.store.type_in(KEY, ACCOUNTS, _cell(fake, COMPANY, "Region"), "12:30")
    sync(pushed, conn, Mode.BOTH)
    row = _wb_row(pushed, COMPANY)
    assert row["Employees"] == 1200 and row["Domain"] == 0.15
    assert row["Region"] == dt.time(12, 30)


# ----------------------------------------------------------------------------- checkboxes filled down


def test_a_checkbox_column_filled_down_makes_no_accounts_and_writes_no_ids(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    # The first refresh adds the buying-group columns to every (tagged) row: one write more than the budget's.
    refresh(conn, as_of=AS_OF)
    sync(pushed, conn, Mode.PULL)
    grid = fake.store.grid(KEY, ACCOUNTS)
    width, rows = len(grid[0]), len(grid)
    book = fake.store.spreadsheets[KEY]
    letter = column_letter(width + 1)
    fake.store.write(book, f"{ACCOUNTS}!{letter}1", [["Contacted"]] + [[False]] * 199, user_entered=False)
    report = sync(pushed, conn, Mode.BOTH)
    assert report.guards == [] and report.conflicts == []
    ws = openpyxl.load_workbook(pushed)[ACCOUNTS]
    companies = [r[0].value for r in ws.iter_rows(min_row=2) if any(c.value not in (None, False) for c in r)]
    assert len(companies) == len(example_accounts())  # no blank "accounts"
    after = fake.store.grid(KEY, ACCOUNTS)
    id_col = after[0].index("icp_id")
    assert all(len(line) <= id_col or line[id_col] in ("", None) for line in after[rows:])  # no ids below
    assert [line[width] for line in after[rows:200]] == [False] * (200 - rows)  # nor cleared checkboxes
    fake.reset_counts()
    refreshed = refresh(conn, as_of=AS_OF)
    assert refreshed.accounts == len(example_accounts())
    score_col = fake.store.grid(KEY, ACCOUNTS)[0].index("icp_score")
    assert fake.counts["values.batchUpdate"] + fake.counts["values.batchUpdateByDataFilter"] <= 1
    assert all(
        len(line) <= score_col or line[score_col] in ("", None) for line in fake.store.grid(KEY, ACCOUNTS)[rows:]
    )


def test_text_dates_in_the_sheet_are_read_the_way_its_locale_writes_them(
    pushed: Path, fake: FakeSheets, conn: Connection, locale: str
) -> None:
    text = {"en_US": "11/04/2026", "de_DE": "04.11.2026", "en_GB": "04/11/2026"}[locale]  # 4 November
    where = f"{ACCOUNTS}!{_cell(fake, COMPANY, DATE_COLUMN)}"
    fake.store.write(fake.store.spreadsheets[KEY], where, [[text]], user_entered=False)  # text, as imported
    report = refresh(conn, as_of=AS_OF)
    assert not any(p.column == DATE_COLUMN for p in report.warnings)
    assert "Funding round" in str(_sheet_results(fake, COMPANY)["icp_why"])


def test_a_new_account_takes_the_first_row_below_the_last_one_not_the_end_of_the_fill(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    grid = fake.store.grid(KEY, ACCOUNTS)
    width, rows = len(grid[0]), len(grid)
    book = fake.store.spreadsheets[KEY]
    fake.store.write(
        book, f"{ACCOUNTS}!{column_letter(width + 1)}1", [["Contacted"]] + [[False]] * 99, user_entered=False
    )
    sync(pushed, conn, Mode.BOTH)
    wb = openpyxl.load_workbook(pushed)
    ws = wb[ACCOUNTS]
    ws.cell(row=ws.max_row + 1, column=1, value="Newco")
    wb.save(pushed)
    sync(pushed, conn, Mode.BOTH)
    after = fake.store.grid(KEY, ACCOUNTS)
    assert after[rows][0] == "Newco" and after[rows][after[0].index("icp_id")]
    assert [line[width] for line in after[rows + 1 : 100]] == [False] * (99 - rows)
