"""The two xlwings Lite scripts the bundle's ``main.py`` registers: make the template live, or score it once.

xlwings Lite lists every ``@script`` function that ``main.py`` holds, imported
ones included, so these live in the package and ``main.py`` only imports them.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw
from xlwings import script

from icp_sheets.excel import formulas
from icp_sheets.excel.functions import model_from_ranges, persona_results, results
from icp_sheets.excel.values import as_typed_value
from icp_sheets.io.layout import ACCOUNTS, CONTACTS
from icp_sheets.io.tables import find_column


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
    table.data_body_range[:, index].value = [[as_typed_value(v)] for v in values]


def _column(table: Any, headers: list[str], name: str) -> Any:
    """A table column's values by header (any case), or None when the table lacks it."""
    actual = find_column(headers, name)
    return None if actual is None else table.data_body_range[:, headers.index(actual)].value


@script
def icp_live_formulas(book: xw.Book) -> None:
    """Make the workbook live: an =ICP_MODEL() cell named ICP and a formula in every result cell."""
    if formulas.MODEL_NAME not in [n.name for n in book.names]:
        if formulas.MODEL_SHEET not in [s.name for s in book.sheets]:
            book.sheets.add(formulas.MODEL_SHEET, after=book.sheets[-1])
        sheet = book.sheets[formulas.MODEL_SHEET]
        sheet["A1"].value = "The ICP model, read from the model tabs (used by every ICP_ formula):"
        sheet["A2"].formula = formulas.model_formula({tab: _whole(book, tab) for tab in formulas.MODEL_ARGUMENT_TABS})
        book.names.add(formulas.MODEL_NAME, f"='{formulas.MODEL_SHEET}'!$A$2")
    for tab, make in ((ACCOUNTS, formulas.account_formulas), (CONTACTS, formulas.contact_formulas)):
        table = _table(book, tab)
        if table is None or table.data_body_range is None:
            continue
        rows = table.data_body_range.shape[0]
        for header, formula in make(table.name, _headers(table)).items():
            index = _headers(table).index(header)
            table.data_body_range[:, index].formula = [[formula]] * rows


@script
def icp_score_now(book: xw.Book) -> None:
    """Score the Accounts and Contacts tables once and write the results as values."""
    model_cell = model_from_ranges(*[book.sheets[tab].used_range.value for tab in formulas.MODEL_ARGUMENT_TABS])[1]
    accounts = _table(book, ACCOUNTS)
    if accounts is not None and accounts.data_body_range is not None:
        frame, _ = results(model_cell, accounts.range.value)  # result columns are ignored as input
        for header in formulas.account_formulas(accounts.name, _headers(accounts)):
            _write_column(accounts, header, frame[header].tolist())
    contacts = _table(book, CONTACTS)
    if contacts is not None and contacts.data_body_range is not None:
        headers = _headers(contacts)
        columns = [_column(contacts, headers, name) for name in ("Title", "Department", "Seniority")]
        found = persona_results(model_cell, *columns)
        for header in formulas.contact_formulas(contacts.name, headers):
            _write_column(contacts, header, found[header].tolist())
