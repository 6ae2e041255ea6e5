"""A MadKudu-style model as its user types it into the template: a 0–100 scale, four customer-fit
segments on the Grades tab, behaviour with linear decay over a lifespan, a timing cap, an A–E lead
grade from a 4×4 Matrix, and overrides. Shared by the golden test and the Excel parity test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from icp_sheets.core.models import IcpModel, Scale, Settings
from icp_sheets.core.names import ANTI_ICP, GRADES, ICP, MATRIX, OVERRIDE, PERSONAS, SIGNALS
from icp_sheets.io import layout
from icp_sheets.io.tables import Table, table_from_values

AS_OF = dt.date(2026, 6, 1)
N = None

# Column · Condition · Points · Layer · Note · Group · Cap · And column · And condition: the best fit is 80 points.
ICP_ROWS: list[list[Any]] = [
    ["Employees", "between 50 and 500", 40, N, N, N, N, N, N],
    ["Employees", "between 501 and 2000", 25, N, N, N, N, N, N],
    ["Industry", "one of Software, SaaS", 20, N, N, N, N, N, N],
    ["Industry", "is Fintech", 10, N, N, N, N, N, N],
    ["Tech stack", "contains any of Salesforce", 20, N, N, N, N, N, N],
]
ANTI_ROWS: list[list[Any]] = [["Industry", "is Government", "Public sector: no budget for this"]]
# Signal · Date column · Points · Window (days) · Decay: the window is MadKudu's lifespan.
SIGNAL_ROWS: list[list[Any]] = [
    ["eBook", "eBook download", 9, 90, "linear"],
    ["Pricing page", "Pricing visit", 30, 30, "linear"],
    ["Demo request", "Demo request", 50, 60, "none"],
]
FIT = [("very good", 85), ("good", 70), ("medium", 50), ("low", N)]
TIMING = [("very high", 60), ("high", 30), ("medium", 10), ("low", N)]
GRADE = ["AABC", "ABCD", "BCDE", "CDEE"]  # fit best first (rows) × timing best first (columns)
ACTION = {"A": "Call today", "B": "Call this week", "C": "Sequence", "D": "Nurture", "E": "Marketing only"}
GRADE_ROWS: list[list[Any]] = [["fit", t, at] for t, at in FIT] + [["timing", t, at] for t, at in TIMING]
MATRIX_ROWS: list[list[Any]] = [
    [f, t, GRADE[i][j], ACTION[GRADE[i][j]]] for i, (f, _) in enumerate(FIT) for j, (t, _) in enumerate(TIMING)
]
# Column · Condition · Fit tier · Timing tier · Tier · Priority · Reason
OVERRIDE_ROWS: list[list[Any]] = [
    ["Strategic account", "is true", "very good", N, N, N, "Strategic account list"],
    ["Domain", "is initech.com", N, N, N, "E", "Partner-sourced: the partner calls"],
]
SETTINGS = Settings(
    model_name="MadKudu-style",
    as_of=AS_OF,
    scale=Scale.PERCENT,
    timing_cap=50,  # so the best timing is 50 points: timing on the scale is points × 2
    top_tier_at=50,
    middle_tier_at=0,  # MadKudu disqualifies nobody on points: only the Anti-ICP does
)


def tables() -> dict[str, Table]:
    """The model tabs as typed."""
    rows = layout.model_rows(IcpModel(settings=SETTINGS))
    rows |= {
        ICP: ICP_ROWS,
        ANTI_ICP: ANTI_ROWS,
        SIGNALS: SIGNAL_ROWS,
        PERSONAS: [],
        GRADES: GRADE_ROWS,
        MATRIX: MATRIX_ROWS,
        OVERRIDE: OVERRIDE_ROWS,
    }
    return {tab: table_from_values(tab, [layout.TABS[tab].headers, *r]) for tab, r in rows.items()}


def _ago(days: int | None) -> str | None:
    return None if days is None else (AS_OF - dt.timedelta(days=days)).isoformat()


COLUMNS = [
    "Domain", "Employees", "Industry", "Tech stack", "Strategic account", "eBook download", "Pricing visit",
    "Demo request",
]  # fmt: skip
ACCOUNTS = pd.DataFrame(
    [
        ["acme.com", "120", "Software", "Salesforce; Gong", N, _ago(3), _ago(10), N],
        ["globex.com", "800", "Fintech", "HubSpot", "yes", N, _ago(5), _ago(20)],
        ["initech.com", "60", "SaaS", "Salesforce", N, N, N, N],
        ["agency.gov", "300", "Government", "Salesforce", "yes", _ago(1), N, N],
        ["umbrella.com", "30", "Retail", N, N, _ago(45), N, N],
        ["hooli.com", "1500", "Software", N, N, N, _ago(15), N],
        ["piedpiper.com", "900", "Software", "Salesforce", "no", N, N, _ago(59)],
    ],
    columns=COLUMNS,
    dtype=object,
)
