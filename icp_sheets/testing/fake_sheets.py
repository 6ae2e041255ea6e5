"""A fake Google Sheets v4 server: a real HTTP server on 127.0.0.1, spreadsheets in memory.

gspread talks to it unmodified through a session that rewrites Google's base
URL (see :mod:`icp_sheets.sheets.client`). It answers the way Google does for
the endpoints the project uses -- trailing empty cells and rows trimmed, an
empty range without ``values``, ranges echoed back normalised and bounded by
the grid, writes past the grid refused, Google's error bodies -- and it can
misbehave on purpose: 429 with or without ``Retry-After``, 500, a dropped
connection (before or after the write is applied), slow answers, and a hook
that lets a "person" edit the sheet between two requests. Every request is
counted by endpoint.

Start it by hand with::

    python -m icp_sheets.testing.fake_sheets --port 8765 --create demo-sheet

and point the commands at it with ``--api-url http://127.0.0.1:8765``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import datetime as dt
import json
import operator
import random
import re
import socket
import string
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from icp_sheets.core.values import EXCEL_EPOCH, whole
from icp_sheets.sheets.a1 import GridRange, column_letter, parse_range, rect

_NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_SUM = re.compile(r"SUM\(\s*([A-Z]{1,3}\d+)\s*:\s*([A-Z]{1,3}\d+)\s*\)", re.I)


class ApiError(Exception):
    """An error answered with Google's error body."""

    def __init__(self, code: int, message: str, status: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or {
            400: "INVALID_ARGUMENT",
            403: "PERMISSION_DENIED",
            404: "NOT_FOUND",
            429: "RESOURCE_EXHAUSTED",
            500: "INTERNAL",
        }.get(code, "UNKNOWN")

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


@dataclass
class Cell:
    """What a cell holds: a value, or a formula (whose value is computed on read)."""

    value: Any = None  # str | int | float | bool
    formula: str | None = None
    is_date: bool = False
    thousands: bool = False  # typed as "2,000,000.01": shown the same way


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = 1000
    cols: int = 26
    hidden: bool = False
    frozen_rows: int = 0
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    protected: list[dict[str, Any]] = field(default_factory=list)
    validation: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)

    def properties(self, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        return props


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    private: bool = False  # answers 403, like a sheet not shared with the caller

    def sheet(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise ApiError(400, f"Unable to parse range: {title}")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise ApiError(400, f"Invalid requests[0]: No grid with id: {sheet_id}")

    def metadata(self) -> dict[str, Any]:
        sheets = []
        for i, sheet in enumerate(self.sheets):
            entry: dict[str, Any] = {"properties": sheet.properties(i)}
            if sheet.protected:
                entry["protectedRanges"] = copy.deepcopy(sheet.protected)
            sheets.append(entry)
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {"title": self.title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }


# --------------------------------------------------------------------------- values in and out


def parse_input(raw: Any, user_entered: bool) -> Cell | None:
    """A written JSON value as Google stores it; None means 'clear the cell'."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return Cell(raw)
    if isinstance(raw, int | float):
        return Cell(_num(raw))
    text = str(raw)
    if not user_entered:
        return Cell(text)
    if text.startswith("'"):
        return Cell(text[1:]) if len(text) > 1 else None
    if text.startswith("=") and len(text) > 1:
        return Cell(None, formula=text)
    if text.upper() in ("TRUE", "FALSE"):
        return Cell(text.upper() == "TRUE")
    stripped = text.strip()
    if stripped and _NUMBER.match(stripped) and any(ch.isdigit() for ch in stripped):
        return Cell(_num(float(stripped.replace(",", ""))), thousands="," in stripped)
    day = _date(stripped)
    if day is not None:
        return Cell((day - EXCEL_EPOCH).days, is_date=True)
    return Cell(text)


def _date(text: str) -> dt.date | None:
    try:
        if m := _ISO_DATE.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _US_DATE.match(text):
            return dt.date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None


def _num(x: float) -> int | float:
    return whole(x) if abs(x) < 2**53 else x  # beyond 2**53 a float is not the integer typed


def _formatted(value: Any, is_date: bool, thousands: bool = False) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if is_date and isinstance(value, int | float):
        return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    if thousands and isinstance(value, int | float):
        return format(value, ",")
    if isinstance(value, float):
        return f"{value:.10g}" if abs(value) < 1e15 else repr(value)
    return str(value)


_OPS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _arith(node: ast.AST) -> Any:
    if isinstance(node, ast.Expression):
        return _arith(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_arith(node.left), _arith(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_arith(node.operand))
    raise ValueError("unsupported")


class Evaluator:
    """Computes what the fake needs of formulas: arithmetic, cell references, SUM(range), &."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def value(self, cell: Cell, depth: int = 0) -> Any:
        if cell.formula is None:
            return cell.value
        if depth > 20:
            return "#REF!"
        expr = cell.formula[1:].strip()
        try:
            expr = _SUM.sub(lambda m: repr(self._sum(m[1], m[2], depth)), expr)
            if re.search(r"[A-Za-z_]+\(", expr):
                return "#NAME?"
            expr = _REF.sub(lambda m: repr(self._ref(m[1], m[2], depth)), expr)
            if "&" in expr:
                return "".join(_formatted(_arith(ast.parse(p.strip(), mode="eval")), False) for p in expr.split("&"))
            return _num(_arith(ast.parse(expr, mode="eval")))
        except ZeroDivisionError:
            return "#DIV/0!"
        except (ValueError, SyntaxError, TypeError):
            return "#ERROR!"

    def _ref(self, letters: str, digits: str, depth: int) -> Any:
        r = parse_range(letters + digits, "_")
        cell = self.sheet.cells.get((r.row1 or 0, r.col1 or 0))
        value = self.value(cell, depth + 1) if cell else 0
        return 0 if value is None else value

    def _sum(self, a: str, b: str, depth: int) -> float:
        r1, c1, r2, c2 = parse_range(f"{a}:{b}", "_").box(self.sheet.rows, self.sheet.cols)
        total = 0.0
        for (row, col), cell in list(self.sheet.cells.items()):
            if r1 <= row <= r2 and c1 <= col <= c2:
                v = self.value(cell, depth + 1)
                if isinstance(v, int | float) and not isinstance(v, bool):
                    total += v
        return _num(total)


def render(sheet: Sheet, cell: Cell, value_option: str, date_option: str, ev: Evaluator) -> Any:
    if value_option == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = ev.value(cell)
    if value_option == "FORMATTED_VALUE":
        return _formatted(value, cell.is_date, cell.thousands)
    if cell.is_date and date_option == "FORMATTED_STRING":
        return _formatted(value, True)
    return value


# --------------------------------------------------------------------------- the store


class Store:
    """All spreadsheets, behind one lock; every method is one atomic API operation."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self._rng = random.Random(7)

    def new_id(self) -> str:
        return "".join(self._rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(44))

    def create(
        self,
        title: str = "Untitled spreadsheet",
        spreadsheet_id: str | None = None,
        sheets: list[dict[str, Any]] | None = None,
        private: bool = False,
    ) -> Spreadsheet:
        with self.lock:
            sid = spreadsheet_id or self.new_id()
            book = Spreadsheet(sid, title, private=private)
            for props in sheets or [{"title": "Sheet1", "sheetId": 0}]:
                grid = props.get("gridProperties", {})
                sheet_id = props.get("sheetId", self._sheet_id() if book.sheets else 0)  # Google: first is 0
                book.sheets.append(
                    Sheet(
                        sheet_id,
                        props.get("title", f"Sheet{len(book.sheets) + 1}"),
                        grid.get("rowCount", 1000),
                        grid.get("columnCount", 26),
                    )
                )
            self.spreadsheets[sid] = book
            return book

    def _sheet_id(self) -> int:
        return self._rng.randrange(1, 2**31 - 1)

    def get(self, spreadsheet_id: str) -> Spreadsheet:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.")
        if book.private:
            raise ApiError(403, "The caller does not have permission")
        return book

    # ------------------------------------------------------------------ values

    def _range(self, book: Spreadsheet, text: str) -> tuple[Sheet, GridRange]:
        try:
            grid = parse_range(text, book.sheets[0].title)
        except ValueError as exc:
            raise ApiError(400, f"Unable to parse range: {text}") from exc
        sheet = book.sheet(grid.title)
        return sheet, grid

    def read(
        self,
        book: Spreadsheet,
        text: str,
        *,
        value_option: str = "FORMATTED_VALUE",
        date_option: str = "SERIAL_NUMBER",
        major: str = "ROWS",
    ) -> dict[str, Any]:
        sheet, grid = self._range(book, text)
        r1, c1, r2, c2 = grid.box(sheet.rows, sheet.cols)
        r2, c2 = min(r2, sheet.rows), min(c2, sheet.cols)
        ev = Evaluator(sheet)
        matrix: dict[int, dict[int, Any]] = {}
        for (row, col), cell in sheet.cells.items():
            if r1 <= row <= r2 and c1 <= col <= c2:
                value = render(sheet, cell, value_option, date_option, ev)
                if value is not None and value != "":
                    matrix.setdefault(row, {})[col] = value
        out: dict[str, Any] = {"range": rect(sheet.title, r1, c1, r2, c2), "majorDimension": major}
        if r1 == r2 and c1 == c2:
            out["range"] = GridRange(sheet.title, r2, c2, r2, c2).a1()
        if matrix:
            if major == "COLUMNS":
                matrix = _transpose(matrix)
                first, last, inner_first = c1, max(matrix), r1
            else:
                first, last, inner_first = r1, max(matrix), c1
            values = []
            for r in range(first, last + 1):
                line = matrix.get(r, {})
                width = max(line) - inner_first + 1 if line else 0
                values.append([line.get(inner_first + i, "") for i in range(width)])
            out["values"] = values
        return out

    def write(
        self,
        book: Spreadsheet,
        text: str,
        values: Any,
        *,
        user_entered: bool,
        major: str = "ROWS",
        check_only: bool = False,
    ) -> dict[str, Any]:
        if not isinstance(values, list) or not all(isinstance(v, list) for v in values):
            raise ApiError(
                400,
                f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {json.dumps(values)}",
            )
        sheet, grid = self._range(book, text)
        if major == "COLUMNS":
            values = [list(r) for r in zip(*_pad(values), strict=True)]
        height = len(values)
        width = max((len(r) for r in values), default=0)
        row1, col1 = grid.row1 or 1, grid.col1 or 1
        if height and width:
            last_row, last_col = row1 + height - 1, col1 + width - 1
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
        if check_only:
            return {}
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
                cell = parse_input(raw, user_entered)
                if cell is None:
                    sheet.cells.pop((row1 + i, col1 + j), None)
                else:
                    sheet.cells[(row1 + i, col1 + j)] = cell
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if height and width:
            out.update(
                updatedRange=rect(sheet.title, row1, col1, row1 + height - 1, col1 + width - 1)
                if height > 1 or width > 1
                else GridRange(sheet.title, row1, col1, row1, col1).a1(),
                updatedRows=len(rows_hit),
                updatedColumns=len(cols_hit),
                updatedCells=cells,
            )
        return out

    def clear(self, book: Spreadsheet, text: str) -> str:
        sheet, grid = self._range(book, text)
        r1, c1, r2, c2 = grid.box(sheet.rows, sheet.cols)
        for key in [k for k in sheet.cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
            del sheet.cells[key]
        return rect(sheet.title, r1, c1, r2, c2)

    def append(
        self,
        book: Spreadsheet,
        text: str,
        values: list[list[Any]],
        *,
        user_entered: bool,
        insert_rows: bool,
        major: str = "ROWS",
    ) -> dict[str, Any]:
        """Google's append: find the table at the range's start, write below its last row."""
        sheet, grid = self._range(book, text)
        col1 = grid.col1 or 1
        if major == "COLUMNS":
            values = [list(r) for r in zip(*_pad(values), strict=True)]
        table = _table_at(sheet, grid.row1 or 1, col1, search=grid.row1 is None)
        start = table[2] + 1 if table else (grid.row1 or 1)
        need_rows = start + len(values) - 1
        if insert_rows or need_rows > sheet.rows:
            sheet.rows = max(sheet.rows + (len(values) if insert_rows else 0), need_rows)
        sheet.cols = max(sheet.cols, col1 + max((len(r) for r in values), default=1) - 1)
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if table:
            r1, c1, r2, c2 = table
            out["tableRange"] = (
                rect(sheet.title, r1, c1, r2, c2)
                if (r1, c1) != (r2, c2)
                else GridRange(sheet.title, r1, c1, r1, c1).a1()
            )
        out["updates"] = self.write(book, GridRange(sheet.title, start, col1).a1(), values, user_entered=user_entered)
        return out

    # ------------------------------------------------------------------ structure

    def batch_update(self, book: Spreadsheet, requests: list[dict[str, Any]]) -> dict[str, Any]:
        saved_sheets = [copy.copy(s) for s in book.sheets]
        saved = (list(book.sheets), book.title, [(s.cells, list(s.protected), dict(s.validation)) for s in book.sheets])
        try:
            replies = [self._one(book, req, i) for i, req in enumerate(requests)]
        except ApiError:
            book.sheets, book.title = saved[0], saved[1]
            for sheet, copy_, (cells, prot, val) in zip(book.sheets, saved_sheets, saved[2], strict=True):
                sheet.__dict__.update(copy_.__dict__)
                sheet.cells, sheet.protected, sheet.validation = cells, prot, val
            raise
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    def _one(self, book: Spreadsheet, req: dict[str, Any], i: int) -> dict[str, Any]:
        ((kind, body),) = req.items()
        if kind == "addSheet":
            props = body.get("properties", {})
            title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
            if any(s.title == title for s in book.sheets):
                raise ApiError(
                    400,
                    f'Invalid requests[{i}].addSheet: A sheet with the name "{title}" '
                    f"already exists. Please enter another name.",
                )
            grid = props.get("gridProperties", {})
            sheet = Sheet(
                props.get("sheetId") or self._sheet_id(),
                title,
                grid.get("rowCount", 1000),
                grid.get("columnCount", 26),
                bool(props.get("hidden")),
                grid.get("frozenRowCount", 0),
            )
            index = props.get("index", len(book.sheets))
            book.sheets.insert(index, sheet)
            return {"addSheet": {"properties": sheet.properties(book.sheets.index(sheet))}}
        if kind == "deleteSheet":
            sheet = book.sheet_by_id(body["sheetId"])
            if len(book.sheets) == 1:
                raise ApiError(
                    400, f"Invalid requests[{i}].deleteSheet: You can't remove all the sheets in a document."
                )
            book.sheets.remove(sheet)
            return {}
        if kind == "updateSheetProperties":
            props = body["properties"]
            sheet = book.sheet_by_id(props.get("sheetId", 0))
            fields = body.get("fields", "*")
            grid = props.get("gridProperties", {})

            def wanted(name: str) -> bool:
                return fields == "*" or name in fields.split(",") or name.split("/")[0] in fields.split(",")

            if wanted("title") and "title" in props:
                sheet.title = props["title"]
            if wanted("hidden"):
                if props.get("hidden") and all(s.hidden or s is sheet for s in book.sheets):
                    raise ApiError(
                        400,
                        f"Invalid requests[{i}].updateSheetProperties: You can't hide all the sheets in a document.",
                    )
                sheet.hidden = bool(props.get("hidden"))
            if wanted("gridProperties/rowCount") and "rowCount" in grid:
                sheet.rows = grid["rowCount"]
                sheet.cells = {k: v for k, v in sheet.cells.items() if k[0] <= sheet.rows}
            if wanted("gridProperties/columnCount") and "columnCount" in grid:
                sheet.cols = grid["columnCount"]
                sheet.cells = {k: v for k, v in sheet.cells.items() if k[1] <= sheet.cols}
            if wanted("gridProperties/frozenRowCount"):
                sheet.frozen_rows = grid.get("frozenRowCount", 0)
            if wanted("index") and "index" in props:
                book.sheets.remove(sheet)
                book.sheets.insert(props["index"], sheet)
            return {}
        if kind == "updateSpreadsheetProperties":
            if "title" in body.get("properties", {}):
                book.title = body["properties"]["title"]
            return {}
        if kind == "appendDimension":
            sheet = book.sheet_by_id(body["sheetId"])
            if body["dimension"] == "ROWS":
                sheet.rows += body["length"]
            else:
                sheet.cols += body["length"]
            return {}
        if kind in ("insertDimension", "deleteDimension"):
            rng = body["range"]
            sheet = book.sheet_by_id(rng.get("sheetId", 0))
            axis = 0 if rng["dimension"] == "ROWS" else 1
            start, end = rng["startIndex"] + 1, rng["endIndex"]  # 1-based, inclusive
            n = end - start + 1
            shift = n if kind == "insertDimension" else -n
            cells = {}
            for key, cell in sheet.cells.items():
                pos = key[axis]
                if kind == "deleteDimension" and start <= pos <= end:
                    continue
                if pos >= start if kind == "insertDimension" else pos > end:
                    key = (key[0] + shift, key[1]) if axis == 0 else (key[0], key[1] + shift)
                cells[key] = cell
            sheet.cells = cells
            if axis == 0:
                sheet.rows += shift
            else:
                sheet.cols += shift
            return {}
        if kind == "addProtectedRange":
            prot = copy.deepcopy(body["protectedRange"])
            sheet = book.sheet_by_id(prot["range"].get("sheetId", 0))
            prot = {k: v for k, v in prot.items() if v is not None and v is not False}
            prot["range"] = {k: v for k, v in prot["range"].items() if k != "sheetId" or v}
            prot.setdefault("protectedRangeId", self._sheet_id())
            prot["requestingUserCanEdit"] = True
            prot.setdefault("editors", {})
            sheet.protected.append(prot)
            return {"addProtectedRange": {"protectedRange": copy.deepcopy(prot)}}
        if kind == "deleteProtectedRange":
            for sheet in book.sheets:
                before = len(sheet.protected)
                sheet.protected = [p for p in sheet.protected if p["protectedRangeId"] != body["protectedRangeId"]]
                if len(sheet.protected) != before:
                    return {}
            raise ApiError(
                400,
                f"Invalid requests[{i}].deleteProtectedRange: No protected range with id: {body['protectedRangeId']}",
            )
        if kind == "setDataValidation":
            rng = body["range"]
            sheet = book.sheet_by_id(rng.get("sheetId", 0))
            for r in range(rng.get("startRowIndex", 0) + 1, rng.get("endRowIndex", sheet.rows) + 1):
                for c in range(rng.get("startColumnIndex", 0) + 1, rng.get("endColumnIndex", sheet.cols) + 1):
                    if body.get("rule"):
                        sheet.validation[(r, c)] = body["rule"]
                    else:
                        sheet.validation.pop((r, c), None)
            return {}
        raise ApiError(400, f"Invalid requests[{i}]: the fake server does not implement {kind!r}.")

    # ------------------------------------------------------------------ a person at the keyboard

    def type_in(self, spreadsheet_id: str, tab: str, a1: str, value: Any) -> None:
        """Edit one cell as a person typing in the browser (USER_ENTERED), bypassing counters."""
        with self.lock:
            book = self.spreadsheets[spreadsheet_id]
            sheet = book.sheet(tab)
            self.write(book, GridRange(sheet.title).a1() + "!" + a1, [[value]], user_entered=True)

    def grid(self, spreadsheet_id: str, tab: str, value_option: str = "FORMULA") -> list[list[Any]]:
        """The tab as lists of rows (trimmed), for assertions."""
        with self.lock:
            book = self.spreadsheets[spreadsheet_id]
            return self.read(book, GridRange(tab).a1(), value_option=value_option, date_option="FORMATTED_STRING").get(
                "values", []
            )


def _table_at(sheet: Sheet, row: int, col: int, search: bool) -> tuple[int, int, int, int] | None:
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


def _pad(values: list[list[Any]]) -> list[list[Any]]:
    width = max((len(r) for r in values), default=0)
    return [list(r) + [None] * (width - len(r)) for r in values]


def _transpose(matrix: dict[int, dict[int, Any]]) -> dict[int, dict[int, Any]]:
    out: dict[int, dict[int, Any]] = {}
    for r, line in matrix.items():
        for c, v in line.items():
            out.setdefault(c, {})[r] = v
    return out


# --------------------------------------------------------------------------- faults and hooks


@dataclass
class Fault:
    """Misbehaviour for the next ``times`` requests to ``endpoint`` (None = any endpoint).

    kind: ``429`` (with ``retry_after`` seconds or without), ``500``, ``drop`` (connection closed
    before the request is applied), ``drop-after`` (applied, then closed: the answer is lost),
    ``slow`` (answer after ``delay`` seconds).
    """

    kind: str
    endpoint: str | None = None
    times: int = 1
    retry_after: float | None = None
    delay: float = 0.0


@dataclass
class Hook:
    """Run ``action(store)`` right after the ``after``-th request to ``endpoint`` is served."""

    endpoint: str
    after: int
    action: Callable[[Store], None]
    done: bool = False


_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^/v4/spreadsheets$"), "spreadsheets.create"),
    ("GET", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)$"), "spreadsheets.get"),
    ("POST", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+):batchUpdate$"), "spreadsheets.batchUpdate"),
    ("GET", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchGet$"), "values.batchGet"),
    ("POST", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchUpdate$"), "values.batchUpdate"),
    ("POST", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchClear$"), "values.batchClear"),
    ("POST", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>.+):append$"), "values.append"),
    ("POST", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>.+):clear$"), "values.clear"),
    ("GET", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>.+)$"), "values.get"),
    ("PUT", re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>.+)$"), "values.update"),
]
WRITE_ENDPOINTS = frozenset(
    {
        "spreadsheets.create",
        "spreadsheets.batchUpdate",
        "values.batchUpdate",
        "values.batchClear",
        "values.append",
        "values.clear",
        "values.update",
    }
)


class FakeSheets:
    """The server: ``with FakeSheets() as fake: ... fake.url`` or ``fake.start()`` / ``fake.stop()``."""

    def __init__(self, port: int = 0) -> None:
        self.store = Store()
        self.counts: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []  # (endpoint, path) of every request that reached us
        self.faults: list[Fault] = []
        self.hooks: list[Hook] = []
        self._served: Counter[str] = Counter()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeSheets:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSheets:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ test controls

    def inject(
        self,
        kind: str,
        endpoint: str | None = None,
        *,
        times: int = 1,
        retry_after: float | None = None,
        delay: float = 0.0,
    ) -> None:
        self.faults.append(Fault(kind, endpoint, times, retry_after, delay))

    def on(self, endpoint: str, after: int, action: Callable[[Store], None]) -> None:
        self.hooks.append(Hook(endpoint, after, action))

    def reset_counts(self) -> None:
        self.counts.clear()
        self.log.clear()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def _fault_for(self, endpoint: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.endpoint in (None, endpoint):
                fault.times -= 1
                return fault
        return None

    def _after(self, endpoint: str) -> None:
        self._served[endpoint] += 1
        for hook in self.hooks:
            if not hook.done and hook.endpoint == endpoint and self._served[endpoint] >= hook.after:
                hook.done = True
                with self.store.lock:
                    hook.action(self.store)

    # ------------------------------------------------------------------ dispatch

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[str, Any]:
        for route_method, pattern, endpoint in _ROUTES:
            m = pattern.match(path) if route_method == method else None
            if m:
                return endpoint, self._dispatch(endpoint, m.groupdict(), query, body)
        raise ApiError(404, f"Method not found: {method} {path}")

    def _dispatch(self, endpoint: str, args: dict[str, str], q: dict[str, list[str]], body: Any) -> Any:
        store = self.store

        def one(name: str, default: str = "") -> str:
            return q.get(name, [default])[0]

        with store.lock:
            if endpoint == "spreadsheets.create":
                props = (body or {}).get("properties", {})
                sheets = [s.get("properties", {}) for s in (body or {}).get("sheets", [])] or None
                return store.create(props.get("title", "Untitled spreadsheet"), sheets=sheets).metadata()
            book = store.get(unquote(args["id"]))
            if endpoint == "spreadsheets.get":
                return book.metadata()
            if endpoint == "spreadsheets.batchUpdate":
                return store.batch_update(book, body.get("requests", []))
            value_option = one("valueRenderOption", "FORMATTED_VALUE")
            date_option = one("dateTimeRenderOption", "SERIAL_NUMBER")
            major = one("majorDimension", "ROWS") or "ROWS"
            if endpoint == "values.get":
                return store.read(
                    book, unquote(args["range"]), value_option=value_option, date_option=date_option, major=major
                )
            if endpoint == "values.batchGet":
                ranges = q.get("ranges", [])
                return {
                    "spreadsheetId": book.spreadsheet_id,
                    "valueRanges": [
                        store.read(book, r, value_option=value_option, date_option=date_option, major=major)
                        for r in ranges
                    ],
                }
            if endpoint == "values.update":
                user = _input_option(one("valueInputOption"))
                return store.write(
                    book,
                    unquote(args["range"]),
                    body.get("values"),
                    user_entered=user,
                    major=body.get("majorDimension") or "ROWS",
                )
            if endpoint == "values.batchUpdate":
                user = _input_option(body.get("valueInputOption", ""))
                data = body.get("data", [])
                for item in data:  # all or nothing, like Google
                    store.write(
                        book,
                        item["range"],
                        item.get("values"),
                        user_entered=user,
                        major=item.get("majorDimension") or "ROWS",
                        check_only=True,
                    )
                responses = [
                    store.write(
                        book,
                        item["range"],
                        item.get("values"),
                        user_entered=user,
                        major=item.get("majorDimension") or "ROWS",
                    )
                    for item in data
                ]
                return {
                    "spreadsheetId": book.spreadsheet_id,
                    "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
                    "totalUpdatedColumns": max((r.get("updatedColumns", 0) for r in responses), default=0),
                    "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
                    "totalUpdatedSheets": len({r.get("updatedRange", "").rpartition("!")[0] for r in responses}),
                    "responses": responses,
                }
            if endpoint == "values.append":
                user = _input_option(one("valueInputOption"))
                return store.append(
                    book,
                    unquote(args["range"]),
                    body.get("values") or [],
                    user_entered=user,
                    insert_rows=one("insertDataOption") == "INSERT_ROWS",
                    major=body.get("majorDimension") or "ROWS",
                )
            if endpoint == "values.clear":
                return {"spreadsheetId": book.spreadsheet_id, "clearedRange": store.clear(book, unquote(args["range"]))}
            if endpoint == "values.batchClear":
                return {
                    "spreadsheetId": book.spreadsheet_id,
                    "clearedRanges": [store.clear(book, r) for r in body.get("ranges", [])],
                }
        raise ApiError(404, f"Method not found: {endpoint}")


def _input_option(text: str) -> bool:
    if text not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    return text == "USER_ENTERED"


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeSheets
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self, method: str) -> None:
        fake = self.server_fake
        parts = urlsplit(self.path)
        path = unquote(parts.path) if "/values/" not in parts.path else parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        endpoint = next((e for m, p, e in _ROUTES if m == method and p.match(path)), "unknown")
        fake.counts[endpoint] += 1
        fake.log.append((endpoint, parts.path))
        fault = fake._fault_for(endpoint)
        if fault is not None:
            if fault.kind == "slow":
                time.sleep(fault.delay)
            elif fault.kind == "drop":
                self._drop()
                return
            elif fault.kind in ("429", "500"):
                code = int(fault.kind)
                err = ApiError(
                    code,
                    "Quota exceeded for quota metric 'Requests' and limit 'Requests per "
                    "minute per user' of service 'sheets.googleapis.com'."
                    if code == 429
                    else "Internal error encountered.",
                )
                extra = {"Retry-After": _seconds(fault.retry_after)} if fault.retry_after is not None else {}
                self._send(code, err.body(), extra)
                return
        try:
            body = json.loads(raw) if raw else None
            endpoint, answer = fake.handle(method, path, query, body)
            status = 200
        except ApiError as exc:
            status, answer = exc.code, exc.body()
        except (ValueError, KeyError, TypeError) as exc:
            status, answer = 400, ApiError(400, f"Invalid JSON payload received. {exc}").body()
        if fault is not None and fault.kind == "drop-after":
            self._drop()
        else:
            self._send(status, answer)
        if status == 200:
            fake._after(endpoint)

    def _send(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(answer, ensure_ascii=False, indent=2).encode()
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")


def _seconds(value: float) -> str:
    return str(whole(float(value)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m icp_sheets.testing.fake_sheets",
        description="A fake Google Sheets v4 API on 127.0.0.1, in memory.",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--create",
        metavar="KEY",
        action="append",
        default=[],
        help="create an empty spreadsheet with this key at start (repeatable)",
    )
    args = parser.parse_args(argv)
    fake = FakeSheets(args.port)
    for key in args.create:
        fake.store.create(f"Fake {key}", spreadsheet_id=key)
    fake.start()
    print(f"Fake Google Sheets API on {fake.url} (Ctrl-C to stop)", flush=True)
    for key in args.create:
        print(f"  spreadsheet {key}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
