"""Grades: fit tiers, timing tiers and the priority matrix over them.

The Example ICP grades fit A/B/C and timing 1/2/3 from four Settings thresholds
and names each of the nine pairs A1…C3. Teams that run other models list their
own tiers (2–6 each, best first: MadKudu's very good / good / medium / low) on the
Grades tab and give each pair of tiers a priority and an action on the Matrix
tab (MadKudu's A–E lead grade). :func:`grading` turns either into one
:class:`Grading`, which scoring, the SQL compiler and the checks all read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from icp_sheets.core.names import GRADES, MATRIX

if TYPE_CHECKING:
    from icp_sheets.core.models import Settings

EPS = 1e-9  # thresholds are compared with a hair of slack, so 0.1 + 0.2 reaches 0.3
FEWEST_TIERS, MOST_TIERS = 2, 6
DEFAULT_FIT = ("A", "B", "C")
DEFAULT_TIMING = ("1", "2", "3")
DQ_PRIORITY = "DQ"  # the priority of a disqualified account; no matrix cell may take it
DQ_ACTION = "Do not pursue; revisit only if the disqualifying fact changes."


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Axis(StrEnum):
    """Which score a tier list grades."""

    FIT = "fit"
    TIMING = "timing"


class Tier(_Frozen):
    """One row of the Grades tab: a tier and the score it starts from."""

    axis: Axis = Field(description="'fit' (points from the ICP tab) or 'timing' (points from the Signals tab).")
    label: str = Field(description="The tier's name as reps see it, e.g. 'very good' or 'A'.")
    at: float | None = Field(
        description=(
            "The score from which an account is in this tier. List each axis best first; the last tier takes "
            "every score below the one above it, so its From may be blank."
        )
    )
    row: int | None = None


class Cell(_Frozen):
    """One row of the Matrix tab: what a pair of tiers is called and what reps do with it."""

    fit: str = Field(description="A fit tier, spelled as on the Grades tab (A, B, C without one).")
    timing: str = Field(description="A timing tier, spelled as on the Grades tab (1, 2, 3 without one).")
    priority: str = Field(description="The priority reps see for this pair, e.g. 'A1' or MadKudu's 'A'…'E'.")
    action: str = Field("", description="What a rep does with an account of this priority.")
    row: int | None = None


class Grades(_Frozen):
    """The Grades and Matrix tabs: empty tuples mean the Settings' defaults."""

    tiers: tuple[Tier, ...] = ()
    cells: tuple[Cell, ...] = ()

    def listed(self, axis: Axis) -> tuple[Tier, ...]:
        return tuple(t for t in self.tiers if t.axis is axis)


@dataclass(frozen=True)
class Grading:
    """The tiers and matrix scoring uses: labels best first, the thresholds of all but the last,
    and per (fit, timing) pair, row-major, the priority and the action."""

    fit: tuple[str, ...]
    fit_at: tuple[float, ...]
    timing: tuple[str, ...]
    timing_at: tuple[float, ...]
    priorities: tuple[str, ...]
    actions: tuple[str, ...]

    def cell(self, fit: int, timing: int) -> int:
        return fit * len(self.timing) + timing

    def priority_action(self, priority: str) -> str:
        """The action of the first pair named ``priority`` ('' when none is)."""
        return next((a for p, a in zip(self.priorities, self.actions, strict=True) if p == priority), "")


def grading(settings: Settings, grades: Grades) -> Grading:
    """The Grades and Matrix tabs over the Settings' defaults: an axis the Grades tab does not list
    uses the Settings thresholds (A/B/C, 1/2/3); without a Matrix, a pair's priority is its two
    tier names (A1) and its action the Settings' 'Action A1'."""
    fit, fit_at = _axis(grades.listed(Axis.FIT), DEFAULT_FIT, (settings.fit_a_at, settings.fit_b_at))
    timing, timing_at = _axis(grades.listed(Axis.TIMING), DEFAULT_TIMING, (settings.timing_1_at, settings.timing_2_at))
    pairs = [(f, t) for f in fit for t in timing]
    if grades.cells:
        by_pair = {(c.fit, c.timing): c for c in reversed(grades.cells)}  # the first row of a pair counts
        found = [by_pair.get(pair) for pair in pairs]
        priorities = tuple(c.priority if c else "" for c in found)
        actions = tuple(c.action if c else "" for c in found)
    else:
        priorities = tuple(f + t for f, t in pairs)
        actions = tuple(settings.actions.get(p, "") for p in priorities)
    return Grading(fit, fit_at, timing, timing_at, priorities, actions)


