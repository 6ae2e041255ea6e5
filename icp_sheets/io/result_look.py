"""How the result columns look wherever they land: found by header, styled, and only they.

A scored workbook's result columns (``icp_score`` … ``icp_data_gaps``) may sit where the
template put them, after a pasted 25-column export, or anywhere a user moved them. They
are found by their header; each gets its number format (written with the cells), a width
fitted to what it holds within limits, wrapped text for the long ones, and the tier and
priority colours. Columns that are not results keep what the user gave them; only the
look the template had given result columns (green header, pale fill, note) is taken
off a column that a paste has made an input column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icp_sheets.core.models import DISQUALIFIED, DQ_PRIORITY, FIT_TIERS, PRIORITY_CELLS, TIMING_TIERS
from icp_sheets.io.xlsx_cell_style import (
    FONT_NAME,
    FONT_SIZE,
    HEADER_FONT,
    INPUT_HEADER_FILL,
    LINE_HEIGHT,
    MAX_LINES,
    RESULT_FILL,
    RESULT_HEADER_FILL,
    RESULT_NOTES_ALL,
    RESULT_WIDTHS,
    UNLOCKED,
    WRAPPED_RESULTS,
    cell_value,
    text_lines,
)

MAX_ROWS = 1_048_576
MIN_WIDTH = 8.0
MAX_WIDTH = 24.0  # a short result (tier, priority, score) never needs more
_SAMPLE = 2_000  # rows looked at to fit a width: enough for any real spread of lengths


# Light fills with dark text of the same hue: readable in print and for colour-blind readers
# because the text itself (tier name, A1…C3) carries the meaning.
def _colours(fill: str, text: str) -> tuple[PatternFill, Font]:
    return PatternFill("solid", fgColor=fill), Font(name=FONT_NAME, size=FONT_SIZE, color=text)


GREEN = _colours("C6EFCE", "006100")
AMBER = _colours("FFEB9C", "9C5700")
GREY = _colours("E7E6E6", "3A3838")
RED = _colours("FFC7CE", "9C0006")
_OUR_FILLS = frozenset(str(fill.fgColor.rgb)[-6:] for fill, _ in (GREEN, AMBER, GREY, RED))


def _rank_colours(priority: str) -> tuple[PatternFill, Font]:
    rank = FIT_TIERS.index(priority[0]) + TIMING_TIERS.index(priority[1])
    return GREEN if rank <= 1 else AMBER if rank == 2 else GREY


def colour_rules(tiers: Sequence[str]) -> dict[str, list[tuple[str, tuple[PatternFill, Font]]]]:
    """The value → colours of the tier and priority columns (``tiers``: best first)."""
    rules: dict[str, list[tuple[str, tuple[PatternFill, Font]]]] = {}
    if tiers:
        top, middle = tiers[0], tiers[1] if len(tiers) > 1 else ""
        rules["icp_tier"] = [(v, c) for v, c in ((top, GREEN), (middle, AMBER), (DISQUALIFIED, RED)) if v]
    rules["icp_priority"] = [*((cell, _rank_colours(cell)) for cell in PRIORITY_CELLS), (DQ_PRIORITY, RED)]
    return rules


def add_colours(ws: Any, columns: Mapping[str, int], tiers: Sequence[str]) -> None:
    """Colour the tier and priority columns (header → 1-based column) by value, whole column down."""
    for header, values in colour_rules(tiers).items():
        if header not in columns:
            continue
        letter = get_column_letter(columns[header])
        for value, (fill, font) in values:
            quoted = '"' + value.replace('"', '""') + '"'
            rule = CellIsRule(operator="equal", formula=[quoted], fill=fill, font=font)
            ws.conditional_formatting.add(f"{letter}2:{letter}{MAX_ROWS}", rule)


def fitted_width(header: str, values: Iterable[Any]) -> float:
    """A result column's width: its header and its longest values, within limits (the long,
    wrapped texts up to their usual width, so a why wraps instead of running off the page)."""
    lengths = [len(str(v)) for v in values if cell_value(v) not in (None, "")]
    wanted = max(len(header) + 3, max(lengths, default=0) + 2)
    limit = RESULT_WIDTHS.get(header, MAX_WIDTH) if header in WRAPPED_RESULTS else MAX_WIDTH
    return float(min(max(wanted, MIN_WIDTH), max(limit, MIN_WIDTH)))


def style_results(ws: Worksheet, columns: Mapping[str, int], rows: Sequence[int], tiers: Sequence[str]) -> None:
    """Result columns (header → 1-based column) of an edited tab: widths fitted, wrapped rows
    tall enough, colours moved to where tier and priority are; other columns lose only the
    result look a template gave them."""
    results = set(columns.values())
    for index in range(1, ws.max_column + 1):
        if index not in results:
            _drop_result_look(ws, index)
    for header, index in columns.items():
        letter = get_column_letter(index)
        sample = [ws.cell(row, index).value for row in rows[:_SAMPLE]]
        ws.column_dimensions[letter].width = fitted_width(header, sample)
    _fit_heights(ws, columns, rows)
    _replace_colours(ws, columns, tiers)


def _drop_result_look(ws: Worksheet, index: int) -> None:
    """Take the template's result look off a column that no longer holds a result."""
    header = ws.cell(1, index)
    if _is(header.fill, RESULT_HEADER_FILL):
        header.fill, header.font = INPUT_HEADER_FILL, HEADER_FONT
    if header.comment is not None and header.comment.text in _NOTES:
        header.comment = None
    letter = get_column_letter(index)
    dimension = ws.column_dimensions.get(letter)
    if dimension is not None and (dimension.protection is None or dimension.protection.locked):
        dimension.protection = UNLOCKED
    for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
        if _is(cell.fill, RESULT_FILL):
            cell.fill = PatternFill(fill_type=None)
            cell.protection = UNLOCKED


