"""Writing formatted xlsx workbooks: one look for the template and for scored output.

Both the template and ``icp-sheets score -o out.xlsx`` go through
:class:`XlsxBook`, so results sit in the same columns with the same colours,
number formats, notes, tables and frozen headers wherever they come from.

This module is the workbook and sheet level: tabs, tables, drop-downs,
conditional colours, page set-up, and the data rows streamed into the zip.
How one cell looks and which value it holds is :mod:`icp_sheets.io.xlsx_cell_style`.
XlsxWriter's constant-memory mode was measured as the alternative (bench/compare_xlsxwriter.py):
about five times slower on 100,000 rows, so the rows stay hand-written XML.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.xml.functions import tostring

from icp_sheets.core.models import (
    Settings,
)
from icp_sheets.core.names import header_key
from icp_sheets.io.result_look import MAX_ROWS, add_colours, fitted_width, input_width
from icp_sheets.io.xlsx_cell_style import (
    BODY_FONT,
    LOCKED,
    UNLOCKED,
    CellWriter,
    ColumnSpec,
    RowXml,
    header_cell,
    result_column,
)

# The in-place result filler takes its cells from here too.
__all__ = [
    "CellWriter",
    "SheetSpec",
    "XlsxBook",
    "data_column",
    "frame_rows",
    "header_cell",
    "new_workbook",
    "protect",
    "result_column",
    "setup_page",
    "table_name",
    "write_scored_xlsx",
]

_TABLE_NAME_BAD = re.compile(r"[^A-Za-z0-9_]")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*([RrCc]\d*)?)$")
PAGE_WIDTH = 180  # column-width units printed across one landscape page (about 85% scale)
ZIP64_CELLS = 5_000_000  # below this a sheet stays under 2 GiB even at ~400 bytes of XML per cell


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
    frozen_columns: int = 0  # columns kept in view and printed on every page (up to the Company column)
    locked_rows: frozenset[int] = frozenset()  # sheet rows whose every cell is locked (computed, not input)


def table_name(text: str) -> str:
    """A valid Excel table name for ``text``: letters, digits, underscores, not a cell address."""
    name = _TABLE_NAME_BAD.sub("_", text.strip()) or "Table"
    if not (name[0].isalpha() or name[0] == "_") or _LOOKS_LIKE_CELL.match(name):
        name = "T_" + name
    return name


def _add_table(ws: Any, spec: SheetSpec, last_row: int) -> None:
    last = get_column_letter(len(spec.columns))
    # Write-only sheets cannot read the header back, so the column names are given here.
    names = [TableColumn(id=i, name=c.header) for i, c in enumerate(spec.columns, 1)]
    with warnings.catch_warnings():  # openpyxl warns in write-only mode even when columns are given
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(
            Table(
                displayName=spec.table_name,
                ref=f"A1:{last}{max(last_row, 2)}",
                tableColumns=names,
                tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=True),
            )
        )


def _add_validations(ws: Any, spec: SheetSpec) -> None:
    """Drop-downs over whole columns, so rows people add get them too."""
    for index, column in enumerate(spec.columns, 1):
        formula = spec.validations.get(column.header)
        if not formula:
            continue
        strict = column.header in spec.strict_lists
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, showDropDown=False,
            showErrorMessage=strict, errorStyle="stop" if strict else "information",
            errorTitle=column.header, error=f"Choose a {column.header.lower()} from the list.",
        )  # fmt: skip
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.data_validations.append(validation)


def new_workbook() -> Workbook:
    """A write-only workbook whose Normal style is Arial too, so empty cells and widths match."""
    wb = Workbook(write_only=True)
    wb._named_styles["Normal"].font = BODY_FONT  # no public setter for the Normal style
    return wb


def setup_page(ws: Any, *, landscape: bool = True, title_rows: bool = True, pages_wide: int = 1) -> None:
    """Print ``pages_wide`` pages wide, as many pages tall as needed, header repeated on each page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        ws.print_title_rows = "1:1"


NAME_HEADERS = ("company", "company name", "account", "account name", "organization", "name")
PERSON_HEADERS = ("name", "full name", "contact name", "contact")


def name_column(headers: Sequence[object], *, people: bool = False) -> int:
    """1-based column of the company's name (Company, Account name …), 0 when there is none:
    the column a reader needs beside every row, on screen and on paper. For a list of ``people``
    (contacts) the person's name comes first, else the company's."""
    keys = [header_key(h) for h in headers]
    names = (*PERSON_HEADERS, *NAME_HEADERS) if people else NAME_HEADERS
    return next((keys.index(name) + 1 for name in names if name in keys), 0)


