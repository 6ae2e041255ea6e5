"""Score a whole table of accounts at once: fit, timing, tier, priority, DQ reason and why.

``score`` is the one function every surface calls (the CLI, the Google
refresh, ``validate``); ``score_rows`` is the same scoring for rows of plain
values, without pandas around it, which the Excel functions call so one edited
row costs what scoring it costs. Both run ``_coded``. It is vectorised:
conditions are evaluated once per distinct cell value and spread over rows with
array takes, and the why text is built once per distinct combination of reasons.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from icp_sheets.core.column_summary import summarize
from icp_sheets.core.columns import ColumnMatch, match_columns
from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.distinct import SMALL, ColumnValues, day_number, factorize, objects
from icp_sheets.core.events import EVENTS, EventLog, read_log
from icp_sheets.core.explain import SEPARATOR, Explainer, Why
from icp_sheets.core.fit import capped, fit_points, scaled
from icp_sheets.core.formats import AccountColumn
from icp_sheets.core.grades import DQ_ACTION, EPS, tier_codes
from icp_sheets.core.matching import cell_words, unreadable
from icp_sheets.core.models import (
    DISQUALIFIED,
    DQ_PRIORITY,
    IcpModel,
    WhenUnreadable,
)
from icp_sheets.core.names import OVERRIDE, RESULT_COLUMNS, without_results
from icp_sheets.core.overrides import Forced, Target, force
from icp_sheets.core.problems import IcpError, Problem, Severity, errors
from icp_sheets.core.signals import score_signal

_EPS = EPS
CHECK = "Check: "  # leads icp_why (after a disqualification) when an Anti-ICP row could not read a cell


def resolve_columns(model: IcpModel, columns: Sequence[object], *, tab: str | None = None) -> dict[str, str]:
    """Map each column the model needs to the accounts' actual header, or raise with every problem."""
    if tab is None:
        return dict(_plan(model, columns).headers)
    return {name: found.header for name, found in _matched(model, columns, tab).found.items()}


def _matched(model: IcpModel, columns: Sequence[object], tab: str | None = None) -> ColumnMatch:
    match = match_columns(model, columns, tab=tab)
    if not match.ok:
        raise IcpError(errors(match.problems))
    return match


@dataclass(frozen=True)
class _Plan:
    """What scoring one model over one header row needs before it sees a row: where each column
    is, under which header, and how the Columns tab says to read it."""

    model: IcpModel  # held, so the id in the plan's key cannot be reused while the plan is kept
    positions: dict[str, int]
    headers: dict[str, str]
    specs: dict[str, AccountColumn]


_PLANS: OrderedDict[tuple[int, tuple[str, ...]], _Plan] = OrderedDict()
_PLANS_KEPT = 16  # models × header rows; Excel recalculates against one or two of each


def _plan(model: IcpModel, columns: Sequence[object]) -> _Plan:
    """The plan for this model (by identity: models are immutable) and header row, kept for the
    next call: an edited Excel row would otherwise pay for matching the headers again.
    Headers are matched as text (:func:`match_columns` reads ``str(header)``)."""
    key = (id(model), tuple(str(c) for c in columns))
    found = _PLANS.get(key)
    if found is not None and found.model is model:
        _PLANS.move_to_end(key)
        return found
    match = _matched(model, columns)
    specs = {name: model.column(name) for name in model.required_columns()}
    plan = _Plan(model, match.positions(), {n: f.header for n, f in match.found.items()}, specs)
    _PLANS[key] = plan
    if len(_PLANS) > _PLANS_KEPT:
        _PLANS.popitem(last=False)
    return plan


def _as_of_days(model: IcpModel, as_of: dt.date | Sequence[dt.date] | pd.Series | None, n: int) -> float | np.ndarray:
    if isinstance(as_of, list | tuple):
        return np.array([day_number(day) for day in as_of], dtype=np.float64)
    if isinstance(as_of, pd.Series):
        stamps = pd.to_datetime(as_of, errors="coerce").to_numpy(dtype="datetime64[D]")
        days = stamps.astype("int64").astype(np.float64)
        days[np.isnat(stamps)] = np.nan
        return np.asarray(days)
    day = as_of if isinstance(as_of, dt.date) else model.settings.as_of or dt.date.today()
    return float(day_number(day))


