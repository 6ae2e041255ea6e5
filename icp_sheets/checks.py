"""Warnings about a model that works but will mislead: gaps, overlaps, unreachable tiers, stale reviews.

These are what a reviewer of an ICP would point out. None of them stops
scoring; `icp-sheets check` prints them and exits 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence

import pandas as pd

from icp_sheets import layout
from icp_sheets.conditions import Op, fmt_number
from icp_sheets.models import Criterion, IcpModel
from icp_sheets.problems import Code, Problem, Severity
from icp_sheets.tables import find_column

MAX_COLUMNS = 8
STALE_DAYS = 90


def _warn(code: Code, message: str, tab: str | None = None, row: int | None = None,
          column: str | None = None) -> Problem:
    return Problem(code, message, tab, row, column, severity=Severity.WARNING)


def _interval_text(low: float, high: float) -> str:
    if math.isinf(low):
        return f"up to {fmt_number(high)}"
    if math.isinf(high):
        return f"{fmt_number(low)} and up"
    return f"{fmt_number(low)}–{fmt_number(high)}"


def _whole(x: float) -> bool:
    return math.isinf(x) or float(x).is_integer()


def band_problems(bands: Sequence[Criterion]) -> Iterator[Problem]:
    """Gaps, overlaps and shadowed rows among the numeric bands of one column."""
    ranged = [(c, c.condition.bounds()) for c in bands if c.condition.bounds() is not None]
    column = bands[0].column
    for i, (later, (low, high)) in enumerate(ranged):
        for earlier, (e_low, e_high) in ranged[:i]:
            if e_low <= low and high <= e_high:
                yield _warn(Code.UNREACHABLE_BAND, f"never counts: row {earlier.row} above already catches "
                            f"{_interval_text(low, high)}; remove it or move it up", layout.ICP, later.row, column)
                break
            if low <= e_high and e_low <= high:
                overlap = _interval_text(max(low, e_low), min(high, e_high))
                yield _warn(Code.BAND_OVERLAP, f"overlaps row {earlier.row} for {overlap}; only row {earlier.row} "
                            "counts there", layout.ICP, later.row, column)
    ordered = sorted((b for _, b in ranged), key=lambda b: b[0])
    reach = -math.inf
    for low, high in ordered:
        integer = _whole(reach) and _whole(low)
        if not math.isinf(reach) and (low - reach > (1 if integer else 0)):
            start = reach + 1 if integer else reach
            end = low - 1 if integer else low
            yield _warn(Code.BAND_GAP, f"no band scores {_interval_text(start, end)}; accounts there get nothing "
                        "from this column (add a band, even with 0 points, to say so)", layout.ICP,
                        None, column)
        reach = max(reach, high)
    other = [c for c in bands if c.condition.op is Op.ANY_OTHER]
    if other and other[0] is not bands[-1]:
        yield _warn(Code.UNREACHABLE_BAND, "'any other value' is not the last row for this column, so the rows "
                    "below it never count; move it to the bottom", layout.ICP, other[0].row, column)


def _best_points(bands: Sequence[Criterion]) -> float:
    best = -math.inf
    for c in bands:
        if c.condition.op is Op.PER_UNIT:
            best = max(best, c.condition.cap if c.condition.cap is not None else math.inf)
        else:
            best = max(best, c.points)
    if not any(c.condition.op is Op.ANY_OTHER for c in bands):
        best = max(best, 0.0)
    return best


def reach_problems(model: IcpModel) -> Iterator[Problem]:
    """Tiers that no account can reach with these points."""
    columns = model.scored_columns()
    best_fit = sum(_best_points([c for c in model.criteria if c.column == col]) for col in columns)
    best_timing = sum(max(s.points, 0.0) for s in model.signals)
    s = model.settings
    for name, best, need, what in (
        (s.top_tier, best_fit + best_timing, s.top_tier_at, "score"),
        (s.middle_tier, best_fit + best_timing, s.middle_tier_at, "score"),
        ("fit tier A", best_fit, s.fit_a_at, "fit"),
        ("timing tier 1", best_timing, s.timing_1_at, "timing"),
    ):
        if best < need:
            yield _warn(Code.UNREACHABLE_TIER, f"no account can reach {name}: it needs a {what} of "
                        f"{fmt_number(need)} but the best possible is {fmt_number(best)}; lower the threshold "
                        "or raise points", layout.SETTINGS)


def check_model(model: IcpModel, *, today: dt.date | None = None) -> list[Problem]:
    """Every warning about the model itself."""
    problems: list[Problem] = []
    for column in model.scored_columns():
        problems += band_problems([c for c in model.criteria if c.column == column])
    count = len(model.scored_columns())
    if count > MAX_COLUMNS:
        problems.append(_warn(Code.TOO_MANY_COLUMNS, f"scores {count} columns; focused ICPs use 4–7, and every "
                              "extra column dilutes the ones that matter", layout.ICP))
    reviewed = model.settings.last_reviewed
    today = today or dt.date.today()
    if reviewed is None:
        problems.append(_warn(Code.STALE_REVIEW, "has no 'Last reviewed' date; review the ICP with the team and "
                              "write the date", layout.SETTINGS, column="Last reviewed"))
    elif (today - reviewed).days > STALE_DAYS:
        problems.append(_warn(Code.STALE_REVIEW, f"the ICP was last reviewed {(today - reviewed).days} days ago; "
                              "review it with the team every quarter", layout.SETTINGS, column="Last reviewed"))
    problems += reach_problems(model)
    return problems


def account_problems(model: IcpModel, accounts: pd.DataFrame, tab: str | None) -> list[Problem]:
    """Columns the model reads that the accounts lack (scoring would refuse them)."""
    listed = ", ".join(f"'{c}'" for c in accounts.columns)
    return [
        _warn(Code.MISSING_COLUMN, f"the accounts have no column '{name}', which the model reads; add it or fix "
              f"the header (columns found: {listed})", tab, column=name)
        for name in model.required_columns() if find_column(accounts.columns, name) is None
    ]
