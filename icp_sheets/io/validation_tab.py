"""The Validation tab: the tables, a native bar chart, the lists to review, and the run history.

Only this tab is replaced; the rest of the workbook is edited in place with
openpyxl, so the ICP, the accounts and everything else a person typed stays as it
was. The run history at the top is read back before the tab is rewritten, which is
how a run can say that top-tier conversion dropped since the last one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from copy import copy
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icp_sheets.core.models import DISQUALIFIED
from icp_sheets.core.values import FORMULA_STARTS, parse_date, parse_number
from icp_sheets.evidence.validate import GROUP_COLUMNS, RunFigures, ValidationReport
from icp_sheets.io.workbook_edit import open_workbook
from icp_sheets.io.xlsx_cell_style import (
    BODY_FONT,
    BOLD_FONT,
    HEADER_FONT,
    LINE_HEIGHT,
    MAX_LINES,
    RESULT_HEADER_FILL,
    cell_value,
    text_lines,
)
from icp_sheets.io.xlsx_writer import setup_page

TAB = "Validation"
HISTORY = "Run history"
HISTORY_HEADERS = ("Run on", "Model version", "Outcomes", "Base rate", "Top-tier conversion", "Top/bottom ratio")
LIST_LIMIT = 1000
_FORMATS = {"Conversion": "0.0%", "Lift": "0.00", "Base rate": "0.0%", "Top-tier conversion": "0.0%",
            "Top/bottom ratio": "0.0", "Score": "0.0#", "Run on": "yyyy-mm-dd"}  # fmt: skip
_WIDTHS = (22, 24, 10, 12, 14, 18)  # at least; widened to the longest header or value, up to _MAX_WIDTH
_MAX_WIDTH = 30
# The page is columns A to N: the tables on the left, the chart beside them (G to N), and each
# list's Why merged across E to N and wrapped, so nothing runs off the printed page.
_LAST_COLUMN = 14
_CHART_WIDTHS = 9.0


def read_history(book: Workbook) -> list[RunFigures]:
    """Earlier runs' figures from the Validation tab (oldest first); empty when there is none."""
    if TAB not in book.sheetnames:
        return []
    ws = book[TAB]
    start = next((c.row for c in ws["A"] if c.value == HISTORY), None)
    if start is None:
        return []
    runs = []
    for row in ws.iter_rows(min_row=start + 2, max_col=len(HISTORY_HEADERS), values_only=True):
        if row[0] is None:
            break
        try:
            day = parse_date(row[0])
        except ValueError:
            continue
        if day is None:
            continue
        numbers = [parse_number(v) for v in row[2:]]
        ratio = math.inf if row[5] == "∞" else numbers[3]
        runs.append(RunFigures(day, str(row[1] or ""), int(numbers[0] or 0), numbers[1] or 0.0, numbers[2], ratio))
    return runs


def write_validation(book: Workbook, report: ValidationReport, history: Sequence[RunFigures]) -> Worksheet:
    """Replace the Validation tab with this run (and ``history`` plus this run as the run history)."""
    position = book.sheetnames.index(TAB) if TAB in book.sheetnames else len(book.sheetnames)
    if TAB in book.sheetnames:
        del book[TAB]
    ws = book.create_sheet(TAB, position)
    setup_page(ws, title_rows=False)
    writer = _Writer(ws)
    f = report.figures
    writer.line(f"Validation · {report.model_name} v{f.model_version} · {f.run_on.isoformat()}", BOLD_FONT)
    for text in [*report.lines()[:1], *report.notes, report.verdict(), *(f"Warning: {w}" for w in report.warnings)]:
        writer.line(text)
    writer.skip()
    tier_header, tier_last = writer.table("Conversion by tier", report.by_tier)
    _chart(ws, tier_header, tier_last)
    writer.table(HISTORY, pd.DataFrame([_history_row(r) for r in [*history, f]], columns=list(HISTORY_HEADERS)))
    writer.table("Conversion by priority cell", report.by_priority)
    writer.table("Conversion by score band", report.by_band)
    for title, rows in (
        (f"{report.top_tier} accounts that lost", report.pursue_lost),
        (f"{DISQUALIFIED} accounts that won", report.dq_won),
    ):
        shown = rows.head(LIST_LIMIT)
        if len(rows) > len(shown):
            title += f" (first {len(shown):,} of {len(rows):,})"
        writer.table(title, shown, wide_last=True)
    writer.fit_widths()
    ws.print_area = f"A1:{get_column_letter(_LAST_COLUMN)}{max(writer.row - 2, 1)}"
    return ws


def _history_row(run: RunFigures) -> list[Any]:
    ratio: Any = "∞" if run.ratio is not None and math.isinf(run.ratio) else run.ratio
    return [run.run_on, run.model_version, run.outcomes, run.base_rate, run.top_conversion, ratio]


