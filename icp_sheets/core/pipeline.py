"""The pipeline in numbers: accounts per fit × timing cell, per priority, tier and segment, the best per cell.

Counted from the result columns :func:`icp_sheets.core.scoring.score` produced, never from
anything recomputed elsewhere: a cell's fit and timing tiers are the tiers of the account's
``icp_fit`` and ``icp_timing`` through the same :func:`~icp_sheets.core.grades.tier_codes`
scoring used, so every in-play account lands in the cell its ``icp_priority`` names.
The Pipeline tab (:mod:`icp_sheets.io.pipeline_tab`) lays these numbers out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from icp_sheets.core.grades import DQ_ACTION, DQ_PRIORITY, tier_codes
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import find_column
from icp_sheets.core.ranking import Sort, rank_order

SEGMENT = "icp_segment"
ALL_ACCOUNTS = "All accounts"
DISQUALIFIED = "Disqualified"
TOP_PER_CELL = 5


@dataclass(frozen=True)
class Cell:
    """One pair of a fit tier and a timing tier: its priority, action, count and best accounts."""

    fit: str
    timing: str
    priority: str
    action: str
    accounts: int
    best: tuple[int, ...]  # row positions in the results, best score first


@dataclass(frozen=True)
class Pipeline:
    """What the Pipeline tab shows; row positions index the results as given."""

    fit: tuple[str, ...]
    timing: tuple[str, ...]
    cells: tuple[Cell, ...]  # row-major: fit tier by fit tier, best first
    disqualified: int
    unscored: int  # rows without a result (blank input rows)
    priorities: tuple[tuple[str, int], ...]  # each priority, best first, then DQ
    tiers: tuple[str, ...]  # the tier names, best first, Disqualified last
    segments: tuple[tuple[str, tuple[int, ...]], ...]  # (segment, accounts per tier)
    segmented: bool  # False: no icp_segment column, one row for all accounts
    dq_action: str = DQ_ACTION

    @property
    def scored(self) -> int:
        return sum(c.accounts for c in self.cells) + self.disqualified

    def grid(self) -> np.ndarray:
        """Accounts per cell as a fit × timing array."""
        return np.array([c.accounts for c in self.cells], dtype=np.int64).reshape(len(self.fit), len(self.timing))


def pipeline(model: IcpModel, results: pd.DataFrame, top: int = TOP_PER_CELL) -> Pipeline:
    """Count ``results`` (the score() columns, one row per account, blank rows allowed)."""
    graded = model.grading()
    settings = model.settings
    scores = pd.to_numeric(results["icp_score"], errors="coerce").to_numpy(dtype=float)
    scored = ~np.isnan(scores)
    priority = results["icp_priority"].astype(object).to_numpy()
    dq = scored & (priority == DQ_PRIORITY)
    live = scored & ~dq
    fit = tier_codes(pd.to_numeric(results["icp_fit"], errors="coerce").to_numpy(dtype=float), graded.fit_at)
    timing = tier_codes(pd.to_numeric(results["icp_timing"], errors="coerce").to_numpy(dtype=float), graded.timing_at)
    code = np.where(live, fit * len(graded.timing) + timing, -1)
    order = rank_order(results, Sort.SCORE)
    ranked_codes = code[order]
    cells = []
    for i, (name, action) in enumerate(zip(graded.priorities, graded.actions, strict=True)):
        best = order[ranked_codes == i][:top]
        cells.append(
            Cell(
                graded.fit[i // len(graded.timing)],
                graded.timing[i % len(graded.timing)],
                name,
                action,
                int((code == i).sum()),
                tuple(int(p) for p in best),
            )
        )
    counts = pd.Series(priority[scored]).value_counts()
    names = [*dict.fromkeys(graded.priorities), DQ_PRIORITY]
    tiers = (settings.top_tier, settings.middle_tier, DISQUALIFIED)
    return Pipeline(
        fit=graded.fit,
        timing=graded.timing,
        cells=tuple(cells),
        disqualified=int(dq.sum()),
        unscored=int((~scored).sum()),
        priorities=tuple((name, int(counts.get(name, 0))) for name in names),
        tiers=tiers,
        segments=_segments(results, scored, tiers),
        segmented=find_column(results.columns, SEGMENT) is not None,
    )


def _segments(
    results: pd.DataFrame, scored: np.ndarray, tiers: tuple[str, ...]
) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Accounts per tier, per icp_segment when the results have one (blank segment last), else all."""
    tier = results["icp_tier"].astype(object).to_numpy()[scored]
    column = find_column(results.columns, SEGMENT)
    if column is None:
        return ((ALL_ACCOUNTS, tuple(int((tier == t).sum()) for t in tiers)),)
    segment = results[column].astype(object).to_numpy()[scored]
    labels = np.array(["(no segment)" if pd.isna(s) or str(s).strip() == "" else str(s) for s in segment], dtype=object)
    order = sorted(set(labels), key=lambda s: (s == "(no segment)", s.casefold()))
    return tuple((s, tuple(int(((labels == s) & (tier == t)).sum()) for t in tiers)) for s in order)
