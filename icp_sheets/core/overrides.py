"""Overrides: rows that force an account's fit tier, timing tier, tier or priority after scoring.

MadKudu-style models pin some accounts whatever their points say (a strategic account list is
always 'very good' fit). An Override row names a column and a condition, as an Anti-ICP row
does, and the grade it forces; the reason is said in ``icp_why`` (``Override: fit tier set to
very good (Strategic account list)``). Rows are read top to bottom and, for each thing they
force, the first matching row wins. A forced fit or timing tier moves the account to that row
or column of the matrix (its priority and action follow); a forced priority takes its action
from the matrix's first cell of that name.

Disqualification is not an override's to lift: the Anti-ICP stays the disqualifier, and an
account below the floor stays disqualified too. Overrides grade only the accounts that are not
disqualified; the points (fit, timing, score) are never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from icp_sheets.core.conditions import Condition
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.grades import DQ_PRIORITY, Grading, Mistake
from icp_sheets.core.names import OVERRIDE, header_key

PREFIX = "Override: "


class Target(StrEnum):
    """What an override forces; the value is the Override tab's header and the why's words."""

    FIT_TIER = "fit tier"
    TIMING_TIER = "timing tier"
    TIER = "tier"
    PRIORITY = "priority"


class Override(BaseModel):
    """One row of the Override tab: accounts meeting the condition get the grades it names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str = Field(description="The account column this row reads, e.g. 'Strategic account'.")
    condition: Condition = Field(
        description=(
            "Which accounts it forces, in the same words as the ICP tab, e.g. 'is true' or 'one of Acme, Globex'."
        )
    )
    fit_tier: str = Field("", description="Optional: the fit tier these accounts get, as the Grades tab names it.")
    timing_tier: str = Field("", description="Optional: the timing tier they get, as the Grades tab names it.")
    tier: str = Field("", description="Optional: the tier they get, the Settings' top or middle tier (e.g. 'Pursue').")
    priority: str = Field(
        "", description="Optional: the priority they get, one the matrix names (e.g. 'A1'); its action follows."
    )
    reason: str = Field(description="Why these accounts are forced, as reps see it, e.g. 'Strategic account list'.")
    row: int | None = None

    @model_validator(mode="after")
    def _forces(self) -> Override:
        if not any(self.forced(t) for t in Target):
            raise ValueError("an override forces something: fill in a fit tier, timing tier, tier or priority")
        return self

    def forced(self, target: Target) -> str:
        """The label this row forces ``target`` to ('' when it leaves it)."""
        return {
            Target.FIT_TIER: self.fit_tier,
            Target.TIMING_TIER: self.timing_tier,
            Target.TIER: self.tier,
            Target.PRIORITY: self.priority,
        }[target]

    def words(self, target: Target) -> str:
        """The why's text for this row forcing ``target``."""
        return f"{PREFIX}{target.value} set to {self.forced(target)} ({self.reason})"


def choices(grading: Grading, tiers: Sequence[str], target: Target) -> list[str]:
    """The labels ``target`` may be forced to (tiers: the Settings' top and middle tier)."""
    if target is Target.FIT_TIER:
        return list(grading.fit)
    if target is Target.TIMING_TIER:
        return list(grading.timing)
    if target is Target.TIER:
        return list(tiers)
    return list(dict.fromkeys(grading.priorities))


def canonical(label: str, allowed: Sequence[str]) -> str | None:
    """The allowed label ``label`` means (case and spacing do not count), or None."""
    key = header_key(label)
    return next((a for a in allowed if header_key(a) == key), None)


def mistakes(overrides: Sequence[Override], grading: Grading, tiers: Sequence[str]) -> list[Mistake]:
    """Every forced label that is not one of the model's (exact spelling, as the reader writes it)."""
    found: list[Mistake] = []
    for override in overrides:
        for target in Target:
            label = override.forced(target)
            allowed = choices(grading, tiers, target)
            if label and label not in allowed:
                listed = ", ".join(f"'{a}'" for a in allowed)
                also = f" ('{DQ_PRIORITY}' is for disqualified accounts, which no override reaches)" * (
                    target is Target.PRIORITY and header_key(label) == header_key(DQ_PRIORITY)
                )
                found.append(
                    Mistake(
                        OVERRIDE,
                        override.row,
                        header(target),
                        f"'{label}' is not a {target.value} of this model{also}; use one of {listed}",
                    )
                )
    return found


def header(target: Target) -> str:
    """The Override tab's header for ``target``."""
    return target.value.capitalize()


@dataclass(frozen=True)
class Forced:
    """Per row, the index of the label each target was forced to, or -1; and per target the
    winning override row (index into the overrides, -1 for none), for the why."""

    codes: dict[Target, np.ndarray]
    winners: dict[Target, np.ndarray]


def force(
    overrides: Sequence[Override],
    values_of: Callable[[str], ColumnValues],
    open_rows: np.ndarray,
    indexes: Callable[[Target, str], int],
) -> Forced:
    """Which rows (of those ``open_rows`` allows: not disqualified) each target is forced on, the
    first matching override from the top winning; ``indexes`` gives a forced label's code."""
    n = len(open_rows)
    hits = [values_of(o.column).per_row(o.condition.matches(values_of(o.column))) & open_rows for o in overrides]
    codes: dict[Target, np.ndarray] = {}
    winners: dict[Target, np.ndarray] = {}
    for target in Target:
        winner = np.full(n, -1, dtype=np.int64)
        code = np.full(n, -1, dtype=np.int64)
        for i, override in enumerate(overrides):
            label = override.forced(target)
            if not label:
                continue
            won = hits[i] & (winner < 0)
            winner[won] = i
            code[won] = indexes(target, label)
        codes[target], winners[target] = code, winner
    return Forced(codes, winners)
