"""The Pipeline tab of a scored workbook: where the accounts are and what to do with them, on one page.

Rewritten whole each time icp-sheets scores the workbook (a tab of that name is replaced in
its place, new ones go last). Top to bottom: the fit × timing heat map of account counts
(a colour scale; each cell's action in its note), the cells with their priority, count and
action, accounts per tier and segment, accounts per priority with a native bar chart, and the
best accounts of each cell, each linked to its row on the scored accounts tab. The numbers
are :func:`icp_sheets.core.pipeline.pipeline`'s; this module only lays them out. It prints
landscape, one page wide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from copy import copy
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import find_tab
from icp_sheets.core.pipeline import DISQUALIFIED, SEGMENT, TOP_PER_CELL, Pipeline, pipeline
from icp_sheets.core.values import is_empty
from icp_sheets.io.xlsx_cell_style import BODY_FONT, BOLD_FONT, FONT_NAME, LINE_HEIGHT, WRAP_ALIGN, text_lines
from icp_sheets.io.xlsx_writer import name_column, setup_page

PIPELINE = "Pipeline"
TAB_COLOR = "7030A0"
LABEL_WIDTH = 26
NUMBER_WIDTH = 18  # wide enough for most linked company names (LibreOffice does not wrap links)
COLUMNS = 8  # A and seven numbers wide: up to 6 timing tiers and the total
_TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True, color="1F4E79")
_SECTION_FONT = Font(name=FONT_NAME, size=11, bold=True, color="FFFFFF")
_SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_LINK_FONT = Font(name=FONT_NAME, size=10, color="0563C1", underline="single")
_NONE_FONT = Font(name=FONT_NAME, size=10, italic=True, color="808080")
_CENTER = Alignment(horizontal="center", vertical="top")
_CHART_ROWS = 16  # rows the bar chart covers


class _Writer:
    """Cells written top to bottom; ``row`` is the next free row."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def put(self, column: int, value: Any, font: Font = BODY_FONT, fill: PatternFill | None = None) -> Any:
        cell = self.ws.cell(self.row, column, value)
        if isinstance(value, str):
            cell.data_type = "s"  # a company called '=1+1' stays text
        cell.font = font
        cell.alignment = _CENTER if isinstance(value, int | float) else WRAP_ALIGN
        if fill is not None:
            cell.fill = fill
        return cell

    def line(self, values: Sequence[Any], font: Font = BODY_FONT, fill: PatternFill | None = None) -> None:
        for column, value in enumerate(values, 1):
            cell = self.put(column, value, font, fill)
            if fill is _HEAD_FILL and column > 1:
                cell.alignment = _CENTER  # a header over centred numbers
        self.row += 1

    def wide(self, text: str, font: Font = BODY_FONT, fill: PatternFill | None = None, lines: int = 1) -> None:
        """A text across the whole tab width."""
        self.put(1, text, font, fill)
        for column in range(2, COLUMNS + 1):
            self.put(column, None, font, fill)
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=COLUMNS)
        if lines > 1:
            self.ws.row_dimensions[self.row].height = LINE_HEIGHT * lines + 2
        self.row += 1

    def section(self, title: str) -> None:
        self.row += 1
        self.wide(title, _SECTION_FONT, _SECTION_FILL)


