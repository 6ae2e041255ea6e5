"""``icp-sheets refresh``: score the accounts in a Google Sheet and write only the result columns.

The model and the accounts are read from the sheet in one ``values:batchGet``
(``UNFORMATTED_VALUE`` with ``SERIAL_NUMBER``: computed values, currency and percent as numbers,
dates as serial numbers, which the core reads as the same day whatever the sheet's locale),
turned into tables by the same reader the xlsx path uses, and scored by the core's
:func:`~icp_sheets.core.scoring.score` -- so a refreshed sheet shows exactly what ``icp-sheets
score`` gives for the same data. Text that must be read as a date or a number (``04.11.2026``
typed as text) is read with the sheet's locale wherever the column's own values and its Format
on the Columns tab leave the order open (:mod:`.properties`); without an as-of day, signals count
back from today in the sheet's time zone. Rows holding only blanks and unticked checkboxes are
no accounts and get no results. Before writing, the Accounts and Contacts tabs are read once more: if
someone sorted, added or deleted rows meanwhile, the scores are worked out
again; the results of each row that carries its id as metadata (every row a sync wrote) are then
written to that row by its metadata, so a sort or deletion in the last moment cannot put a score on
another company's row either. Only cells of the
result columns (``RESULT_COLUMNS``, ``CONTACT_RESULT_COLUMNS``, and with contacts the buying group's
``GROUP_COLUMNS`` and ``CONTACT_ACCOUNT_COLUMNS``, from the same
:func:`~icp_sheets.core.buying_group.contact_results` as ``score``)
that change are written, RAW; the result columns carry a warning-only
protection.

Requests: metadata, one batchGet, the rows' metadata, the lease (three requests, only when there is
something to write: :mod:`.lease`), one re-read, at most one
``spreadsheets:batchUpdate`` (protections, new result columns) and the writes of the
changed cells (by metadata, and by position for untagged rows and headers).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from icp_sheets.core.buying_group import contact_results
from icp_sheets.core.column_formats import locale_reading
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import (
    ACCOUNTS,
    CONTACT_RESULT_COLUMNS,
    CONTACTS,
    DATA_TABS,
    GROUP_COLUMNS,
    MODEL_TABS,
    RESULT_COLUMNS,
    find_column,
    find_tab,
)
from icp_sheets.core.personas import match_personas
from icp_sheets.core.problems import IcpError, Problem, Severity
from icp_sheets.core.scoring import score_tab
from icp_sheets.core.values import whole
from icp_sheets.io.model_reader import read_model
from icp_sheets.io.tables import Table, table_from_values
from icp_sheets.sheets.client import Connection
from icp_sheets.sheets.grid import Grid, header_key, is_default
from icp_sheets.sheets.http import RequestHook, SheetsError
from icp_sheets.sheets.identity import Tag
from icp_sheets.sheets.lease import writer
from icp_sheets.sheets.merge import Value, same
from icp_sheets.sheets.properties import SheetProperties
from icp_sheets.sheets.sync import (
    RESULT_TABS,
    Shape,
    fetch_metadata,
    read_tabs,
    same_grids,
    structure_requests,
    tags_by_title,
    write_sheet,
)

READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
MAX_ROUNDS = 3


@dataclass
class RefreshReport:
    accounts: int = 0
    contacts: int = 0
    cells: int = 0
    requests: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    grouping: list[Problem] = field(default_factory=list)  # contacts matched to no account, and such
    note: str | None = None  # a lease that could not be released

    def line(self) -> str:
        tiers = ", ".join(f"{n} {t}" for t, n in self.tiers.items())
        parts = [f"Scored {self.accounts} accounts" + (f" ({tiers})" if tiers else "")]
        if self.contacts:
            parts.append(f"matched {self.contacts} contacts")
        parts.append(f"{self.cells} result cells changed" if self.cells else "no result changed")
        line = "; ".join(parts) + f"; {self.requests} requests."
        return f"{line}\n{self.note}" if self.note else line


def _cell(value: Any) -> Value:
    """A result as written to the sheet: numbers as numbers, text as text, blanks empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return whole(float(value))
    if hasattr(value, "item"):  # NumPy scalars
        return _cell(value.item())
    text = str(value)
    return text or None


