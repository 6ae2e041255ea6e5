"""The committed peer-toolkit template scores as that toolkit does (tests/data/peer_toolkit.xlsx).

``_toolkit`` restates the toolkit's published rules (icp-scoring-toolkit 1.0.0, example config):
banded firmographics × weights for fit; 12 points per open role up to 100, and a 45-day
half-life with a floor of 5 at any age for funding and for two flag-gated signals, × weights,
for intent; A/B/C at 82/58, 1/2/3 at 25/8 on the raw sums. The template must give the same
raw fit and intent (within 1e-9), the same tier (A1…C3) and the same note, on the worked
examples of its description, on every band and decay boundary, and on random accounts.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from icp_sheets.core.scoring import score
from icp_sheets.io.model_reader import load_model
from tools.peer_toolkit import INPUTS, NOTES, PATH, peer_examples, peer_model

Bands = list[tuple[float | None, int]]
_REVENUE: Bands = [(200_000, 20), (1_000_000, 55), (10_000_000, 100), (50_000_000, 85), (None, 45)]
_HEADCOUNT: Bands = [(9, 25), (49, 60), (249, 100), (999, 80), (None, 40)]
_GROUPS = {
    "technology": (["software", "it_services", "telecom"], 100),
    "services": (["professional_services", "financial_services", "healthcare", "education"], 85),
    "industrial": (["manufacturing", "industrial_equipment", "construction", "logistics",
                    "wholesale_distribution"], 70),
    "commercial": (["retail", "hospitality", "consumer_goods"], 40),
}  # fmt: skip
_REGIONS = {"DACH": 90, "Benelux": 85, "Nordics": 80, "UK_I": 95, "CEE": 75, "Iberia": 60, "Southern_EU": 55,
            "Overseas": 30}  # fmt: skip


def _band(value: float | None, bands: list[tuple[float | None, int]]) -> int:
    if value is None:
        return 0
    return next(points for top, points in bands if top is None or value <= top)


def _decay(full: float, days: float | None) -> float:
    return 0.0 if days is None else max(full * 0.5 ** (days / 45), 5)


def _toolkit(row: dict[str, Any]) -> tuple[float, float, str]:
    """(fit_raw, intent_raw, tier) as the toolkit computes them, in its order of operations."""
    revenue, headcount = row["revenue_eur"], row["headcount"]
    p_rev = _band(None if revenue is None else max(0.0, float(revenue)), _REVENUE)
    p_hc = _band(None if headcount is None else max(0, int(headcount)), _HEADCOUNT)
    group = next((g for g, (names, _) in _GROUPS.items() if row["industry"] in names), None)
    p_ind = _GROUPS[group][1] if group else 15
    p_reg = _REGIONS.get(row["region"], 0)
    fit = sum([p_rev * 0.30, p_hc * 0.20, p_ind * 0.35, p_reg * 0.15])
    roles = row["hiring_open_roles"]
    p_hiring = min((roles or 0) * 12, 100)
    p_funding = _decay(100, row["funding_event_days_ago"])
    p_expansion = _decay(70, row["expansion_signal_days_ago"]) if row["expansion_signal"] == "true" else 0.0
    p_tech = _decay(60, row["tech_adoption_signal_days_ago"]) if row["tech_adoption_signal"] == "true" else 0.0
    intent = sum([p_hiring * 0.35, p_funding * 0.30, p_expansion * 0.20, p_tech * 0.15])
    letter = "A" if fit >= 82 else "B" if fit >= 58 else "C"
    digit = "1" if intent >= 25 else "2" if intent >= 8 else "3"
    return fit, intent, letter + digit


@pytest.fixture(scope="module")
def model() -> Any:
    return load_model(PATH)[0]


def _scored(model: Any, accounts: pd.DataFrame) -> pd.DataFrame:
    return score(model, accounts)


def _assert_like_toolkit(model: Any, accounts: pd.DataFrame) -> None:
    got = _scored(model, accounts)
    wrong = []
    for i, row in enumerate(accounts.to_dict("records")):
        fit, intent, tier = _toolkit(row)
        result = got.iloc[i]
        if (
            abs(result["icp_fit"] - fit) > 1e-9
            or abs(result["icp_timing"] - intent) > 1e-9
            or result["icp_priority"] != tier
            or result["icp_action"] != NOTES[tier]
            or result["icp_dq"] != ""
        ):
            wrong.append((row, (fit, intent, tier), tuple(result[["icp_fit", "icp_timing", "icp_priority"]])))
    assert wrong == []


def test_the_committed_workbook_is_the_generators_model(model: Any, tmp_path: Path) -> None:
    """Regenerate with ``python -m tools.peer_toolkit``; the committed file must read as that model."""
    assert model.model_dump(exclude={"settings": {"as_of"}}) == peer_model().model_dump(exclude={"settings": {"as_of"}})


def test_worked_examples_give_the_described_scores(model: Any) -> None:
    """Values stated in the description's worked examples (E1, E2, E5, E7, E8, E10)."""
    got = _scored(model, peer_examples()).set_index(peer_examples()["company_id"])
    expected = {
        "SYN-00001": (88.75, 26.684446399619507, "A1"),
        "SYN-00002": (77.75, 35.0, "B1"),
        "SYN-00924": (82.0, 0.0, "A3"),
        "SYN-00085": (58.0, 0.0, "B3"),
        "SYN-00004": (63.25, 0.0, "B3"),
        "SYN-00364": (70.25, 7.956573257704426, "B3"),
        "SYN-00203": (83.0, 60.87191085901475, "A1"),
        "EDGE-039": (70.25, 0.0, "B3"),
        "EDGE-040": (70.25, 0.0, "B3"),
    }
    for company, (fit, intent, tier) in expected.items():
        row = got.loc[company]
        assert row["icp_fit"] == pytest.approx(fit, abs=1e-9), company
        assert row["icp_timing"] == pytest.approx(intent, abs=1e-9), company
        assert (row["icp_priority"], row["icp_action"]) == (tier, NOTES[tier]), company
    assert got.loc["SYN-00001", "icp_why"].startswith("Hiring 6 × 4.2 (+25.2) · Tech adoption 117 days ago (+1.48) · ")


