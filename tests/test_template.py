"""The template workbook and the scored xlsx writer: tabs, headers, drop-downs, notes, safety."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from icp_sheets.core.models import Settings as ModelSettings
from icp_sheets.core.names import (
    ACCOUNTS,
    CONTACT_RESULT_COLUMNS,
    CONTACT_RESULT_NOTES,
    CONTACTS,
    DATA_TABS,
    MODEL_TABS,
    RESULT_COLUMNS,
    RESULT_NOTES,
    SETTINGS,
    START,
)
from icp_sheets.example import ACCOUNT_COLUMNS, CONTACT_COLUMNS, example_accounts, example_model
from icp_sheets.io import layout
from icp_sheets.io.computed_settings import MOST_POINTS
from icp_sheets.io.model_reader import load_model
from icp_sheets.io.template import LIVE_FUNCTIONS_STEPS, write_template
from icp_sheets.io.xlsx_cell_style import DATE_FORMAT, FONT_NAME, POINTS_FORMAT
from icp_sheets.io.xlsx_writer import table_name, write_scored_xlsx
from icp_sheets.jobs import write_example_workbook

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "templates" / "icp_template.xlsx"
LIST_TABS = (*MODEL_TABS, *DATA_TABS)
NASTY = ['=HYPERLINK("http://x","y")', "+1-1 Holdings", "@SUM(1)", "-2+3", "=1+1"]


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "icp_template.xlsx"
    write_example_workbook(path)
    return path


@pytest.fixture(scope="module")
def book(template_path: Path) -> Workbook:
    return load_workbook(template_path)


def headers(ws: Worksheet) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def column_of(ws: Worksheet, header: str) -> int:
    return headers(ws).index(header) + 1


def test_tabs_come_in_the_workflow_order(book: Workbook) -> None:
    assert book.sheetnames == [START, *MODEL_TABS, *DATA_TABS]


@pytest.mark.parametrize("tab", MODEL_TABS)
def test_model_tabs_have_the_layout_headers_in_row_1(book: Workbook, tab: str) -> None:
    assert headers(book[tab]) == layout.TABS[tab].headers


def test_data_tabs_have_inputs_then_results(book: Workbook) -> None:
    assert headers(book[ACCOUNTS]) == [*ACCOUNT_COLUMNS, *RESULT_COLUMNS]
    assert headers(book[CONTACTS]) == [*CONTACT_COLUMNS, *CONTACT_RESULT_COLUMNS]


def test_reading_the_template_back_gives_the_example_model(template_path: Path) -> None:
    model, problems = load_model(template_path)
    assert model == example_model()
    assert problems == []


def _list_cells(book: Workbook, formula: str) -> list[str]:
    sheet, ref = re.fullmatch(r"'(.+)'!(.+)", formula).groups()  # type: ignore[union-attr]
    min_col, min_row, _, max_row = range_boundaries(ref.replace("$", ""))
    ws = book[sheet]
    return [ws.cell(row, min_col).value for row in range(min_row, max_row + 1)]


@pytest.mark.parametrize("tab", MODEL_TABS)
def test_drop_downs_offer_the_layout_choices(book: Workbook, tab: str) -> None:
    ws = book[tab]
    expected = {c.header: list(c.choices) for c in layout.TABS[tab].columns if c.choices}
    found = {}
    for validation in ws.data_validations.dataValidation:
        assert validation.type == "list"
        (cell_range,) = validation.sqref.ranges
        assert cell_range.min_col == cell_range.max_col and cell_range.min_row == 2
        assert cell_range.max_row == 1_048_576  # rows people add get the drop-down too
        header = ws.cell(1, cell_range.min_col).value
        found[header] = _list_cells(book, validation.formula1)
    assert found == expected


def test_only_closed_lists_reject_other_text(book: Workbook) -> None:
    strict = {}
    for tab in MODEL_TABS:
        ws = book[tab]
        for validation in ws.data_validations.dataValidation:
            (cell_range,) = validation.sqref.ranges
            header = ws.cell(1, cell_range.min_col).value
            strict[header] = bool(validation.showErrorMessage)
    # 'between 50 and 200' is not in the Condition list, so that list may only suggest.
    assert strict == {
        "Condition": False,
        "And condition": False,
        "Layer": True,
        "Decay": False,
        "Role": True,
        "Required": True,
        "Format": True,
        "Reads": False,
        "Dated after as-of": True,
        "Grade": False,  # 'intent' reads as timing too
    }


@pytest.mark.parametrize("tab", LIST_TABS)
def test_every_header_has_a_note(book: Workbook, tab: str) -> None:
    notes = {c.header: c.note for c in layout.TABS[tab].columns} if tab in layout.TABS else {}
    notes |= RESULT_NOTES | CONTACT_RESULT_NOTES
    for cell in book[tab][1]:
        assert cell.comment is not None and cell.comment.text.strip(), f"{tab} {cell.value} has no note"
        if cell.value in notes:
            assert cell.comment.text == notes[cell.value]


def test_account_notes_say_how_the_model_uses_each_column(book: Workbook) -> None:
    ws = book[ACCOUNTS]
    note = {c.value: c.comment.text for c in ws[1]}
    assert note["Employees"] == "Scored on the ICP tab, rows 2–5. Checked by the Anti-ICP tab, row 2."
    assert note["Sales hiring date"] == "The date of the 'Sales hiring' signal (Signals tab, row 2)."
    assert note["Domain"] == "Not used by the model; kept as it is."


@pytest.mark.parametrize("tab", LIST_TABS)
def test_every_list_tab_is_one_excel_table_over_all_rows(book: Workbook, tab: str) -> None:
    ws = book[tab]
    (table,) = ws.tables.values()
    assert [c.name for c in table.tableColumns] == headers(ws)
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    # An Excel table needs a data row, so a tab left empty (Grades, Matrix) has one blank row.
    assert (min_col, min_row, max_col, max_row) == (1, 1, len(headers(ws)), max(ws.max_row, 2))
    # The header row stays in view; on Accounts the Company column too, on Contacts the Name.
    assert ws.freeze_panes == ("B2" if tab in DATA_TABS else "A2")


def test_table_names_are_valid_excel_names() -> None:
    assert table_name("Accounts") == "Accounts"
    assert table_name("2024 list") == "T_2024_list"  # may not start with a digit
    assert table_name("ICP1") == "T_ICP1"  # would be read as a cell address
    assert table_name("R1C1") == "T_R1C1"


def test_protection_covers_guide_and_settings_only(book: Workbook) -> None:
    protected = {name for name in book.sheetnames if book[name].protection.sheet}
    assert protected == {START, SETTINGS}
    assert all(not book[name].protection.password for name in protected)
    settings = book[SETTINGS]
    assert settings["A2"].protection.locked and settings["C2"].protection.locked
    locked = [cell.row for (cell,) in settings.iter_rows(min_row=2, min_col=2, max_col=2) if cell.protection.locked]
    # Only the computed row's value is locked: icp-sheets writes it, nobody types it.
    assert [settings.cell(row, 1).value for row in locked] == [MOST_POINTS]


def test_input_cells_are_unlocked_and_results_locked(book: Workbook) -> None:
    ws = book[ACCOUNTS]
    score = column_of(ws, "icp_score")
    assert not ws.cell(2, 1).protection.locked
    assert ws.cell(2, score).protection.locked


def test_results_are_values_and_formatted(book: Workbook) -> None:
    ws = book[ACCOUNTS]
    columns = {h: column_of(ws, h) for h in headers(ws)}
    brightlane = [c.value for c in ws[2]]
    assert brightlane[0] == "Brightlane Analytics"
    # 120 employees (+2), Series B (+1), Salesforce (+2), North America (+1); funding 12 days
    # and sales hiring 20 days before the as-of date (+1 each).
    assert brightlane[columns["icp_fit"] - 1] == 6
    assert brightlane[columns["icp_timing"] - 1] == 2
    assert brightlane[columns["icp_priority"] - 1] == "A1"
    assert ws.cell(2, columns["icp_score"]).number_format == POINTS_FORMAT
    assert ws.cell(2, columns["icp_why"]).alignment.wrap_text
    funding = ws.cell(2, columns["Last funding date"])
    assert funding.value == dt.datetime(2026, 11, 4) and funding.number_format == DATE_FORMAT
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_tier_and_priority_are_colour_coded(book: Workbook) -> None:
    ws = book[ACCOUNTS]
    letters = {h: ws.cell(1, column_of(ws, h)).column_letter for h in ("icp_tier", "icp_priority")}
    rules: dict[str, set[str]] = {}
    for cf_range, cf_rules in ws.conditional_formatting._cf_rules.items():
        for rule in cf_rules:
            rules.setdefault(str(cf_range.sqref), set()).update(rule.formula)
    assert rules[f"{letters['icp_tier']}2:{letters['icp_tier']}1048576"] == {'"Pursue"', '"Nurture"', '"Disqualified"'}
    priority = rules[f"{letters['icp_priority']}2:{letters['icp_priority']}1048576"]
    assert priority == {f'"{p}"' for p in ("A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3", "DQ")}


def test_fonts_are_named_explicitly(book: Workbook) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name in (FONT_NAME, "Courier New"), (ws.title, cell.coordinate)


def test_start_here_explains_and_carries_the_live_function_steps(book: Workbook) -> None:
    text = "\n".join(str(c.value) for row in book[START].iter_rows() for c in row if c.value)
    for step in LIVE_FUNCTIONS_STEPS:
        assert step in text
    assert "icp-sheets score icp_template.xlsx -o icp_template.scored.xlsx" in text
    assert "persona" in text and "Signals are the clock" in text
    # The exact formulas for this workbook's own tables, from the same code the Lite script uses.
    tables = {t.displayName for ws in book.worksheets for t in ws.tables.values()}
    model_formula = re.search(r"=ICP_MODEL\(([^\n]*)\)", text)
    assert model_formula is not None
    assert set(re.findall(r"(?:^|, )(\w+)\[", model_formula.group(1))) <= tables
    assert "Accounts[[#Headers],[Company]:[Tech switch date]], " in model_formula.group(1), "carries the headers"
    assert "=ICP_SCORE(ICP, Accounts[@[Company]:[Tech switch date]])" in text


def test_contacts_without_a_title_still_give_a_template(tmp_path: Path) -> None:
    path = tmp_path / "no_title.xlsx"
    write_template(path, contacts=pd.DataFrame({"Name": ["Ana"]}))
    text = [c.value for row in load_workbook(path)[START].iter_rows() for c in row if c.value]
    assert LIVE_FUNCTIONS_STEPS[0] in text and not any("=ICP_PERSONA" in str(t) for t in text)


def _tree(element: ElementTree.Element) -> tuple[Any, ...]:
    """An XML element as plain data: namespaces by URI, attributes sorted, so how openpyxl's
    serialiser (lxml or the standard library) spells prefixes and empty tags does not matter."""
    return (
        element.tag,
        sorted(element.attrib.items()),
        element.text or "",
        element.tail or "",
        [_tree(child) for child in element],
    )


def _parts(path: Path) -> dict[str, tuple[Any, ...]]:
    with zipfile.ZipFile(path) as archive:
        return {name: _tree(ElementTree.fromstring(archive.read(name))) for name in archive.namelist()}


def test_committed_template_matches_the_code(template_path: Path) -> None:
    committed, fresh = _parts(COMMITTED), _parts(template_path)
    assert committed.keys() == fresh.keys()
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"templates/icp_template.xlsx is stale in {stale}; run 'make template'"


def test_generating_twice_gives_the_same_bytes(template_path: Path, tmp_path: Path) -> None:
    again = tmp_path / template_path.name  # the same name: Start here's commands name the file
    write_example_workbook(again)
    assert again.read_bytes() == template_path.read_bytes()


def test_custom_tier_names_are_coloured_and_results_may_be_left_blank(tmp_path: Path) -> None:
    model = example_model()
    settings = model.settings.model_copy(update={"top_tier": "Go", "middle_tier": "Wait"})
    path = tmp_path / "custom.xlsx"
    write_template(path, model.model_copy(update={"settings": settings}))
    ws = load_workbook(path)[ACCOUNTS]
    formulas = {f for rules in ws.conditional_formatting._cf_rules.values() for r in rules for f in r.formula}
    assert {'"Go"', '"Wait"'} <= formulas and '"Pursue"' not in formulas
    assert ws.cell(2, column_of(ws, "icp_score")).value is None


def _assert_text_only(path: Path, sheet: str, expected: list[str]) -> None:
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    ws = load_workbook(path)[sheet]
    cells = [ws.cell(row, 1) for row in range(2, len(expected) + 2)]
    assert [c.value for c in cells] == expected
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)  # Excel keeps them text even when edited


def test_scored_xlsx_never_turns_text_into_formulas(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Company": NASTY, "icp_why": ["=cmd|' /C calc'!A0", "", "", "", ""]})
    path = tmp_path / "scored.xlsx"
    write_scored_xlsx(path, frame, ["icp_why"])
    _assert_text_only(path, "Accounts", NASTY)
    assert load_workbook(path)["Accounts"]["B2"].value == "=cmd|' /C calc'!A0"


def test_template_never_turns_account_text_into_formulas(tmp_path: Path) -> None:
    accounts = pd.DataFrame(example_accounts()[: len(NASTY)])
    accounts["Company"] = NASTY
    path = tmp_path / "nasty.xlsx"
    write_template(path, accounts=accounts)
    _assert_text_only(path, ACCOUNTS, NASTY)


def test_scored_xlsx_keeps_columns_rows_and_types(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Company": ["A", "B", None],
            "Employees": [10, 2.5, float("nan")],
            "Seen": [pd.Timestamp("2026-01-02"), pd.NaT, pd.Timestamp("2026-01-03 14:30")],
            "icp_score": [3.25, 1.0, 0.0],
            "icp_tier": ["Go", "Wait", "Disqualified"],
        }
    )
    path = tmp_path / "scored.xlsx"
    write_scored_xlsx(
        path,
        frame,
        ["icp_score", "icp_tier"],
        sheet_name="My list",
        settings=ModelSettings(top_tier="Go", middle_tier="Wait"),
    )
    ws = load_workbook(path)["My list"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["Company", "Employees", "Seen", "icp_score", "icp_tier"],
        ["A", 10, dt.datetime(2026, 1, 2), 3.25, "Go"],
        ["B", 2.5, None, 1, "Wait"],
        [None, None, dt.datetime(2026, 1, 3, 14, 30), 0, "Disqualified"],
    ]
    assert ws["C2"].number_format == DATE_FORMAT and ws["D2"].number_format == POINTS_FORMAT
    (table,) = ws.tables.values()
    assert table.displayName == "My_list" and table.ref == "A1:E4"


def test_scored_xlsx_escapes_markup_and_drops_control_characters(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Company": ["A & B <x>", "bad\x01name", " padded "], "icp_why": ["1 < 2", "", "x"]})
    path = tmp_path / "odd.xlsx"
    write_scored_xlsx(path, frame, ["icp_why"])
    ws = load_workbook(path)["Accounts"]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == ["A & B <x>", "badname", " padded "]
    assert ws["B2"].value == "1 < 2"


def test_the_project_reader_reads_scored_output_back(tmp_path: Path) -> None:
    from icp_sheets.core.values import parse_date, parse_number
    from icp_sheets.io.tables import read_table

    frame = pd.DataFrame(example_accounts())
    path = tmp_path / "scored.xlsx"
    write_scored_xlsx(path, frame, [])
    table = read_table(path)
    assert list(table.frame.columns) == list(frame.columns)
    assert list(table.rows) == list(range(2, len(frame) + 2))
    assert table.frame["Company"].tolist() == frame["Company"].tolist()
    for column, parse in (("Employees", parse_number), ("Last funding date", parse_date)):
        assert [parse(v) for v in table.frame[column]] == [parse(v) for v in frame[column]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", blacklist_characters="\r")), min_size=1, max_size=8))
@example(["_x0041_ Holdings", "=SUM(1)", " lead and trail ", "tab\tand\nline", "x\x01y"])
def test_any_text_comes_back_as_the_same_text(tmp_path: Path, texts: list[str]) -> None:
    from icp_sheets.core.values import is_empty
    from icp_sheets.io.tables import read_table

    path = tmp_path / "texts.xlsx"
    write_scored_xlsx(path, pd.DataFrame({"Row": range(len(texts)), "Company": texts}), [])
    read = read_table(path).frame["Company"].tolist()
    for text, value in zip(texts, read, strict=True):
        kept = ILLEGAL_CHARACTERS_RE.sub("", text)  # control characters a workbook cannot hold
        # The reader treats a cell of only spaces as blank, as it does for every surface.
        assert value == kept if kept.strip() else is_empty(value) or value == kept
    ws = load_workbook(path)["Accounts"]
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_scored_xlsx_with_repeated_headers_keeps_both_columns_and_skips_the_table(tmp_path: Path) -> None:
    frame = pd.DataFrame([["x", "y"]], columns=["Name", "name"])
    path = tmp_path / "twice.xlsx"
    write_scored_xlsx(path, frame, [])
    ws = load_workbook(path)["Accounts"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["Name", "name"], ["x", "y"]]
    assert not ws.tables  # Excel would refuse a table whose headers repeat
