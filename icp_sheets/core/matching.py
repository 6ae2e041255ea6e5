"""Bands of one column evaluated over its distinct values, with the words that explain them.

What each condition means lives in its :class:`~icp_sheets.core.conditions.Kind`; here the
rows of one column become bands (first match from the top counts). Every function works on a
:class:`~icp_sheets.core.distinct.ColumnValues` and returns one entry per distinct value; the
scorer spreads them over rows.
"""

from __future__ import annotations

import numpy as np

from icp_sheets.core.conditions import Condition, Reads
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.models import Criterion
from icp_sheets.core.values import is_empty, shown


def label(criterion: Criterion, raw: object, number: float, shown: Condition | None = None) -> str:
    """Why text for one criterion that counted for one distinct value (the explainer adds the points);
    ``shown`` is the condition to say instead of the row's own (the range a band really covers)."""
    condition = shown or criterion.condition
    said = condition.kind.label(condition, criterion.column, raw, number, criterion.points)
    return f"{said}{and_words(criterion)}"


def and_words(criterion: Criterion) -> str:
    """' and Industry is Software' for a row with an AND condition, else nothing."""
    if criterion.and_condition is None:
        return ""
    return f" and {criterion.and_column} {criterion.and_condition.text()}"


def band_points(
    criteria: list[Criterion],
    values: ColumnValues,
    main: np.ndarray | None = None,
    also: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Points per entry and the index of the band that counted (-1 for none).

    Entries are the column's distinct values, or with ``main`` (each entry's distinct value)
    the distinct combinations with the columns of AND conditions; ``also`` says, per row of
    ``criteria``, which entries meet its AND condition. Bands are tried top to bottom; the
    first match counts and the rest are skipped.
    """
    size = len(values) if main is None else len(main)
    points = np.zeros(size)
    band = np.full(size, -1, dtype=np.int32)
    numbers_of = values.numbers if main is None or not reads(criteria, Reads.NUMBER) else values.numbers[main]
    for i, criterion in enumerate(criteria):
        condition = criterion.condition
        matched = condition.matches(values)
        hit = (matched if main is None else matched[main]) & (band < 0)
        if also is not None:
            hit &= also[i]
        if not hit.any():
            continue
        band[hit] = i
        numbers = numbers_of[hit] if condition.kind.reads is Reads.NUMBER else np.zeros(int(hit.sum()))
        points[hit] = condition.kind.points(condition, criterion.points, numbers)
    return points, band


def reads(criteria: list[Criterion], what: Reads) -> bool:
    return any(c.condition.kind.reads is what for c in criteria)


def unreadable(condition: Condition, values: ColumnValues) -> np.ndarray:
    """Which distinct values a condition cannot judge: blank, or not the number or yes/no it reads.

    'is blank', 'is not blank' and 'any other value' judge every cell.
    """
    reads = condition.kind.reads
    if reads in (Reads.BLANK, Reads.ANYTHING):
        return np.zeros(len(values), dtype=bool)
    unknown = values.blank.copy()
    if reads is Reads.NUMBER:
        unknown |= np.isnan(values.numbers)
    elif reads is Reads.BOOL:
        unknown |= values.bools < 0
    return unknown


def cell_words(raw: object, blank: bool) -> str:
    """How the why names a cell that could not be used: blank, unknown ('n/a') or unreadable ('lots')."""
    if not blank:
        return f"unreadable ('{shown(raw).strip()}')"
    return "blank" if is_empty(raw) else f"unknown ('{shown(raw).strip()}')"


def unknown_words(criteria: list[Criterion], values: ColumnValues) -> list[str]:
    """Per distinct value: 'blank', "unreadable ('lots')" when the bands cannot read it, else ''."""
    needs_number = reads(criteria, Reads.NUMBER)
    needs_bool = reads(criteria, Reads.BOOL)
    reasons = []
    for i, raw in enumerate(values.raw):
        if values.blank[i] or (needs_number and np.isnan(values.numbers[i])) or (needs_bool and values.bools[i] < 0):
            reasons.append(cell_words(raw, bool(values.blank[i])))
        else:
            reasons.append("")
    return reasons