def freeze_and_title(ws: Any, name: int) -> None:
    """Keep the header row and the columns up to the company's name in view and on every printed page."""
    ws.freeze_panes = f"{get_column_letter(name + 1)}2"
    if name:
        ws.print_title_cols = f"A:{get_column_letter(name)}"


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
        self._pending: list[tuple[Any, RowXml, Iterable[Sequence[Any]], bool]] = []

    def add_table_sheet(self, spec: SheetSpec, rows: Iterable[Sequence[Any]], n_rows: int) -> None:
        """A list tab: header in row 1 with notes; table, drop-downs and colours; rows at save."""
        ws = self.wb.create_sheet(spec.name)
        for index, column in enumerate(spec.columns, 1):
            # The column's own style is what Excel gives cells typed below the written rows.
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            dimension.font = BODY_FONT
            dimension.protection = LOCKED if column.result or column.locked else UNLOCKED
        if spec.tab_color:
            ws.sheet_properties.tabColor = spec.tab_color
        setup_page(ws, pages_wide=math.ceil(sum(c.width for c in spec.columns) / PAGE_WIDTH))
        freeze_and_title(ws, spec.frozen_columns)
        if spec.protect:
            protect(ws)
        _add_validations(ws, spec)
        add_colours(ws, {c.header: i for i, c in enumerate(spec.columns, 1)}, spec.tiers)
        if _valid_table_headers(spec):
            _add_table(ws, spec, n_rows + 1)
        ws.append([header_cell(ws, column) for column in spec.columns])
        # Zip64 only when the sheet may pass 2 GiB: some Excel versions reject needless Zip64 headers.
        huge = n_rows * len(spec.columns) > ZIP64_CELLS
        rows_xml = RowXml(ws, spec.columns, keep_empty=spec.protect, locked_rows=spec.locked_rows)
        self._pending.append((ws, rows_xml, rows, huge))

    def save(self, path: str | Path, *, fixed_time: dt.datetime | None = None) -> None:
        """Write the file; with ``fixed_time`` every timestamp is that time, so equal content
        gives equal bytes (openpyxl stamps the save time into docProps/core.xml and the zip)."""
        buffer = io.BytesIO()
        self.wb.save(buffer)
        parts = {ws.path.lstrip("/"): (rows_xml, rows, huge) for ws, rows_xml, rows, huge in self._pending}
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
                    rows_xml, rows, huge = parts[info.filename]
                    with target.open(entry, "w", force_zip64=huge) as stream:
                        _splice_rows(stream, data, rows_xml, rows)
                else:
                    target.writestr(entry, core if core and info.filename == "docProps/core.xml" else data)


def _splice_rows(stream: Any, sheet: bytes, rows_xml: RowXml, rows: Iterable[Sequence[Any]]) -> None:
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


def _valid_table_headers(spec: SheetSpec) -> bool:
    """Excel refuses a table whose headers are blank or repeat (case-insensitively)."""
    keys = [c.header.strip().casefold() for c in spec.columns]
    return all(keys) and len(set(keys)) == len(keys)


def frame_rows(frame: pd.DataFrame) -> Iterable[Sequence[Any]]:
    """The frame's rows as tuples of Python values.

    Each column becomes one object array first: iterating pandas' Arrow-backed
    string columns value by value is several times slower.
    """
    return zip(*(frame.iloc[:, i].to_numpy(dtype=object) for i in range(frame.shape[1])), strict=True)


def data_column(header: str, values: pd.Series, note: str = "") -> ColumnSpec:
    """An input column sized to its header and first values (a sample keeps big frames fast)."""
    return ColumnSpec(header, note, input_width(header, values.head(200).tolist()))


def _fitted(spec: ColumnSpec, values: pd.Series) -> ColumnSpec:
    """A result column as wide as its header and values need, within limits (a sample keeps big frames fast)."""
    return replace(spec, width=fitted_width(spec.header, values.head(2000).tolist()))


def write_scored_xlsx(
    path: str | Path,
    frame: pd.DataFrame,
    result_columns: Sequence[str],
    sheet_name: str = "Accounts",
    settings: Settings | None = None,
    more: tuple[str, pd.DataFrame, Sequence[str]] | None = None,
) -> None:
    """Write a scored table: input columns as they came, result columns formatted.

    ``settings`` names the tiers for the colours (the defaults otherwise); ``more`` is a second
    tab (name, frame, result columns), e.g. the contacts scored with the accounts.
    """
    settings = settings or Settings.model_validate({})
    tiers = (settings.top_tier, settings.middle_tier)
    book = XlsxBook()
    for name, table, results in [(sheet_name, frame, result_columns), *([more] if more else [])]:
        _scored_sheet(book, name, table, results, tiers)
    book.save(path)


def _scored_sheet(
    book: XlsxBook, name: str, frame: pd.DataFrame, result_columns: Sequence[str], tiers: Sequence[str]
) -> None:
    frame = frame.rename(columns=str)
    results = set(result_columns)
    columns = tuple(
        _fitted(result_column(h), frame.iloc[:, i]) if h in results else data_column(h, frame.iloc[:, i])
        for i, h in enumerate(frame.columns)
    )
    people = "icp_persona" in frame.columns and "icp_fit" not in frame.columns  # the contacts of --contacts
    frozen = name_column(frame.columns, people=people)
    spec = SheetSpec(name, columns, table_name(name), tiers=tiers, frozen_columns=frozen)
    book.add_table_sheet(spec, frame_rows(frame), len(frame))
