"""The addressable-market check: how many accounts of a whole universe the ICP would work.

An account is **addressable** when no Anti-ICP row matches it and its fit points
alone reach the floor (the score from which an account is in the middle tier, e.g.
Nurture at 2). Signals are left out on purpose: they say *when* to reach out, not
*who*, and a universe export rarely carries event dates. Every account lands in
exactly one of three counts: addressable, disqualified by the Anti-ICP, or below
the floor on fit.

Under 200 addressable accounts is too narrow to run outbound on; over 50,000 is too
broad to be a profile; 2,000–10,000 is the healthy range for a mid-market product.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.models import DISQUALIFIED, IcpModel
from icp_sheets.core.names import find_column
from icp_sheets.core.scoring import score

TOO_NARROW = 200
TOO_BROAD = 50_000
HEALTHY = (2_000, 10_000)


@dataclass(frozen=True)
class MarketReport:
    """The three counts of the universe, the Anti-ICP reasons, and the columns it lacked."""

    universe: int
    addressable: int
    disqualified: int
    below_floor: int
    reasons: tuple[tuple[str, int], ...]
    missing_columns: tuple[str, ...]
    floor: float
    floor_tier: str

    @property
    def warning(self) -> str | None:
        """Why the list cannot work as it is, or None."""
        if self.addressable < TOO_NARROW:
            return (
                f"only {self.addressable:,} addressable accounts: too narrow to run outbound on (under "
                f"{TOO_NARROW}); loosen a criterion or widen a band"
            )
        if self.addressable > TOO_BROAD:
            return (
                f"{self.addressable:,} addressable accounts: too broad to be a profile (over "
                f"{TOO_BROAD:,}); tighten the criteria, add Anti-ICP rows or raise the floor"
            )
        return None

    def lines(self) -> list[str]:
        """The check's text, one line each."""
        share = self.addressable / self.universe if self.universe else 0.0
        out = [
            f"Addressable market: {self.addressable:,} of {self.universe:,} accounts ({share:.1%}) pass the "
            f"Anti-ICP and reach the {self.floor_tier} floor of {fmt_number(self.floor)} on fit alone."
        ]
        if self.disqualified:
            top = "; ".join(f"{reason}: {n:,}" for reason, n in self.reasons[:3])
            out.append(f"  Disqualified by the Anti-ICP: {self.disqualified:,} ({top})")
        out.append(f"  Below the floor on fit: {self.below_floor:,}")
        out += [f"  The universe has no '{c}' column: counted as blank." for c in self.missing_columns]
        low, high = HEALTHY
        if self.warning:
            out.append(f"warning: {self.warning}.")
        elif low <= self.addressable <= high:
            out.append(f"Healthy for a mid-market product ({low:,}–{high:,}).")
        else:
            side = "smaller" if self.addressable < low else "larger"
            out.append(f"Workable, though {side} than the {low:,}–{high:,} that suits a mid-market product.")
        return out


def blank_missing_columns(model: IcpModel, frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """``frame`` with every column the model reads but the frame lacks added as blank, and their names.

    Scoring refuses such a table; a universe export or an outcomes report often lacks a column
    or two, and counting them as blank (and saying so) still answers the question.
    """
    missing = tuple(c for c in model.required_columns() if find_column(frame.columns, c) is None)
    return (frame.assign(**dict.fromkeys(missing)) if missing else frame), missing


def market_check(model: IcpModel, universe: pd.DataFrame) -> MarketReport:
    """Count the accounts of ``universe`` the ICP would work (see the module's definition)."""
    fit_only = model.model_copy(update={"signals": ()})
    frame, missing = blank_missing_columns(fit_only, universe)
    results = score(fit_only, frame)
    disqualified = results["icp_tier"].eq(DISQUALIFIED)
    anti_reasons = {d.reason for d in model.disqualifiers}
    by_anti = disqualified & results["icp_dq"].isin(anti_reasons)
    counts = results.loc[by_anti, "icp_dq"].value_counts()
    counts = counts[counts > 0]
    s = model.settings
    return MarketReport(
        universe=len(universe),
        addressable=int((~disqualified).sum()),
        disqualified=int(by_anti.sum()),
        below_floor=int((disqualified & ~by_anti).sum()),
        reasons=tuple((str(r), int(n)) for r, n in counts.items()),
        missing_columns=missing,
        floor=s.middle_tier_at,
        floor_tier=s.middle_tier,
    )
