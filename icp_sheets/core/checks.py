"""Warnings about a model that works but will mislead: gaps, overlaps, unreachable tiers, stale reviews.

These are what a reviewer of an ICP would point out. None of them stops
scoring; `icp-sheets check` prints them and exits 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence

from icp_sheets.core import band_ranges, names, reach
from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.models import Criterion, Disqualifier, IcpModel, Scale
from icp_sheets.core.names import header_key
from icp_sheets.core.problems import Code, Problem, Severity
from icp_sheets.core.text_checks import text_band_problems

MAX_COLUMNS = 8
STALE_DAYS = 90


def _warn(
    code: Code, message: str, tab: str | None = None, row: int | None = None, column: str | None = None
) -> Problem:
    return Problem(code, message, tab, row, column, severity=Severity.WARNING)


def _interval_text(low: float, high: float) -> str:
    if math.isinf(low):
        return f"up to {fmt_number(high)}"
    if math.isinf(high):
        return f"{fmt_number(low)} and up"
    return fmt_number(low) if low == high else f"{fmt_number(low)}–{fmt_number(high)}"


def _gap(high: float, high_open: bool, low: float, low_open: bool) -> tuple[float, float] | None:
    """Numbers between the end of one band and the start of the next, if any.

    Counts such as employees are whole numbers, so 200 → 201 is no gap when both
    ends are whole and included.
    """
    if low < high or (low == high and not (high_open and low_open)):
        return None
    whole = float(high).is_integer() and float(low).is_integer()
    start = high + 1 if whole and not high_open else high
    end = low - 1 if whole and not low_open else low
    return None if start > end else (start, end)


def _overlap(a: tuple[float, bool, float, bool], b: tuple[float, bool, float, bool]) -> bool:
    start, start_open = max((a[0], a[1]), (b[0], b[1]))
    end, end_open = min((a[2], not a[3]), (b[2], not b[3]))
    return start < end or (start == end and not start_open and end_open)


def band_problems(bands: Sequence[Criterion], disqualifiers: Sequence[Disqualifier] = ()) -> Iterator[Problem]:
    """Gaps, overlaps and shadowed rows among the numeric bands of one column.

    A range the Anti-ICP disqualifies (e.g. above 1,000 employees) needs no band,
    so it closes gaps like a band does.
    """
    ranged = [(c, iv) for c in bands if (iv := c.condition.interval()) is not None]
    column = bands[0].column
    taken: list[tuple[Criterion, tuple[float, bool, float, bool]]] = []
    for band, pieces in zip(bands, band_ranges.covered(tuple(bands)), strict=True):
        interval = band.condition.interval()
        if pieces is None or interval is None:
            continue
        low, _, high, _ = interval
        over = [e for e, e_interval in taken if _overlap(interval, e_interval)]
        rows = ", ".join(str(e.row) for e in over)
        if not pieces:
            caught = f"row {rows} above already catches" if len(over) == 1 else f"rows {rows} above already catch"
            yield _warn(
                Code.UNREACHABLE_BAND,
                f"never counts: {caught} {_interval_text(low, high)}; remove it or move it up",
                names.ICP,
                band.row,
                column,
            )
        elif over:  # first match counts: a band partly caught above is how bands are written
            yield Problem(
                Code.BAND_OVERLAP,
                f"counts only for {column} {band_ranges.words(pieces)}; the {'row' if len(over) == 1 else 'rows'} "
                f"above ({rows}) take the rest of {_interval_text(low, high)}",
                names.ICP,
                band.row,
                column,
                severity=Severity.INFO,
            )
        if band.and_condition is None:
            taken.append((band, interval))
    covered = [iv for _, iv in ranged] + [iv for d in disqualifiers if (iv := d.condition.interval()) is not None]
    ordered = sorted(covered, key=lambda iv: (iv[0], iv[1]))
    reach: tuple[float, bool] | None = None
    for low, low_open, high, high_open in ordered:
        if reach is not None:
            gap = _gap(reach[0], reach[1], low, low_open)
            if gap is not None:
                yield _warn(
                    Code.BAND_GAP,
                    f"no band scores {_interval_text(*gap)}; accounts there get nothing "
                    "from this column (add a band, even with 0 points, to say so)",
                    names.ICP,
                    None,
                    column,
                )
        if reach is None or high > reach[0] or (high == reach[0] and not high_open):
            reach = (high, high_open)
    yield from text_band_problems(bands, disqualifiers)
    other = [c for c in bands if c.condition.kind.catch_all]
    if other and other[0] is not bands[-1]:
        yield _warn(
            Code.UNREACHABLE_BAND,
            "'any other value' is not the last row for this column, so the rows "
            "below it never count; move it to the bottom",
            names.ICP,
            other[0].row,
            column,
        )


def reach_problems(model: IcpModel) -> Iterator[Problem]:
    """Tiers that no account can reach with these points."""
    s = model.settings
    best_fit, best_timing = reach.best_fit(model), reach.best_timing(model)
    best_score = best_fit + best_timing
    if s.scale is Scale.PERCENT:  # 0–100: the best account is 100 by definition
        best_fit, best_timing, best_score = (
            reach.PERCENT if b > 0 else 0.0 for b in (best_fit, best_timing, best_score)
        )
    graded = model.grading()
    tab = names.GRADES if model.grades.tiers else names.SETTINGS
    for name, best, need, what, where in (
        (s.top_tier, best_score, s.top_tier_at, "score", names.SETTINGS),
        (s.middle_tier, best_score, s.middle_tier_at, "score", names.SETTINGS),
        (f"fit tier {graded.fit[0]}", best_fit, graded.fit_at[0], "fit", tab),
        (f"timing tier {graded.timing[0]}", best_timing, graded.timing_at[0], "timing", tab),
    ):
        if best < need:
            yield _warn(
                Code.UNREACHABLE_TIER,
                f"no account can reach {name}: it needs a {what} of "
                f"{fmt_number(need)} but the best possible is {fmt_number(best)}; lower the threshold "
                "or raise points",
                where,
            )


def check_model(model: IcpModel, *, today: dt.date | None = None) -> list[Problem]:
    """Every warning about the model itself."""
    problems: list[Problem] = []
    for bands in model.band_sets():
        column = bands[0].column
        problems += band_problems(list(bands), [d for d in model.disqualifiers if d.column == column])
    count = len(model.scored_columns())
    if count > MAX_COLUMNS:
        problems.append(
            _warn(
                Code.TOO_MANY_COLUMNS,
                f"scores {count} columns; focused ICPs use 4–7, and every extra column dilutes the ones that matter",
                names.ICP,
            )
        )
    reviewed = model.settings.last_reviewed
    today = today or dt.date.today()
    if reviewed is None:
        problems.append(
            _warn(
                Code.STALE_REVIEW,
                "has no 'Last reviewed' date; review the ICP with the team and write the date",
                names.SETTINGS,
                column="Last reviewed",
            )
        )
    elif (today - reviewed).days > STALE_DAYS:
        problems.append(
            _warn(
                Code.STALE_REVIEW,
                f"the ICP was last reviewed {(today - reviewed).days} days ago; review it with the team every quarter",
                names.SETTINGS,
                column="Last reviewed",
            )
        )
    problems += reach_problems(model)
    problems += signal_problems(model)
    problems += duplicate_problems(model)
    problems += action_problems(model)
    return problems


def signal_problems(model: IcpModel) -> Iterator[Problem]:
    """Decay floors that lift a signal above its own points: the floor is in points, not a share."""
    for signal in model.signals:
        floor = signal.decay.floor
        if floor is not None and signal.points >= 0 and floor > signal.points:
            yield _warn(
                Code.FLOOR_ABOVE_POINTS,
                f"'{signal.name}' has a decay floor of {fmt_number(floor)} points, above its own "
                f"{fmt_number(signal.points)}, so it scores {fmt_number(floor)} all through its window; "
                f"the floor is in points: make it at most {fmt_number(signal.points)}",
                names.SIGNALS,
                signal.row,
                "Decay",
            )


def duplicate_problems(model: IcpModel) -> Iterator[Problem]:
    """Rows typed twice: a copied ICP row never counts (the first wins), a copied signal counts twice."""
    rows: list[tuple[str, tuple[object, ...], int | None, str]] = [
        (names.ICP, (header_key(c.column), c.condition.text()), c.row, f"'{c.column} {c.condition.text()}'")
        for c in model.criteria
    ]
    rows += [
        (
            names.SIGNALS,
            (header_key(s.date_column), s.points, s.window_days, s.decay.text()),
            s.row,
            f"the signal on '{s.date_column}'",
        )
        for s in model.signals
    ]
    seen: dict[tuple[str, tuple[object, ...]], int | None] = {}
    for tab, key, row, what in rows:
        if (tab, key) in seen:
            first = seen[(tab, key)]
            yield _warn(
                Code.DUPLICATE_ROW,
                f"repeats {f'row {first}' if first else 'an earlier row'} ({what}); delete one of the two",
                tab,
                row,
            )
        else:
            seen[(tab, key)] = row


def action_problems(model: IcpModel) -> Iterator[Problem]:
    """Priority cells a rep would land on with no next step written."""
    graded = model.grading()
    blank = list(dict.fromkeys(p for p, a in zip(graded.priorities, graded.actions, strict=True) if not a.strip()))
    if blank and (model.grades.cells or model.grades.tiers):  # Settings has Action rows for A1…C3 only
        yield _warn(
            Code.MISSING_ACTION,
            f"no action for priority {', '.join(blank)}; reps with such an account see no next step: "
            "write one in the Action column of the Matrix tab",
            names.MATRIX,
            column="Action",
        )
    elif blank:
        yield _warn(
            Code.MISSING_ACTION,
            f"no action for priority {', '.join(blank)}; reps with such an account see no next step: "
            f"write one in the 'Action {blank[0]}' row and the others",
            names.SETTINGS,
            column=", ".join(f"Action {cell}" for cell in blank),
        )