def _results_cells(
    grid: Grid, table: Table, results: pd.DataFrame, columns: Sequence[str]
) -> tuple[list[tuple[int, int, Value]], list[Value]]:
    """Changed result cells ``(row, col, value)`` for ``grid``; result columns missing get appended."""
    header = list(grid[0]) if grid else []
    cells: list[tuple[int, int, Value]] = []
    positions = {}
    for name in columns:
        index = next((i for i, h in enumerate(header) if header_key(h) == header_key(name)), None)
        if index is None:
            index = len(header)
            header.append(name)
            cells.append((1, index + 1, name))
        positions[name] = index
    for row_number, values in zip(table.rows, results.itertuples(index=False), strict=True):
        line = grid[int(row_number) - 1] if int(row_number) - 1 < len(grid) else []
        for name, value in zip(columns, values, strict=True):
            col = positions[name]
            new = _cell(value)
            old = line[col] if col < len(line) else None
            if old == "":
                old = None
            if not same(_cell(old) if isinstance(old, float) else old, new):
                cells.append((int(row_number), col + 1, new))
    return cells, header


def refresh(
    conn: Connection, *, as_of: dt.date | None = None, wait: float = 0.0, on_request: RequestHook | None = None
) -> RefreshReport:
    """Score the sheet's accounts (and match its contacts) and write the result columns.

    Holds the sheet's lease (:mod:`.lease`) from its last read to its write when it has results
    to write; when another sync or refresh holds it, refuses, or waits up to ``wait`` seconds.
    ``on_request`` is told of each request as it is sent (the CLI's progress bar).
    """
    with conn.http.reporting(on_request):
        return _refresh(conn, as_of, wait)


def _refresh(conn: Connection, as_of: dt.date | None, wait: float) -> RefreshReport:
    sent_before = conn.http.sent
    metadata = fetch_metadata(conn)
    in_sheet = [s["properties"]["title"] for s in metadata.get("sheets", [])]
    if ACCOUNTS not in in_sheet:
        raise SheetsError(
            f"The sheet has no '{ACCOUNTS}' tab; push a workbook first with "
            f"'icp-sheets sync push WORKBOOK --sheet ...'."
        )
    model_tabs = [actual for t in MODEL_TABS if (actual := find_tab(in_sheet, t)) is not None]
    data_tabs = [t for t in DATA_TABS if t in in_sheet]
    props = SheetProperties.of(metadata)
    grids = _read(conn, [*model_tabs, *data_tabs])
    tags = tags_by_title(conn, metadata)  # after the cells: a row moved in between fails the re-read
    model, warnings = read_model({t: table_from_values(t, grids[t]) for t in model_tabs}, tab_names=in_sheet)
    as_of = as_of or model.settings.as_of or props.today()
    report = RefreshReport(warnings=warnings)
    with writer(conn, "refresh", wait=wait) as lease:
        for _ in range(MAX_ROUNDS):
            cells, shapes = _results(model, props, grids, tags, as_of, report)
            report.cells = sum(len(c) for c in cells.values())
            if not report.cells and not _needs_structure(shapes, metadata):
                break
            if lease.ensure():  # another writer went first: score what it left
                metadata = fetch_metadata(conn)
                grids.update(_read(conn, data_tabs))
                tags = tags_by_title(conn, metadata)
                continue
            again = _read(conn, data_tabs)
            if same_grids(again, {t: grids[t] for t in data_tabs}):
                write_sheet(conn, metadata, shapes, cells, lease=lease.lease)
                break
            grids.update(again)
            tags = tags_by_title(conn, metadata)
        else:
            raise SheetsError(
                f"The accounts kept changing while refreshing ({MAX_ROUNDS} tries); nothing was "
                f"written. Run the refresh again when the edits have settled."
            )
    report.note = lease.warning
    report.requests = conn.http.sent - sent_before
    return report


def _read(conn: Connection, tabs: list[str]) -> dict[str, Grid]:
    """The tabs' values; on the data tabs, rows of nothing but defaults (blanks, unticked checkboxes
    filled down a column) read as empty rows, so they are no accounts and get no results."""
    grids = read_tabs(conn, tabs, READ_PARAMS)
    for tab in DATA_TABS:
        if tab in grids:
            grids[tab] = _without_default_rows(grids[tab], RESULT_TABS[tab])
    return grids


