"""Golden test: a MadKudu-style model typed into the template (madkudu_support), read back from the
file, scored against results computed by hand, and the same in DuckDB."""

from __future__ import annotations

import pytest
from madkudu_support import ACCOUNTS, ACTION, tables
from sql_support import mismatches, run_duckdb

from icp_sheets.core.models import IcpModel
from icp_sheets.core.reach import best_fit, best_timing
from icp_sheets.core.scoring import score
from icp_sheets.io.model_reader import load_model, read_model
from icp_sheets.io.template import write_template
from icp_sheets.sql import compile_model, to_sql


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> IcpModel:
    """The model as typed, written into the template and read back from the file."""
    typed, _ = read_model(tables())
    path = tmp_path_factory.mktemp("madkudu") / "model.xlsx"
    write_template(path, typed, accounts=[], contacts=[])
    read, _ = load_model(path)
    assert read == typed
    return read


def test_100_is_the_best_fit_and_the_capped_best_timing(model: IcpModel) -> None:
    assert best_fit(model) == 40 + 20 + 20  # the best employee band, industry and tech stack
    assert best_timing(model) == 50  # eBook 9 + pricing 30 + demo 50 = 89, held by the timing cap


def test_an_ebook_3_days_into_its_90_day_lifespan_keeps_8_7_of_its_9_points(model: IcpModel) -> None:
    results = score(model, ACCOUNTS.iloc[[0]])
    assert "eBook 3 days ago (+8.7)" in results["icp_why"][0]


# Per account, by hand. fit = points / 80 × 100, timing = min(points, 50) × 2, score = (fit + timing
# points) / 130 × 100; fit segments 85 / 70 / 50, timing 60 / 30 / 10; the grade from madkudu_support.GRADE.
EXPECTED = [
    # acme: 40 + 20 + 20 = 80 → 100, very good. eBook 9 × (1 − 3/90) = 8.7, pricing 30 × (1 − 10/30) = 20:
    # 28.7 → 57.4, high. Very good × high = A.
    ("acme.com", 100.0, 57.4, 108.7 / 1.3, "A", "Pursue"),
    # globex: 25 + 10 = 35 → 43.75, low, but the strategic list forces very good. Pricing 30 × 25/30 = 25,
    # demo 50: 75, capped at 50 → 100, very high. Very good × very high = A (low × very high would be C).
    ("globex.com", 43.75, 100.0, 85 / 1.3, "A", "Pursue"),
    # initech: 80 → 100, very good; no behaviour: low → C, but the partner override forces E.
    ("initech.com", 100.0, 0.0, 80 / 1.3, "E", "Pursue"),
    # agency.gov: fit 40 + 20 = 60 → 75, eBook 9 × 89/90 = 8.9 → 17.8; Government: disqualified, and the
    # strategic-list override does not lift it.
    ("agency.gov", 75.0, 17.8, 68.9 / 1.3, "DQ", "Disqualified"),
    # umbrella: no fit; eBook 9 × (1 − 45/90) = 4.5 → 9, low. Low × low = E.
    ("umbrella.com", 0.0, 9.0, 4.5 / 1.3, "E", "Nurture"),
    # hooli: 25 + 20 = 45 → 56.25, medium; pricing 30 × (1 − 15/30) = 15 → 30, high. Medium × high = C.
    ("hooli.com", 56.25, 30.0, 60 / 1.3, "C", "Nurture"),
    # piedpiper: 25 + 20 + 20 = 65 → 81.25, good ('no' is not on the strategic list); demo 59 days ago,
    # inside its 60 days at full points: 50 → 100, very high. Good × very high = A.
    ("piedpiper.com", 81.25, 100.0, 115 / 1.3, "A", "Pursue"),
]


def test_every_account_scores_as_computed_by_hand(model: IcpModel) -> None:
    results = score(model, ACCOUNTS)
    assert ACCOUNTS["Domain"].tolist() == [e[0] for e in EXPECTED]
    assert results["icp_fit"].tolist() == pytest.approx([e[1] for e in EXPECTED], abs=1e-9)
    assert results["icp_timing"].tolist() == pytest.approx([e[2] for e in EXPECTED], abs=1e-9)
    assert results["icp_score"].tolist() == pytest.approx([e[3] for e in EXPECTED], abs=1e-9)
    assert results["icp_priority"].tolist() == [e[4] for e in EXPECTED]
    assert results["icp_tier"].tolist() == [e[5] for e in EXPECTED]
    grades = [e[4] for e in EXPECTED]
    assert results["icp_action"].tolist()[:3] == [ACTION[g] for g in grades[:3]]


def test_the_overrides_are_said_first_and_the_disqualified_account_is_left_alone(model: IcpModel) -> None:
    why = score(model, ACCOUNTS)["icp_why"].tolist()
    assert why[1].startswith("Override: fit tier set to very good (Strategic account list) · ")
    assert "timing 75 capped at 50 (−25)" in why[1]
    assert why[2].startswith("Override: priority set to E (Partner-sourced: the partner calls) · ")
    assert why[3].startswith("Disqualified: Public sector: no budget for this · ")
    assert "Override" not in why[3]
    assert not any("Override" in w for i, w in enumerate(why) if i not in (1, 2))


def test_the_madkudu_model_scores_the_same_in_duckdb(model: IcpModel) -> None:
    sql = to_sql(compile_model(model, headers=list(ACCOUNTS.columns)).query, "duckdb", pretty=False)
    assert mismatches(score(model, ACCOUNTS), run_duckdb(sql, ACCOUNTS)) == []
