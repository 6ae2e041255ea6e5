"""Timing points of one Signals row for every account, with the words icp_why shows.

A signal reads a date column (one date, or several in one cell: each is an event), a
days-ago column, a count (points per unit, optionally capped) or the Events log; a
'Counts when' gate on another column can switch it off per account. Everything is
vectorised: distinct cells are read once (:class:`ColumnValues`), ages become points
through a table of the distinct ages, and several events per account go through
:mod:`icp_sheets.core.events`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from icp_sheets.core import events
from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.explain import Explainer
from icp_sheets.core.matching import cell_words
from icp_sheets.core.models import Signal, SignalReads


def score_signal(
    signal: Signal,
    values_of: Callable[[str], ColumnValues],
    as_of: float | np.ndarray,
    explain: Explainer,
    log: events.EventLog | None = None,
) -> np.ndarray:
    """Points per row for one signal; its reasons go to ``explain``."""
    gate: np.ndarray | None = None  # every row counts
    if signal.counts_when is not None:
        gate_values = values_of(signal.counts_when.column)
        gate = gate_values.per_row(signal.counts_when.condition.matches(gate_values))
    if signal.reads is SignalReads.EVENT:
        if log is None:
            raise events.missing_log(signal)
        owner, day = log.of(signal.date_column)
        return events.score(signal, owner, _ages(as_of, owner, day), gate, explain)
    values = values_of(signal.date_column)
    if signal.reads is SignalReads.PER_UNIT:
        return _per_unit(signal, values, gate, explain)
    if signal.reads is SignalReads.DAYS_AGO:
        age = values.per_row(values.numbers)
        unreadable = values.per_row(np.isnan(values.numbers) & ~values.blank)
        return _aged(signal, age, values, unreadable, gate, explain)
    several = events.several_dates(values)
    event = values.per_row(values.day_numbers)
    with np.errstate(invalid="ignore"):
        age = as_of - event
    unreadable = values.per_row(values.date_unreadable & ~several.has)
    points = _aged(signal, age, values, unreadable, gate, explain)
    if several.has.any():
        rows = np.flatnonzero(values.per_row(several.has))
        owner, day = several.events(values.codes, rows)
        points += events.score(signal, owner, _ages(as_of, owner, day), gate, explain)
    return points


def _ages(as_of: float | np.ndarray, owner: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Each event's age in days on its account's as-of day."""
    with np.errstate(invalid="ignore"):
        return np.asarray((as_of[owner] if isinstance(as_of, np.ndarray) else as_of) - day)


def _per_unit(signal: Signal, values: ColumnValues, gate: np.ndarray | None, explain: Explainer) -> np.ndarray:
    """A count: points per unit, capped (and the cap is also the most a negative count takes away)."""
    numbers = values.numbers
    raw = numbers * signal.points
    per_value = raw if signal.cap is None else np.sign(raw) * np.minimum(np.abs(raw), signal.cap)
    per_value = np.where(np.isnan(per_value), 0.0, per_value)
    rate = fmt_number(signal.points)
    labels = [
        f"{signal.date_column} {cell_words(raw_value, False)}"
        if np.isnan(number) and not blank
        else ""
        if np.isnan(number) or number == 0
        else f"{signal.name} {fmt_number(number)} × {rate}"
        for raw_value, number, blank in zip(values.raw, numbers, values.blank, strict=True)
    ]
    worth = np.where(np.isnan(numbers), np.nan, per_value)
    if gate is None:
        explain.add(values.codes, labels, worth, timing=True)
        return values.per_row(per_value)
    explain.add(np.where(gate, values.codes, len(labels)), [*labels, ""], [*worth, np.nan], timing=True)
    return np.where(gate, values.per_row(per_value), 0.0)


def _aged(
    signal: Signal,
    age: np.ndarray,
    values: ColumnValues,
    unreadable: np.ndarray,
    gate: np.ndarray | None,
    explain: Explainer,
) -> np.ndarray:
    """One event per row at ``age`` days (NaN: none): points by age, held at the floor, nothing
    outside the window; an event after the as-of day is ignored with a word, unless counted."""
    window = np.inf if signal.window_days is None else signal.window_days
    with np.errstate(invalid="ignore"):
        ahead = np.zeros(len(age), dtype=bool) if signal.count_ahead else age < 0
        inside = (age <= window) if signal.count_ahead else (age >= 0) & (age <= window)
    if gate is not None:
        ahead &= gate
        inside &= gate
        unreadable = unreadable & gate
    whole_days = signal.reads is SignalReads.DATE or bool(np.all(np.mod(age[inside], 1) == 0))
    if signal.window_days is not None and not signal.count_ahead and whole_days:
        table = _points_by_age(signal)
        age_codes = np.where(inside, age, 0).astype(np.int64)
        points = np.where(inside, table[age_codes], 0.0)
        ages = np.arange(len(table), dtype=np.float64)
    else:
        ages, inverse = np.unique(age[inside], return_inverse=True)
        table = np.array([signal.points_after(float(a)) for a in ages])
        age_codes = np.zeros(len(age), dtype=np.int64)
        age_codes[inside] = inverse
        points = np.zeros(len(age))
        points[inside] = table[inverse]
    # Label codes: one per age; then no event, ignored ahead, and one per unreadable value.
    none_code = len(ages)
    codes = np.where(inside, age_codes, none_code)
    codes[ahead] = none_code + 1
    if unreadable.any():
        codes = np.where(unreadable, none_code + 2 + values.codes, codes)
    present = np.flatnonzero(np.bincount(codes, minlength=none_code + 2 + len(values)))
    remap = np.zeros(none_code + 2 + len(values), dtype=np.int64)
    remap[present] = np.arange(len(present))
    labels, worth = [], []
    for code in present.tolist():
        if code < none_code:
            labels.append(f"{signal.name} {age_words(float(ages[code]))}")
            worth.append(float(table[code]))
        elif code == none_code + 1:
            labels.append(f"{signal.name} {events.AHEAD}")
            worth.append(np.nan)
        else:
            labels.append(
                ""
                if code == none_code
                else f"{signal.date_column} {cell_words(values.raw[code - none_code - 2], False)}"
            )
            worth.append(np.nan)
    kept = [code == none_code + 1 for code in present.tolist()]
    explain.add(remap[codes], labels, worth, timing=True, kept=kept)
    return points


@lru_cache(maxsize=256)
def _points_by_age(signal: Signal) -> np.ndarray:
    """Points on each day of a finite window (index = age in days); signals are immutable, so cached."""
    assert signal.window_days is not None
    return np.array([signal.points_after(d) for d in range(signal.window_days + 1)])


def age_words(days: float) -> str:
    """'today', '1 day ago', '12 days ago', 'in 10 days' (an event counted before it happens)."""
    count = f"{int(abs(days))}" if float(days).is_integer() else fmt_number(abs(days))
    if days < 0:
        return "in 1 day" if days == -1 else f"in {count} days"
    return "today" if days == 0 else "1 day ago" if days == 1 else f"{count} days ago"
