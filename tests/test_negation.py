"""`is not`, `not one of`, `does not contain any of`: read, scored, explained and checked."""

from __future__ import annotations

import pandas as pd
import pytest

from icp_sheets.core.checks import check_model
from icp_sheets.core.conditions import ConditionError, Op, parse_condition
from icp_sheets.core.models import Criterion, Disqualifier, IcpModel, Settings
from icp_sheets.core.problems import Code
from icp_sheets.core.scoring import score

_SETTINGS = Settings(top_tier_at=1, middle_tier_at=0)
_BAND_CODES = {Code.BAND_GAP, Code.BAND_OVERLAP, Code.UNREACHABLE_BAND}


def _model(column: str, *conditions: str, anti: tuple[str, ...] = ()) -> IcpModel:
    return IcpModel(
        criteria=tuple(
            Criterion(column=column, condition=parse_condition(c), points=1, row=i)
            for i, c in enumerate(conditions, start=2)
        ),
        disqualifiers=tuple(
            Disqualifier(column=column, condition=parse_condition(c), reason=f"no {c}", row=i)
            for i, c in enumerate(anti, start=2)
        ),
        settings=_SETTINGS,
        personas=(),
    )


def _found(model: IcpModel) -> list[tuple[str, int | None, str]]:
    """The band warnings (the tiny models here trip the tier and review ones too)."""
    return [(p.code.value, p.row, p.message) for p in check_model(model) if p.code in _BAND_CODES]


@pytest.mark.parametrize(
    ("typed", "op", "items", "canonical"),
    [
        ("is not North America", Op.IS_NOT, ("North America",), "is not North America"),
        ("IS NOT  europe", Op.IS_NOT, ("europe",), "is not europe"),
        ("not one of Seed, Public", Op.NOT_ONE_OF, ("Seed", "Public"), "not one of Seed, Public"),
        ("is not one of Seed", Op.NOT_ONE_OF, ("Seed",), "not one of Seed"),
        ("not in Seed; Public", Op.NOT_ONE_OF, ("Seed", "Public"), "not one of Seed, Public"),
        ("does not contain any of Zoho, Pipedrive", Op.NOT_CONTAINS_ANY, ("Zoho", "Pipedrive"), None),
        ("does not contain Zoho", Op.NOT_CONTAINS_ANY, ("Zoho",), "does not contain any of Zoho"),
    ],
)
def test_negations_read_and_write_back(typed: str, op: Op, items: tuple[str, ...], canonical: str | None) -> None:
    condition = parse_condition(typed)
    assert (condition.op, condition.items) == (op, items)
    assert condition.text() == (canonical or typed)
    assert parse_condition(condition.text()) == condition


def test_is_not_blank_is_still_the_blank_test() -> None:
    assert parse_condition("is not blank").op is Op.NOT_BLANK
    assert parse_condition("is not empty").op is Op.NOT_BLANK


@pytest.mark.parametrize(
    ("typed", "fix"),
    [
        ("one of not Government, Education", "not one of Government, Education"),
        ("equals not Government", "is not Government"),
        ("is not not Government", "is not Government"),
        ("one of Software, not Government", "not one of Software, Government"),
    ],
)
def test_a_value_starting_with_not_is_never_silently_literal(typed: str, fix: str) -> None:
    with pytest.raises(ConditionError, match=f"write '{fix}'"):
        parse_condition(typed)


def test_negations_score_and_explain_and_never_match_blank() -> None:
    model = IcpModel(
        criteria=(
            Criterion(column="Region", condition=parse_condition("is not North America"), points=1),
            Criterion(column="Stage", condition=parse_condition("not one of Seed, Public"), points=2),
            Criterion(column="Tech", condition=parse_condition("does not contain any of Zoho, Pipedrive"), points=1),
        ),
        settings=_SETTINGS,
    )
    accounts = pd.DataFrame(
        {
            "Region": ["Europe", " north  AMERICA ", None],
            "Stage": ["Series A", "seed", None],
            "Tech": ["Salesforce; HubSpot", "HubSpot, zoho", None],
        },
        dtype=object,
    )
    results = score(model, accounts)
    assert results["icp_fit"].tolist() == [4, 0, 0]
    assert results["icp_why"].iloc[0] == (
        "Series A (not Seed/Public) (+2) · Europe (not North America) (+1) · Tech without Zoho/Pipedrive (+1)"
    )
    assert results["icp_why"].iloc[2] == ""
    assert results["icp_data_gaps"].iloc[2] == "Region blank · Stage blank · Tech blank"


def test_negated_disqualifier_disqualifies_with_its_reason() -> None:
    model = _model("Industry", "is Software", anti=("not one of Software, Fintech",))
    accounts = pd.DataFrame({"Industry": ["Fintech", "Government"]}, dtype=object)
    assert score(model, accounts)["icp_dq"].tolist() == ["", "no not one of Software, Fintech"]


def test_a_band_below_its_negation_never_counts() -> None:
    found = _found(_model("Region", "is not North America", "is Europe"))
    assert found == [
        ("unreachable-band", 3, "never counts: row(s) 2 above already catch 'Europe'; remove it or move it up")
    ]


def test_a_negation_and_its_positive_split_the_values_cleanly() -> None:
    assert _found(_model("Region", "is North America", "is not North America")) == []
    found = _found(_model("Region", "is North America", "is not North America", "one of Europe, APAC"))
    assert [(code, row) for code, row, _ in found] == [("unreachable-band", 4)]


def test_narrower_negation_below_a_wider_one_never_counts_and_the_reverse_overlaps() -> None:
    assert [(c, r) for c, r, _ in _found(_model("Stage", "not one of Seed", "not one of Seed, Public"))] == [
        ("unreachable-band", 3)
    ]
    found = _found(_model("Stage", "not one of Seed, Public", "not one of Seed"))
    assert found == [
        ("band-overlap", 3, "counts only for 'Public'; row(s) 2 above take every value except 'Public', 'Seed'")
    ]


def test_positive_bands_partly_caught_above_say_what_they_count_for() -> None:
    found = _found(_model("Stage", "is Series A", "one of Series A, Series B"))
    assert found == [("band-overlap", 3, "counts only for 'Series B'; row(s) 2 above take 'Series A'")]


def test_a_band_the_negated_anti_icp_disqualifies_never_counts() -> None:
    found = _found(_model("Region", "is North America", "is Europe", anti=("is not North America",)))
    assert found == [
        ("unreachable-band", 3, "never counts: Anti-ICP row(s) 2 disqualify every account it matches; remove it")
    ]


def test_does_not_contain_below_a_narrower_one_never_counts() -> None:
    model = _model("Tech", "does not contain any of Zoho", "does not contain any of Zoho, Pipedrive")
    assert [(c, r) for c, r, _ in _found(model)] == [("unreachable-band", 3)]
    assert _found(_model("Tech", "does not contain any of Zoho, Pipedrive", "does not contain any of Zoho")) == []