def write_pipeline(
    wb: Workbook,
    model: IcpModel,
    results: pd.DataFrame,
    names: Sequence[str],
    rows: Sequence[int],
    accounts_tab: str,
    as_of: dt.date | None = None,
) -> Pipeline:
    """(Re)write the Pipeline tab of ``wb`` from ``results``; return the numbers it shows.

    ``names[p]`` and ``rows[p]`` are the company name and the sheet row on ``accounts_tab`` of
    the account at position ``p`` of ``results``.
    """
    numbers = pipeline(model, results)
    existing = find_tab(wb.sheetnames, PIPELINE)
    index = wb.sheetnames.index(existing) if existing else len(wb.sheetnames)
    if existing:
        del wb[existing]
    ws = wb.create_sheet(PIPELINE, index)
    ws.sheet_properties.tabColor = TAB_COLOR
    ws.column_dimensions["A"].width = LABEL_WIDTH
    for column in range(2, COLUMNS + 1):
        ws.column_dimensions[get_column_letter(column)].width = NUMBER_WIDTH
    out = _Writer(ws)
    out.line(["Pipeline", model.settings.model_name], _TITLE_FONT)
    ws.merge_cells(start_row=1, start_column=2, end_row=1, end_column=COLUMNS)
    out.wide(_summary(numbers, model, as_of), lines=2)
    _heat_map(out, numbers)
    _cells(out, numbers)
    _segments(out, numbers)
    _priorities(out, numbers)
    _best(out, numbers, results, names, rows, accounts_tab)
    setup_page(ws, landscape=True, title_rows=False, pages_wide=1)
    ws.print_options.horizontalCentered = True
    return numbers


def _summary(numbers: Pipeline, model: IcpModel, as_of: dt.date | None) -> str:
    day = as_of or model.settings.as_of
    parts = [
        f"{numbers.scored:,} accounts scored: {numbers.scored - numbers.disqualified:,} in play, "
        f"{numbers.disqualified:,} disqualified"
    ]
    if numbers.unscored:
        parts.append(f"{numbers.unscored:,} blank rows not scored")
    when = f" Signals as of {day.isoformat()}." if day else ""
    return "; ".join(parts) + f".{when} icp-sheets rewrites this tab each time it scores the workbook."


def _heat_map(out: _Writer, numbers: Pipeline) -> None:
    """Accounts per cell, fit tiers down and timing tiers across, coloured by count."""
    out.section(
        "Accounts per cell: fit tier down, timing tier across (darker: more accounts; a cell's note says what to do)"
    )
    out.line(["Fit \\ Timing", *numbers.timing, "All"], BOLD_FONT, _HEAD_FILL)
    first = out.row
    grid = numbers.grid()
    for i, fit in enumerate(numbers.fit):
        out.put(1, fit, BOLD_FONT, _HEAD_FILL)
        for j in range(len(numbers.timing)):
            cell = numbers.cells[i * len(numbers.timing) + j]
            made = out.put(j + 2, int(grid[i, j]))
            made.alignment = _CENTER
            made.comment = Comment(f"{cell.priority}: {cell.action or 'no action given'}", "icp-sheets")
        out.put(len(numbers.timing) + 2, int(grid[i].sum()), BOLD_FONT).alignment = _CENTER
        out.row += 1
    out.line(["All", *(int(n) for n in grid.sum(axis=0)), int(grid.sum())], BOLD_FONT)
    for cell in out.ws[out.row - 1][1:]:
        cell.alignment = _CENTER
    last = get_column_letter(len(numbers.timing) + 1)
    out.ws.conditional_formatting.add(
        f"B{first}:{last}{first + len(numbers.fit) - 1}",
        ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max", end_color="F4B183"),
    )
    out.line([DISQUALIFIED, numbers.disqualified], BOLD_FONT)
    out.ws.cell(out.row - 1, 2).alignment = _CENTER


def _cells(out: _Writer, numbers: Pipeline) -> None:
    out.section("What to do with each cell, best first")
    out.line(["Priority", "Fit", "Timing", "Accounts", "Action"], BOLD_FONT, _HEAD_FILL)
    _merge_action(out, out.row - 1)
    for cell in numbers.cells:
        out.line([cell.priority, cell.fit, cell.timing, cell.accounts, cell.action])
        _merge_action(out, out.row - 1, cell.action)
    out.line(["DQ", "", "", numbers.disqualified, numbers.dq_action])
    _merge_action(out, out.row - 1, numbers.dq_action)


def _merge_action(out: _Writer, row: int, text: str = "") -> None:
    """The action runs across the rest of the row, and the row grows to show it whole."""
    for column in range(6, COLUMNS + 1):
        out.ws.cell(row, column).fill = copy(out.ws.cell(row, 5).fill)
    out.ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=COLUMNS)
    lines = text_lines(text, NUMBER_WIDTH * (COLUMNS - 4))
    if lines > 1:
        out.ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2


