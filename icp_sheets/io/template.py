"""The ICP template workbook: the Example ICP laid out for a person to fill in.

Every tab comes from :mod:`icp_sheets.io.layout` (names, headers, notes,
drop-down choices) and :func:`layout.model_rows`, so the template, the reader
and the Google sync can never disagree on a header. Cells go through
:mod:`icp_sheets.io.xlsx_writer`, the same writer as scored output.

Protection: only ``Start here`` and ``Settings`` are protected (no password); on Start here
only the generated block is locked (:mod:`icp_sheets.io.start_here`).
Excel cannot grow a table on a protected sheet, so the list tabs, where people
add criteria and paste exports, stay unprotected; their input cells are
unlocked and result cells locked anyway, so switching protection on
(Review > Protect Sheet) locks exactly the columns icp-sheets writes.

The file is reproducible: the document's dates and the zip entries' times are
fixed, so a test can compare the committed template with a freshly generated
one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from icp_sheets import example
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import (
    ACCOUNTS,
    ANTI_ICP,
    COLUMNS,
    CONTACT_RESULT_COLUMNS,
    CONTACTS,
    GRADES,
    ICP,
    MATRIX,
    MODEL_TABS,
    OVERRIDE,
    PERSONAS,
    RESULT_COLUMNS,
    SETTINGS,
    SIGNALS,
    header_key,
)
from icp_sheets.io import layout
from icp_sheets.io.computed_settings import computed_rows
from icp_sheets.io.start_here import write_start
from icp_sheets.io.start_words import LIVE_FUNCTIONS_STEPS as LIVE_FUNCTIONS_STEPS  # tests read it here
from icp_sheets.io.start_words import LiveSteps, Place
from icp_sheets.io.xlsx_cell_style import ColumnSpec, result_column
from icp_sheets.io.xlsx_writer import SheetSpec, XlsxBook, data_column, frame_rows, name_column

TEMPLATE_TIME = dt.datetime(2026, 1, 1)  # fixed so the file is reproducible
TABLE_NAMES = {
    ICP: "FitCriteria", ANTI_ICP: "AntiICP", SIGNALS: "Signals",
    PERSONAS: "Personas", SETTINGS: "SettingsTable", COLUMNS: "AccountColumns",
    GRADES: "Grades", MATRIX: "PriorityMatrix", OVERRIDE: "Overrides", ACCOUNTS: "Accounts", CONTACTS: "Contacts",
}  # fmt: skip
INPUT_TAB_COLOR = "1F4E79"
DATA_TAB_COLOR = "375623"
# Drop-downs whose list is the whole truth; the others suggest (a condition has numbers after the
# word, a decay may have any half-life), so their validation only informs.
STRICT_LISTS = frozenset({"Layer", "Role", "Required", "Format", "Dated after as-of"})
CONTACT_NOTES = {
    "title": "The job title; matched against the title keywords on the Personas tab.",
    "department": "Optional: narrows the persona match when the Personas tab names a department.",
    "seniority": "Optional: narrows the persona match when the Personas tab names a seniority.",
}


def _live_steps(accounts: pd.DataFrame, contacts: pd.DataFrame, steps: LiveSteps | None) -> list[tuple[str, str]]:
    """The live-function set-up and formulas for these tables (none without ``steps``)."""
    if steps is None:
        return []
    return list(steps(TABLE_NAMES, list(accounts.columns), list(contacts.columns)))


def _model_tab(tab: str, lists: Mapping[str, str]) -> SheetSpec:
    tab_layout = layout.TABS[tab]
    settings = tab == SETTINGS
    columns = tuple(
        ColumnSpec(c.header, c.note, c.width, wrap=True, locked=settings and c.header != "Value", left=True)
        for c in tab_layout.columns
    )
    validations = {c.header: lists[c.list_of or c.header] for c in tab_layout.columns if c.choices}
    return SheetSpec(
        tab,
        columns,
        TABLE_NAMES[tab],
        protect=tab == SETTINGS,
        tab_color=INPUT_TAB_COLOR,
        validations=validations,
        strict_lists=STRICT_LISTS,
    )


def _account_note(model: IcpModel, header: str) -> str:
    """What the model does with an Accounts column, so a header note tells why it matters."""
    key = header_key(header)
    uses = []
    rows = [c.row for c in model.criteria if header_key(c.column) == key]
    if rows:
        uses.append(f"Scored on the {ICP} tab{_rows(rows)}.")
    rows = [d.row for d in model.disqualifiers if header_key(d.column) == key]
    if rows:
        uses.append(f"Checked by the {ANTI_ICP} tab{_rows(rows)}.")
    uses += [
        f"The date of the '{s.name}' signal ({SIGNALS} tab{_rows([s.row])})."
        for s in model.signals
        if header_key(s.date_column) == key
    ]
    return " ".join(uses) or "Not used by the model; kept as it is."


def _rows(rows: Sequence[int | None]) -> str:
    known = [r for r in rows if r is not None]
    if not known:
        return ""
    return f", row {known[0]}" if len(known) == 1 else f", rows {min(known)}–{max(known)}"


def _data_tab(
    name: str, frame: pd.DataFrame, results: Sequence[str], notes: Mapping[str, str], tiers: Sequence[str] = ()
) -> SheetSpec:
    columns = tuple(
        result_column(h) if h in results else data_column(h, frame.iloc[:, i], notes[h])
        for i, h in enumerate(frame.columns)
    )
    return SheetSpec(
        name,
        columns,
        TABLE_NAMES[name],
        tab_color=DATA_TAB_COLOR,
        tiers=tiers,
        frozen_columns=name_column(frame.columns, people=name == CONTACTS),
    )


def _with_results(inputs: pd.DataFrame, results: pd.DataFrame | None, columns: Sequence[str]) -> pd.DataFrame:
    """Input columns (old results dropped) followed by the result columns, blank when not given."""
    inputs = inputs.rename(columns=str)
    inputs = inputs[[c for c in inputs.columns if header_key(c) not in {header_key(r) for r in columns}]]
    if results is None:
        results = pd.DataFrame({c: [None] * len(inputs) for c in columns}, index=inputs.index)
    return pd.concat([inputs.reset_index(drop=True), results[list(columns)].reset_index(drop=True)], axis=1)


def _frame(rows: pd.DataFrame | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))


def build_template(
    model: IcpModel,
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    live_steps: LiveSteps | None = None,
    place: Place | None = None,
) -> XlsxBook:
    """The template, ready to save (accounts and contacts carry their result columns); ``place``
    names the file on the Start here tab."""
    book = XlsxBook()
    book.wb.properties.creator = "icp-sheets"
    book.wb.properties.title = f"ICP template: {model.settings.model_name}"
    place = place or Place("icp_template.xlsx")
    lists = write_start(book.wb, model, place, _live_steps(accounts, contacts, live_steps))
    rows = layout.model_rows(model)
    computed = computed_rows(model)
    rows[SETTINGS] = [*rows[SETTINGS], *computed]
    for tab in MODEL_TABS:
        spec = _model_tab(tab, lists)
        if tab == SETTINGS:  # the computed rows come last; row 1 is the header
            spec = replace(spec, locked_rows=frozenset(range(len(rows[tab]) - len(computed) + 2, len(rows[tab]) + 2)))
        book.add_table_sheet(spec, rows[tab], len(rows[tab]))
    account_notes = {h: _account_note(model, h) for h in accounts.columns}
    tiers = (model.settings.top_tier, model.settings.middle_tier)
    spec = _data_tab(ACCOUNTS, accounts, RESULT_COLUMNS, account_notes, tiers)
    book.add_table_sheet(spec, frame_rows(accounts), len(accounts))
    contact_notes = {h: CONTACT_NOTES.get(header_key(h), "Kept as it is.") for h in contacts.columns}
    spec = _data_tab(CONTACTS, contacts, CONTACT_RESULT_COLUMNS, contact_notes)
    book.add_table_sheet(spec, frame_rows(contacts), len(contacts))
    return book


def write_template(
    path: str | Path,
    model: IcpModel | None = None,
    accounts: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
    contacts: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
    account_results: pd.DataFrame | None = None,
    contact_results: pd.DataFrame | None = None,
    live_steps: LiveSteps | None = None,
    file_name: str | None = None,
) -> None:
    """Write the template workbook to ``path``; the Example ICP and its accounts by default.

    ``live_steps`` gives the Start here tab the Excel set-up and formulas for these tables; without
    it the tab only points to them. ``file_name`` is the name the Start here commands use (default:
    ``path``'s; a caller writing to a temporary file first gives the final one).

    Results are written as values into the result columns right of the inputs
    (blank when not given); the workbook never contains formulas.
    """
    model = model or example.example_model()
    accounts_frame = _frame(example.example_accounts() if accounts is None else accounts)
    contacts_frame = _frame(example.example_contacts() if contacts is None else contacts)
    book = build_template(
        model,
        _with_results(accounts_frame, account_results, RESULT_COLUMNS),
        _with_results(contacts_frame, contact_results, CONTACT_RESULT_COLUMNS),
        live_steps,
        Place(file_name or Path(path).name),
    )
    book.save(path, fixed_time=TEMPLATE_TIME)
