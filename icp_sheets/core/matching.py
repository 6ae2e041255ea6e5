"""Conditions evaluated over a column's distinct values, with the words that explain them.

Every function here works on a :class:`~icp_sheets.core.distinct.ColumnValues` and
returns one entry per distinct value; the scorer spreads them over rows.
"""

from __future__ import annotations

import numpy as np

from icp_sheets.core.conditions import (
    BOOL_OPS,
    CONTAIN_OPS,
    EQUAL_OPS,
    NEGATED_OPS,
    NUMERIC_OPS,
    Condition,
    Op,
    fmt_number,
)
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.models import Criterion
from icp_sheets.core.values import norm_text, shown


def fmt_points(points: float) -> str:
    """Signed points as the why column shows them: +2, +0.5, −1 (a real minus sign)."""
    rounded = round(points, 2)
    text = fmt_number(abs(rounded)) if rounded else "0"
    return f"−{text}" if rounded < 0 else f"+{text}"


def matches(condition: Condition, values: ColumnValues) -> np.ndarray:
    """Which distinct values meet the condition (``any other value`` meets all)."""
    op = condition.op
    if op in NUMERIC_OPS:
        numbers = values.numbers
        with np.errstate(invalid="ignore"):
            if op is Op.PER_UNIT:
                return ~np.isnan(numbers)
            low, high = condition.bounds()  # type: ignore[misc]
            return (numbers >= low) & (numbers <= high)
    if op in EQUAL_OPS:
        wanted = {norm_text(item) for item in condition.items}
        hit = np.fromiter((t in wanted for t in values.text), dtype=bool, count=len(values))
        return ~hit & ~values.blank if op in NEGATED_OPS else hit
    if op in CONTAIN_OPS:
        wanted = {norm_text(item) for item in condition.items}
        hit = np.fromiter((not wanted.isdisjoint(s) for s in values.items), dtype=bool, count=len(values))
        return ~hit & ~values.blank if op in NEGATED_OPS else hit
    if op is Op.IS_BLANK:
        return values.blank.copy()
    if op is Op.NOT_BLANK:
        return ~values.blank
    if op in BOOL_OPS:
        return values.bools == (1 if op is Op.IS_TRUE else 0)
    return np.ones(len(values), dtype=bool)  # any other value


def _range_words(condition: Condition) -> str:
    low, high = fmt_number(condition.low), fmt_number(condition.high)
    return {
        Op.BETWEEN: f"{low}–{high}",
        Op.BELOW: f"below {low}",
        Op.ABOVE: f"above {low}",
        Op.AT_LEAST: f"{low}+",
        Op.AT_MOST: f"up to {low}",
    }[condition.op]


def label(criterion: Criterion, raw: object, number: float, points: float) -> str:
    """Why text for one criterion that counted for one distinct value."""
    op, column, sign = criterion.condition.op, criterion.column, fmt_points(points)
    if op is Op.PER_UNIT:
        return f"{sign} {column} {fmt_number(number)} × {fmt_number(criterion.points)}"
    if op in NUMERIC_OPS:
        return f"{sign} {column} {_range_words(criterion.condition)}"
    if op is Op.NOT_CONTAINS_ANY:
        return f"{sign} {column} without {'/'.join(criterion.condition.items)}"
    if op in NEGATED_OPS:
        return f"{sign} {shown(raw).strip()} (not {'/'.join(criterion.condition.items)})"
    if op in (Op.IS, Op.ONE_OF):
        return f"{sign} {shown(raw).strip()}"
    if op is Op.CONTAINS_ANY:
        present = {norm_text(item) for item in str(raw).replace(";", ",").replace("\n", ",").split(",")}
        hits = [item for item in criterion.condition.items if norm_text(item) in present]
        return f"{sign} {'/'.join(hits)}"
    if op is Op.ANY_OTHER:
        return (
            f"{sign} {column} other"
            if raw is None or str(raw).strip() == ""
            else f"{sign} {column} other ({shown(raw).strip()})"
        )
    words = {Op.IS_BLANK: "blank", Op.NOT_BLANK: "given", Op.IS_TRUE: "yes", Op.IS_FALSE: "no"}
    return f"{sign} {column} {words[op]}"


def band_points(criteria: list[Criterion], values: ColumnValues) -> tuple[np.ndarray, np.ndarray]:
    """Points per distinct value and the index of the band that counted (-1 for none).

    Bands are tried top to bottom; the first match counts and the rest are skipped.
    """
    points = np.zeros(len(values))
    band = np.full(len(values), -1, dtype=np.int32)
    for i, criterion in enumerate(criteria):
        hit = matches(criterion.condition, values) & (band < 0)
        if not hit.any():
            continue
        band[hit] = i
        if criterion.condition.op is Op.PER_UNIT:
            raw = values.numbers[hit] * criterion.points
            cap = criterion.condition.cap
            points[hit] = raw if cap is None else np.sign(raw) * np.minimum(np.abs(raw), cap)
        else:
            points[hit] = criterion.points
    return points, band


def unknown_reason(criteria: list[Criterion], values: ColumnValues, band: np.ndarray) -> list[str]:
    """For values no band caught: 'blank', "unreadable ('lots')", or '' when simply not in the ICP."""
    needs_number = any(c.condition.op in NUMERIC_OPS for c in criteria)
    needs_bool = any(c.condition.op in BOOL_OPS for c in criteria)
    reasons = []
    for i, raw in enumerate(values.raw):
        if band[i] >= 0:
            reasons.append("")
        elif values.blank[i]:
            reasons.append(
                "blank"
                if raw is None or str(raw).strip() == "" or _is_nan(raw)
                else f"unknown ('{shown(raw).strip()}')"
            )
        elif (needs_number and np.isnan(values.numbers[i])) or (needs_bool and values.bools[i] < 0):
            reasons.append(f"unreadable ('{shown(raw).strip()}')")
        else:
            reasons.append("")
    return reasons


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and value != value
