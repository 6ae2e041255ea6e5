"""The scoring core: every condition, every decay, and the Example ICP at every band boundary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.decays import Decay, DecayKind
from icp_sheets.core.explain import Why
from icp_sheets.core.models import Criterion, Disqualifier, IcpModel, Settings, Signal
from icp_sheets.core.problems import IcpError
from icp_sheets.core.scoring import score
from icp_sheets.example import AS_OF, example_accounts
from icp_sheets.io.model_reader import load_model
from icp_sheets.io.template import write_template
from tests.conftest import days_ago

NA = "North America"
# (cells, score, fit, timing, tier, priority). Expected values follow from the rubric in the issue:
# Employees 50–200 +2, 201–500 +1, 501–1000 0, <50 0; Series A–C +1, Bootstrapped 0, D–F/Public −1;
# Salesforce/HubSpot +2 else Pipedrive/Zoho −1; North America +1; four +1 signals; Pursue ≥3, Nurture ≥2.
GOLDEN: list[tuple[dict[str, Any], float, float, float, str, str]] = [
    ({"employees": 49, "region": NA, "funding_stage": "Series A", "tech_stack": "HubSpot"}, 4, 4, 0, "Pursue", "A3"),
    ({"employees": 50, "region": NA}, 3, 3, 0, "Pursue", "B3"),
    ({"employees": 200, "region": NA}, 3, 3, 0, "Pursue", "B3"),
    ({"employees": 201, "region": NA}, 2, 2, 0, "Nurture", "B3"),
    ({"employees": 500, "region": NA}, 2, 2, 0, "Nurture", "B3"),
    ({"employees": 501, "region": NA, "tech_stack": "Salesforce"}, 3, 3, 0, "Pursue", "B3"),
    ({"employees": 1000, "region": NA, "tech_stack": "Salesforce"}, 3, 3, 0, "Pursue", "B3"),
    ({"employees": 1001, "region": NA, "tech_stack": "Salesforce"}, 3, 3, 0, "Disqualified", "DQ"),
    ({"employees": "1,200", "tech_stack": "Salesforce, HubSpot", "region": NA}, 3, 3, 0, "Disqualified", "DQ"),
    ({"employees": 120, "industry": "government", "tech_stack": "HubSpot"}, 4, 4, 0, "Disqualified", "DQ"),
    ({"employees": 120, "funding_stage": "series d", "tech_stack": "Zoho"}, 0, 0, 0, "Disqualified", "DQ"),
    ({"employees": 120, "funding_stage": "Bootstrapped", "tech_stack": "HubSpot, Zoho"}, 4, 4, 0, "Pursue", "A3"),
    ({"employees": 120, "tech_stack": "Pipedrive", "region": NA, "funding_stage": "Series B"}, 3, 3, 0, "Pursue",
     "B3"),
    ({"employees": 120, "sales_hiring_date": days_ago(0)}, 3, 2, 1, "Pursue", "B2"),
    ({"employees": 120, "sales_hiring_date": days_ago(60)}, 3, 2, 1, "Pursue", "B2"),
    ({"employees": 120, "sales_hiring_date": days_ago(61)}, 2, 2, 0, "Nurture", "B3"),
    ({"employees": 120, "sales_hiring_date": days_ago(-1)}, 2, 2, 0, "Nurture", "B3"),
    ({"employees": 120, "last_funding_date": days_ago(30), "leader_hired_date": days_ago(90)}, 4, 2, 2, "Pursue",
     "B1"),
    ({"employees": 120, "last_funding_date": days_ago(31), "tech_switch_date": days_ago(91)}, 2, 2, 0, "Nurture",
     "B3"),
    ({"employees": 30}, 0, 0, 0, "Disqualified", "DQ"),
    ({"employees": 200.5, "region": NA, "funding_stage": "Series C"}, 2, 2, 0, "Nurture", "B3"),
]  # fmt: skip


@pytest.mark.parametrize(("cells", "total", "fit", "timing", "tier", "priority"), GOLDEN)
def test_example_icp_golden(
    model: IcpModel,
    account: Any,
    cells: dict[str, Any],
    total: float,
    fit: float,
    timing: float,
    tier: str,
    priority: str,
) -> None:
    result = score(model, account(**cells)).iloc[0]
    assert (result.icp_score, result.icp_fit, result.icp_timing) == (total, fit, timing)
    assert (result.icp_tier, result.icp_priority) == (tier, priority)
    assert result.icp_score == result.icp_fit + result.icp_timing
    assert (result.icp_dq != "") == (tier == "Disqualified")


def test_why_leads_with_timing_then_fit_largest_first_points_after(model: IcpModel, account: Any) -> None:
    row = account(
        employees=120,
        industry="Software",
        funding_stage="Series B",
        tech_stack="salesforce; Gong",
        region=NA,
        sales_hiring_date=days_ago(12),
        tech_switch_date=days_ago(200),
    )
    result = score(model, row).iloc[0]
    assert result.icp_why == (
        "Sales hiring 12 days ago (+1) · Employees 50–200 (+2) · Salesforce (+2) · Series B (+1) · North America (+1)"
    )
    assert result.icp_data_gaps == ""  # every column read, and nothing counted for nothing
    full = score(model, row, why=Why.FULL).iloc[0]
    assert full.icp_why == result.icp_why  # nothing left out, so the full why says the same


def test_why_names_blank_and_unreadable_cells_and_the_run_goes_on(model: IcpModel, account: Any) -> None:
    frame = pd.concat(
        [
            account(employees="lots", region=NA, sales_hiring_date="next week"),
            account(employees="n/a", tech_stack=None),
            account(employees=120),
        ],
        ignore_index=True,
    )
    result = score(model, frame)
    assert result.icp_data_gaps[0].split(" · ") == [
        "Employees unreadable ('lots')",
        "Funding stage blank",
        "Tech stack blank",
        "Sales hiring date unreadable ('next week')",
    ]
    assert result.icp_why[0].endswith("North America (+1)")
    assert "Check: Employees unreadable ('lots')" in result.icp_why[0]  # the Anti-ICP could not read it
    assert "Sales hiring" not in result.icp_why[0] and "blank" not in result.icp_why[0]
    assert "Employees unknown ('n/a')" in result.icp_data_gaps[1]
    assert "Tech stack blank" in result.icp_data_gaps[1]
    assert "Employees" not in result.icp_data_gaps[2]
    assert result.icp_fit.tolist() == [1, 0, 2]
    full = score(model, frame, why=Why.FULL)
    gaps = " · ".join(result.icp_data_gaps[0].split(" · ")[1:])  # the first is said by the check
    assert full.icp_why[0] == f"{result.icp_why[0]} · {gaps}"
    assert full.icp_data_gaps.tolist() == result.icp_data_gaps.tolist()


def test_disqualification_reasons(model: IcpModel, account: Any) -> None:
    frame = pd.concat([account(employees=5000, industry="Government"), account(employees=10)], ignore_index=True)
    result = score(model, frame)
    assert result.icp_dq[0] == "More than 1,000 employees: enterprise procurement"  # the first Anti-ICP row wins
    assert result.icp_dq[1] == "Score 0 is below the Nurture floor of 2"
    assert result.icp_why[0].startswith("Disqualified: More than 1,000 employees")
    assert result.icp_action[0].startswith("Do not pursue")


def test_missing_column_names_it_and_lists_found(model: IcpModel) -> None:
    with pytest.raises(IcpError) as caught:
        score(model, pd.DataFrame({"Company": ["A"], "employees ": [3]}))
    missing = {p.column for p in caught.value.problems}
    assert "Funding stage" in missing and "Employees" not in missing  # headers match case/space-insensitively
    assert "columns found: 'Company', 'employees '" in str(caught.value)


def test_result_keeps_row_order_and_index(model: IcpModel) -> None:
    frame = pd.DataFrame(example_accounts()).iloc[::-1]
    result = score(model, frame)
    assert list(result.index) == list(frame.index)
    assert list(result.columns) == [
        "icp_score",
        "icp_fit",
        "icp_timing",
        "icp_tier",
        "icp_priority",
        "icp_dq",
        "icp_why",
        "icp_action",
        "icp_data_gaps",
    ]


def _one_column_model(*rows: tuple[str, float], column: str = "X") -> IcpModel:
    criteria = tuple(Criterion(column=column, condition=parse_condition(c), points=p) for c, p in rows)
    return IcpModel(criteria=criteria, settings=Settings(top_tier_at=0, middle_tier_at=-100))


@pytest.mark.parametrize(
    ("condition", "cells", "expected"),
    [
        ("between 10 and 20", [9, 10, "20", 21, None], [0, 5, 5, 0, 0]),
        ("below 10", [9.99, 10, "n/a"], [5, 0, 0]),
        ("above 10", [10, 10.01], [0, 5]),
        ("at least 10", [9, 10], [0, 5]),
        ("at most 10", [10, 11], [5, 0]),
        ("is Fintech", [" fintech ", "FinTech", "Fintech Plus"], [5, 5, 0]),
        ("one of Series A, Series B", ["series  b", "Series C"], [5, 0]),
        ("contains any of HubSpot, Gong", ["Slack;gong", "HubSpotter", "Zoho\nHubSpot", None], [5, 0, 5, 0]),
        ("is blank", [None, "", "n/a", "x"], [5, 5, 5, 0]),
        ("is not blank", [None, "x", 0], [0, 5, 5]),
        ("is true", ["Yes", "y", 1, True, "no", "maybe"], [5, 5, 5, 5, 0, 0]),
        ("is false", ["No", 0, False, "yes", None], [5, 5, 5, 0, 0]),
        ("any other value", ["anything", None], [5, 5]),
    ],
)  # fmt: skip
def test_every_condition(condition: str, cells: list[Any], expected: list[float]) -> None:
    model = _one_column_model((condition, 5))
    result = score(model, pd.DataFrame({"X": pd.Series(cells, dtype=object)}))
    assert result.icp_fit.tolist() == expected


def test_per_unit_with_cap_and_negative_points() -> None:
    model = _one_column_model(("per unit up to 100", 12))
    result = score(model, pd.DataFrame({"X": [0, 2, "3", 9, None, "many"]}, dtype=object))
    assert result.icp_fit.tolist() == [0, 24, 36, 100, 0, 0]
    assert result.icp_why[1] == "X 2 × 12 (+24)"
    assert result.icp_why[3] == "X 9 × 12 (+100)"  # the cap shows as the capped points, so the why adds up
    assert result.icp_why[0] == "" and result.icp_data_gaps[0] == "X 0 × 12 (+0)"
    assert result.icp_data_gaps[5] == "X unreadable ('many')"
    negative = score(_one_column_model(("per unit up to 5", -2)), pd.DataFrame({"X": [1, 10]}))
    assert negative.icp_fit.tolist() == [-2, -5]


def test_bands_first_match_wins_and_any_other_catches_the_rest() -> None:
    model = _one_column_model(("one of Fintech", 3), ("one of Fintech, Software", 1), ("any other value", -1))
    result = score(model, pd.DataFrame({"X": ["Fintech", "Software", "Retail", None]}, dtype=object))
    assert result.icp_fit.tolist() == [3, 1, -1, -1]
    assert result.icp_why[2] == "X other (Retail) (−1)"


def test_fractional_points_keep_full_precision() -> None:
    model = _one_column_model(("is a", 0.1), column="X")
    model = model.model_copy(
        update={"criteria": (*model.criteria, Criterion(column="Y", condition=parse_condition("is b"), points=0.2))}
    )
    model = model.model_copy(update={"settings": Settings(top_tier_at=0.3, middle_tier_at=0.1)})
    result = score(model, pd.DataFrame({"X": ["a"], "Y": ["b"]})).iloc[0]
    assert result.icp_fit == pytest.approx(0.3)
    assert result.icp_tier == "Pursue"  # 0.1 + 0.2 reaches a threshold of 0.3


def _signal_model(decay: Decay, points: float = 4, window: int = 40) -> IcpModel:
    signal = Signal(name="Funding", date_column="When", points=points, window_days=window, decay=decay)
    return IcpModel(signals=(signal,), settings=Settings(as_of=AS_OF, top_tier_at=0, middle_tier_at=-1))


@pytest.mark.parametrize(
    ("decay", "ages", "expected"),
    [
        (Decay(), [0, 40, 41, -1], [4, 4, 0, 0]),
        (Decay(kind=DecayKind.LINEAR), [0, 10, 30, 40, 41], [4, 3, 1, 0, 0]),
        (Decay(kind=DecayKind.HALF_LIFE, half_life_days=10), [0, 10, 20, 41], [4, 2, 1, 0]),
        (Decay(kind=DecayKind.HALF_LIFE, half_life_days=10, floor=1.5), [0, 10, 20, 40, 41], [4, 2, 1.5, 1.5, 0]),
    ],
)
def test_decays(decay: Decay, ages: list[int], expected: list[float]) -> None:
    frame = pd.DataFrame({"When": [days_ago(a) for a in ages]}, dtype=object)
    assert score(_signal_model(decay), frame).icp_timing.tolist() == pytest.approx(expected)


def test_as_of_argument_and_per_row_as_of() -> None:
    model = _signal_model(Decay(), window=10)
    frame = pd.DataFrame({"When": ["2026-01-10", "2026-01-10"]})
    assert score(model, frame, dt.date(2026, 1, 15)).icp_timing.tolist() == [4, 4]
    assert score(model, frame, dt.date(2026, 2, 15)).icp_timing.tolist() == [0, 0]
    per_row = pd.Series([dt.date(2026, 1, 12), dt.date(2026, 3, 1)])
    assert score(model, frame, per_row).icp_timing.tolist() == [4, 0]


def test_dates_in_mixed_forms_count_alike() -> None:
    model = _signal_model(Decay(), window=10)
    when = AS_OF - dt.timedelta(days=3)
    serial = (when - dt.date(1899, 12, 30)).days
    cells = [
        when,
        dt.datetime.combine(when, dt.time(9)),
        when.isoformat(),
        serial,
        str(serial),
        when.strftime("%d.%m.%Y"),
    ]
    result = score(model, pd.DataFrame({"When": cells}, dtype=object))
    assert result.icp_timing.tolist() == [4] * len(cells)
    assert set(result.icp_why) == {"Funding 3 days ago (+4)"}


def test_anti_icp_on_a_column_the_icp_does_not_score() -> None:
    model = IcpModel(
        criteria=(Criterion(column="X", condition=parse_condition("is a"), points=5),),
        disqualifiers=(Disqualifier(column="Competitor", condition=parse_condition("is true"), reason="Competitor"),),
        settings=Settings(top_tier_at=1, middle_tier_at=0),
    )
    result = score(model, pd.DataFrame({"X": ["a", "a"], "Competitor": ["yes", "no"]}))
    assert result.icp_tier.tolist() == ["Disqualified", "Pursue"]


def test_a_million_distinct_why_texts_are_not_needed_for_identical_rows(model: IcpModel) -> None:
    frame = pd.DataFrame(example_accounts() * 200)
    result = score(model, frame)
    single = score(model, pd.DataFrame(example_accounts()))
    assert result.icp_why.iloc[: len(single)].tolist() == single.icp_why.tolist()
    assert result.icp_why.astype(str).nunique() == single.icp_why.astype(str).nunique()


def test_example_model_matches_the_issue_and_reads_back_from_its_template(model: IcpModel, tmp_path: Path) -> None:
    assert [(c.column, c.condition.text(), c.points) for c in model.criteria] == [
        ("Employees", "between 50 and 200", 2), ("Employees", "between 201 and 500", 1),
        ("Employees", "between 501 and 1,000", 0), ("Employees", "below 50", 0),
        ("Funding stage", "one of Series A, Series B, Series C", 1), ("Funding stage", "one of Bootstrapped", 0),
        ("Funding stage", "one of Series D, Series E, Series F, Public", -1),
        ("Tech stack", "contains any of Salesforce, HubSpot", 2), ("Tech stack", "contains any of Pipedrive, Zoho", -1),
        ("Region", "one of North America", 1),
    ]  # fmt: skip
    assert [(s.name, s.date_column, s.points, s.window_days, s.decay.kind.value) for s in model.signals] == [
        ("Sales hiring", "Sales hiring date", 1, 60, "none"), ("Funding round", "Last funding date", 1, 30, "none"),
        ("New leader", "Leader hired date", 1, 90, "none"), ("Tech switch", "Tech switch date", 1, 90, "none"),
    ]  # fmt: skip
    write_template(tmp_path / "example.xlsx", model)
    assert load_model(tmp_path / "example.xlsx")[0] == model


def test_small_and_large_tables_score_alike(model: IcpModel) -> None:
    """Tables under and over the small-table threshold take different paths to the same results."""
    from icp_sheets.core.distinct import SMALL

    rows = pd.DataFrame(example_accounts() * (SMALL // 30 + 2))
    rows.loc[len(rows) - 1, "Sales hiring date"] = "unreadable"
    big = score(model, rows)
    small = pd.concat([score(model, rows.iloc[i : i + 7]) for i in range(0, len(rows), 7)])
    pd.testing.assert_frame_equal(big.astype(str), small.astype(str))
