"""The order a rep works scored rows in: best priority cell first, disqualified last.

Every writer and the ranked terminal table call :func:`rank_order`, so a scored
workbook, a CSV and the demo list agree on who comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import pandas as pd

from icp_sheets.core.buying_group import MISSING
from icp_sheets.core.models import DQ_PRIORITY, PRIORITY_CELLS


class Sort(StrEnum):
    """How scored rows are ordered in the output."""

    INPUT = "input"  # as they came in, so the output joins back to the source row by row
    PRIORITY = "priority"  # A1, A2, A3, B1 … C3, then score; disqualified, then blank rows last
    SCORE = "score"  # score, then fit, then timing; disqualified, then blank rows last
    PROSPECTING = "prospecting"  # as priority, but in each cell the accounts missing most buying-group roles first


def rank_order(results: pd.DataFrame, sort: Sort, priorities: Sequence[str] = PRIORITY_CELLS) -> np.ndarray:
    """Row positions in the order ``sort`` asks for; ties keep their input order.

    ``results`` has the result columns of :func:`icp_sheets.core.scoring.score`; rows
    without a result (blank input rows) go last, after the disqualified ones. ``priorities`` are
    the model's matrix cells best first (``IcpModel.grading().priorities``). ``prospecting``
    needs ``icp_buying_group`` (:mod:`icp_sheets.core.buying_group`): it counts the ✗ there.
    """
    n = len(results)
    if sort is Sort.INPUT:
        return np.arange(n)
    scores = pd.to_numeric(results["icp_score"], errors="coerce").to_numpy(dtype=float)
    blank = np.isnan(scores)
    priority = results["icp_priority"].astype(object).to_numpy()
    disqualified = priority == DQ_PRIORITY
    # 0 = scored and in play, 1 = disqualified, 2 = no result at all
    standing = np.where(blank, 2, np.where(disqualified, 1, 0))
    fit = np.nan_to_num(pd.to_numeric(results["icp_fit"], errors="coerce").to_numpy(dtype=float))
    timing = np.nan_to_num(pd.to_numeric(results["icp_timing"], errors="coerce").to_numpy(dtype=float))
    keys = [np.arange(n), -timing, -fit, -np.nan_to_num(scores)]
    if sort is Sort.PROSPECTING:
        group = results["icp_buying_group"].astype("string").fillna("")
        keys.append(-group.str.count(MISSING).to_numpy(dtype=np.int64))
    if sort in (Sort.PRIORITY, Sort.PROSPECTING):
        cell = {name: i for i, name in reversed(list(enumerate(priorities)))}  # a repeated name: its best cell
        keys.append(np.array([cell.get(str(p), len(cell)) for p in priority]))
    keys.append(standing)
    return np.lexsort(keys)  # the last key sorts first
