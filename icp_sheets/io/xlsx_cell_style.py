"""How one cell of a written table looks, and how its value is written safely.

Shared by the template, scored xlsx output and the in-place result filler, so
a result looks the same wherever it is written. Cell level only: fonts, fills,
number formats, the safe value and one data row's XML; tabs and workbooks are
:mod:`icp_sheets.io.xlsx_writer`'s.

Untrusted text never becomes a formula: openpyxl turns any string that starts
with ``=`` into a formula (``openpyxl/cell/cell.py``, ``_bind_value``), so every
string cell is forced back to the string type, and text that a spreadsheet
would read as a formula when edited (``=``, ``+``, ``-``, ``@``) also gets the
quote prefix Excel shows as a leading apostrophe. Rows streamed as XML
(:class:`RowXml`) are inline strings, which are never formulas.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from icp_sheets.core.names import (
    CONTACT_ACCOUNT_NOTES,
    CONTACT_RESULT_NOTES,
    GROUP_NOTES,
    INPUT_ROW,
    INPUT_ROW_NOTE,
    RESULT_NOTES,
)
from icp_sheets.core.values import EXCEL_EPOCH, FORMULA_STARTS

# Arial: Excel and Google Sheets have it everywhere, and LibreOffice renders it with the
# metric-compatible Liberation Sans, so column widths and wrapping look the same.
FONT_NAME = "Arial"
FONT_SIZE = 10
BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
HEADER_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, color="FFFFFF")
INPUT_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")  # dark blue: you type below
RESULT_HEADER_FILL = PatternFill("solid", fgColor="375623")  # dark green: icp-sheets writes below
RESULT_FILL = PatternFill("solid", fgColor="EEF3EA")  # pale green-grey: not for typing
TOP_ALIGN = Alignment(vertical="top")
WRAP_ALIGN = Alignment(vertical="top", wrap_text=True)
LEFT_ALIGN = Alignment(vertical="top", horizontal="left", wrap_text=True)
LINE_HEIGHT = 12.75  # points per line of 10-point Arial
MAX_LINES = 10  # a taller row is cut; the full text is still in the cell
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
POINTS_FORMAT = "0.0#"  # full precision is kept in the cell; two decimals are shown

RESULT_NOTES_ALL: dict[str, str] = {
    **CONTACT_ACCOUNT_NOTES,  # a contact's icp_priority … are its account's; an account's own notes win below
    **RESULT_NOTES,
    **CONTACT_RESULT_NOTES,
    **GROUP_NOTES,
    INPUT_ROW: INPUT_ROW_NOTE,
}
_POINT_RESULTS = frozenset({"icp_score", "icp_fit", "icp_timing"})
WRAPPED_RESULTS = frozenset({"icp_why", "icp_action", "icp_dq", "icp_angle", "icp_data_gaps", "icp_buying_group"})
RESULT_WIDTHS = {
    "icp_score": 10, "icp_fit": 9, "icp_timing": 11, "icp_tier": 13, "icp_priority": 12,
    "icp_dq": 30, "icp_why": 70, "icp_action": 46, "icp_persona": 18, "icp_role": 20,
    "icp_angle": 60, "icp_data_gaps": 40, INPUT_ROW: 14, "icp_buying_group": 56, "icp_contacts": 12,
    "icp_account": 24,
}  # fmt: skip


@dataclass(frozen=True)
class ColumnSpec:
    """How one column of a written table looks and behaves."""

    header: str
    note: str = ""
    width: float = 14
    result: bool = False
    wrap: bool = False
    number_format: str | None = None
    locked: bool = False  # result columns are always locked
    left: bool = False  # align numbers and dates left too, for rule and key/value lists


def result_column(header: str) -> ColumnSpec:
    """The spec of a result column (icp_score … icp_angle): note, width and format."""
    return ColumnSpec(
        header,
        RESULT_NOTES_ALL.get(header, "Written by icp-sheets; do not type here."),
        RESULT_WIDTHS.get(header, 14),
        result=True,
        wrap=header in WRAPPED_RESULTS,
        number_format=POINTS_FORMAT if header in _POINT_RESULTS else None,
    )


def cell_value(value: Any) -> Any:
    """A pandas/NumPy/Python value as openpyxl can store it; None for blanks."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        return float(value) if math.isfinite(value) else str(value)  # a workbook cannot hold inf
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):  # a day without a time is shown as a date
        value = value.replace(tzinfo=None)
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, str | dt.date):
        return value
    return str(value)  # times of day, lists, anything else: as the text a person would read


