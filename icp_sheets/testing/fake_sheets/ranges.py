"""Reading, writing, clearing and appending the values of an A1 range, as Google does.

Trailing empty cells and rows are trimmed on read, an empty range has no
``values``, ranges are echoed back normalised and bounded by the grid, and a
write past the range or the grid is refused with Google's message (all checked
against the recordings). ``valueRenderOption`` and ``dateTimeRenderOption`` are
applied as the reference says: the latter is ignored for FORMATTED_VALUE, and a
FORMULA or UNFORMATTED_VALUE read gives dates as serial numbers by default (as
recorded) or as text in the locale with FORMATTED_STRING (from the reference).
Append's table detection -- the run of filled cells right of the range's start,
and the rows below it that touch it -- matches the recorded
``test_append_row_with_empty_value_and_table_range`` (``tableRange`` ``Sheet1!A1``
when B1 is empty). A write into a protected range is refused per user (:mod:`.protection`).
"""

from __future__ import annotations

import json
from typing import Any

from icp_sheets.sheets.a1 import GridRange, column_letter, parse_range, rect
from icp_sheets.testing.fake_sheets.cells import formatted, parse_input
from icp_sheets.testing.fake_sheets.formulas import Evaluator, clock_kind
from icp_sheets.testing.fake_sheets.locales import Locale, locale
from icp_sheets.testing.fake_sheets.model import ApiError, Cell, Sheet, Spreadsheet
from icp_sheets.testing.fake_sheets.protection import check_editable

Box = tuple[int, int, int, int]  # row1, col1, row2, col2, 1-based and inclusive


def locate(book: Spreadsheet, text: str) -> tuple[Sheet, GridRange]:
    """The tab and rectangle an A1 range names (a bare range is on the first tab)."""
    try:
        grid = parse_range(text, book.sheets[0].title)
    except ValueError as exc:
        raise ApiError(400, f"Unable to parse range: {text}") from exc
    return book.sheet(grid.title), grid


def grid_box(sheet: Sheet, rng: dict[str, Any]) -> Box:
    """A GridRange (0-based, end exclusive, missing bounds open) as a box on the tab."""
    return (
        rng.get("startRowIndex", 0) + 1,
        rng.get("startColumnIndex", 0) + 1,
        rng.get("endRowIndex", sheet.rows),
        rng.get("endColumnIndex", sheet.cols),
    )


def read(
    book: Spreadsheet,
    text: str,
    *,
    value_option: str = "FORMATTED_VALUE",
    date_option: str = "SERIAL_NUMBER",
    major: str = "ROWS",
) -> dict[str, Any]:
    sheet, grid = locate(book, text)
    r1, c1, r2, c2 = grid.box(sheet.rows, sheet.cols)
    r2, c2 = min(r2, sheet.rows), min(c2, sheet.cols)
    matrix = _shown(book, sheet, (r1, c1, r2, c2), value_option, date_option)
    out: dict[str, Any] = {"range": rect(sheet.title, r1, c1, r2, c2), "majorDimension": major}
    if matrix:
        out["values"] = _lines(_transpose(matrix), c1, r1) if major == "COLUMNS" else _lines(matrix, r1, c1)
    return out


def _shown(book: Spreadsheet, sheet: Sheet, box: Box, value_option: str, date_option: str) -> dict[int, dict[int, Any]]:
    """The non-empty values inside the box, by row and column, rendered as asked."""
    r1, c1, r2, c2 = box
    ev = Evaluator.of(book, sheet)
    matrix: dict[int, dict[int, Any]] = {}
    for (row, col), cell in sheet.cells.items():
        if r1 <= row <= r2 and c1 <= col <= c2:
            value = _render(cell, value_option, date_option, ev)
            if value is not None and value != "":
                matrix.setdefault(row, {})[col] = value
    return matrix


def _render(cell: Cell, value_option: str, date_option: str, ev: Evaluator) -> Any:
    """A cell as ``valueRenderOption`` / ``dateTimeRenderOption`` ask (the latter is ignored for
    FORMATTED_VALUE; a FORMULA read gives dates as serials by default, as recorded)."""
    if value_option == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = ev.value(cell)
    kind = cell.kind or clock_kind(cell.formula)
    if value_option == "FORMATTED_VALUE":
        return formatted(value, ev.loc, kind, iso=cell.iso, decimals=cell.decimals)
    if kind in ("DATE", "TIME", "DATE_TIME") and date_option == "FORMATTED_STRING":
        return formatted(value, ev.loc, kind, iso=cell.iso)
    return value


def _lines(matrix: dict[int, dict[int, Any]], first: int, inner_first: int) -> list[list[Any]]:
    """Lines from the first to the last with a value; inside each, "" up to its last value."""
    values = []
    for r in range(first, max(matrix) + 1):
        line = matrix.get(r, {})
        width = max(line) - inner_first + 1 if line else 0
        values.append([line.get(inner_first + i, "") for i in range(width)])
    return values


