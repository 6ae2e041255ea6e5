"""The addressable-market check on universes built with known counts."""

from __future__ import annotations

import pandas as pd
import pytest

from icp_sheets.evidence.market import market_check
from icp_sheets.example import AS_OF, example_model

FIT = {
    "Company": "Fit",
    "Industry": "Software",
    "Employees": 120,
    "Region": "North America",
    "Funding stage": "Series A",
    "Tech stack": "HubSpot",
    "Sales hiring date": None,
}  # fit 2+1+2+1 = 6
GOVERNMENT = {**FIT, "Company": "Agency", "Industry": "Government"}
ENTERPRISE = {**FIT, "Company": "Giant", "Employees": 5000}
WEAK = {
    **FIT,
    "Company": "Tiny",
    "Employees": 20,
    "Funding stage": "Bootstrapped",
    "Tech stack": "Pipedrive",
    "Region": "Europe",
}  # 0 + 0 − 1 + 0 = −1
# Fit 1 (Series A only) plus a sales hire on the as-of day: a score of 2 (Nurture) when scored,
# but the market check counts fit alone, so these stay below the floor of 2.
TRIGGERED = {**WEAK, "Company": "Hiring", "Funding stage": "Series A", "Tech stack": "Slack",
             "Sales hiring date": AS_OF}  # fmt: skip


def universe(**counts: int) -> pd.DataFrame:
    kinds = {"fit": FIT, "government": GOVERNMENT, "enterprise": ENTERPRISE, "weak": WEAK, "triggered": TRIGGERED}
    return pd.DataFrame([kinds[k] for k, n in counts.items() for _ in range(n)])


def test_counts_partition_the_universe() -> None:
    report = market_check(example_model(), universe(fit=2500, government=50, enterprise=70, weak=80, triggered=40))
    assert (report.universe, report.addressable, report.disqualified, report.below_floor) == (2740, 2500, 120, 120)
    assert report.reasons == (
        ("More than 1,000 employees: enterprise procurement", 70),
        ("Public sector: procurement-heavy, 12-month cycles", 50),
    )
    assert report.warning is None
    assert report.lines()[-1] == "Healthy for a mid-market product (2,000–10,000)."


def test_signals_do_not_make_an_account_addressable() -> None:
    from icp_sheets.core.scoring import score

    model = example_model()
    sales_hiring_only = model.model_copy(update={"signals": model.signals[:1]})
    frame = universe(triggered=5)
    assert set(score(sales_hiring_only, frame)["icp_tier"]) == {"Nurture"}  # with the signal it would pass
    assert market_check(model, frame).below_floor == 5


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (199, "too narrow"),
        (200, "Workable, though smaller"),
        (10_001, "Workable, though larger"),
        (50_001, "too broad"),
    ],
)
def test_thresholds(n: int, words: str) -> None:
    report = market_check(example_model(), universe(fit=n, weak=10))
    assert report.addressable == n
    assert words in report.lines()[-1]
    assert (report.warning is not None) == (n < 200 or n > 50_000)


def test_missing_columns_count_as_blank() -> None:
    frame = universe(fit=300, weak=10).drop(columns=["Tech stack", "Sales hiring date"])
    report = market_check(example_model(), frame)
    assert report.missing_columns == ("Tech stack",)  # signal columns are not needed for fit
    assert report.addressable == 300  # 2 + 1 + 1 = 4 without the CRM points, still above the floor
    assert "  The universe has no 'Tech stack' column: counted as blank." in report.lines()