def _segments(out: _Writer, numbers: Pipeline) -> None:
    if numbers.segmented:
        title = f"Accounts per tier and segment (the {SEGMENT} column)"
    else:
        title = f"Accounts per tier (no {SEGMENT} column in the results: one row for all accounts)"
    out.section(title)
    out.line(["Segment", *numbers.tiers, "All"], BOLD_FONT, _HEAD_FILL)
    for segment, counts in numbers.segments:
        out.line([segment, *counts, sum(counts)])


def _priorities(out: _Writer, numbers: Pipeline) -> None:
    """Accounts per priority, as a table and as a bar chart beside it, starting a printed page."""
    out.ws.row_breaks.append(Break(id=out.row))
    out.section("Accounts per priority")
    out.line(["Priority", "Accounts"], BOLD_FONT, _HEAD_FILL)
    first = out.row
    for name, count in numbers.priorities:
        out.line([name, count])
    chart = BarChart()
    chart.type = "col"
    chart.title = "Accounts per priority"
    chart.y_axis.title = "Accounts"
    chart.x_axis.title = "Priority"
    chart.legend = None
    chart.add_data(Reference(out.ws, min_col=2, min_row=first - 1, max_row=out.row - 1), titles_from_data=True)
    chart.set_categories(Reference(out.ws, min_col=1, min_row=first, max_row=out.row - 1))
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 15.5, 7.5  # centimetres: columns C to H, about 16 rows
    out.ws.add_chart(chart, f"C{first - 1}")
    out.row = max(out.row, first - 1 + _CHART_ROWS)


def _best(
    out: _Writer, numbers: Pipeline, results: pd.DataFrame, names: Sequence[str], rows: Sequence[int], tab: str
) -> None:
    """The best accounts of each cell by score, one row per cell, each name a link to its row."""
    out.section(f"The best {TOP_PER_CELL} accounts of each cell by score (click a name to go to its row on {tab})")
    out.line(["Priority", *(f"{n}." for n in range(1, TOP_PER_CELL + 1))], BOLD_FONT, _HEAD_FILL)
    for cell in numbers.cells:
        out.put(1, f"{cell.priority} (fit {cell.fit}, timing {cell.timing})", BOLD_FONT)
        texts = [names[p] for p in cell.best]
        if not texts:
            out.put(2, "no accounts", _NONE_FONT)
        for column, (position, text) in enumerate(zip(cell.best, texts, strict=True), 2):
            link = out.put(column, text, _LINK_FONT)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{tab}'!A{rows[position]}", display=text)
        lines = max((text_lines(t, NUMBER_WIDTH) for t in texts), default=1)
        if lines > 1:
            out.ws.row_dimensions[out.row].height = LINE_HEIGHT * lines + 2
        out.row += 1


def pipeline_rewrite(
    model: IcpModel, results: pd.DataFrame, names: Sequence[str], rows: Sequence[int], accounts_tab: str
) -> Callable[[Workbook], None]:
    """What writes the Pipeline tab into an opened workbook (for the workbook result filler)."""

    def rewrite(wb: Workbook) -> None:
        write_pipeline(wb, model, results, names, rows, accounts_tab)

    return rewrite


def landed_rows(sheet_rows: Sequence[int], order: Sequence[int] | None) -> list[int]:
    """The sheet row each account ends on: ranked, the account at ``order[k]`` lands on ``sheet_rows[k]``."""
    if order is None:
        return list(sheet_rows)
    landed = [0] * len(sheet_rows)
    for k, position in enumerate(order):
        landed[position] = sheet_rows[k]
    return landed


def account_names(frame: pd.DataFrame, rows: Sequence[int]) -> list[str]:
    """Each account's company name for the links, or 'Row N' where the name is blank or there is none."""
    column = name_column(frame.columns)
    values = frame.iloc[:, column - 1].tolist() if column else [None] * len(frame)
    return [f"Row {row}" if is_empty(v) else str(v) for v, row in zip(values, rows, strict=True)]