def _axis(
    listed: Sequence[Tier], labels: tuple[str, ...], thresholds: tuple[float, ...]
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if not listed:
        return labels, thresholds
    return tuple(t.label for t in listed), tuple(float(t.at or 0) for t in listed[:-1])  # mistakes() checks them


def tier_codes(values: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """0 for the best tier, 1 for the next, … (thresholds best first)."""
    tier = np.full(len(values), len(thresholds), dtype=np.int64)
    for i, threshold in reversed(list(enumerate(thresholds))):
        tier[values >= threshold - EPS] = i
    return tier


@dataclass(frozen=True)
class Mistake:
    """A Grades or Matrix row that cannot be used: where it is and what to do."""

    tab: str  # GRADES or MATRIX
    row: int | None
    column: str
    message: str


def mistakes(settings: Settings, grades: Grades) -> list[Mistake]:
    """Everything wrong with the tier lists and the matrix, all at once."""
    found: list[Mistake] = []
    for axis in Axis:
        found += _axis_mistakes(axis, grades.listed(axis))
    if found or not grades.cells:
        return found
    graded = grading(settings, grades)
    names = {Axis.FIT: set(graded.fit), Axis.TIMING: set(graded.timing)}
    seen: dict[tuple[str, str], int | None] = {}
    for cell in grades.cells:
        for axis, label, column in ((Axis.FIT, cell.fit, "Fit tier"), (Axis.TIMING, cell.timing, "Timing tier")):
            if label not in names[axis]:
                listed = ", ".join(f"'{n}'" for n in (graded.fit if axis is Axis.FIT else graded.timing))
                found.append(Mistake(MATRIX, cell.row, column, f"'{label}' is not a {axis} tier; use one of {listed}"))
        pair = (cell.fit, cell.timing)
        if pair in seen:
            found.append(
                Mistake(
                    MATRIX, cell.row, "Fit tier", f"{cell.fit} × {cell.timing} is also on row {seen[pair]}; keep one"
                )
            )
        seen.setdefault(pair, cell.row)
        if not cell.priority.strip() or cell.priority == DQ_PRIORITY:
            found.append(
                Mistake(
                    MATRIX, cell.row, "Priority", f"name the priority (not '{DQ_PRIORITY}', which means disqualified)"
                )
            )
    missing = [f"{f} × {t}" for f, t in ((f, t) for f in graded.fit for t in graded.timing) if (f, t) not in seen]
    if missing:
        found.append(
            Mistake(MATRIX, None, "Fit tier", f"has no row for {', '.join(missing)}; add a row for every pair of tiers")
        )
    return found


def _axis_mistakes(axis: Axis, listed: Sequence[Tier]) -> list[Mistake]:
    if not listed:
        return []
    found: list[Mistake] = []
    if not FEWEST_TIERS <= len(listed) <= MOST_TIERS:
        found.append(
            Mistake(
                GRADES, listed[0].row, "Tier", f"lists {len(listed)} {axis} tiers; list {FEWEST_TIERS} to {MOST_TIERS}"
            )
        )
    labels: dict[str, int | None] = {}
    for tier in listed:
        if tier.label in labels:
            found.append(Mistake(GRADES, tier.row, "Tier", f"'{tier.label}' is also on row {labels[tier.label]}"))
        labels.setdefault(tier.label, tier.row)
    above: float | None = None
    for tier in listed[:-1]:
        if tier.at is None:
            found.append(Mistake(GRADES, tier.row, "From", "is blank; only the last (lowest) tier may leave it blank"))
        elif above is not None and tier.at >= above:
            found.append(
                Mistake(GRADES, tier.row, "From", f"must be below the tier above it ({above:g}); list tiers best first")
            )
        above = tier.at if tier.at is not None else above
    last = listed[-1].at
    if last is not None and above is not None and last >= above:
        found.append(
            Mistake(
                GRADES, listed[-1].row, "From", f"must be below the tier above it ({above:g}); list tiers best first"
            )
        )
    return found
