"""Writing formatted xlsx tables: one look for the template and for scored output.

Both the template and ``icp-sheets score -o out.xlsx`` go through
:func:`write_table_sheet`, so results sit in the same columns with the same
colours, number formats and notes wherever they come from. Workbooks are
written in openpyxl's write-only mode, which streams rows to disk and keeps
100,000-row outputs fast and small in memory.

Untrusted text never becomes a formula: openpyxl turns any string that starts
with ``=`` into a formula (``openpyxl/cell/cell.py``, ``_bind_value``), so every
string cell is forced back to the string type, and text that a spreadsheet
would read as a formula when edited (``=``, ``+``, ``-``, ``@``) also gets the
quote prefix Excel shows as a leading apostrophe.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.xml.functions import tostring

from icp_sheets.layout import CONTACT_RESULT_NOTES, RESULT_NOTES
from icp_sheets.models import (
    DISQUALIFIED,
    DQ_PRIORITY,
    FIT_TIERS,
    PRIORITY_CELLS,
    TIMING_TIERS,
    Settings,
)

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
PAGE_WIDTH = 180  # column-width units printed across one landscape page (about 85% scale)
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
POINTS_FORMAT = "0.0#"  # full precision is kept in the cell; two decimals are shown
MAX_ROWS = 1_048_576

RESULT_NOTES_ALL: dict[str, str] = {**RESULT_NOTES, **CONTACT_RESULT_NOTES}
_POINT_RESULTS = frozenset({"icp_score", "icp_fit", "icp_timing"})
_WRAPPED_RESULTS = frozenset({"icp_why", "icp_action", "icp_dq", "icp_angle"})
RESULT_WIDTHS = {
    "icp_score": 10, "icp_fit": 9, "icp_timing": 11, "icp_tier": 13, "icp_priority": 12,
    "icp_dq": 30, "icp_why": 70, "icp_action": 46, "icp_persona": 18, "icp_role": 20,
    "icp_angle": 60,
}  # fmt: skip

# Light fills with dark text of the same hue: readable in print and for colour-blind readers
# because the text itself (tier name, A1…C3) carries the meaning.
def _colours(fill: str, text: str) -> tuple[PatternFill, Font]:
    return PatternFill("solid", fgColor=fill), Font(name=FONT_NAME, size=FONT_SIZE, color=text)


_GREEN = _colours("C6EFCE", "006100")
_AMBER = _colours("FFEB9C", "9C5700")
_GREY = _colours("E7E6E6", "3A3838")
_RED = _colours("FFC7CE", "9C0006")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TABLE_NAME_BAD = re.compile(r"[^A-Za-z0-9_]")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*([RrCc]\d*)?)$")


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
    left: bool = False  # align numbers and dates left too, for key/value lists


@dataclass(frozen=True)
class SheetSpec:
    """A list tab: its columns and the options that differ between tabs."""

    name: str
    columns: tuple[ColumnSpec, ...]
    table_name: str
    protect: bool = False  # see template.py for which tabs are protected and why
    tab_color: str | None = None
    validations: Mapping[str, str] = field(default_factory=dict)  # header -> list range formula
    strict_lists: frozenset[str] = frozenset()  # headers whose drop-down rejects other text
    tiers: Sequence[str] = ()  # tier names, best first, for conditional formatting


def result_column(header: str) -> ColumnSpec:
    """The spec of a result column (icp_score … icp_angle): note, width and format."""
    return ColumnSpec(
        header,
        RESULT_NOTES_ALL.get(header, "Written by icp-sheets; do not type here."),
        RESULT_WIDTHS.get(header, 14),
        result=True,
        wrap=header in _WRAPPED_RESULTS,
        number_format=POINTS_FORMAT if header in _POINT_RESULTS else None,
    )


def table_name(text: str) -> str:
    """A valid Excel table name for ``text``: letters, digits, underscores, not a cell address."""
    name = _TABLE_NAME_BAD.sub("_", text.strip()) or "Table"
    if not (name[0].isalpha() or name[0] == "_") or _LOOKS_LIKE_CELL.match(name):
        name = "T_" + name
    return name


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
    if isinstance(value, str | dt.date | dt.time):
        return value
    return str(value)


class CellWriter:
    """Makes the styled cells of one column; one reusable cell per kind of value.

    Write-only mode serialises each row as it is appended, so a single cell
    object per (column, kind) can be refilled row after row: styling a fresh
    cell for each of 100,000 rows would cost more than writing them.
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


def _add_table(ws: Any, spec: SheetSpec, last_row: int) -> None:
    last = get_column_letter(len(spec.columns))
    # Write-only sheets cannot read the header back, so the column names are given here.
    names = [TableColumn(id=i, name=c.header) for i, c in enumerate(spec.columns, 1)]
    with warnings.catch_warnings():  # openpyxl warns in write-only mode even when columns are given
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(Table(displayName=spec.table_name, ref=f"A1:{last}{max(last_row, 2)}", tableColumns=names,
                           tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=True)))