def _without_default_rows(grid: Grid, results: Sequence[str]) -> Grid:
    """Rows (but the header) whose cells, results aside, are all defaults, emptied in place."""
    if not grid:
        return grid
    skip = {i for i, h in enumerate(grid[0]) if header_key(h) in {header_key(r) for r in results}}
    return [grid[0]] + [
        [] if all(is_default(v) for i, v in enumerate(line) if i not in skip) else line for line in grid[1:]
    ]


def with_locale(model: IcpModel, frame: pd.DataFrame, props: SheetProperties) -> IcpModel:
    """The model with the sheet's locale standing in for a blank Format on the Columns tab, for each
    column whose own values leave the order of its dates or its decimal separator open."""
    columns = list(model.columns)
    for name in frame.columns:
        spec = model.column(str(name))
        if spec.read_as is not None:
            continue
        reading = locale_reading(
            frame[name].tolist(), day_first_locale=props.day_first, comma_locale=props.decimal_comma
        )
        if reading is not None:
            columns = [c for c in columns if c is not spec] + [spec.model_copy(update={"read_as": reading})]
    return model if columns == list(model.columns) else model.model_copy(update={"columns": tuple(columns)})


def _results(
    model: IcpModel,
    props: SheetProperties,
    grids: dict[str, Grid],
    tags: dict[str, dict[int, Tag]],
    as_of: dt.date | None,
    report: RefreshReport,
) -> tuple[dict[str, list[tuple[int, int, Value]]], list[Shape]]:
    """The changed result cells of Accounts (and Contacts), and the shapes to write them with."""
    cells: dict[str, list[tuple[int, int, Value]]] = {}
    shapes: list[Shape] = []
    accounts = table_from_values(ACCOUNTS, grids[ACCOUNTS])
    frame, results = score_tab(with_locale(model, accounts.frame, props), ACCOUNTS, accounts.frame, as_of)
    report.accounts = len(frame)
    report.tiers = {str(k): int(v) for k, v in results["icp_tier"].value_counts(sort=False).items() if v}
    account_columns: tuple[str, ...] = RESULT_COLUMNS
    contacts = table_from_values(CONTACTS, grids[CONTACTS]) if CONTACTS in grids else None
    if contacts is not None and len(contacts.frame) and find_column(contacts.frame.columns, "Title"):
        people = contacts.frame
        filled = ~(people.isna() | people.eq("")).all(axis=1).to_numpy()  # an emptied row is no contact
        try:
            group, found = contact_results(model, frame, results, people.loc[filled], rows=contacts.rows[filled])
            matched = found.reindex(people.index)
        except IcpError as exc:  # no key to match by: personas only, and say what to add
            report.grouping = [replace(p, severity=Severity.WARNING) for p in exc.problems]
            matched = match_personas(model, contacts.frame)[list(CONTACT_RESULT_COLUMNS)]
        else:
            report.grouping = list(group.problems)
            results = pd.concat([results, group.accounts], axis=1)
            account_columns = (*RESULT_COLUMNS, *GROUP_COLUMNS)
        changed, header = _results_cells(grids[CONTACTS], contacts, matched, list(matched.columns))
        cells[CONTACTS] = changed
        shapes.append(_shape(CONTACTS, len(grids[CONTACTS]), header, tags))
        report.contacts = len(contacts.frame)
    changed, header = _results_cells(grids[ACCOUNTS], accounts, results[list(account_columns)], account_columns)
    cells[ACCOUNTS] = changed
    shapes.insert(0, _shape(ACCOUNTS, max(len(grids[ACCOUNTS]), 1), header, tags))
    return cells, shapes


def _shape(tab: str, rows: int, header: list[Value], tags: dict[str, dict[int, Tag]]) -> Shape:
    """The tab's shape, with its tagged rows so their results are written to them by metadata."""
    rows_tags = tags.get(tab, {})
    return Shape(tab, rows, len(header), header, keys={r: t.key for r, t in rows_tags.items()}, tags=rows_tags)


def _needs_structure(shapes: list[Shape], metadata: dict[str, Any]) -> bool:
    return bool(structure_requests(shapes, metadata))