def write(
    book: Spreadsheet,
    text: str,
    values: Any,
    *,
    user_entered: bool,
    major: str = "ROWS",
    check_only: bool = False,
    user: str | None = None,
) -> dict[str, Any]:
    """Write a block at the range's start; ``check_only`` refuses what Google would, changing nothing."""
    if not isinstance(values, list) or not all(isinstance(v, list) for v in values):
        raise ApiError(
            400,
            f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {json.dumps(values)}",
        )
    sheet, grid = locate(book, text)
    if major == "COLUMNS":
        values = _rows_of(values)
    height = len(values)
    width = max((len(r) for r in values), default=0)
    row1, col1 = grid.row1 or 1, grid.col1 or 1
    box = (row1, col1, row1 + height - 1, col1 + width - 1)
    if height and width:
        _check_fits(sheet, grid, text, box[2], box[3])
        check_editable(book, sheet, box, user)
    if check_only:
        return {}
    cells, rows, cols = _store(sheet, values, row1, col1, user_entered, locale(book.locale))
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if height and width:
        out.update(updatedRange=rect(sheet.title, *box), updatedRows=rows, updatedColumns=cols, updatedCells=cells)
    return out


def _check_fits(sheet: Sheet, grid: GridRange, text: str, last_row: int, last_col: int) -> None:
    """Google's refusals: a block spilling out of a bounded range, or past the grid."""
    anchor = grid.row1 == grid.row2 and grid.col1 == grid.col2  # a start cell, not a box
    if not anchor and grid.row2 is not None and last_row > grid.row2:
        raise ApiError(400, f"Requested writing within range [{text}], but tried writing to row [{last_row}]")
    if not anchor and grid.col2 is not None and last_col > grid.col2:
        raise ApiError(
            400,
            f"Requested writing within range [{text}], but tried writing to column [{column_letter(last_col)}]",
        )
    if last_row > sheet.rows or last_col > sheet.cols:
        raise ApiError(
            400,
            f"Range ({GridRange(sheet.title, last_row, last_col, last_row, last_col).a1()})"
            f" exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}",
        )


def _store(
    sheet: Sheet, values: list[list[Any]], row1: int, col1: int, user_entered: bool, loc: Locale
) -> tuple[int, int, int]:
    """Put the values in (null leaves a cell, "" clears it); the cells, rows and columns touched."""
    cells = 0
    rows_hit: set[int] = set()
    cols_hit: set[int] = set()
    for i, line in enumerate(values):
        for j, raw in enumerate(line):
            if raw is None:
                continue
            cells += 1
            rows_hit.add(i)
            cols_hit.add(j)
            cell = parse_input(raw, user_entered, loc)
            if cell is None:
                sheet.cells.pop((row1 + i, col1 + j), None)
            else:
                sheet.cells[(row1 + i, col1 + j)] = cell
    return cells, len(rows_hit), len(cols_hit)


def clear(book: Spreadsheet, text: str, user: str | None = None) -> str:
    sheet, grid = locate(book, text)
    r1, c1, r2, c2 = grid.box(sheet.rows, sheet.cols)
    check_editable(book, sheet, (r1, c1, r2, c2), user)
    for key in [k for k in sheet.cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
        del sheet.cells[key]
    return rect(sheet.title, r1, c1, r2, c2)


def append(
    book: Spreadsheet,
    text: str,
    values: list[list[Any]],
    *,
    user_entered: bool,
    insert_rows: bool,
    major: str = "ROWS",
    user: str | None = None,
) -> dict[str, Any]:
    """Google's append: find the table at the range's start, write below its last row."""
    sheet, grid = locate(book, text)
    col1 = grid.col1 or 1
    if major == "COLUMNS":
        values = _rows_of(values)
    table = _table_at(sheet, grid.row1 or 1, col1, search=grid.row1 is None)
    start = table[2] + 1 if table else (grid.row1 or 1)
    if values:
        width = max((len(r) for r in values), default=1)
        check_editable(book, sheet, (start, col1, start + len(values) - 1, col1 + width - 1), user)
    _make_room(sheet, start, col1, values, insert_rows)
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if table:
        out["tableRange"] = rect(sheet.title, *table)
    out["updates"] = write(book, GridRange(sheet.title, start, col1).a1(), values, user_entered=user_entered, user=user)
    return out


def _make_room(sheet: Sheet, start: int, col1: int, values: list[list[Any]], insert_rows: bool) -> None:
    """Grow the grid so the appended block fits (by its height when rows are inserted)."""
    need_rows = start + len(values) - 1
    if insert_rows or need_rows > sheet.rows:
        sheet.rows = max(sheet.rows + (len(values) if insert_rows else 0), need_rows)
    sheet.cols = max(sheet.cols, col1 + max((len(r) for r in values), default=1) - 1)


def _table_at(sheet: Sheet, row: int, col: int, search: bool) -> Box | None:
    """The block of data Google's append finds at (row, col): adjacent rows and columns.

    A range naming a start row must have its data begin there; a whole tab or column
    is searched from the top.
    """
    used = sheet.cells
    if search:
        starts = [r for (r, c) in used if r >= row and c == col]
        if not starts:
            return None
        row = min(starts)
    if (row, col) not in used:
        return None
    r1, c2 = row, col
    while (r1, c2 + 1) in used:
        c2 += 1
    r2 = r1
    while any((r2 + 1, c) in used for c in range(col, c2 + 1)):
        r2 += 1
    return r1, col, r2, c2


def _rows_of(columns: list[list[Any]]) -> list[list[Any]]:
    """Columns (majorDimension COLUMNS) as rows, short columns padded with nulls."""
    width = max((len(r) for r in columns), default=0)
    return [list(r) for r in zip(*[list(c) + [None] * (width - len(c)) for c in columns], strict=True)]


def _transpose(matrix: dict[int, dict[int, Any]]) -> dict[int, dict[int, Any]]:
    out: dict[int, dict[int, Any]] = {}
    for r, line in matrix.items():
        for c, v in line.items():
            out.setdefault(c, {})[r] = v
    return out