def _row(**cells: Any) -> dict[str, Any]:
    base: dict[str, Any] = {c: None for c in INPUTS}
    base.update(expansion_signal="false", tech_adoption_signal="false", industry="retail")
    return base | cells


def _boundaries() -> pd.DataFrame:
    """Every band edge on both sides, truncation and clamps, hiring around the cap, decay around
    each floor crossover and at the half-life, negative ages, and the flag/day combinations."""
    rows = []
    for revenue in [None, -5, 0, 198_900, 200_000, 200_000.01, 200_700, 999_100, 1_000_000, 1_000_000.01,
                    10_000_000, 10_014_300, 50_000_000, 50_000_000.01, 50_076_000]:  # fmt: skip
        rows.append(_row(revenue_eur=revenue, headcount=100, region="DACH"))
    for headcount in [None, -3, 0, 9, 9.9, 10, 49, 49.5, 50, 249, 250, 999, 999.9, 1000, 1072]:
        rows.append(_row(revenue_eur=5e6, headcount=headcount, region="Nordics"))
    industries = [n for names, _ in _GROUPS.values() for n in names] + ["public_sector", "agriculture", "space_mining"]
    for industry in [*industries, None]:
        rows.append(_row(revenue_eur=5e6, headcount=100, industry=industry, region="UK_I"))
    for region in [*_REGIONS, "Mars", None]:
        rows.append(_row(revenue_eur=5e6, headcount=100, region=region))
    for roles in [None, 0, 1, 2, 2.5, 4, 8, 9, 10, 30, -1]:
        rows.append(_row(revenue_eur=5e6, hiring_open_roles=roles))
    for days in [None, 0, 1, 12, 45, 117, 171, 172, 161, 162, 193, 194, 195, 196, 450, 10_000, -10]:
        rows.append(_row(funding_event_days_ago=days))
        for flag in ("true", "false"):
            rows.append(_row(expansion_signal=flag, expansion_signal_days_ago=days))
            rows.append(_row(tech_adoption_signal=flag, tech_adoption_signal_days_ago=days))
    rows.append(_row(hiring_open_roles=1, tech_adoption_signal="true", tech_adoption_signal_days_ago=352))
    rows.append(_row(hiring_open_roles=3, funding_event_days_ago=45, tech_adoption_signal="true",
                     tech_adoption_signal_days_ago=265))  # fmt: skip
    return pd.DataFrame(rows, columns=list(INPUTS), dtype=object)


