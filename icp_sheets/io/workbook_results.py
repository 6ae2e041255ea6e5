"""Put scores into a copy of the user's workbook without touching anything they typed.

Only the result columns (``icp_*``) are written; a missing result column is
added at the right of the tab's header. Every other cell, style, table, note
and validation stays as it was, because the workbook is edited with openpyxl
rather than rebuilt.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from copy import copy
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.table import TableColumn
from openpyxl.worksheet.worksheet import Worksheet

from icp_sheets.core.names import header_key
from icp_sheets.io.result_look import style_results
from icp_sheets.io.tables import Table
from icp_sheets.io.xlsx_writer import (
    PAGE_WIDTH,
    CellWriter,
    freeze_and_title,
    header_cell,
    name_column,
    result_column,
    setup_page,
)


def _result_columns(ws: Worksheet, headers: list[str]) -> dict[str, int]:
    """1-based column index of each result header, adding missing ones after the last header."""
    found = {header_key(c.value): c.column for c in ws[1] if c.value is not None}
    last = max(found.values(), default=0)
    out = {}
    for header in headers:
        column = found.get(header_key(header))
        if column is None:
            last += 1
            column = last
            cell = ws.cell(row=1, column=column)
            styled = header_cell(ws, result_column(header))
            cell.value, cell.font, cell.fill = header, copy(styled.font), copy(styled.fill)
            cell.alignment, cell.comment = copy(styled.alignment), styled.comment
        out[header] = column
    return out


def _extend_tables(ws: Worksheet, last_row: int, last_column: int) -> None:
    """Grow an Excel table on the tab so new result columns and rows stay inside it; its column
    names follow the header cells (Excel calls a file broken when they differ, as after a paste)."""
    for table in ws.tables.values():
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        if min_row == 1 and min_col == 1:
            width = max(max_col, last_column)
            table.ref = f"A1:{get_column_letter(width)}{max(max_row, last_row)}"
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref
            kept = list(table.tableColumns)
            for i, name in enumerate(_column_names(ws, width), 1):
                if i > len(kept):
                    kept.append(TableColumn(id=i, name=name))
                kept[i - 1].name = name
            table.tableColumns = kept


def _column_names(ws: Worksheet, width: int) -> list[str]:
    """The table's column names: the header texts, a blank or repeated one made unique as Excel does."""
    names: list[str] = []
    seen: set[str] = set()
    for index in range(1, width + 1):
        value = ws.cell(1, index).value
        base = str(value).strip() if value is not None and str(value).strip() else f"Column{index}"
        name, n = base, 1
        while name.casefold() in seen:
            n += 1
            name = f"{base}{n}"
        seen.add(name.casefold())
        names.append(name)
    return names


def _reorder_rows(ws: Worksheet, rows: Sequence[int], order: Sequence[int]) -> None:
    """Move the row at ``rows[order[k]]`` to ``rows[k]``: values as stored (text stays text),
    styles, links, notes and heights; formulas are shifted as Excel shifts a moved row."""
    width = ws.max_column
    kept = {r: [ws.cell(r, c) for c in range(1, width + 1)] for r in rows}
    saved = {
        r: [(c.value, c.data_type, c._style, copy(c.hyperlink), copy(c.comment)) for c in cells]
        for r, cells in kept.items()
    }
    heights = {r: ws.row_dimensions[r].height for r in rows}
    for k, position in enumerate(order):
        dest, src = rows[k], rows[position]
        if dest == src:
            continue
        ws.row_dimensions[dest].height = heights[src]
        for cell, (value, data_type, style, link, note) in zip(kept[dest], saved[src], strict=True):
            if data_type == "f" and isinstance(value, str):
                value = Translator(value, origin=f"A{src}").translate_formula(f"A{dest}")
            cell.value, cell.data_type, cell._style = value, data_type, copy(style)
            cell.hyperlink, cell.comment = link, note


def pages_wide(ws: Worksheet) -> int:
    """Pages across that keep the print readable (about 85% scale), as a written scored tab gets."""
    found = [ws.column_dimensions.get(get_column_letter(i)) for i in range(1, ws.max_column + 1)]
    widths = [d.width if d is not None and d.width else 8.43 for d in found]  # 8.43: Excel's default
    return max(1, math.ceil(sum(widths) / PAGE_WIDTH))


def fill_results(
    source: Path,
    target: Path,
    results: Mapping[str, tuple[Table, pd.DataFrame]],
    orders: Mapping[str, Sequence[int]] | None = None,
    tiers: Sequence[str] = (),
    rewrites: Sequence[Callable[[Workbook], None]] = (),
) -> None:
    """Copy ``source`` to ``target`` with each tab's result columns filled row by row.

    ``results`` maps a tab name to the table that was read from it (for the sheet
    row of each frame row) and the result frame (same order as the table). ``orders``
    ranks a tab: its rows are moved so the row at position ``order[k]`` lands k-th.
    ``tiers`` (best first) name the tier colours. The result columns are styled wherever they
    are (:mod:`icp_sheets.io.result_look`); the user's columns keep their look. ``rewrites`` then
    regenerate whole tabs of the filled workbook (Start here, Pipeline).
    """
    book = load_workbook(source)
    for tab, (table, frame) in results.items():
        ws = book[tab]
        order = list((orders or {}).get(tab, range(len(frame))))
        sheet_rows = [table.sheet_row(p) for p in range(len(frame))]
        if order != sorted(order):
            _reorder_rows(ws, sheet_rows, order)
        columns = _result_columns(ws, [str(c) for c in frame.columns])
        writers = {h: CellWriter(ws, result_column(h)) for h in columns}
        for k, values in enumerate(frame.iloc[order].itertuples(index=False, name=None)):
            row = sheet_rows[k]
            for header, value in zip(columns, values, strict=True):
                made = writers[header](value)
                cell = ws.cell(row=row, column=columns[header])
                if made is None:
                    cell.value = None
                    continue
                cell.value = made.value
                cell.data_type = made.data_type
                cell._style = copy(made._style)  # font, fill, wrap, number format, quote prefix: the result look
        last_row = int(table.rows.max()) if len(table.rows) else 1
        _extend_tables(ws, last_row, max(columns.values(), default=1))
        style_results(ws, columns, sheet_rows, tiers)
        # A pasted export keeps its own look, but reads and prints with the company beside every row.
        setup_page(ws, pages_wide=pages_wide(ws))
        people = "icp_persona" in frame.columns and "icp_score" not in frame.columns  # a contact list
        freeze_and_title(ws, name_column([c.value for c in ws[1]], people=people))
    for rewrite in rewrites:
        rewrite(book)
    book.save(target)
