"""Fit points: band sets, their groups and caps, and the 0–100 scale.

A band set is the rows of one column in one group (first match from the top counts). Band
sets of a group add up and the group's cap holds the sum; the groups add up and the fit cap
holds the total. Each cap that bit is said in ``icp_why``. On the 0–100 scale fit, timing and
score become shares of the most the model can give (:mod:`icp_sheets.core.reach`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from icp_sheets.core.band_ranges import shown as shown_conditions
from icp_sheets.core.conditions import Reads, fmt_number
from icp_sheets.core.distinct import ColumnValues, factorize
from icp_sheets.core.explain import Explainer
from icp_sheets.core.matching import band_points, label, reads, unknown_words
from icp_sheets.core.models import Criterion, IcpModel, Scale
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.reach import best_fit, best_timing, clip, on_scale, scale_problem


def fit_points(model: IcpModel, values_of: Callable[[str], ColumnValues], explain: Explainer) -> np.ndarray:
    """Fit points per row after group caps and the fit cap; every reason added to ``explain``."""
    groups: dict[str, tuple[str, np.ndarray]] = {}
    for bands in model.band_sets():
        points = _fit(list(bands), values_of, explain)
        key = bands[0].group_key()
        name, before = groups.get(key, (bands[0].group.strip() or bands[0].column, None))
        groups[key] = (name, points if before is None else before + points)
    caps = model.group_caps()
    fit = np.zeros(explain.rows)
    for key, (name, points) in groups.items():
        fit += capped(points, caps.get(key), name, explain)
    return capped(fit, model.settings.fit_cap, "fit", explain)


def capped(points: np.ndarray, cap: float | None, name: str, explain: Explainer, *, timing: bool = False) -> np.ndarray:
    """Points held to ``cap``; the rows it held say what it took: 'Persona 45 capped at 40 (−5)'."""
    if cap is None:
        return points
    held = clip(points, cap)
    bit = held != points
    if not bit.any():
        return points
    raw_codes, raws = factorize(np.round(points[bit], 6))
    codes = np.zeros(len(points), dtype=np.int64)
    codes[bit] = raw_codes + 1
    labels = ["", *(cap_words(name, raw, cap) for raw in raws)]
    explain.add(codes, labels, [np.nan, *(cap - raw for raw in raws)], timing=timing)
    return held


def cap_words(name: str, raw: float, cap: float) -> str:
    """'Persona 45 capped at 40': the group, what its rows added (to 2 decimals), its cap."""
    return f"{name} {fmt_number(round(raw, 2))} capped at {fmt_number(cap)}"


def scaled(model: IcpModel, fit: np.ndarray, timing: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fit, timing, score) in the model's scale."""
    if model.settings.scale is Scale.POINTS:
        return fit, timing, fit + timing
    problem = scale_problem(model)
    if problem is not None:
        raise IcpError(Problem(Code.BAD_THRESHOLDS, problem, "Settings", column="Scale"))
    most_fit, most_timing = best_fit(model), best_timing(model)
    total = on_scale(fit + timing, most_fit + most_timing)
    return on_scale(fit, most_fit), on_scale(timing, most_timing), total


def _fit(criteria: list[Criterion], values_of: Callable[[str], ColumnValues], explain: Explainer) -> np.ndarray:
    """Points per row of one band set, its why added to ``explain``.

    Without AND conditions it is evaluated once per distinct value of the column; with them,
    once per distinct combination of the column and the AND columns.
    """
    values = values_of(criteria[0].column)
    anded = list(dict.fromkeys(c.and_column for c in criteria if c.and_condition is not None))
    main: np.ndarray | None = None
    also: list[np.ndarray] | None = None
    codes = values.codes
    if anded:
        others = {name: values_of(name) for name in anded}
        codes, first = _combinations([values.codes, *(o.codes for o in others.values())])
        main = values.codes[first]
        everywhere = np.ones(len(first), dtype=bool)
        also = [
            everywhere
            if c.and_condition is None
            else c.and_condition.matches(others[c.and_column])[others[c.and_column].codes[first]]
            for c in criteria
        ]
    points, band = band_points(criteria, values, main, also)
    numbers = _numbers_if_needed(criteria, values)
    unknown = unknown_words(criteria, values)
    shown = shown_conditions(criteria)
    column = criteria[0].column
    labels = []
    for entry, b in enumerate(band.tolist()):
        v = entry if main is None else int(main[entry])
        if b >= 0:
            labels.append(label(criteria[b], values.raw[v], numbers[v], shown[b]))
        else:
            labels.append(f"{column} {unknown[v]}" if unknown[v] else "")
    explain.add(codes, labels, np.where(band >= 0, points, np.nan))
    return np.asarray(points[codes])


def _combinations(codes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, its distinct combination of the columns' codes; per combination, a row holding it."""
    combo = codes[0].astype(np.int64)
    for more in codes[1:]:
        combo, _ = pd.factorize(combo * (int(more.max(initial=0)) + 1) + more)
    combo, distinct = pd.factorize(combo)
    first = np.empty(len(distinct), dtype=np.intp)
    first[combo[::-1]] = np.arange(len(combo))[::-1]
    return np.asarray(combo), first


def _numbers_if_needed(criteria: list[Criterion], values: ColumnValues) -> np.ndarray:
    if reads(criteria, Reads.NUMBER):
        return values.numbers
    return np.zeros(len(values))
