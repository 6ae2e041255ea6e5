"""Add rows to a user's workbook without disturbing what they typed.

``learn`` appends its proposals below the user's own ICP and Anti-ICP rows, as
ordinary rows they can edit or delete. Cells are matched to headers by name (people
may reorder or rename columns in case), styled like the row above, and the tab's
Excel table grows to hold them, so drop-downs and formatting follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import ANTI_ICP, ICP, header_key
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.values import FORMULA_STARTS, is_empty, norm_text
from icp_sheets.evidence.learn import LearnReport
from icp_sheets.io import layout
from icp_sheets.io.xlsx_cell_style import cell_value


def open_workbook(path: Path) -> Workbook:
    """The user's workbook, editable. Outputs are .xlsx, so an .xlsm's macros are not carried over."""
    return load_workbook(path)


def last_filled_row(ws: Worksheet) -> int:
    """The last row holding any value (formatted but empty rows below it do not count)."""
    for row in range(ws.max_row, 1, -1):
        if any(not is_empty(c.value) for c in ws[row]):
            return row
    return 1


def append_rows(ws: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Write ``rows`` (values in ``headers`` order) below the last filled row; returns the first new row."""
    found = {header_key(c.value): c.column for c in ws[1] if not is_empty(c.value)}
    missing = [h for h in headers if header_key(h) not in found]
    if missing:
        raise IcpError(
            Problem(
                Code.MISSING_HEADER,
                f"has no '{missing[0]}' header; restore it so proposals can be added",
                tab=ws.title,
                row=1,
                column=missing[0],
            )
        )
    above = last_filled_row(ws)
    for offset, values in enumerate(rows, 1):
        for header, value in zip(headers, values, strict=True):
            column = found[header_key(header)]
            cell = ws.cell(row=above + offset, column=column)
            model = ws.cell(row=above, column=column)
            if above > 1 and model.has_style:
                cell._style = copy(model._style)  # same font, fill, protection as the user's rows
            value = cell_value(value)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
                cell.quotePrefix = value.startswith(FORMULA_STARTS)
    _grow_tables(ws, above + len(rows))
    return above + 1


def _grow_tables(ws: Worksheet, last_row: int) -> None:
    for table in ws.tables.values():
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        if min_row == 1 and max_row < last_row:
            table.ref = f"{get_column_letter(min_col)}1:{get_column_letter(max_col)}{last_row}"
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref


def _existing(ws: Worksheet) -> set[tuple[str, str]]:
    """(column, condition) of the rows already there, to skip proposals the user already has."""
    found = {header_key(c.value): c.column for c in ws[1] if not is_empty(c.value)}
    column, condition = found.get("column"), found.get("condition")
    if column is None or condition is None:
        return set()
    return {
        (norm_text(ws.cell(r, column).value), norm_text(ws.cell(r, condition).value)) for r in range(2, ws.max_row + 1)
    }


@dataclass(frozen=True)
class Written:
    """What ``write_proposals`` did: rows added per tab, proposals already there, columns now shared."""

    added: dict[str, int]
    skipped: int
    shared_columns: tuple[str, ...]

    def lines(self) -> list[str]:
        parts = [f"{n} {tab} row{'s' if n != 1 else ''}" for tab, n in self.added.items()]
        out = [
            f"Added {' and '.join(parts)}, marked 'proposed'"
            + (f"; {self.skipped} already in the workbook." if self.skipped else ".")
        ]
        out += [
            f"{c} already had ICP rows: the first matching row of a column counts, so move or merge the proposed one."
            for c in self.shared_columns
        ]
        return out


def write_proposals(source: Path, target: Path, report: LearnReport) -> Written:
    """Copy ``source`` to ``target`` with the proposals appended to ICP and Anti-ICP.

    A proposal whose column and condition a tab already holds is left out.
    """
    book = open_workbook(source)
    proposed = IcpModel(
        criteria=tuple(report.proposed_criteria()), disqualifiers=tuple(report.proposed_disqualifiers())
    )
    rows = layout.model_rows(proposed)
    added: dict[str, int] = {}
    shared: list[str] = []
    for tab in (ICP, ANTI_ICP):
        if tab not in book.sheetnames:
            raise IcpError(Problem(Code.MISSING_TAB, f"the workbook has no '{tab}' tab to add proposals to", tab=tab))
        ws = book[tab]
        have = _existing(ws)
        new = [r for r in rows[tab] if (norm_text(r[0]), norm_text(r[1])) not in have]
        if new:
            append_rows(ws, layout.TABS[tab].headers, new)
        added[tab] = len(new)
        if tab == ICP:
            columns = {c for c, _ in have}
            shared = list(dict.fromkeys(str(r[0]) for r in new if norm_text(r[0]) in columns))
    book.save(target)
    skipped = sum(len(r) for tab, r in rows.items() if tab in added) - sum(added.values())
    return Written(added, skipped, tuple(shared))
