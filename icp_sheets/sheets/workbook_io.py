"""The xlsx side of the sync: read tabs as grids, write back only the cells that change.

The workbook is opened with openpyxl in normal (not read-only) mode and saved
in place, so styles, Excel tables, drop-downs, notes, conditional formats and
protection stay as they were: the sync assigns cell values and nothing else.
New rows copy the style of the row above; an Excel table on a tab is stretched
to cover new rows and columns.

Text that starts with ``=`` stays text (openpyxl would otherwise turn it into a
formula); only values that were formulas in the Google Sheet are written as
formulas. The save goes to a temporary file that replaces the workbook in one
step, so a crash never leaves a half-written workbook.

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
import os
import re
import tempfile
import zlib
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.table import TableColumn
from openpyxl.worksheet.worksheet import Worksheet

from icp_sheets.sheets.http import SheetsError
from icp_sheets.sheets.merge import Formula, Table, Value

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
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, int | float):
        return value
    return str(value)


def _iso_date(value: Any) -> dt.date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class WorkbookSide:
    """An open workbook: grids of the synced tabs in, changed cells out, base in and out."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.book: Workbook = load_workbook(path)
        except FileNotFoundError:
            raise SheetsError(f"{path.name} does not exist; create it with 'icp-sheets new {path}'.") from None
        except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
            raise SheetsError(f"{path.name} is not an xlsx workbook ({type(exc).__name__}).") from None
        self.changed = False

    # ------------------------------------------------------------------ reading

    def has(self, tab: str) -> bool:
        return tab in self.book.sheetnames

    def grid(self, tab: str) -> Grid:
        ws = self.book[tab]
        grid: Grid = []
        for row in ws.iter_rows():
            line = [canon_xlsx(c.value, c.data_type) for c in row]
            while line and line[-1] is None:
                line.pop()
            grid.append(line)
        while grid and not grid[-1]:
            grid.pop()
        return grid

    # ------------------------------------------------------------------ writing

    def write(self, tab: str, cells: list[tuple[int, int, Value]]) -> None:
        """Set ``(row, column, value)`` cells (1-based); create the tab if needed."""
        if not cells:
            return
        self.changed = True
        ws = self.book[tab] if tab in self.book.sheetnames else self.book.create_sheet(tab)
        date_cols = self._date_columns(ws)
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
                        cell.number_format = "yyyy-mm-dd"
                else:
                    cell.value = value
                    cell.data_type = "s"  # text stays text, even when it starts with '='
            else:
                cell.value = value
        self._stretch_tables(ws)

    def _date_columns(self, ws: Worksheet) -> set[int]:
        cols = set()
        for cell in ws[1]:
            if isinstance(cell.value, str) and _DATE_HEADER.search(cell.value):
                cols.add(cell.column)
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
            names = [str(h) if h not in (None, "") else f"Column{i}"
                     for i, h in enumerate(header[c1 - 1:c2], c1)]
            if [tc.name for tc in table.tableColumns] != names:
                existing = {tc.name: tc for tc in table.tableColumns}
                table.tableColumns = [existing.get(n) or TableColumn(id=i + 1, name=n)
                                      for i, n in enumerate(names)]
                for i, tc in enumerate(table.tableColumns):
                    tc.id = i + 1

    # ------------------------------------------------------------------ the base

    def read_base(self, key: str) -> dict[str, Table] | None:
        if BASE_TAB not in self.book.sheetnames:
            return None
        ws = self.book[BASE_TAB]
        text = "".join(str(c.value or "") for (c,) in ws.iter_rows(min_row=2, max_col=1))
        try:
            data = json.loads(zlib.decompress(base64.b64decode(text)))
        except (ValueError, zlib.error):
            return None  # damaged: behave as a first sync, which loses nothing
        if data.get("sheet") != key or data.get("version") != 1:
            return None
        return {tab: Table(t["columns"], {k: {c: _decode(v) for c, v in row.items()} for k, row in t["rows"]},
                           [k for k, _ in t["rows"]])
                for tab, t in data["tabs"].items()}

    def write_base(self, key: str, tables: dict[str, Table]) -> None:
        data = {"version": 1, "sheet": key,
                "synced_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "tabs": {tab: {"columns": t.columns,
                               "rows": [[k, {c: _encode(v) for c, v in t.rows[k].items() if v is not None}]
                                        for k in t.order]}
                         for tab, t in tables.items()}}
        text = base64.b64encode(zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)).decode()
        if BASE_TAB in self.book.sheetnames:
            del self.book[BASE_TAB]
        ws = self.book.create_sheet(BASE_TAB)
        ws.sheet_state = "veryHidden"
        ws["A1"] = "icp-sheets sync base: what the workbook and the Google Sheet held after the last sync."
        for i in range(0, len(text), _CHUNK):
            ws.cell(row=2 + i // _CHUNK, column=1, value=text[i:i + _CHUNK])
        self.changed = True

    def save(self) -> None:
        """Replace the workbook in one step (temporary file + rename)."""
        handle, tmp = tempfile.mkstemp(suffix=".xlsx", dir=self.path.parent)
        os.close(handle)
        try:
            self.book.save(tmp)
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise SheetsError(f"Could not save {self.path.name} ({exc.strerror}); is it open in Excel? "
                              f"Close it and run the sync again.") from None

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
        if "Settings" not in self.book.sheetnames:
            return None
        for row in self.book["Settings"].iter_rows(min_row=2, max_col=2, values_only=True):
            if isinstance(row[0], str) and row[0].strip().casefold() == label.casefold():
                return row[1]
        return None


def _encode(value: Value) -> Any:
    return {"f": value.text} if isinstance(value, Formula) else value


def _decode(value: Any) -> Value:
    return Formula(value["f"]) if isinstance(value, dict) else value