class CellWriter:
    """The styled cells of one column: one cell per kind of value (text, number, date…).

    Each call refills and returns that kind's cell, so callers copy its value and
    style out before the next call (the in-place result filler does); styling a
    fresh cell for each of 100,000 rows would cost more than writing them.
    :class:`RowXml` takes only the style ids.
    """

    def __init__(self, ws: Any, spec: ColumnSpec, *, keep_empty: bool = False) -> None:
        self._ws = ws
        self._spec = spec
        self._keep_empty = keep_empty  # style empty cells too, e.g. unlocked cells on a protected tab
        self._cells: dict[str, WriteOnlyCell] = {}

    def _cell(self, kind: str) -> WriteOnlyCell:
        cell = self._cells.get(kind)
        if cell is None:
            spec = self._spec
            cell = WriteOnlyCell(self._ws)
            cell.font = BODY_FONT
            cell.alignment = LEFT_ALIGN if spec.left else WRAP_ALIGN if spec.wrap else TOP_ALIGN
            cell.protection = LOCKED if spec.result or spec.locked else UNLOCKED
            if spec.result:
                cell.fill = RESULT_FILL
            if kind in _DATE_FORMATS:
                cell.number_format = _DATE_FORMATS[kind]
            elif kind == "number" and spec.number_format:
                cell.number_format = spec.number_format
            elif kind == "quoted":
                cell.quotePrefix = True
            self._cells[kind] = cell
        return cell

    def style_id(self, kind: str) -> int:
        """The workbook's style index for this column's cells of ``kind`` (registers it)."""
        return int(self._cell(kind).style_id)

    def __call__(self, raw: Any) -> WriteOnlyCell | None:
        value = cell_value(raw)
        if value is None or value == "":
            if not self._keep_empty:
                return None
            cell = self._cell("empty")
            cell.value = None
            return cell
        if isinstance(value, str):
            cell = self._cell("quoted" if value.startswith(FORMULA_STARTS) else "text")
            cell.value = clean_text(value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            return cell
        kind = _kind(value)
        cell = self._cell(kind)
        cell.value = value  # openpyxl sets its own format for dates, so ours comes after
        if kind in _DATE_FORMATS:
            cell.number_format = _DATE_FORMATS[kind]
        return cell


_DATE_FORMATS = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT}