def score(
    model: IcpModel,
    accounts: pd.DataFrame,
    as_of: dt.date | pd.Series | None = None,
    *,
    notes: list[Problem] | None = None,
    why: Why = Why.SHORT,
    events: pd.DataFrame | EventLog | None = None,
) -> pd.DataFrame:
    """Results for every account row: the columns of ``names.RESULT_COLUMNS``, same index.

    ``events`` is the Events log (account key, Event, Date, optional Value) that Signals rows
    reading 'event' count, as a table (its key column must be one of ``accounts``') or already
    matched to these rows (:func:`~icp_sheets.core.events.read_log`); its warnings (unknown
    keys, unreadable dates) go to ``notes``.

    ``as_of`` overrides the model's as-of date; a Series gives each row its own day
    (validation scores each opportunity as of the day it was created). ``why`` says how
    much ``icp_why`` holds (see :mod:`icp_sheets.core.explain`). ``notes``, when
    given, receives what the columns' values left open (once per column) and the summary
    of unreadable and blank cells per column.
    """
    plan = _plan(model, list(accounts.columns))
    # A handful of rows is cheaper to read as one object matrix than column by column through pandas.
    matrix = accounts.to_numpy(dtype=object) if len(accounts) <= SMALL else None
    dtypes = list(accounts.dtypes)

    def column(i: int) -> tuple[pd.Series | np.ndarray, Any]:
        return (accounts.iloc[:, i] if matrix is None else matrix[:, i]), dtypes[i]

    log = read_log(events, accounts) if isinstance(events, pd.DataFrame) else events
    coded = _coded(plan, column, len(accounts), _as_of_days(model, as_of, len(accounts)), why, log)
    if notes is not None:
        notes += list(log.problems) if log is not None else []
        present = {name: values for name, values in coded.columns.items() if name in plan.positions}
        notes += [note for values in present.values() for note in values.notes]
        notes += summarize(model, present)
    texts = {name: _categorical(*labelled) for name, labelled in coded.labelled.items()}
    explained = {name: pd.Categorical.from_codes(*pair) for name, pair in coded.explained.items()}
    columns = {**coded.numbers, **texts, **explained}
    return pd.DataFrame({name: columns[name] for name in RESULT_COLUMNS}, index=accounts.index)


def score_rows(
    model: IcpModel,
    header: Sequence[object],
    rows: Sequence[Sequence[Any]],
    as_of: dt.date | Sequence[dt.date] | None = None,
    why: Why = Why.SHORT,
) -> list[tuple[Any, ...]]:
    """:func:`score` for rows of plain cell values (as ``score`` reads a frame of dtype object):
    one tuple of results per row, in ``RESULT_COLUMNS`` order, equal to that frame's rows.

    The same scoring, without a DataFrame in or out: one edited row in Excel costs
    what the scoring costs, not pandas' fixed cost of building two frames.
    """
    plan = _plan(model, header)
    n = len(rows)

    def column(i: int) -> tuple[np.ndarray, Any]:
        return objects([row[i] for row in rows]), object

    coded = _coded(plan, column, n, _as_of_days(model, as_of, n), why)
    columns: dict[str, list[Any]] = {name: values.tolist() for name, values in coded.numbers.items()}
    texts: list[tuple[str, tuple[np.ndarray, Sequence[str] | np.ndarray]]] = [*coded.labelled.items()]
    for name, (codes, labels) in [*texts, *coded.explained.items()]:
        columns[name] = [labels[c] for c in codes.tolist()]
    return list(zip(*(columns[name] for name in RESULT_COLUMNS), strict=True))


@dataclass(frozen=True)
class _Coded:
    """One scoring before it becomes a frame or tuples: numbers per row, and each text result as
    per-row codes into its labels (which may repeat; the why's and data gaps' texts do not)."""

    numbers: dict[str, np.ndarray]
    labelled: dict[str, tuple[np.ndarray, list[str]]]
    explained: dict[str, tuple[np.ndarray, np.ndarray]]  # icp_why and icp_data_gaps
    columns: dict[str, ColumnValues]  # every column read, in the model's order of required columns


