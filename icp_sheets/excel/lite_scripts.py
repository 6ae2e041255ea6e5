"""The two xlwings Lite scripts the bundle's ``main.py`` registers: make the template live, or score it once.

xlwings Lite lists every ``@script`` function that ``main.py`` holds, imported
ones included, so these live in the package and ``main.py`` only imports them.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw
from xlwings import script

from icp_sheets.core.names import ACCOUNTS, CONTACTS, find_column
from icp_sheets.excel import formulas
from icp_sheets.excel.functions import model_from_ranges, persona_results, results
from icp_sheets.excel.values import Failure, as_typed_value


def _table(book: xw.Book, sheet_name: str) -> Any:
    """The first Excel table on a tab, or None."""
    if sheet_name not in [s.name for s in book.sheets]:
        return None
    tables = book.sheets[sheet_name].tables
    return tables[0] if len(tables) else None


def _whole(book: xw.Book, tab: str) -> str:
    """A reference to a model tab with its header row: the table when there is one."""
    table = _table(book, tab)
    if table is not None:
        return f"{table.name}[#All]"
    return f"'{tab}'!{book.sheets[tab].used_range.address}"


def _headers(table: Any) -> list[str]:
    return [str(h) for h in table.header_row_range.value]


def _write_column(table: Any, header: str, values: list[Any]) -> None:
    """One result column of a table, every row in one write."""
    index = _headers(table).index(header)
    table.data_body_range[:, index].value = [[as_typed_value(_text(v))] for v in values]


def _text(value: Any) -> Any:
    """A row that cannot be scored says why, as text: a script writes values, not error cells."""
    return value.text() if isinstance(value, Failure) else value


def _column(table: Any, headers: list[str], name: str) -> Any:
    """A table column's values by header (any case), or None when the table lacks it."""
    actual = find_column(headers, name)
    return None if actual is None else table.data_body_range[:, headers.index(actual)].value


@script
def icp_live_formulas(book: xw.Book) -> None:
    """Make the workbook live: an =ICP_MODEL() cell named ICP and a formula in every result cell.

    The model cell carries the accounts' header row, so each row formula names only its row; with
    a blank as-of date in Settings the formulas pass TODAY(), so scores move on when the day does.
    """
    accounts = _table(book, ACCOUNTS)
    carried = formulas.header_ref(accounts.name, _headers(accounts)) if accounts is not None else None
    short = False  # an ICP cell made before may not carry the header row: keep the long form then
    if formulas.MODEL_NAME not in [n.name for n in book.names]:
        short = carried is not None
        if formulas.MODEL_SHEET not in [s.name for s in book.sheets]:
            book.sheets.add(formulas.MODEL_SHEET, after=book.sheets[-1])
        sheet = book.sheets[formulas.MODEL_SHEET]
        sheet["A1"].value = "The ICP model, read from the model tabs (used by every ICP_ formula):"
        tabs = [s.name for s in book.sheets]
        ranges = {tab: _whole(book, tab) for tab in formulas.MODEL_ARGUMENT_TABS}
        ranges |= {tab: _whole(book, tab) for tab in formulas.OPTIONAL_ARGUMENT_TABS if tab in tabs}
        sheet["A2"].formula = formulas.model_formula(ranges, carried)
        book.names.add(formulas.MODEL_NAME, f"='{formulas.MODEL_SHEET}'!$A$2")
    today = _counts_from_today(book)
    for tab in (ACCOUNTS, CONTACTS):
        table = _table(book, tab)
        if table is None or table.data_body_range is None:
            continue
        rows = table.data_body_range.shape[0]
        if tab == ACCOUNTS:
            made = formulas.account_formulas(table.name, _headers(table), today=today, short=short)
        else:
            made = formulas.contact_formulas(table.name, _headers(table))
        for header, formula in made.items():
            index = _headers(table).index(header)
            table.data_body_range[:, index].formula = [[formula]] * rows


def _counts_from_today(book: xw.Book) -> bool:
    """True when the Settings tab leaves the as-of date blank; False when it sets one or the model
    cannot be read (then the =ICP_MODEL() cell shows why, and TODAY() would override a date)."""
    try:
        model = _model(book)[0]
    except Exception:
        return False
    return model.settings.as_of is None


def _model(book: xw.Book) -> tuple[Any, str]:
    """The model of the workbook's tabs, the optional ones when it has them, and its cell text."""
    tabs = [s.name for s in book.sheets]
    main = [book.sheets[tab].used_range.value for tab in formulas.MODEL_ARGUMENT_TABS]
    optional = [book.sheets[t].used_range.value if t in tabs else None for t in formulas.OPTIONAL_ARGUMENT_TABS]
    return model_from_ranges(*main, optional=optional)


@script
def icp_score_now(book: xw.Book) -> None:
    """Score the Accounts and Contacts tables once and write the results as values."""
    model_cell = _model(book)[1]
    accounts = _table(book, ACCOUNTS)
    if accounts is not None and accounts.data_body_range is not None:
        scored = results(model_cell, accounts.range.value)  # result columns are ignored as input
        for header in formulas.account_formulas(accounts.name, _headers(accounts)):
            _write_column(accounts, header, scored.column(header))
    contacts = _table(book, CONTACTS)
    if contacts is not None and contacts.data_body_range is not None:
        headers = _headers(contacts)
        columns = [_column(contacts, headers, name) for name in ("Title", "Department", "Seniority")]
        found = persona_results(model_cell, *columns)
        for header in formulas.contact_formulas(contacts.name, headers):
            _write_column(contacts, header, found[header].tolist())