def test_every_boundary_scores_like_the_toolkit(model: Any) -> None:
    _assert_like_toolkit(model, _boundaries())


def test_worked_example_rows_score_like_the_toolkit(model: Any) -> None:
    _assert_like_toolkit(model, peer_examples().drop(columns=["company_id"]))


def test_random_accounts_score_like_the_toolkit(model: Any) -> None:
    """Accounts drawn as the toolkit's synthetic universe spreads them (and beyond it)."""
    rng = random.Random(15)
    industries = [n for names, _ in _GROUPS.values() for n in names] + ["public_sector", "agriculture"]

    def maybe(value: Any, missing: float = 0.1) -> Any:
        return None if rng.random() < missing else value

    rows = []
    for _ in range(3000):
        expansion, tech = rng.random() < 0.15, rng.random() < 0.2
        rows.append(
            {
                "revenue_eur": maybe(round(math.exp(rng.uniform(11, 18.5)), -2)),
                "headcount": maybe(int(math.exp(rng.uniform(0, 7.5)))),
                "industry": maybe(rng.choice(industries), 0.02),
                "region": maybe(rng.choice([*_REGIONS, "Mars"]), 0.02),
                "hiring_open_roles": rng.choice([0] * 6 + list(range(1, 10))),
                "funding_event_days_ago": rng.randint(0, 720) if rng.random() < 0.15 else None,
                "expansion_signal": "true" if expansion else "false",
                "expansion_signal_days_ago": rng.randint(0, 500) if expansion or rng.random() < 0.05 else None,
                "tech_adoption_signal": "true" if tech else "false",
                "tech_adoption_signal_days_ago": rng.randint(0, 500) if tech or rng.random() < 0.05 else None,
            }
        )
    accounts = pd.DataFrame(rows, columns=list(INPUTS), dtype=object)
    _assert_like_toolkit(model, accounts)
    tiers = set(_scored(model, accounts)["icp_priority"])
    assert tiers == set(NOTES), tiers  # every cell of the matrix is reached


def test_a_csv_of_the_toolkit_scores_from_the_cli(tmp_path: Path) -> None:
    """The toolkit's own CSV (booleans as true/false, empty cells missing) through `icp-sheets score`."""
    accounts = _boundaries()
    source = tmp_path / "universe.csv"
    accounts.to_csv(source, index=False)
    out = tmp_path / "scored.csv"
    command = Path(sys.executable).with_name("icp-sheets")
    done = subprocess.run(
        [str(command), "score", str(PATH), str(source), "-o", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    scored = pd.read_csv(out, keep_default_na=False)
    for i, row in enumerate(accounts.to_dict("records")):
        fit, intent, tier = _toolkit(row)
        assert abs(float(scored.loc[i, "icp_fit"]) - fit) <= 1e-9
        assert abs(float(scored.loc[i, "icp_timing"]) - intent) <= 1e-9
        assert scored.loc[i, "icp_priority"] == tier