_NOTES = frozenset(RESULT_NOTES_ALL.values())


def _is(fill: Any, ours: PatternFill) -> bool:
    return bool(fill is not None and fill.fill_type == "solid" and str(fill.fgColor.rgb)[-6:] == ours.fgColor.rgb[-6:])


def _fit_heights(ws: Worksheet, columns: Mapping[str, int], rows: Sequence[int]) -> None:
    """Rows tall enough for their wrapped results (Excel and LibreOffice do not fit on opening);
    a row the user made taller stays so."""
    wrapped = [
        (index, ws.column_dimensions[get_column_letter(index)].width)
        for header, index in columns.items()
        if header in WRAPPED_RESULTS
    ]
    if not wrapped:
        return
    for row in rows:
        lines = min(max(text_lines(ws.cell(row, i).value, w) for i, w in wrapped), MAX_LINES)
        height = LINE_HEIGHT * lines + 2 if lines > 1 else None
        dimension = ws.row_dimensions[row]
        if height is not None and (dimension.height is None or dimension.height < height):
            dimension.height = height


def _replace_colours(ws: Worksheet, columns: Mapping[str, int], tiers: Sequence[str]) -> None:
    """Drop the tier and priority colours a template put on whatever columns, then add them
    on the columns that hold tier and priority now; the user's own rules stay."""
    kept = ConditionalFormattingList()
    for formatting in ws.conditional_formatting:
        for rule in formatting.rules:
            if not _our_rule(rule):
                kept.add(str(formatting.sqref), rule)
    ws.conditional_formatting = kept
    add_colours(ws, columns, tiers)


def _our_rule(rule: Any) -> bool:
    fill = getattr(getattr(rule, "dxf", None), "fill", None)
    if rule.type != "cellIs" or rule.operator != "equal" or fill is None or fill.fgColor is None:
        return False
    return str(fill.fgColor.rgb)[-6:] in _OUR_FILLS
