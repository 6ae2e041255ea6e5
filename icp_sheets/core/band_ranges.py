"""What each numeric band of a band set really covers: its own range less what the rows above take.

First match from the top counts, so `below 250` under `below 50` counts for 50–249: ``icp_why``
says so (``Employees 50–249``) and ``check`` says which rows take the rest, calling a band
unreachable only when the rows above (together) take all of it. Rows with an AND condition
take only part of their range, so they take nothing from the rows below.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from icp_sheets.core.conditions import Condition, Interval, Op, fmt_number
from icp_sheets.core.models import Criterion

Pieces = list[Interval]


def _minus(pieces: Pieces, taken: Interval) -> Pieces:
    """``pieces`` without the numbers of ``taken``: what lies below it and what lies above it."""
    t_low, t_low_open, t_high, t_high_open = taken
    out: Pieces = []
    for low, low_open, high, high_open in pieces:
        end = min((high, high_open), (t_low, not t_low_open), key=_end_key)
        if _nonempty(low, low_open, *end):
            out.append((low, low_open, *end))
        start = max((low, low_open), (t_high, not t_high_open), key=_start_key)
        if _nonempty(*start, high, high_open):
            out.append((*start, high, high_open))
    return out


def _start_key(start: tuple[float, bool]) -> tuple[float, int]:
    return start[0], 1 if start[1] else 0  # an open start lies just after its number


def _end_key(end: tuple[float, bool]) -> tuple[float, int]:
    return end[0], -1 if end[1] else 0  # an open end lies just before its number


def _nonempty(low: float, low_open: bool, high: float, high_open: bool) -> bool:
    return low < high or (low == high and not low_open and not high_open)


@lru_cache(maxsize=256)
def covered(bands: tuple[Criterion, ...]) -> tuple[Pieces | None, ...]:
    """Per band, the numbers it counts for (None for a band that is not a range)."""
    out: list[Pieces | None] = []
    taken: list[Interval] = []
    for band in bands:
        interval = band.condition.interval()
        if interval is None:
            out.append(None)
            continue
        pieces: Pieces = [interval]
        for earlier in taken:
            pieces = _minus(pieces, earlier)
        out.append(pieces)
        if band.and_condition is None:
            taken.append(interval)
    return tuple(out)


def shown(bands: Sequence[Criterion]) -> tuple[Condition, ...]:
    """Per band, the condition its why shows: the range it covers when that is one range and
    differs from its own, else its own condition."""
    out = []
    for band, pieces in zip(bands, covered(tuple(bands)), strict=True):
        own = band.condition
        if pieces is None or len(pieces) != 1 or pieces[0] == own.interval():
            out.append(own)
        else:
            out.append(as_condition(pieces[0]) or own)
    return tuple(out)


def as_condition(piece: Interval) -> Condition | None:
    """The range condition for ``piece``; whole-number ends read as counts (``below 250`` from 50 is
    50–249). None when no condition word says it."""
    low, low_open, high, high_open = piece
    if math.isinf(low) and math.isinf(high):
        return None
    if math.isinf(low):
        return Condition(op=Op.BELOW if high_open else Op.AT_MOST, low=high)
    if math.isinf(high):
        return Condition(op=Op.ABOVE if low_open else Op.AT_LEAST, low=low)
    whole = float(low).is_integer() and float(high).is_integer()
    if not whole and (low_open or high_open):
        return None
    start, end = low + (1 if low_open else 0), high - (1 if high_open else 0)
    return None if start > end else Condition(op=Op.BETWEEN, low=start, high=end)


def words(pieces: Pieces) -> str:
    """The numbers a band covers, as the why says a range: '50–249', 'below 50', '1,000+'."""
    return " and ".join(_piece_words(piece) for piece in pieces)


def _piece_words(piece: Interval) -> str:
    low, _, high, _ = piece
    condition = as_condition(piece)
    if condition is None:
        return f"{fmt_number(low)}–{fmt_number(high)}" if math.isfinite(low) else "any number"
    number = fmt_number(condition.low)
    return {
        Op.BELOW: f"below {number}",
        Op.AT_MOST: f"up to {number}",
        Op.ABOVE: f"above {number}",
        Op.AT_LEAST: f"{number}+",
    }.get(condition.op, number if condition.low == condition.high else f"{number}–{fmt_number(condition.high)}")
