"""The Start here tab: a generated block on top, the user's own notes below it, kept.

The block (:func:`icp_sheets.io.start_words.block`) fills columns A:B from row 1 down to
its last row, 'Your notes'. Each time icp-sheets writes a workbook it rewrites the block
from the workbook's own model and file name; everything else on the tab is the user's and
is kept: rows below the block move down (or up) with it, cells right of it stay where they
are, and the block never shrinks over a cell someone typed.

Protection: the sheet is protected without a password, and only the block is locked. In
openpyxl terms every column's default style is unlocked (the ``<col>`` elements, so cells
nobody has typed in yet are editable too), each block row's default style is locked (the
``<row s=…>`` elements, so the block's empty cells are too), and the block's cells carry a
locked style. Excel and LibreOffice then let people type anywhere below the block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import ACCOUNTS, CONTACTS, DATA_TABS, INPUT_ROW, MODEL_TABS, START, find_tab, header_key
from icp_sheets.io.start_words import NOTES_LABEL, NOTES_TEXT, Kind, Line, LiveSteps, Place, block
from icp_sheets.io.xlsx_cell_style import BODY_FONT, FONT_NAME, FONT_SIZE, LINE_HEIGHT, LOCKED, UNLOCKED, WRAP_ALIGN
from icp_sheets.io.xlsx_cell_style import text_lines as lines_of
from icp_sheets.io.xlsx_writer import protect, setup_page

START_TAB_COLOR = "C55A11"
WIDTHS = (28, 92)  # columns A and B
LAST_COLUMN = 16_384  # Excel's XFD
_TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True, color="1F4E79")
_SECTION_FONT = Font(name=FONT_NAME, size=12, bold=True, color="FFFFFF")
_SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
_SECTION_TEXT_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, color="FFFFFF")  # wraps as body text does
_LABEL_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_CODE_FONT = Font(name="Courier New", size=FONT_SIZE)
_LIST_RANGE = re.compile(r"^'?(?P<tab>[^'!]+)'?!\$A\$(?P<first>\d+):\$A\$(?P<last>\d+)$")


def _looks(line: Line) -> tuple[Font, Font, PatternFill | None]:
    """(label font, text font, fill) of a line."""
    if line.kind is Kind.TITLE:
        return _TITLE_FONT, _TITLE_FONT, None
    if line.kind is Kind.SECTION:
        return _SECTION_FONT, _SECTION_TEXT_FONT, _SECTION_FILL
    if line.kind is Kind.CHOICE:
        return BODY_FONT, BODY_FONT, None
    return _LABEL_FONT, _CODE_FONT if line.kind is Kind.CODE else BODY_FONT, None


def _cells(ws: Any, line: Line) -> list[Cell]:
    label_font, text_font, fill = _looks(line)
    out = []
    for value, font in ((line.label, label_font), (line.text, text_font)):
        cell = Cell(ws, row=1, column=1, value=value)
        cell.data_type = "s"  # text stays text, whatever it starts with
        cell.font, cell.alignment, cell.protection = font, WRAP_ALIGN, LOCKED
        if fill is not None:
            cell.fill = fill
        out.append(cell)
    return out


def _height(line: Line) -> float | None:
    lines = max(lines_of(line.label, WIDTHS[0]), lines_of(line.text, WIDTHS[1]))
    return LINE_HEIGHT * lines + 2 if lines > 1 else None


def choice_ranges(lines: Sequence[Line], title: str = START) -> dict[str, str]:
    """Each drop-down header's list range on the tab ``title`` (the block starts in row 1)."""
    rows: dict[str, list[int]] = {}
    for row, line in enumerate(lines, 1):
        if line.kind is Kind.CHOICE:
            rows.setdefault(line.choices_of, []).append(row)
    return {header: f"'{title}'!$A${min(r)}:$A${max(r)}" for header, r in rows.items()}