def _coded(
    plan: _Plan,
    column: Callable[[int], tuple[pd.Series | np.ndarray, Any]],
    n: int,
    days: float | np.ndarray,
    why: Why,
    log: EventLog | None = None,
) -> _Coded:
    """Every result of ``n`` rows; ``column(i)`` gives the i-th account column and its dtype."""
    model = plan.model
    cache: dict[str, ColumnValues] = {}

    def values_of(name: str) -> ColumnValues:
        if name not in cache:
            i = plan.positions.get(name)
            if i is None:  # not required and not there: blank for every row
                cache[name] = ColumnValues(np.full(n, None, dtype=object), object, plan.specs[name])
            else:
                cache[name] = ColumnValues(*column(i), plan.specs[name])
        return cache[name]

    explain = Explainer(n)
    fit = fit_points(model, values_of, explain)

    timing = np.zeros(n)
    for signal in model.signals:
        timing += score_signal(signal, values_of, days, explain, log)
    timing = capped(timing, model.settings.timing_cap, "timing", explain, timing=True)

    settings = model.settings
    fit, timing, total = scaled(model, fit, timing)
    dq_code, dq_reasons, check_code, checks = _disqualify(model, values_of, total)
    disqualified = dq_code > 0
    tier_code = np.where(disqualified, 2, tier_codes(total, [settings.top_tier_at, settings.middle_tier_at]))
    graded = model.grading()
    fit_code = tier_codes(fit, graded.fit_at)
    timing_code = tier_codes(timing, graded.timing_at)
    explain.lead(dq_code, ["", *(f"Disqualified: {r}" for r in dq_reasons[1:])])
    if len(checks) > 1:
        explain.lead(check_code, ["", *(f"{CHECK}{c}" for c in checks[1:])])
    forced_priority = None
    if model.overrides:
        forced = overridden(model, values_of, ~disqualified, explain)
        fit_code = _where_forced(forced.codes[Target.FIT_TIER], fit_code)
        timing_code = _where_forced(forced.codes[Target.TIMING_TIER], timing_code)
        tier_code = _where_forced(forced.codes[Target.TIER], tier_code)
        forced_priority = forced.codes[Target.PRIORITY]
    priority_code = np.where(disqualified, len(graded.priorities), fit_code * len(graded.timing) + timing_code)
    if forced_priority is not None:
        priority_code = _where_forced(forced_priority, priority_code)
    priorities = [*graded.priorities, DQ_PRIORITY]
    explained = explain.coded(why)
    return _Coded(
        numbers={"icp_score": total, "icp_fit": fit, "icp_timing": timing},
        labelled={
            "icp_tier": (tier_code, [settings.top_tier, settings.middle_tier, DISQUALIFIED]),
            "icp_priority": (priority_code, priorities),
            "icp_dq": (dq_code, dq_reasons),
            "icp_action": (priority_code, [*graded.actions, DQ_ACTION]),
        },
        explained={"icp_why": explained.why, "icp_data_gaps": explained.gaps},
        columns={name: cache[name] for name in model.required_columns() if name in cache},
    )


def overridden(
    model: IcpModel, values_of: Callable[[str], ColumnValues], open_rows: np.ndarray, explain: Explainer
) -> Forced:
    """The Override tab's rows applied to the rows not disqualified, each forcing said in the why
    (after the disqualification and the check leads). A forced tier is its index in the tiers, a
    forced priority the index of the matrix's first cell of that name."""
    graded = model.grading()
    lists = {
        Target.FIT_TIER: list(graded.fit),
        Target.TIMING_TIER: list(graded.timing),
        Target.TIER: list(model.tiers()),
        Target.PRIORITY: list(graded.priorities),
    }
    forced = force(model.overrides, values_of, open_rows, lambda target, label: lists[target].index(label))
    for target in Target:
        winner = forced.winners[target]
        if (winner >= 0).any():
            words = [o.words(target) if o.forced(target) else "" for o in model.overrides]
            explain.lead(winner + 1, ["", *words])
    return forced


def _where_forced(forced: np.ndarray, codes: np.ndarray) -> np.ndarray:
    return np.where(forced >= 0, forced, codes)


