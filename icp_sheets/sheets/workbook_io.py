"""The xlsx side of the sync: read tabs as grids, write back only the cells that change.

The workbook is opened with openpyxl in normal (not read-only) mode and saved
in place, so styles, Excel tables, drop-downs, notes, conditional formats and
protection stay as they were: the sync assigns cell values and nothing else.
New rows copy the style of the row above; an Excel table on a tab is stretched
to cover new rows and columns.

Text that starts with ``=`` stays text (openpyxl would otherwise turn it into a
formula); only values that were formulas in the Google Sheet are written as
formulas. The save goes to a file beside the workbook that replaces it in one
step, so a crash never leaves a half-written workbook (:mod:`.file_replace`).

**The base** -- what the workbook and the sheet both held after the last
successful sync -- lives in the workbook itself, in a very hidden tab named
``icp_sync_base``: compressed JSON in column A, with the spreadsheet key it
belongs to. It travels with the file and is saved in the same atomic write as
the values, so the values and the base never disagree. Deleting the tab (or
syncing with another sheet) makes the next sync a first sync.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.table import TableColumn
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineError

from icp_sheets.core.names import header_key
from icp_sheets.core.values import whole
from icp_sheets.sheets.file_replace import Stamp, check_writable, replace
from icp_sheets.sheets.http import SheetsError
from icp_sheets.sheets.merge import Formula, Table, Value, row_from_json, row_to_json
from icp_sheets.sheets.xlsx_read import Unsupported, XlsxCells

BASE_TAB = "icp_sync_base"
_CHUNK = 30000
_DATE_HEADER = re.compile(r"\bdate\b", re.I)

Grid = list[list[Value]]  # row 1 = header; canonical values; trailing blanks trimmed


def canon_xlsx(value: Any, data_type: str = "n") -> Value:
    """A workbook cell as the sync compares it: dates as ISO text, whole floats as ints."""
    if value is None:
        return None
    if data_type == "f" or (hasattr(value, "text") and type(value).__name__ == "ArrayFormula"):
        return Formula(str(getattr(value, "text", value)))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and abs(value) < 2**53:
        return whole(value)
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, int | float):
        return value
    return str(value)


def _iso_date(value: Any) -> dt.date | dt.datetime | dt.time | None:
    """The day, day and time, or time that ISO text (as :func:`canon_xlsx` writes them) stands for."""
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        if len(value) == 19 and value[10] == " ":
            return dt.datetime.fromisoformat(value)
        if len(value) == 8 and value[2] == ":" and value[5] == ":":
            return dt.time.fromisoformat(value)
    except ValueError:
        return None
    return None


_FORMATS = {dt.datetime: "yyyy-mm-dd hh:mm:ss", dt.date: "yyyy-mm-dd", dt.time: "hh:mm:ss"}


class WorkbookSide:
    """An open workbook: grids of the synced tabs in, changed cells out, base in and out."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise SheetsError(f"{path.name} does not exist; create it with 'icp-sheets new {path}'.")
        try:
            self._cells: XlsxCells | None = XlsxCells(path)
        except (zipfile.BadZipFile, KeyError, ParseError, OSError, CalamineError) as exc:
            raise SheetsError(f"{path.name} is not an xlsx workbook ({type(exc).__name__}).") from None
        self._read_as = Stamp.of(path)
        self._book: Workbook | None = None
        self._base_read: tuple[str, Any, dict[str, int]] | None = None
        self.changed = False

    @property
    def book(self) -> Workbook:
        """The workbook with its styles, loaded only when something is written (it is slow)."""
        if self._book is None:
            try:
                self._book = load_workbook(self.path)
            except Exception as exc:  # openpyxl raises many kinds for a damaged file
                raise SheetsError(f"{self.path.name} cannot be opened for writing ({type(exc).__name__}).") from None
        return self._book

    # ------------------------------------------------------------------ reading

    @property
    def sheetnames(self) -> list[str]:
        if self._book is not None or self._cells is None:
            return list(self.book.sheetnames)
        return list(self._cells.sheets)

    def has(self, tab: str) -> bool:
        return tab in self.sheetnames

    def grid(self, tab: str) -> Grid:
        """The tab's cells as canonical values; the fast reader unless the workbook is loaded."""
        if self._book is None and self._cells is not None:
            try:
                return _trim([[None if c is None else canon_xlsx(*c) for c in row] for row in self._cells.grid(tab)])
            except Unsupported:
                pass  # e.g. Excel's fill-down formulas: let openpyxl translate them
        ws = self.book[tab]
        return _trim([[canon_xlsx(c.value, c.data_type) for c in row] for row in ws.iter_rows()])

    # ------------------------------------------------------------------ writing

    def write(self, tab: str, cells: list[tuple[int, int, Value]], dates: set[str] | None = None) -> None:
        """Set ``(row, column, value)`` cells (1-based); create the tab if needed. ISO text becomes a
        real date in a date column: one whose header says so, that holds dates, or that the sheet
        holds as dates (``dates``, by header)."""
        if not cells:
            return
        self.changed = True
        ws = self.book[tab] if tab in self.book.sheetnames else self.book.create_sheet(tab)
        date_cols = self._date_columns(ws, cells, dates or set())
        last_row = ws.max_row
        for row, col, value in cells:
            cell = ws.cell(row=row, column=col)
            if row > last_row and row > 2 and not cell.has_style:
                above = ws.cell(row=row - 1, column=col)
                if above.has_style:
                    cell._style = copy.copy(above._style)
            if value is None:
                cell.value = None
            elif isinstance(value, Formula):
                cell.value = value.text
            elif isinstance(value, str):
                day = _iso_date(value) if (col in date_cols or isinstance(cell.value, dt.date)) else None
                if day is not None:
                    cell.value = day
                    if cell.number_format == "General":
                        cell.number_format = _FORMATS[type(day)]
                else:
                    cell.value = value
                    cell.data_type = "s"  # text stays text, even when it starts with '='
            else:
                cell.value = value
        self._stretch_tables(ws)

    def _date_columns(self, ws: Worksheet, cells: list[tuple[int, int, Value]], dates: set[str]) -> set[int]:
        keys = {header_key(d) for d in dates}
        headers = {cell.column: cell.value for cell in ws[1]} | {c: v for r, c, v in cells if r == 1}
        cols = {
            c
            for c, h in headers.items()
            if isinstance(h, str) and (_DATE_HEADER.search(h) is not None or header_key(h) in keys)
        }
        for row in ws.iter_rows(min_row=2, max_row=min(ws.max_row, 50)):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cols.add(cell.column)
        return cols

    def _stretch_tables(self, ws: Worksheet) -> None:
        """Excel tables that start in row 1 grow to the tab's last used row and header column."""
        header = [c.value for c in ws[1]]
        while header and header[-1] in (None, ""):
            header.pop()
        last_row = ws.max_row
        while last_row > 1 and all(c.value in (None, "") for c in ws[last_row]):
            last_row -= 1
        for table in ws.tables.values():
            c1, r1, _c2, _r2 = range_boundaries(table.ref)
            if r1 != 1:
                continue
            c2 = max(c1, len(header))
            table.ref = f"{get_column_letter(c1)}1:{get_column_letter(c2)}{max(last_row, 2)}"
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref
            names = [str(h) if h not in (None, "") else f"Column{i}" for i, h in enumerate(header[c1 - 1 : c2], c1)]
            if [tc.name for tc in table.tableColumns] != names:
                existing = {tc.name: tc for tc in table.tableColumns}
                table.tableColumns = [existing.get(n) or TableColumn(id=i + 1, name=n) for i, n in enumerate(names)]
                for i, tc in enumerate(table.tableColumns):
                    tc.id = i + 1

    # ------------------------------------------------------------------ the base

    def _base_data(self) -> dict[str, Any] | None:
        if not self.has(BASE_TAB):
            return None
        text = "".join(str(row[0]) for row in self.grid(BASE_TAB)[1:] if row and row[0] is not None)
        try:
            data = json.loads(zlib.decompress(base64.b64decode(text)))
        except (ValueError, zlib.error):
            return None  # damaged: behave as a first sync, which loses nothing
        return data if isinstance(data, dict) and data.get("version") == 1 else None

    def synced_sheet(self) -> str | None:
        """The key of the sheet this workbook last synced with: kept in the hidden base tab, which
        only a sync run on this machine writes, so no cell of the shared sheet can change it."""
        data = self._base_data()
        return str(data["sheet"]) if data and data.get("sheet") else None

    def read_base(self, key: str) -> dict[str, Table] | None:
        data = self._base_data()
        if data is None or data.get("sheet") != key:
            return None
        self._base_read = (key, data["tabs"], data.get("sheet_ids", {}))
        return {
            tab: Table(
                t["columns"],
                {k: row_from_json(row) for k, row in t["rows"]},
                [k for k, _ in t["rows"]],
                {(k, c) for k, c in t.get("owned", [])},
            )
            for tab, t in data["tabs"].items()
        }

    def read_sheet_ids(self, key: str) -> dict[str, int]:
        """The sheetId of each tab at the last sync with ``key``: how a renamed tab is recognised."""
        data = self._base_data()
        if data is None or data.get("sheet") != key:
            return {}
        return {str(t): int(i) for t, i in data.get("sheet_ids", {}).items()}

    def write_base(self, key: str, tables: dict[str, Table], sheet_ids: dict[str, int] | None = None) -> bool:
        """Store the new base; False (and nothing done) when it equals the one read."""
        tabs = {
            tab: {
                "columns": t.columns,
                "rows": [[k, row_to_json(t.rows[k])] for k in t.order],
                **({"owned": sorted([k, c] for k, c in t.owned)} if t.owned else {}),
            }
            for tab, t in tables.items()
        }
        ids = dict(sheet_ids or {})
        if self._base_read == (key, json.loads(json.dumps(tabs)), ids):
            return False
        data = {
            "version": 1,
            "sheet": key,
            "synced_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "tabs": tabs,
            "sheet_ids": ids,
        }
        text = base64.b64encode(zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)).decode()
        if BASE_TAB in self.book.sheetnames:
            del self.book[BASE_TAB]
        ws = self.book.create_sheet(BASE_TAB)
        ws.sheet_state = "veryHidden"
        ws["A1"] = "icp-sheets sync base: what the workbook and the Google Sheet held after the last sync."
        for i in range(0, len(text), _CHUNK):
            ws.cell(row=2 + i // _CHUNK, column=1, value=text[i : i + _CHUNK])
        self.changed = True
        return True

    def check_writable(self) -> None:
        """Refuse a read-only workbook before the sheet is written, not after."""
        check_writable(self.path)

    def save(self) -> None:
        """Swap the new version in, unless someone saved the file since it was read (:mod:`.file_replace`)."""
        if self._cells is not None:
            self._cells.close()
            self._cells = None
        replace(self.path, self.book.save, self._read_as)

    def set_setting(self, label: str, value: Any) -> None:
        """Fill in a Settings value (e.g. the Google Sheet), adding the row if the tab lacks it."""
        if "Settings" not in self.book.sheetnames:
            return
        ws = self.book["Settings"]
        for (cell,) in ws.iter_rows(min_row=2, max_col=1):
            if isinstance(cell.value, str) and cell.value.strip().casefold() == label.casefold():
                self.write("Settings", [(cell.row, 2, value)])
                return
        self.write("Settings", [(ws.max_row + 1, 1, label), (ws.max_row + 1, 2, value)])

    def setting(self, label: str) -> Any:
        """A value from the Settings tab by its label, or None."""
        if not self.has("Settings"):
            return None
        for row in self.grid("Settings")[1:]:
            if row and isinstance(row[0], str) and row[0].strip().casefold() == label.casefold():
                return row[1] if len(row) > 1 else None
        return None


def _trim(grid: Grid) -> Grid:
    for line in grid:
        while line and line[-1] is None:
            line.pop()
    while grid and not grid[-1]:
        grid.pop()
    return grid