def _add_validations(ws: Any, spec: SheetSpec) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, column in enumerate(spec.columns, 1):
        formula = spec.validations.get(column.header)
        if not formula:
            continue
        strict = column.header in spec.strict_lists
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, showDropDown=False,
            showErrorMessage=strict, errorStyle="stop" if strict else "information",
            errorTitle=column.header, error=f"Choose a {column.header.lower()} from the list.",
            promptTitle=column.header, prompt=column.note[:255], showInputMessage=False,
        )  # fmt: skip
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.data_validations.append(validation)


def _rank_colours(priority: str) -> tuple[PatternFill, Font]:
    rank = FIT_TIERS.index(priority[0]) + TIMING_TIERS.index(priority[1])
    return _GREEN if rank <= 1 else _AMBER if rank == 2 else _GREY


def _add_conditional_formats(ws: Any, spec: SheetSpec) -> None:
    headers = [c.header for c in spec.columns]
    rules: dict[str, list[tuple[str, tuple[PatternFill, Font]]]] = {}
    if spec.tiers:
        top, middle = spec.tiers[0], spec.tiers[1] if len(spec.tiers) > 1 else ""
        rules["icp_tier"] = [(top, _GREEN), (middle, _AMBER), (DISQUALIFIED, _RED)]
    priorities = [(cell, _rank_colours(cell)) for cell in PRIORITY_CELLS]
    rules["icp_priority"] = [*priorities, (DQ_PRIORITY, _RED)]
    for header, values in rules.items():
        if header not in headers:
            continue
        letter = get_column_letter(headers.index(header) + 1)
        for value, (fill, font) in values:
            if value:
                quoted = '"' + value.replace('"', '""') + '"'
                rule = CellIsRule(operator="equal", formula=[quoted], fill=fill, font=font)
                ws.conditional_formatting.add(f"{letter}2:{letter}{MAX_ROWS}", rule)


def new_workbook() -> Workbook:
    """A write-only workbook whose Normal style is Arial too, so empty cells and widths match."""
    wb = Workbook(write_only=True)
    wb._named_styles["Normal"].font = BODY_FONT  # no public setter for the Normal style
    return wb


def text_lines(value: Any, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide (an estimate)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * 1.1))  # 10-point Arial fits ~1.1 characters per unit
    return sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))


def setup_page(ws: Any, *, landscape: bool = True, title_rows: bool = True, pages_wide: int = 1) -> None:
    """Print ``pages_wide`` pages wide, as many pages tall as needed, header repeated on each page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        ws.print_title_rows = "1:1"


def protect(ws: Any) -> None:
    """Protect without a password (Review > Unprotect Sheet undoes it); widths stay adjustable."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


class XlsxBook:
    """A write-only workbook whose list tabs' rows are streamed into the file when it is saved.

    openpyxl spends about 15 µs on every cell it serialises; a 100,000-row scored
    list has two million cells. So openpyxl writes everything except the data
    rows (header, notes, tables, drop-downs, formats, styles), and the rows are
    written here as sheet XML, straight into the zip, with the style ids of the
    same :class:`CellWriter` cells openpyxl would have used.
    """

    def __init__(self) -> None:
        self.wb = new_workbook()
        self._pending: list[tuple[Any, _RowXml, Iterable[Sequence[Any]]]] = []

    def add_table_sheet(self, spec: SheetSpec, rows: Iterable[Sequence[Any]], n_rows: int) -> None:
        """A list tab: header in row 1 with notes; table, drop-downs and colours; rows at save."""
        ws = self.wb.create_sheet(spec.name)
        for index, column in enumerate(spec.columns, 1):
            # The column's own style is what Excel gives cells typed below the written rows.
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            dimension.font = BODY_FONT
            dimension.protection = LOCKED if column.result or column.locked else UNLOCKED
        ws.freeze_panes = "A2"
        if spec.tab_color:
            ws.sheet_properties.tabColor = spec.tab_color
        setup_page(ws, pages_wide=math.ceil(sum(c.width for c in spec.columns) / PAGE_WIDTH))
        if spec.protect:
            protect(ws)
        _add_validations(ws, spec)
        _add_conditional_formats(ws, spec)
        if _valid_table_headers(spec):
            _add_table(ws, spec, n_rows + 1)
        ws.append([header_cell(ws, column) for column in spec.columns])
        self._pending.append((ws, _RowXml(ws, spec), rows))

    def save(self, path: str | Path, *, fixed_time: dt.datetime | None = None) -> None:
        """Write the file; with ``fixed_time`` every timestamp is that time, so equal content
        gives equal bytes (openpyxl stamps the save time into docProps/core.xml and the zip)."""
        buffer = io.BytesIO()
        self.wb.save(buffer)
        parts = {ws.path.lstrip("/"): (rows_xml, rows) for ws, rows_xml, rows in self._pending}
        core = None
        if fixed_time is not None:
            self.wb.properties.created = self.wb.properties.modified = fixed_time
            core = tostring(self.wb.properties.to_tree())
        stamp = (fixed_time or dt.datetime.now()).timetuple()[:6]
        with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                data = source.read(info.filename)
                if info.filename in parts:
                    rows_xml, rows = parts[info.filename]
                    with target.open(entry, "w", force_zip64=True) as stream:
                        _splice_rows(stream, data, rows_xml, rows)
                else:
                    target.writestr(entry, core if core and info.filename == "docProps/core.xml" else data)