def _chart(ws: Worksheet, header_row: int, last_row: int) -> None:
    """A native column chart of conversion by tier, beside its table."""
    chart = BarChart()
    chart.type = "col"
    chart.title = "Conversion by tier"
    chart.y_axis.title = "Conversion"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.delete = False  # openpyxl leaves axes unset, which newer Excel shows as hidden
    chart.x_axis.delete = False
    chart.legend = None
    conversion = 1 + GROUP_COLUMNS.index("Conversion")
    chart.add_data(Reference(ws, min_col=conversion, min_row=header_row, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    chart.height, chart.width = 7, 12
    ws.add_chart(chart, f"G{max(header_row - 1, 1)}")


class _Writer:
    """Writes lines and titled tables down the tab, one after another.

    Each (font, fill, number format, quote prefix) look is styled once and copied to
    the next cells: assigning styles cell by cell costs more than the values.
    """

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1
        self._looks: dict[tuple[int, int, str | None, bool, bool, bool], Any] = {}
        self._lengths: dict[int, int] = {}  # per table column, its longest header or value

    def skip(self) -> None:
        self.row += 1

    def line(self, text: str, font: Any = BODY_FONT) -> None:
        self._put(self.row, 1, text, font)
        self.row += 1

    def table(self, title: str, frame: pd.DataFrame, *, wide_last: bool = False) -> tuple[int, int]:
        """Title, header and rows; returns the header row and the last row, then leaves a gap.
        With ``wide_last`` the last column (a list's Why) spans to the page's last column, wrapped."""
        self.line(title, BOLD_FONT)
        header = self.row
        width = len(frame.columns)
        for col, name in enumerate(frame.columns, 1):
            self._put(header, col, str(name), HEADER_FONT, RESULT_HEADER_FILL)
        if wide_last and width:
            self._spread(header)
        formats = [_FORMATS.get(str(name)) for name in frame.columns]
        for offset, values in enumerate(frame.itertuples(index=False, name=None), 1):
            for col, (fmt, value) in enumerate(zip(formats, values, strict=True), 1):
                wrapped = wide_last and col == width
                self._put(header + offset, col, value, number_format=fmt, wrap=wrapped)
                if wrapped:
                    self._spread(header + offset, value)
        for col, name in enumerate(frame.columns, 1):
            if not (wide_last and col == width):
                shown = [len(str(name)), *(len(_shown(v)) for v in frame.iloc[:, col - 1].tolist())]
                self._lengths[col] = max(self._lengths.get(col, 0), *shown)
        last = header + len(frame)
        self.row = last + 2
        return header, last

    def _spread(self, row: int, value: Any = None) -> None:
        """The cell in column E merged to the page's last column; the row as tall as its wrapped text."""
        self.ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=_LAST_COLUMN)
        lines = min(text_lines(cell_value(value), _spread_width()), MAX_LINES)
        if lines > 1:
            self.ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2

    def fit_widths(self) -> None:
        """Table columns as wide as their longest header or value (within limits), chart columns even."""
        for col in range(1, _LAST_COLUMN + 1):
            least = _WIDTHS[col - 1] if col <= len(_WIDTHS) else _CHART_WIDTHS
            wanted = self._lengths.get(col, 0) + 2 if col <= len(_WIDTHS) else 0
            self.ws.column_dimensions[get_column_letter(col)].width = float(min(max(least, wanted), _MAX_WIDTH))

    def _put(
        self,
        row: int,
        col: int,
        value: Any,
        font: Any = BODY_FONT,
        fill: Any = None,
        number_format: str | None = None,
        *,
        wrap: bool = False,
    ) -> None:
        """One cell; text stays text (never a formula), NaN stays empty."""
        cell = self.ws.cell(row=row, column=col)
        value = cell_value(value)
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        cell.value = value
        quoted = isinstance(value, str) and value.startswith(FORMULA_STARTS)
        if isinstance(value, str):
            cell.data_type = "s"
        text = isinstance(value, str) and fill is None and font is BODY_FONT
        key = (id(font), id(fill), number_format, quoted, wrap, text)
        look = self._looks.get(key)
        if look is None:
            cell.font = font
            # Text after a right-aligned number is indented, so '2 pursue 00025' reads as two cells.
            cell.alignment = Alignment(
                horizontal="left" if text else None, vertical="top", wrap_text=wrap or None, indent=1 if text else 0
            )
            if fill is not None:
                cell.fill = fill
            if number_format:
                cell.number_format = number_format
            cell.quotePrefix = quoted
            self._looks[key] = copy(cell._style)
        else:
            cell._style = copy(look)


def _shown(value: Any) -> str:
    """About what a cell shows: numbers with their formats' few decimals, text as it is."""
    value = cell_value(value)
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else str(value)


def _spread_width() -> float:
    """Width of a list's Why: column E to the page's last column."""
    return _WIDTHS[4] + _WIDTHS[5] + _CHART_WIDTHS * (_LAST_COLUMN - len(_WIDTHS))


def save_validation(source: Path, target: Path, report_for: Any) -> ValidationReport:
    """Open ``source``, validate with its run history, write the tab and save to ``target``.

    ``report_for(previous)`` makes the report given the last run's figures (or None).
    """
    book = open_workbook(source)
    history = read_history(book)
    report: ValidationReport = report_for(history[-1] if history else None)
    write_validation(book, report, history)
    book.save(target)
    return report
