"""The exact formulas that make a workbook live: one ``=ICP_MODEL()`` cell and a formula per result cell.

The xlwings Lite script writes them and the documentation quotes them, both
from here, so what people read is what the script types. Accounts formulas
name the input columns as one span (``Accounts[@[Company]:[Tech switch date]]``)
rather than the whole row: ``Accounts[@]`` would include the result cell
itself, a circular reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from icp_sheets.core.names import (
    ACCOUNTS,
    ANTI_ICP,
    COLUMNS,
    CONTACT_RESULT_COLUMNS,
    CONTACTS,
    GRADES,
    GROUP_COLUMNS,
    ICP,
    INPUT_ROW,
    MATRIX,
    OVERRIDE,
    PERSONAS,
    RESULT_COLUMNS,
    SETTINGS,
    SIGNALS,
    find_column,
)
from icp_sheets.core.problems import Code, IcpError

MODEL_NAME = "ICP"  # the workbook name for the cell holding =ICP_MODEL(…)
MODEL_SHEET = "Live model"  # where the Lite script puts that cell when the workbook has none
MODEL_ARGUMENT_TABS = (ICP, ANTI_ICP, SIGNALS, SETTINGS, PERSONAS)  # ICP_MODEL's argument order
# The optional tabs, after the header row and the date system: a workbook without them reads with the defaults.
OPTIONAL_ARGUMENT_TABS = (COLUMNS, GRADES, MATRIX, OVERRIDE)
# ICP_MODEL's date_system argument as Excel works it out: DATE(1904,1,1) is day 0 only in the 1904 system.
DATE_SYSTEM = "IF(DATE(1904,1,1)=0,1904,1900)"


class LayoutError(IcpError, ValueError):
    """The table's columns cannot be referenced safely; the message says what to move."""

    code = Code.BAD_LAYOUT


def column_ref(name: str) -> str:
    """A column name inside a structured reference: ``[``, ``]``, ``#`` and ``'`` are escaped with ``'``."""
    return "[" + "".join(f"'{ch}" if ch in "[]#'" else ch for ch in name) + "]"


def model_formula(ranges: Mapping[str, str], headers: str | None = None) -> str:
    """``=ICP_MODEL(…)`` over each model tab's range with headers, e.g. ``FitCriteria[#All]``, the
    accounts' header row when given, so the row formulas need only their row, and the workbook's
    date system as Excel itself tells it (no runtime tells a function), then the optional tabs
    ``ranges`` has (Columns, Grades, Matrix, Override), so Excel grades as the command line does."""
    arguments = [ranges[tab] for tab in MODEL_ARGUMENT_TABS] + [headers or "", DATE_SYSTEM]
    optional = [ranges.get(tab, "") for tab in OPTIONAL_ARGUMENT_TABS]
    while optional and not optional[-1]:
        optional.pop()
    return f"=ICP_MODEL({', '.join([*arguments, *optional])})"


def account_span(table: str, headers: Sequence[str]) -> str:
    """The span of the table's account columns, e.g. ``[Company]:[Tech switch date]``."""
    # Written by icp-sheets but by no function (the buying group needs the contacts; the input row, the ranking).
    results = _result_columns(headers, (*RESULT_COLUMNS, *GROUP_COLUMNS, INPUT_ROW))
    inputs = [i for i, h in enumerate(headers) if h not in results]
    if not inputs:
        raise LayoutError(f"the {table} table has no account columns to score")
    first, last = inputs[0], inputs[-1]
    if last - first + 1 != len(inputs):
        raise LayoutError(
            f"move the result columns of the {table} table after its account columns, "
            "so one span of columns holds the accounts"
        )
    return f"{column_ref(headers[first])}:{column_ref(headers[last])}"


def header_ref(table: str, headers: Sequence[str]) -> str:
    """The header row of the account columns, e.g. ``Accounts[[#Headers],[Company]:[Tech switch date]]``."""
    return f"{table}[[#Headers],{account_span(table, headers)}]"


