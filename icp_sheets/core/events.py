"""Several events per account: dates listed in one cell, and the Events log.

An event is (account row, day). Ages become points through the distinct ages (a log of
millions of events holds a few thousand), per account totals come from one bincount, and
'Max events' / 'At least' rank each account's events from the most recent with one sort,
only when a signal asks for it. The Events log is a table of account key, event name,
date and an optional Value (how many times it happened that day, blank = once), matched
to the accounts by the key column it names (e.g. Domain), as headers are matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.distinct import ColumnValues, factorize
from icp_sheets.core.explain import Explainer
from icp_sheets.core.models import Signal
from icp_sheets.core.names import header_key
from icp_sheets.core.problems import Code, IcpError, Problem, Severity
from icp_sheets.core.values import DateError, category_key, norm_text, parse_date, shown

EVENTS = "Events"
EVENT, DATE, VALUE = "Event", "Date", "Value"
AHEAD = "ignored: dated after the as-of day"
_SEVERAL = re.compile(r"[;\n\r]+")


@dataclass(frozen=True)
class SeveralDates:
    """The distinct cells of a date column that list several dates, and those dates."""

    has: np.ndarray  # per distinct value
    days: list[np.ndarray]  # per distinct value: its day numbers (empty unless ``has``)

    def events(self, codes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, day) of every date listed in the cells of ``rows``."""
        lengths = np.array([len(d) for d in self.days], dtype=np.int64)
        flat = np.concatenate([*self.days, np.zeros(0)])
        offsets = np.cumsum(lengths) - lengths
        counts = lengths[codes[rows]]
        owner = np.repeat(rows, counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return owner, flat[np.repeat(offsets[codes[rows]], counts) + within]


def several_dates(values: ColumnValues) -> SeveralDates:
    """Cells that are no single date but a list of dates ('2026-02-28; 2026-02-16'): each one counts."""
    has = np.zeros(len(values), dtype=bool)
    days: list[np.ndarray] = [np.zeros(0)] * len(values)
    for i in np.flatnonzero(values.date_unreadable).tolist():
        found = _dates(values.raw[i])
        if found is not None:
            has[i], days[i] = True, found
    return SeveralDates(has, days)


def _dates(raw: object) -> np.ndarray | None:
    if not isinstance(raw, str):
        return None
    pieces = [p for p in _SEVERAL.split(raw) if p.strip()]
    if len(pieces) < 2:
        pieces = [p for p in raw.split(",") if p.strip()]
    if len(pieces) < 2:
        return None
    found = []
    for piece in pieces:
        try:
            day = parse_date(piece)
        except DateError:
            return None
        if day is None:
            return None
        found.append(day.toordinal() - 719163)  # days since 1970-01-01
    return np.array(found, dtype=np.float64)


def score(
    signal: Signal, owner: np.ndarray, age: np.ndarray, gate: np.ndarray | None, explain: Explainer
) -> np.ndarray:
    """Points per row from events at ``age`` days owned by rows ``owner``; the why says how many
    counted, the latest, and how many were ignored for being dated after the as-of day."""
    n = explain.rows
    window = np.inf if signal.window_days is None else signal.window_days
    with np.errstate(invalid="ignore"):
        valid = ~np.isnan(age) if gate is None else ~np.isnan(age) & gate[owner]
        ahead = valid & (age < 0) & (not signal.count_ahead)
        inside = valid & ~ahead & (age <= window)
    o, a = owner[inside], age[inside]
    ages, inverse = np.unique(a, return_inverse=True)
    points = np.array([signal.points_after(float(x)) for x in ages])[inverse] if len(a) else np.zeros(0)
    found = np.bincount(o, minlength=n)
    if signal.max_events is not None or signal.at_least is not None:
        keep = _kept(signal, o, a)
        o, a, points = o[keep], a[keep], points[keep]
    total = np.bincount(o, weights=points, minlength=n)
    latest = np.full(n, np.inf)
    np.minimum.at(latest, o, a)
    _explain(signal, total, found, latest, explain)
    ignored = np.bincount(owner[ahead], minlength=n)
    codes, counts = factorize(ignored)
    said = [_ignored(signal, int(k)) for k in counts]
    explain.add(codes, said, [np.nan] * len(said), timing=True, kept=[bool(text) for text in said])
    return total


def _kept(signal: Signal, owner: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Which events count: each account's most recent ``max_events``; with ``at_least``, only the
    most recent, and only where that many fell in the window."""
    order = np.lexsort((age, owner))
    sorted_owner = owner[order]
    starts = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]]) if len(order) else np.zeros(0, int)
    sizes = np.diff(np.r_[starts, len(order)])
    rank = np.arange(len(order)) - np.repeat(starts, sizes)
    keep_sorted = np.ones(len(order), dtype=bool)
    if signal.at_least is not None:
        keep_sorted &= np.repeat(sizes >= signal.at_least, sizes) & (rank == 0)
    if signal.max_events is not None:
        keep_sorted &= rank < signal.max_events
    keep = np.empty(len(order), dtype=bool)
    keep[order] = keep_sorted
    return keep


def _explain(signal: Signal, total: np.ndarray, found: np.ndarray, latest: np.ndarray, explain: Explainer) -> None:
    from icp_sheets.core.signals import age_words

    rows = np.flatnonzero(found > 0)
    codes = np.zeros(len(total), dtype=np.int64)
    labels, worth = [""], [np.nan]
    if len(rows):
        keys = np.stack([np.round(total[rows], 2), found[rows], latest[rows]], axis=1)
        distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
        codes[rows] = np.asarray(inverse).reshape(-1) + 1
        for points, count, last in distinct.tolist():
            labels.append(_label(signal, int(count), age_words(last) if np.isfinite(last) else ""))
            worth.append(points)
    explain.add(codes, labels, worth, timing=True)


def _label(signal: Signal, count: int, last: str) -> str:
    if signal.at_least is not None and count < signal.at_least:
        return f"{signal.name} ×{count}, {signal.at_least} needed"
    if count == 1:
        return f"{signal.name} {last}"
    counted = ""
    if signal.max_events is not None and count > signal.max_events:
        counted = f" (the latest {signal.max_events} count)"
    return f"{signal.name} ×{count}{counted}, latest {last}"


def _ignored(signal: Signal, count: int) -> str:
    if count == 0:
        return ""
    return f"{signal.name} {AHEAD}" if count == 1 else f"{signal.name} ×{count} {AHEAD}"


def missing_log(signal: Signal) -> IcpError:
    return IcpError(
        Problem(
            Code.MISSING_TAB,
            f"the signal '{signal.name}' counts the event '{signal.date_column}' of the Events log, but no "
            "events were given; add an Events tab to the workbook or pass --events FILE",
            "Signals",
            signal.row,
            "Date column",
        )
    )


@dataclass(frozen=True)
class EventLog:
    """The Events log matched to one table of accounts: for each event, its account row and day."""

    key: str  # the log's header naming the account column, e.g. 'Domain'
    owner: np.ndarray  # account row per event, -1 when no account has that key
    day: np.ndarray  # day number per event, NaN when unreadable
    name: np.ndarray  # event-name code per event
    names: dict[str, int]  # category key of an event name -> its code
    problems: tuple[Problem, ...] = ()

    def of(self, event: str) -> tuple[np.ndarray, np.ndarray]:
        """(account row, day) of every matched event called ``event`` (any case or punctuation)."""
        code = self.names.get(category_key(event), -1)
        mask = (self.name == code) & (self.owner >= 0)
        return self.owner[mask], self.day[mask]


def read_log(log: pd.DataFrame, accounts: pd.DataFrame, *, source: str = EVENTS) -> EventLog:
    """Match ``log`` (columns: the account key, Event, Date, optional Value) to ``accounts``;
    raise with what to fix when its columns cannot be read; unmatched keys and unreadable
    dates come back as warnings."""
    by_key = {header_key(c): c for c in log.columns}
    problems = [
        Problem(Code.MISSING_HEADER, f"has no '{h}' column; add it", source, 1, h)
        for h in (EVENT, DATE)
        if header_key(h) not in by_key
    ]
    others = [c for k, c in by_key.items() if k not in {header_key(h) for h in (EVENT, DATE, VALUE)}]
    account_columns = {header_key(c): c for c in accounts.columns}
    keys = [c for c in others if header_key(c) in account_columns]
    if len(keys) != 1:
        listed = ", ".join(f"'{c}'" for c in others) or "none"
        problems.append(
            Problem(
                Code.MISSING_HEADER,
                f"needs exactly one column named like an Accounts column (e.g. 'Domain') to say whose event it "
                f"is; found {listed}: rename the key column or remove the others",
                source,
                1,
            )
        )
    if problems:
        raise IcpError(problems)
    key = keys[0]
    owner = _owners(log[key], accounts[account_columns[header_key(key)]])
    dates = ColumnValues(log[by_key[header_key(DATE)]])
    day = dates.per_row(dates.day_numbers)
    name_codes, name_values = factorize(log[by_key[header_key(EVENT)]])
    names: dict[str, int] = {}  # 'Pricing page' and 'pricing_page' are one event
    remap = np.array([names.setdefault(category_key(v), len(names)) for v in name_values.tolist()], dtype=np.int64)
    name = remap[name_codes] if len(remap) else np.zeros(0, dtype=np.int64)
    notes = _notes(source, key, log[key], owner, dates)
    if header_key(VALUE) in by_key:
        owner, day, name = _repeated(log[by_key[header_key(VALUE)]], owner, day, name, source, notes)
    return EventLog(key, owner, day, name, names, tuple(notes))


def _owners(keys: pd.Series, account_keys: pd.Series) -> np.ndarray:
    """The account row of each event's key (compared as text, any case); the first account wins."""
    codes, distinct = factorize(account_keys)
    first = pd.Index([norm_text(v) for v in distinct.tolist()])
    row_of_code = np.full(len(distinct), -1, dtype=np.int64)
    seen = np.unique(codes, return_index=True)
    row_of_code[seen[0]] = seen[1]
    event_codes, event_keys = factorize(keys)
    where = first.get_indexer([norm_text(v) if norm_text(v) else None for v in event_keys.tolist()])
    rows = np.where(where >= 0, row_of_code[np.maximum(where, 0)], -1)
    return np.asarray(rows[event_codes])


def _notes(source: str, key: str, keys: pd.Series, owner: np.ndarray, dates: ColumnValues) -> list[Problem]:
    notes = []
    unknown = np.flatnonzero(owner < 0)
    if len(unknown):
        first = shown(keys.iloc[int(unknown[0])])
        notes.append(
            Problem(
                Code.UNKNOWN_VALUE,
                f"{fmt_number(len(unknown))} events name a {key} no account has (first: '{first}', row "
                f"{int(unknown[0]) + 2}); they are left out: fix the key or add the account",
                source,
                int(unknown[0]) + 2,
                key,
                severity=Severity.WARNING,
            )
        )
    bad = np.flatnonzero(dates.per_row(dates.date_unreadable))
    if len(bad):
        notes.append(
            Problem(
                Code.UNREADABLE_DATE,
                f"{fmt_number(len(bad))} events have a date I cannot read (first: row {int(bad[0]) + 2}); "
                "they are left out: write dates like 2026-03-31",
                source,
                int(bad[0]) + 2,
                DATE,
                severity=Severity.WARNING,
            )
        )
    return notes


def _repeated(
    value: pd.Series, owner: np.ndarray, day: np.ndarray, name: np.ndarray, source: str, notes: list[Problem]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each event as often as its Value says (blank = once); a Value that is no whole number ≥ 0 is
    read as once, with a warning."""
    values = ColumnValues(value)
    numbers = values.numbers
    whole = ~np.isnan(numbers) & (numbers >= 0) & (np.mod(numbers, 1) == 0)
    times = np.where(whole, numbers, 1).astype(np.int64)
    bad = np.flatnonzero(values.per_row(~whole & ~values.blank))
    if len(bad):
        notes.append(
            Problem(
                Code.UNREADABLE_NUMBER,
                f"{fmt_number(len(bad))} events have a Value that is no whole number of times (first: row "
                f"{int(bad[0]) + 2}); they count once: write how many times it happened, e.g. 3",
                source,
                int(bad[0]) + 2,
                VALUE,
                severity=Severity.WARNING,
            )
        )
    per_event = values.per_row(times)
    return np.repeat(owner, per_event), np.repeat(day, per_event), np.repeat(name, per_event)
