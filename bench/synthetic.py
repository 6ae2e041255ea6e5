"""Synthetic account lists shaped like a prospecting-tool export, for benchmarks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from icp_sheets.example import AS_OF

INDUSTRIES = ["Software", "Fintech", "Healthcare", "Logistics", "Retail", "Government", "Media", "Energy"]
REGIONS = ["North America", "Europe", "APAC", "LATAM"]
STAGES = ["Seed", "Series A", "Series B", "Series C", "Series D", "Bootstrapped", "Public", ""]
STACKS = [
    "Salesforce",
    "HubSpot",
    "Pipedrive",
    "Zoho",
    "Salesforce, Outreach",
    "HubSpot; Gong",
    "Shopify",
    "",
    "Salesforce, Slack, Okta",
    "Zoho, Shopify",
]
SIGNAL_COLUMNS = ["Last funding date", "Sales hiring date", "Leader hired date", "Tech switch date"]


def accounts(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` accounts with the Example ICP's columns; dates as ISO text, some cells messy."""
    rng = np.random.default_rng(seed)
    employees = rng.lognormal(5.0, 1.3, n).round().astype(np.int64).astype(object)
    messy = rng.random(n)
    employees[messy < 0.01] = "n/a"
    employees[(messy >= 0.01) & (messy < 0.02)] = "1,200"
    frame = pd.DataFrame(
        {
            "Company": [f"Company {i}" for i in range(n)],
            "Domain": [f"company{i}.example" for i in range(n)],
            "Industry": rng.choice(INDUSTRIES, n),
            "Employees": employees,
            "Region": rng.choice(REGIONS, n),
            "Funding stage": rng.choice(STAGES, n),
            "Tech stack": rng.choice(STACKS, n),
        }
    )
    for column in SIGNAL_COLUMNS:
        ages = rng.integers(0, 400, n)
        dates = pd.Series((np.datetime64(AS_OF) - ages.astype("timedelta64[D]")).astype(str))
        frame[column] = dates.where(rng.random(n) < 0.35, "")
    return frame


def write_csv(path: str, n: int) -> None:
    accounts(n).to_csv(path, index=False)


if __name__ == "__main__":  # pragma: no cover
    print(accounts(5).to_string(), dt.date.today())