def _set_up(ws: Any, block_rows: int) -> None:
    """Widths, colour, page, protection: the block locked, every other cell editable."""
    for letter, width in zip("AB", WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
        ws.column_dimensions[letter].protection = UNLOCKED
    rest = ws.column_dimensions["C"]
    rest.min, rest.max = 3, LAST_COLUMN  # one <col> for C:XFD
    rest.protection = UNLOCKED
    for row in range(1, block_rows + 1):
        # Locked is the default protection, so the row style also aligns to the top: a style
        # equal to the default would not be written (no <row s=…>).
        dimension = ws.row_dimensions[row]
        dimension.protection, dimension.alignment = LOCKED, WRAP_ALIGN
    ws.sheet_properties.tabColor = START_TAB_COLOR
    setup_page(ws, landscape=False, title_rows=False)
    protect(ws)


def write_start(wb: Workbook, model: IcpModel, place: Place, live: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Write the tab into a new (write-only) workbook; return each drop-down's list range."""
    ws = wb.create_sheet(START)
    lines = block(model, place, live)
    _set_up(ws, len(lines))
    for row, line in enumerate(lines, 1):
        height = _height(line)
        if height:
            ws.row_dimensions[row].height = height
        ws.append(_cells(ws, line))
    return choice_ranges(lines)


def block_end(ws: Worksheet) -> int:
    """The last row of the block icp-sheets wrote on ``ws``; 0 when it wrote none.

    A tab an older icp-sheets wrote (protected, 'Start here' in A1, no 'Your notes' row) was all
    generated: nobody could type in it. Any other tab without the row is all the user's.
    """
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 1).value == NOTES_LABEL and ws.cell(row, 2).value == NOTES_TEXT:
            return row
    return ws.max_row if ws.cell(1, 1).value == START and ws.protection.sheet else 0


def rewrite_start(wb: Workbook, model: IcpModel, place: Place, live: Sequence[tuple[str, str]]) -> None:
    """Write the block into an opened workbook's Start here tab (made first when missing),
    keeping every cell the user wrote, and point the drop-downs at the block's new lists."""
    name = find_tab(wb.sheetnames, START)
    ws = wb[name] if name else wb.create_sheet(START, 0)
    lines = block(model, place, live)
    old_end = block_end(ws)
    lists = _old_lists(wb, ws, old_end)
    while len(lines) < old_end and _typed_beside(ws, len(lines) + 1, old_end):
        lines.insert(-1, Line("", kind=Kind.BLANK))  # never move the notes over a typed cell
    _clear_block(ws, old_end)
    _shift_below(ws, old_end, len(lines) - old_end)
    for row, line in enumerate(lines, 1):
        ws.row_dimensions[row].height = _height(line)
        for column, made in enumerate(_cells(ws, line), 1):
            cell = ws.cell(row, column)
            cell.value, cell.data_type, cell._style = made.value, made.data_type, copy(made._style)
    _set_up(ws, len(lines))
    _repoint_lists(wb, lists, choice_ranges(lines, ws.title))


def start_here_rewrite(model: IcpModel, place: Place, steps: LiveSteps | None = None) -> Callable[[Workbook], None]:
    """What rewrites an opened workbook's Start here (see :func:`rewrite_start`); ``steps`` gives
    the live formulas for the workbook's own tables."""

    def rewrite(wb: Workbook) -> None:
        live = () if steps is None else steps(_tables(wb), _headers(wb, ACCOUNTS), _headers(wb, CONTACTS))
        rewrite_start(wb, model, place, live)

    return rewrite


def _tables(wb: Workbook) -> dict[str, str]:
    """Each workbook tab's Excel table that starts at A1 (canonical tab name -> table name)."""
    found = {ws.title: t.displayName for ws in wb.worksheets for t in ws.tables.values() if t.ref.startswith("A1:")}
    return {tab: found[actual] for tab in (*MODEL_TABS, *DATA_TABS) if (actual := find_tab(found, tab))}


def _headers(wb: Workbook, tab: str) -> list[str]:
    """The header row of ``tab`` (any spelling of its name) without the ranked copy's input row
    column, which no formula reads; none when the tab is missing."""
    name = find_tab(wb.sheetnames, tab)
    if name is None:
        return []
    return [str(c.value) for c in wb[name][1] if c.value is not None and header_key(c.value) != INPUT_ROW]


def _typed_beside(ws: Worksheet, first: int, last: int) -> bool:
    """Whether any cell right of the block in rows ``first``..``last`` holds a value."""
    return any(cell.value is not None for row in ws.iter_rows(min_row=first, max_row=last, min_col=3) for cell in row)


def _clear_block(ws: Worksheet, end: int) -> None:
    """Remove the old block's cells (A:B of rows 1..end): values, styles, links, notes, merges."""
    for row in range(1, end + 1):
        for column in (1, 2):
            ws._cells.pop((row, column), None)  # openpyxl has no public 'delete cell'
        ws.row_dimensions[row].height = None
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row <= end and merged.min_col <= 2:
            ws.merged_cells.remove(merged)


def _shift_below(ws: Worksheet, end: int, shift: int) -> None:
    """Move every row below ``end`` by ``shift`` rows, with its heights and merged ranges."""
    last = ws.max_row
    if not shift or last <= end:
        return
    heights = {r: ws.row_dimensions[r].height for r in range(end + 1, last + 1)}
    ws.move_range(f"A{end + 1}:{get_column_letter(ws.max_column)}{last}", rows=shift)
    for row in heights:
        ws.row_dimensions[row].height = None
    for row, height in heights.items():
        ws.row_dimensions[row + shift].height = height
    for merged in ws.merged_cells.ranges:
        if merged.min_row > end:
            merged.shift(0, shift)


def _old_lists(wb: Workbook, ws: Worksheet, end: int) -> dict[str, str]:
    """Each drop-down formula that lists words of the old block, with the header above its words."""
    found: dict[str, str] = {}
    for sheet in wb.worksheets:
        for validation in sheet.data_validations.dataValidation:
            match = _LIST_RANGE.match(validation.formula1 or "")
            if match and match["tab"] == ws.title and int(match["last"]) <= end:
                header = ws.cell(int(match["first"]) - 1, 1).value
                if header is not None:
                    found[validation.formula1] = str(header)
    return found


def _repoint_lists(wb: Workbook, old: dict[str, str], new: dict[str, str]) -> None:
    for sheet in wb.worksheets:
        for validation in sheet.data_validations.dataValidation:
            header = old.get(validation.formula1 or "")
            if header in new:
                validation.formula1 = new[header]
