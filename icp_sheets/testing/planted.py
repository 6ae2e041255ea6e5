"""Synthetic customers and opportunities with a known, planted pattern.

The tests of ``learn`` and ``validate`` and their benchmark need data whose truth is
known in advance: ``learn`` must find the planted profile, ``validate`` must measure
the planted conversion rates. The patterns are built by construction (never by
running the scorer), so a scoring or statistics bug cannot hide in the generator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from icp_sheets.example import AS_OF

INDUSTRIES = ("Fintech", "Retail", "Healthcare", "Logistics", "Media", "Education", "Manufacturing")
CRMS = ("HubSpot", "Salesforce", "Pipedrive", "Zoho")
OTHER_TOOLS = ("Slack", "Zendesk", "Intercom", "Notion", "Gong", "Outreach")
REGIONS = ("North America", "Europe", "APAC", "LATAM")


def _stack(rng: np.random.Generator, n: int, crm: str | None, hubspot: float = 0.25) -> list[str]:
    """Two non-CRM tools plus ``crm``, or plus a random CRM (HubSpot with chance ``hubspot``)."""
    others = (1 - hubspot) / (len(CRMS) - 1)
    crms = [crm] * n if crm else list(rng.choice(CRMS, n, p=[hubspot, *[others] * (len(CRMS) - 1)]))
    return [", ".join([c, *rng.choice(OTHER_TOOLS, 2, replace=False)]) for c in crms]


def customers(n_best: int, n_worst: int, *, seed: int = 0, noise: bool = False) -> pd.DataFrame:
    """Customers whose best are 50–200-employee fintechs on HubSpot and whose churned are under 20
    (and rarely on HubSpot: one in ten).

    With ``noise`` every attribute is drawn the same way for both outcomes, so
    nothing real separates them. Region and Source carry no signal either way.
    """
    rng = np.random.default_rng(seed)
    n = n_best + n_worst
    best = np.arange(n) < n_best
    planted = best & (not noise)
    churned = ~best & (not noise)
    employees = rng.integers(2, 2000, n)
    employees[planted] = rng.integers(50, 201, planted.sum())
    employees[churned] = rng.integers(2, 20, churned.sum())
    industry = rng.choice(INDUSTRIES, n)
    industry[planted] = "Fintech"
    stacks = np.array(_stack(rng, n, None), dtype=object)
    stacks[planted] = _stack(rng, int(planted.sum()), "HubSpot")
    stacks[churned] = _stack(rng, int(churned.sum()), None, hubspot=0.1)
    frame = pd.DataFrame({
        "Company": [f"Company {i:05d}" for i in range(n)],
        "Industry": industry,
        "Employees": employees,
        "Region": rng.choice(REGIONS, n),
        "Tech stack": stacks,
        "Source": rng.choice(["Referral", "Outbound", "Inbound"], n, p=[0.35, 0.4, 0.25]),
        "Outcome": np.where(best, "best", "churned"),
    })  # fmt: skip
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


# Opportunities for the Example ICP. Each group is built to land in one tier with
# the Example ICP (points in brackets) and wins at its planted rate.
#   pursue:  50–200 employees (+2), Series B (+1), HubSpot (+2), North America (+1) = 6
#   nurture: 201–500 employees (+1), Series A (+1), no CRM, Europe = 2
#   late:    like nurture plus a sales hire 10 days before the opportunity was created:
#            3 (Pursue) as of that day, but 2 (Nurture) as of the model's date months later
#   dq:      under 50 employees (0), Bootstrapped (0), Pipedrive (−1) = −1, below the floor
PLANTED_WIN = {"pursue": 0.30, "late": 0.30, "nurture": 0.10, "dq": 0.02}


def opportunities(sizes: dict[str, int], *, seed: int = 0, open_share: float = 0.0) -> pd.DataFrame:
    """Opportunities for the Example ICP, created 150–400 days before its as-of date.

    ``sizes`` gives the number of rows per group of :data:`PLANTED_WIN`; a
    ``Group`` column keeps each row's group for the tests, and ``open_share`` of the
    rows get the outcome ``open`` (neither won nor lost).
    """
    rng = np.random.default_rng(seed)
    parts = []
    for group, n in sizes.items():
        created = [AS_OF - dt.timedelta(days=int(d)) for d in rng.integers(150, 400, n)]
        fits = group == "pursue"
        small = group == "dq"
        employees = rng.integers(50, 201, n) if fits else rng.integers(5, 50, n) if small else rng.integers(201, 501, n)
        parts.append(pd.DataFrame({
            "Company": [f"{group} {i:05d}" for i in range(n)],
            "Industry": rng.choice(INDUSTRIES, n),
            "Employees": employees,
            "Region": "North America" if fits else "Europe",
            "Funding stage": "Series B" if fits else "Bootstrapped" if small else "Series A",
            "Tech stack": _stack(rng, n, "HubSpot" if fits else "Pipedrive") if fits or small else "Slack, Notion",
            "Last funding date": None,
            "Sales hiring date": [c - dt.timedelta(days=10) for c in created] if group == "late" else None,
            "Leader hired date": None,
            "Tech switch date": None,
            "Created date": created,
            "Outcome": np.where(rng.random(n) < PLANTED_WIN[group], "won", "lost"),
            "Group": group,
        }))  # fmt: skip
    frame = pd.concat(parts, ignore_index=True)
    frame.loc[rng.random(len(frame)) < open_share, "Outcome"] = "open"
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def command_inputs(folder: Path, table: pd.DataFrame, name: str) -> tuple[Path, Path]:
    """A fresh template workbook and ``table`` saved as the CSV ``name`` in ``folder``, as a user has them."""
    from icp_sheets.io.template import write_template

    workbook, path = folder / "icp.xlsx", folder / name
    write_template(workbook)
    table.to_csv(path, index=False)
    return workbook, path