def _splice_rows(stream: Any, sheet: bytes, rows_xml: _RowXml, rows: Iterable[Sequence[Any]]) -> None:
    """Copy the header-only sheet XML with the data rows written before ``</sheetData>``."""
    head, tail = sheet.split(b"</sheetData>", 1)
    stream.write(head)
    chunk: list[str] = []
    for number, row in enumerate(rows, 2):
        chunk.append(rows_xml(number, row))
        if len(chunk) == 2000:
            stream.write("".join(chunk).encode())
            chunk.clear()
    stream.write("".join(chunk).encode())
    stream.write(b"</sheetData>" + tail)


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell


def clean_text(text: str) -> str:
    """Text a workbook can hold: no XML-illegal control characters, at most Excel's cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]


class _RowXml:
    """Sheet XML for one data row, with the styles of the tab's :class:`CellWriter` cells."""

    _KINDS = ("text", "quoted", "number", "date", "datetime", "other", "empty")

    def __init__(self, ws: Any, spec: SheetSpec) -> None:
        # Style ids are registered now, before openpyxl writes styles.xml.
        self._styles = [{kind: CellWriter(ws, column).style_id(kind) for kind in self._KINDS}
                        for column in spec.columns]
        self._letters = [get_column_letter(i) for i in range(1, len(spec.columns) + 1)]
        self._keep_empty = spec.protect
        self._wrapped = [(i, c.width) for i, c in enumerate(spec.columns) if c.wrap or c.left]

    def __call__(self, number: int, row: Sequence[Any]) -> str:
        # Neither Excel nor LibreOffice fits row heights on opening, so wrapped text gets room here.
        lines = min(max((text_lines(row[i], width) for i, width in self._wrapped), default=1), MAX_LINES)
        height = f' ht="{LINE_HEIGHT * lines + 2:g}" customHeight="1"' if lines > 1 else ""
        cells = "".join(self._cell(f"{letter}{number}", styles, raw)
                        for letter, styles, raw in zip(self._letters, self._styles, row, strict=True))
        return f'<row r="{number}"{height}>{cells}</row>'

    def _cell(self, ref: str, styles: dict[str, int], raw: Any) -> str:
        value = raw if type(raw) is str else cell_value(raw)  # most cells are text: skip the checks
        if value is None or value == "":
            return f'<c r="{ref}" s="{styles["empty"]}"/>' if self._keep_empty else ""
        if isinstance(value, str):  # always a string cell: never a formula
            text = clean_text(value).translate(_XML_ESCAPES)
            style = styles["quoted" if value.startswith(FORMULA_STARTS) else "text"]
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{styles["other"]}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}" s="{styles["number"]}"><v>{value!r}</v></c>'
        return f'<c r="{ref}" s="{styles[_kind(value)]}"><v>{_serial(value)!r}</v></c>'


def _serial(value: dt.date | dt.datetime) -> float | int:
    """Excel's day number (1900 date system) for a date or a date and time."""
    if isinstance(value, dt.datetime):
        delta = value - EXCEL_EPOCH
        return delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400e6
    return (value - EXCEL_EPOCH.date()).days


def _valid_table_headers(spec: SheetSpec) -> bool:
    """Excel refuses a table whose headers are blank or repeat (case-insensitively)."""
    keys = [c.header.strip().casefold() for c in spec.columns]
    return all(keys) and len(set(keys)) == len(keys)


def frame_rows(frame: pd.DataFrame) -> Iterable[Sequence[Any]]:
    """The frame's rows as Python sequences, without building one big list."""
    return frame.itertuples(index=False, name=None)


def data_column(header: str, frame: pd.DataFrame | None = None, note: str = "") -> ColumnSpec:
    """An input column sized to its header and first values (a sample keeps big frames fast)."""
    width = len(header) + 3
    if frame is not None and len(frame):
        sample = frame[header].head(200)
        lengths = [len(str(v)) for v in sample if cell_value(v) is not None]
        width = max(width, min(max(lengths, default=0) + 2, 40))
        if sample.map(lambda v: isinstance(v, dt.date)).any():
            width = max(width, 12)
    return ColumnSpec(header, note, float(min(width, 40)))


def write_scored_xlsx(path: str | Path, frame: pd.DataFrame, result_columns: Sequence[str],
                      sheet_name: str = "Accounts", settings: Settings | None = None) -> None:
    """Write a scored table: input columns as they came, result columns formatted.

    ``settings`` names the tiers for the colours (the defaults otherwise).
    """
    frame = frame.rename(columns=str)
    results = set(result_columns)
    columns = tuple(result_column(h) if h in results else data_column(h, frame)
                    for h in frame.columns)
    settings = settings or Settings.model_validate({})
    spec = SheetSpec(sheet_name, columns, table_name(sheet_name),
                     tiers=(settings.top_tier, settings.middle_tier))
    book = XlsxBook()
    book.add_table_sheet(spec, frame_rows(frame), len(frame))
    book.save(path)
