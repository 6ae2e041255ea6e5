"""The 1904 date system: Excel on old Macs stores day numbers from 1904-01-01, 1,462 days later.

Office.js sends dates as the workbook's own serial numbers and no runtime says which system
the workbook uses, so ICP_MODEL is told (``IF(DATE(1904,1,1)=0,1904,1900)``) and the cell
carries it. Files say it themselves (``<workbookPr date1904="1"/>``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from excel_support import model_ranges, office_js, office_js_runtime

from icp_sheets.core.names import RESULT_COLUMNS
from icp_sheets.example import ACCOUNT_COLUMNS, AS_OF, example_accounts, example_model
from icp_sheets.excel.formulas import DATE_SYSTEM, model_formula
from icp_sheets.excel.values import read_model_cell

VALUE_ERROR = {"type": "Error", "errorType": "Value"}
SHIFT = (dt.date(1904, 1, 1) - dt.date(1899, 12, 30)).days  # computed here, not taken from the package


@pytest.fixture(scope="module")
def excel() -> Iterator[ModuleType]:
    with office_js_runtime() as (module, _server):
        yield module


def in_1904(rows: list[list[Any]]) -> list[list[Any]]:
    """Office.js cells of a 1904-system workbook: every date serial 1,462 lower."""
    return [[c - SHIFT if isinstance(c, int) and c > 20_000 else c for c in row] for row in rows]


def ranges_1904() -> list[list[list[Any]]]:
    """The model tabs as Office.js sends them from a 1904 workbook (the As-of date is a serial)."""
    return [in_1904(office_js(r)) for r in model_ranges()]


def rows_1904() -> list[list[Any]]:
    return in_1904(office_js([[a[c] for c in ACCOUNT_COLUMNS] for a in example_accounts()]))


def test_a_1904_workbook_told_its_date_system_scores_as_the_1900_one(excel: ModuleType) -> None:
    rows = office_js([[a[c] for c in ACCOUNT_COLUMNS] for a in example_accounts()])
    plain = excel.model_from_ranges(*[office_js(r) for r in model_ranges()])[1]
    told = excel.model_from_ranges(*ranges_1904(), dates=[[1904]])[1]
    assert read_model_cell(told).date_system == 1904 and read_model_cell(told).model.settings.as_of == AS_OF
    expected = excel.results(plain, [list(ACCOUNT_COLUMNS)], rows)
    assert excel.results(told, [list(ACCOUNT_COLUMNS)], rows_1904()).rows == expected.rows
    as_of = AS_OF + dt.timedelta(days=30)
    later = excel.results(plain, [list(ACCOUNT_COLUMNS)], rows, office_js(as_of))
    assert excel.results(told, [list(ACCOUNT_COLUMNS)], rows_1904(), in_1904(office_js(as_of))).rows == later.rows


def test_plain_day_numbers_in_a_1904_workbook_count_from_1904_and_real_dates_stay(excel: ModuleType) -> None:
    """The classic add-in sends a date-formatted cell as a real datetime (Windows converts it) but a
    day number in a General cell, or typed as ``as_of``, as a plain float: only those move."""
    dates = [s for s in ACCOUNT_COLUMNS if s.endswith("date")]
    plain = excel.model_from_ranges(*[office_js(r) for r in model_ranges()])[1]
    told = excel.model_from_ranges(*ranges_1904(), dates=[[1904]])[1]
    accounts = [[a[c] for c in ACCOUNT_COLUMNS] for a in example_accounts()]
    desktop = [
        [_desktop_1904(v, as_number=i % 2 == 0 or c == dates[0]) for c, v in zip(ACCOUNT_COLUMNS, row, strict=True)]
        for i, row in enumerate(accounts)
    ]
    assert any(isinstance(v, float) and v > 20_000 for row in desktop for v in row), "plain day numbers are sent"
    assert any(isinstance(v, dt.datetime) for row in desktop for v in row), "and real dates"
    as_of = AS_OF + dt.timedelta(days=20)
    expected = excel.results(plain, [list(ACCOUNT_COLUMNS)], office_js(accounts), office_js(as_of)).rows
    assert excel.results(told, [list(ACCOUNT_COLUMNS)], desktop, _desktop_1904(as_of, as_number=True)).rows == expected
    late = excel.results(plain, [list(ACCOUNT_COLUMNS)], office_js(accounts), office_js(AS_OF + dt.timedelta(days=400)))
    assert expected != late.rows, "the as_of day changes the timing, so the test can see it read wrong"


def _desktop_1904(value: Any, *, as_number: bool) -> Any:
    """A value as the classic add-in receives it from a 1904 workbook: a date as a float day number
    counted from 1904-01-01 (a General cell) or as a real datetime (a date-formatted cell)."""
    if not isinstance(value, dt.date):
        return value
    if as_number:
        return float((value - dt.date(1904, 1, 1)).days)
    return dt.datetime(value.year, value.month, value.day)


def test_a_date_column_found_under_another_name_still_counts_from_1904(excel: ModuleType) -> None:
    """The day numbers move in the column the date was found in, by 'Also called' name too."""
    from icp_sheets.core.formats import AccountColumn
    from icp_sheets.excel.values import model_to_cell

    model = example_model()
    dated = model.signals[0].date_column
    aliased = model.model_copy(update={"columns": (AccountColumn(name=dated, also_called=("Dated on",)),)})
    headers = ["Dated on" if c == dated else c for c in ACCOUNT_COLUMNS]
    rows = office_js([[a[c] for c in ACCOUNT_COLUMNS] for a in example_accounts()])
    expected = excel.results(model_to_cell(aliased), [headers], rows).rows
    assert excel.results(model_to_cell(aliased, system=1904), [headers], in_1904(rows)).rows == expected
    assert excel.results(model_to_cell(aliased), [headers], in_1904(rows)).rows != expected


def test_a_1904_workbook_not_told_reads_every_date_four_years_early(excel: ModuleType) -> None:
    """Why the argument exists: the same cells read in the 1900 system are other days."""
    cell = excel.model_from_ranges(*ranges_1904())[1]
    assert read_model_cell(cell).model.settings.as_of == AS_OF - dt.timedelta(days=SHIFT)


def test_the_date_system_argument_takes_only_1900_or_1904(excel: ModuleType) -> None:
    shown = excel.icp_model(*ranges_1904(), None, [[1905]])
    assert shown == [[VALUE_ERROR]]
    why = excel.icp_why(shown[0][0], [list(ACCOUNT_COLUMNS)], rows_1904()[:1])
    assert "date_system is '1905'; give 1900 or 1904" in why[0][0]


def test_the_live_model_formula_lets_excel_say_its_date_system() -> None:
    formula = model_formula({t: f"{t}[#All]" for t in ("ICP", "Anti-ICP", "Signals", "Settings", "Personas")})
    assert formula.endswith(f", , {DATE_SYSTEM})") and DATE_SYSTEM == "IF(DATE(1904,1,1)=0,1904,1900)"


def test_a_1904_workbook_file_reads_its_date_cells_on_their_own_days(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from icp_sheets.io.tables import read_table

    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.append(["Company", "Last funding date"])
    book.active.append(["Acme", dt.date(2025, 1, 1)])
    book.save(tmp_path / "mac.xlsx")
    assert 'date1904="1"' in _workbook_xml(tmp_path / "mac.xlsx"), "the file is in the 1904 system"
    frame = read_table(tmp_path / "mac.xlsx").frame
    assert frame["Last funding date"].tolist() == [dt.date(2025, 1, 1)]


def _workbook_xml(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/workbook.xml").decode()


def _mac_copy(source: Path, target: Path, *, epoch_1904: bool = True) -> None:
    """The workbook with the As-of date and the signal dates of every other account typed as plain
    day numbers (General-formatted cells) of the 1904 system, next to real dates; with ``epoch_1904``
    False the same cells sit in a 1900-system workbook, where the numbers are other days."""
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = load_workbook(source)
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    dates = {s.date_column for s in example_model().signals} | {"As-of date"}
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        for number, row in enumerate(sheet.iter_rows(min_row=2)):
            label = row[0].value if sheet.title == "Settings" else None
            if sheet.title != "Settings" and number % 2:
                continue
            for name, cell in zip(header, row, strict=False):
                if (name in dates or (label in dates and name == "Value")) and isinstance(cell.value, dt.date):
                    day = cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value
                    cell.value, cell.number_format = (day - dt.date(1904, 1, 1)).days, "General"
    book.save(target)


def test_plain_day_numbers_in_a_1904_workbook_file_count_from_1904(tmp_path: Path) -> None:
    """`icp-sheets score` of a 1904 workbook whose dates are plain numbers gives the template's
    results, on its own tabs and as an accounts file; the same numbers in a 1900 workbook do not."""
    from conftest import TEMPLATE

    from icp_sheets.io.model_reader import load_model
    from icp_sheets.io.tables import date_system
    from icp_sheets.jobs import score_accounts_file, score_workbook

    _mac_copy(TEMPLATE, tmp_path / "mac.xlsx")
    _mac_copy(TEMPLATE, tmp_path / "pc.xlsx", epoch_1904=False)
    assert date_system(tmp_path / "mac.xlsx") == 1904 and date_system(tmp_path / "pc.xlsx") == 1900

    def results(book: str, *, as_file: bool = False) -> list[list[Any]]:
        model = load_model(tmp_path / book)[0] if as_file else None
        if model is not None:
            run = score_accounts_file(model, tmp_path / book, tmp_path / f"{book}.csv", tab="Accounts")
        else:
            run = score_workbook(tmp_path / book, tmp_path / f"scored-{book}")
        return _by_company(run.frame)

    template = _by_company(score_workbook(TEMPLATE, tmp_path / "scored.xlsx").frame)
    assert load_model(tmp_path / "mac.xlsx")[0].settings.as_of == AS_OF
    assert results("mac.xlsx") == template
    assert results("mac.xlsx", as_file=True) == template
    assert results("pc.xlsx") != template


def _by_company(frame: Any) -> list[list[Any]]:
    assert frame is not None
    return [list(r) for r in frame.sort_values("Company")[list(RESULT_COLUMNS)].itertuples(index=False)]
