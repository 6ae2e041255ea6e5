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


def label(criterion: Criterion, raw: object, number: float) -> str:
    """Why text for one criterion that counted for one distinct value (the explainer adds the points)."""
    condition = criterion.condition
    return condition.kind.label(condition, criterion.column, raw, number, criterion.points)


def band_points(criteria: list[Criterion], values: ColumnValues) -> tuple[np.ndarray, np.ndarray]:
    """Points per distinct value and the index of the band that counted (-1 for none).

    Bands are tried top to bottom; the first match counts and the rest are skipped.
    """
    points = np.zeros(len(values))
    band = np.full(len(values), -1, dtype=np.int32)
    for i, criterion in enumerate(criteria):
        condition = criterion.condition
        hit = condition.matches(values) & (band < 0)
        if not hit.any():
            continue
        band[hit] = i
        numbers = values.numbers[hit] if condition.kind.reads is Reads.NUMBER else np.zeros(int(hit.sum()))
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


def unknown_reason(criteria: list[Criterion], values: ColumnValues, band: np.ndarray) -> list[str]:
    """For values no band caught: 'blank', "unreadable ('lots')", or '' when simply not in the ICP."""
    needs_number = reads(criteria, Reads.NUMBER)
    needs_bool = reads(criteria, Reads.BOOL)
    reasons = []
    for i, raw in enumerate(values.raw):
        if band[i] >= 0:
            reasons.append("")
        elif values.blank[i] or (needs_number and np.isnan(values.numbers[i])) or (needs_bool and values.bools[i] < 0):
            reasons.append(cell_words(raw, bool(values.blank[i])))
        else:
            reasons.append("")
    return reasons