def _kind(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number"
    return "other"


def header_cell(ws: Any, spec: ColumnSpec) -> WriteOnlyCell:
    """A header cell: bold on blue (you type) or green (icp-sheets writes), with its note."""
    cell = WriteOnlyCell(ws, value=spec.header)
    cell.data_type = "s"
    cell.font = HEADER_FONT
    cell.fill = RESULT_HEADER_FILL if spec.result else INPUT_HEADER_FILL
    cell.alignment = HEADER_ALIGN
    cell.protection = LOCKED
    if spec.note:
        lines = max(2, len(spec.note) // 48 + 2)
        cell.comment = Comment(spec.note, "icp-sheets", height=18 * lines, width=320)
    return cell


def text_lines(value: Any, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide (an estimate)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * 1.1))  # 10-point Arial fits ~1.1 characters per unit
    return sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell


_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def clean_text(text: str) -> str:
    """Text a workbook can hold: no XML-illegal control characters, at most Excel's cell limit.

    Spreadsheets read ``_xHHHH_`` in a cell's text as an escaped character, so a
    literal one gets its underscore escaped (``_x005F_``), as the OOXML standard says.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]
    return _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(0), text) if "_x" in text else text


class RowXml:
    """Sheet XML for one data row, with the styles of the tab's :class:`CellWriter` cells."""

    _KINDS = ("text", "quoted", "number", "date", "datetime", "other", "empty")

    def __init__(
        self,
        ws: Any,
        columns: Sequence[ColumnSpec],
        *,
        keep_empty: bool = False,
        locked_rows: frozenset[int] = frozenset(),
    ) -> None:
        # Style ids are registered now, before openpyxl writes styles.xml.
        self._styles = [{kind: CellWriter(ws, column).style_id(kind) for kind in self._KINDS} for column in columns]
        self._locked_rows = locked_rows
        self._locked = (
            [
                {kind: CellWriter(ws, replace(column, locked=True)).style_id(kind) for kind in self._KINDS}
                for column in columns
            ]
            if locked_rows
            else self._styles
        )
        self._letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        self._keep_empty = keep_empty  # styled empty cells, e.g. unlocked cells on a protected tab
        self._wrapped = [(i, c.width) for i, c in enumerate(columns) if c.wrap or c.left]
        # Exports repeat most texts (industry, tier, action…): each is escaped once per column.
        self._known: list[dict[str, str]] = [{} for _ in columns]

    def __call__(self, number: int, row: Sequence[Any]) -> str:
        # Neither Excel nor LibreOffice fits row heights on opening, so wrapped text gets room here.
        lines = min(max((text_lines(row[i], width) for i, width in self._wrapped), default=1), MAX_LINES)
        height = f' ht="{LINE_HEIGHT * lines + 2:g}" customHeight="1"' if lines > 1 else ""
        cells = [f'<row r="{number}"{height}>']
        if number in self._locked_rows:  # a rare computed row: its cells are written apart from the cache
            return self._locked_row(number, height, row)
        for letter, styles, known, raw in zip(self._letters, self._styles, self._known, row, strict=True):
            text = type(raw) is str
            body = known.get(raw) if text else None
            if body is None:
                body = self._body(styles, raw)
                if text and len(known) < _KNOWN_LIMIT:
                    known[raw] = body
            if body:
                cells.append(f'<c r="{letter}{number}"{body}')
        cells.append("</row>")
        return "".join(cells)

    def _locked_row(self, number: int, height: str, row: Sequence[Any]) -> str:
        cells = [f'<row r="{number}"{height}>']
        for letter, styles, raw in zip(self._letters, self._locked, row, strict=True):
            body = self._body(styles, raw)
            if body:
                cells.append(f'<c r="{letter}{number}"{body}')
        cells.append("</row>")
        return "".join(cells)

    def _body(self, styles: dict[str, int], raw: Any) -> str:
        """The cell's XML after its reference (``<c r="A2"``), or "" to leave it out."""
        value = cell_value(raw)
        if value is None or value == "":
            return f' s="{styles["empty"]}"/>' if self._keep_empty else ""
        if isinstance(value, str):  # always a string cell: never a formula
            text = clean_text(value).translate(_XML_ESCAPES)
            style = styles["quoted" if value.startswith(FORMULA_STARTS) else "text"]
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            return f' s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if isinstance(value, bool):
            return f' s="{styles["other"]}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f' s="{styles["number"]}"><v>{value!r}</v></c>'
        return f' s="{styles[_kind(value)]}"><v>{_serial(value)!r}</v></c>'


_KNOWN_LIMIT = 20_000  # distinct texts remembered per column; the rest are escaped each time


def _serial(value: dt.date | dt.datetime) -> float | int:
    """Excel's day number (1900 date system) for a date or a date and time."""
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime.combine(EXCEL_EPOCH, dt.time())
        return delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400e6
    return (value - EXCEL_EPOCH).days