def account_formulas(
    table: str, headers: Sequence[str], model: str = MODEL_NAME, *, today: bool = False, short: bool = True
) -> dict[str, str]:
    """A row formula for each result column the table has, e.g. ``{"icp_score": "=ICP_SCORE(…)"}``.

    ``short``: the model cell carries the header row, so each formula names only its row.
    ``today``: pass ``TODAY()`` as as_of, for a model without an as-of date: Excel then
    recalculates the scores when the day changes.
    """
    row_ref = f"{table}[@{account_span(table, headers)}]"
    arguments = [model, row_ref] if short else [model, header_ref(table, headers), row_ref]
    if today:
        arguments += [""] * (3 - len(arguments)) + ["TODAY()"]
    call = ", ".join(arguments)
    return {h: f"={function}({call})" for h, function in _result_columns(headers, RESULT_COLUMNS).items()}


def contact_formulas(table: str, headers: Sequence[str], model: str = MODEL_NAME) -> dict[str, str]:
    """A row formula for each persona result column, from the Title (and Department, Seniority) columns."""
    title = find_column(headers, "Title") or find_column(headers, "Job title")
    if title is None:
        raise LayoutError(f"the {table} table has no Title column to match personas on")
    args = [f"{table}[@{column_ref(title)}]"]
    for optional in ("Department", "Seniority"):
        found = find_column(headers, optional)
        if found is None:
            break
        args.append(f"{table}[@{column_ref(found)}]")
    return {
        h: f"={function}({model}, {', '.join(args)})"
        for h, function in _result_columns(headers, CONTACT_RESULT_COLUMNS).items()
    }


def _result_columns(headers: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """Each header that is a result column, with its function name (icp_score → ICP_SCORE)."""
    found = {h: find_column(names, h) for h in headers}
    return {h: name.upper() for h, name in found.items() if name}


def start_here_steps(
    tables: Mapping[str, str], account_headers: Sequence[str], contact_headers: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """:func:`live_steps` for the template's Start here tab (io.template.LiveSteps); none when the
    tables cannot take the formulas (e.g. contacts without a Title, a tab without its table): the tab's
    opening still helps."""
    if any(tab not in tables for tab in (*MODEL_ARGUMENT_TABS, ACCOUNTS, CONTACTS)):
        return ()
    try:
        return live_steps(tables, account_headers, contact_headers)
    except LayoutError:
        return ()


def live_steps(
    tables: Mapping[str, str], account_headers: Sequence[str], contact_headers: Sequence[str], today: bool = False
) -> tuple[tuple[str, str], ...]:
    """The 'Live scores in Excel' rows (label, text) for a workbook's Start here tab: the set-up per
    runtime, then the exact formulas for its tables (``tables`` maps each tab to its table name)."""
    model = model_formula(
        {tab: f"{tables[tab]}[#All]" for tab in (*MODEL_ARGUMENT_TABS, *OPTIONAL_ARGUMENT_TABS) if tab in tables},
        header_ref(tables[ACCOUNTS], account_headers),
    )
    accounts = account_formulas(tables[ACCOUNTS], account_headers, today=today)
    contacts = contact_formulas(tables[CONTACTS], contact_headers)
    return (
        (
            "xlwings Lite",
            "Windows, Mac or Excel on the web, free: Home > Add-ins, search 'xlwings', Add. In the "
            "xlwings Lite editor paste requirements.txt and main.py from the project's addin/lite "
            "folder, save, then run the script icp_live_formulas: it writes every formula below.",
        ),
        (
            "Classic add-in",
            'Windows with Python: in a clone of icp-sheets run python -m pip install ".[excel]" (it is not '
            "on PyPI; a git URL or the built wheel works too), then xlwings addin install. "
            "Tick File > Options > Trust Center > Trust Center Settings > Macro Settings > Trust "
            "access to the VBA project object model. Save this file as .xlsm, tick xlwings under "
            "Tools > References in the VBA editor (Alt+F11), then on the xlwings tab set UDF "
            "Modules to icp_sheets.excel.functions and click Import Functions.",
        ),
        ("Model cell", f"Type {model} in any empty cell and name that cell {MODEL_NAME} (Formulas > Define Name)."),
        (
            "Counting from today",
            "With a blank As of date in Settings, give each account formula TODAY() as its last argument "
            "(=ICP_SCORE(ICP, row, , TODAY())): Excel then rescores when the day changes. The script "
            "icp_live_formulas does so by itself.",
        ),
        *((header, f"In the first row of {tables[ACCOUNTS]}: {formula}") for header, formula in accounts.items()),
        *((header, f"In the first row of {tables[CONTACTS]}: {formula}") for header, formula in contacts.items()),
    )