def _categorical(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical:
    """A text column from small integer codes: cheap to build, and labels may repeat."""
    label_codes, distinct = factorize(labels)
    return pd.Categorical.from_codes(label_codes[codes], dtype=_category_type(tuple(distinct)))


@lru_cache(maxsize=1024)
def _category_type(labels: tuple[str, ...]) -> pd.CategoricalDtype:
    """Tier, priority and action labels repeat call after call; building their type once saves
    most of the cost of scoring a single row."""
    return pd.CategoricalDtype(list(labels))


def score_tab(
    model: IcpModel,
    tab: str,
    accounts: pd.DataFrame,
    as_of: dt.date | None = None,
    *,
    row: int | None = 1,
    notes: list[Problem] | None = None,
    why: Why = Why.SHORT,
    events: pd.DataFrame | EventLog | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`score` a tab's (or file's) accounts, their old result columns dropped: the accounts
    scored and their results. Problems name the tab and ``row`` (the header row, where columns live)."""
    accounts = without_results(accounts)
    if notes is not None:  # a column the Columns tab says is not required, and is not there
        notes += [
            p for p in match_columns(model, list(accounts.columns), tab=tab).problems if p.severity is Severity.WARNING
        ]
    try:
        return accounts, score(model, accounts, as_of, notes=notes, why=why, events=events)
    except IcpError as exc:
        raise IcpError(
            [p if p.tab in (EVENTS, OVERRIDE) else Problem(p.code, p.message, tab, row, p.column) for p in exc.problems]
        ) from None


def flagged(results: pd.DataFrame) -> int:
    """Accounts whose icp_why has a check (first, or right after a disqualification): an Anti-ICP
    row could not read their cell."""
    why = results["icp_why"].astype("category")
    texts = why.cat.categories.astype(str)
    checked = np.flatnonzero(texts.str.startswith(CHECK) | texts.str.contains(SEPARATOR + CHECK, regex=False))
    return int(np.isin(why.cat.codes.to_numpy(), checked).sum()) if len(checked) else 0


def _disqualify(
    model: IcpModel, values_of: Callable[[str], ColumnValues], total: np.ndarray
) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Per row: 0 = not disqualified, else an index into the returned reasons; and the same
    for the Anti-ICP cell that could not be read (a check to make).

    The first matching Anti-ICP row wins. Otherwise an Anti-ICP row that cannot read
    the row's cell flags it (or, as the Settings ask, disqualifies it); a blank is
    unknown too, except to 'is blank' rows. Last, a score under the floor
    disqualifies, with the score and the floor as the reason.
    """
    n = len(total)
    code = np.zeros(n, dtype=np.int64)
    reasons = [""]
    check = np.zeros(n, dtype=np.int64)
    checks = [""]
    for rule in model.disqualifiers:
        values = values_of(rule.column)
        hit = rule.condition.matches(values)
        code[values.per_row(hit) & (code == 0)] = len(reasons)
        reasons.append(rule.reason)
        unknown = np.flatnonzero(unreadable(rule.condition, values) & ~hit)
        if len(unknown):
            local = np.zeros(len(values), dtype=np.int64)
            local[unknown] = len(checks) + np.arange(len(unknown))
            checks += [f"{rule.column} {cell_words(values.raw[i], bool(values.blank[i]))}" for i in unknown]
            rows = values.per_row(local)
            first = check == 0
            check[first] = rows[first]
    check[code > 0] = 0  # a definite match elsewhere settles it
    settings = model.settings
    if settings.when_unreadable is WhenUnreadable.DISQUALIFY and len(checks) > 1:
        unsure = check > 0
        code[unsure] = len(reasons) - 1 + check[unsure]
        reasons += checks[1:]
        check, checks = np.zeros(n, dtype=np.int64), [""]
    below = (total < settings.middle_tier_at - _EPS) & (code == 0)
    if below.any():
        score_codes, scores = factorize(np.round(total[below], 6))
        floor = fmt_number(settings.middle_tier_at)
        code[below] = len(reasons) + score_codes
        reasons += [
            f"Score {fmt_number(round(s, 2))} is below the {settings.middle_tier} floor of {floor}" for s in scores
        ]
    return code, reasons, check, checks
