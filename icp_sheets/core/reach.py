"""The most points a model can give, after caps: what 100 means on the 0–100 scale, and what
``check`` compares the thresholds with.

Each band set gives at most its best row (or 0 when an account can escape every row); the
band sets of a group add up and the group's cap clips the sum; the groups add up and the fit
cap clips the total. Band sets are taken as independent, so this is the most the rows allow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from icp_sheets.core.models import Criterion, IcpModel, Scale, Signal, SignalReads

PERCENT = 100.0


def clip(points: np.ndarray, cap: float | None) -> np.ndarray:
    """Points held to a cap: at most ``cap``, or for a negative cap at least ``cap``."""
    if cap is None:
        return points
    return np.asarray(np.minimum(points, cap) if cap >= 0 else np.maximum(points, cap))


def _clip(points: float, cap: float | None) -> float:
    if cap is None:
        return points
    return min(points, cap) if cap >= 0 else max(points, cap)


def best_of_bands(bands: Sequence[Criterion]) -> float:
    """The most one band set gives: its best row, or 0 when an account can escape every row."""
    best = max(c.condition.kind.best_points(c.condition, c.points) for c in bands)
    escapes = not any(c.condition.kind.catch_all and c.and_condition is None for c in bands)
    return max(best, 0.0) if escapes else best


def best_fit(model: IcpModel) -> float:
    """The most fit points any account can have: band sets, then group caps, then the fit cap."""
    groups: dict[str, float] = {}
    for bands in model.band_sets():
        key = bands[0].group_key()
        groups[key] = groups.get(key, 0.0) + best_of_bands(bands)
    caps = model.group_caps()
    total = sum(_clip(points, caps.get(key)) for key, points in groups.items())
    return _clip(total, model.settings.fit_cap)


def best_timing(model: IcpModel) -> float:
    """The most timing points: every signal at its best on the same day, then the timing cap."""
    return _clip(sum(_best_signal(s) for s in model.signals), model.settings.timing_cap)


def _best_signal(signal: Signal) -> float:
    """The most one signal can give an account: a count up to its cap, the log's events as many
    as Max events lets count (a date cell is taken to hold one date, as it usually does)."""
    if signal.points <= 0:
        return 0.0
    if signal.reads is SignalReads.PER_UNIT:
        return signal.cap if signal.cap is not None else math.inf
    events = signal.max_events or (1 if signal.reads is not SignalReads.EVENT or signal.at_least else math.inf)
    return signal.points * events


def scale_problem(model: IcpModel) -> str | None:
    """Why the 0–100 scale cannot be computed for this model, or None."""
    if model.settings.scale is not Scale.PERCENT:
        return None
    fit, timing = best_fit(model), best_timing(model)
    if not math.isfinite(fit) or not math.isfinite(timing):
        return (
            "'0-100' needs a most-points to call 100, but a 'per unit' row has no cap; write 'per unit up to N' "
            "or set 'Fit cap'"
        )
    if fit + timing <= 0:
        return "'0-100' needs a model that can give points, but the best account gets none; add points or use 'points'"
    return None


def on_scale(points: np.ndarray, best: float) -> np.ndarray:
    """Points as a share of ``best`` on 0–100 (0 when the model gives nothing here)."""
    if best <= 0:
        return np.zeros(len(points))
    return np.asarray(np.clip(points / best * PERCENT, 0.0, PERCENT))
