"""How a signal's points fade inside its window, one definition per decay.

A decay owns its words (``none``, ``linear``, ``half-life 30 days, floor 0.25``),
how they are read and written back, the share of points left after some days,
and the drop-down choices with what they mean.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.values import is_blank, parse_number

if TYPE_CHECKING:
    from sqlglot import exp


class DecayKind(StrEnum):
    NONE = "none"
    LINEAR = "linear"
    HALF_LIFE = "half-life"


# The drop-down choices and what each means (any half-life and floor works, these are examples).
CHOICES: dict[str, str] = {
    "none": "Full points inside the window, nothing after.",
    "linear": "Points fall evenly to 0 at the end of the window.",
    "half-life 30 days": "Points halve every 30 days (any number of days works).",
    "half-life 30 days, floor 0.25": "Halving, but never below 0.25 while inside the window (any age if blank).",
}
_HALF_LIFE = re.compile(
    r"^half[- ]?life\s+(?P<days>[\d.,]+)\s*(?:days?|d)?\s*(?:[,;]?\s*floor\s+(?P<floor>[\d.,]+))?$", re.I
)


class Decay(BaseModel):
    """How a signal's points fade inside its window."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DecayKind = DecayKind.NONE
    half_life_days: float | None = Field(None, gt=0, description="Days for points to halve")
    floor: float | None = Field(None, ge=0, description="Points never fall below this inside the window")

    @classmethod
    def parse(cls, value: Any) -> Decay:
        """'none', 'linear', 'half-life 30 days' or 'half-life 30 days, floor 0.25' (blank = none)."""
        text = "" if is_blank(value) else re.sub(r"\s+", " ", str(value)).strip()
        if not text or text.casefold() == DecayKind.NONE.value:
            return cls()
        if text.casefold() == DecayKind.LINEAR.value:
            return cls(kind=DecayKind.LINEAR)
        match = _HALF_LIFE.match(text)
        days = parse_number(match.group("days")) if match else None
        if match is None or days is None or days <= 0:
            raise ValueError(f"'{text}' is not a decay; write 'none', 'linear' or 'half-life 30 days, floor 0.25'")
        floor = parse_number(match.group("floor")) if match.group("floor") else None
        return cls(kind=DecayKind.HALF_LIFE, half_life_days=days, floor=floor)

    def factor(self, days: float, window: float) -> float:
        """Share of the points left after ``days`` (0 ≤ days ≤ window; a half-life also before 0)."""
        if self.kind is DecayKind.LINEAR:
            return 1.0 - days / window if 0 < window < math.inf else 1.0
        if self.kind is DecayKind.HALF_LIFE and self.half_life_days:
            return math.pow(0.5, days / self.half_life_days)
        return 1.0

    def points_after(self, points: float, days: float, window: float, *, ahead: bool = False) -> float:
        """Points ``days`` after the event: decayed, held at the floor, nothing outside the window
        (``window`` may be infinite: forever). ``ahead`` counts an event not yet happened too."""
        if (days < 0 and not ahead) or days > window:
            return 0.0
        value = points * self.factor(days, window)
        if self.floor is not None and points >= 0:
            value = max(value, self.floor)
        return value

    def sql_points_after(self, points: float, days: exp.Expr, window: int | None, *, ahead: bool = False) -> exp.Expr:
        """SQL of :meth:`points_after` for ``days`` (a number of days as a double; window None = forever)."""
        from sqlglot import exp

        from icp_sheets.sql import build

        value: exp.Expr = build.num(points)
        if self.kind is DecayKind.LINEAR and window:
            value = exp.Mul(this=value, expression=exp.Sub(this=build.num(1.0), expression=build.div(days, window)))
        elif self.kind is DecayKind.HALF_LIFE and self.half_life_days:
            share = exp.Pow(this=build.num(0.5), expression=build.div(days, self.half_life_days))
            value = exp.Mul(this=value, expression=share)
        if self.floor is not None and points >= 0:
            value = exp.Greatest(this=value, expressions=[build.num(self.floor)])
        tests: list[exp.Expr] = [] if ahead else [exp.GTE(this=days, expression=build.num(0))]
        if window is not None:
            tests.append(exp.LTE(this=days, expression=build.num(window)))
        if not tests:  # forever, and ahead too: any age that is there
            tests.append(exp.Not(this=exp.Is(this=days, expression=exp.null())))
        inside = build.all_of(*tests)
        return build.case([(build.true(inside), value)], build.num(0.0))

    def text(self) -> str:
        if self.kind is not DecayKind.HALF_LIFE:
            return self.kind.value
        text = f"half-life {fmt_number(self.half_life_days)} days"
        return text if self.floor is None else f"{text}, floor {fmt_number(self.floor)}"
