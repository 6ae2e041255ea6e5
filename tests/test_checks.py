"""`check` warnings: what a reviewer of an ICP would point out."""

from __future__ import annotations

import datetime as dt

import pytest

from icp_sheets.core.checks import check_model
from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.models import Criterion, IcpModel, Settings
from icp_sheets.core.problems import Code


def _bands(*conditions: str, points: float = 1) -> IcpModel:
    criteria = tuple(
        Criterion(column="Employees", condition=parse_condition(c), points=points, row=i)
        for i, c in enumerate(conditions, start=2)
    )
    return IcpModel(
        criteria=criteria,
        settings=Settings(
            last_reviewed=dt.date(2026, 11, 1),
            top_tier_at=1,
            middle_tier_at=0,
            fit_a_at=1,
            fit_b_at=0,
            timing_1_at=0,
            timing_2_at=0,
        ),
    )


def _found(model: IcpModel) -> list[tuple[str, int | None, str]]:
    return [(p.code.value, p.row, p.message) for p in check_model(model, today=dt.date(2026, 11, 20))]


def test_the_example_icp_is_clean(model: IcpModel) -> None:
    assert _found(model) == []


def test_the_seed_rubric_without_its_zero_band_has_a_gap(model: IcpModel) -> None:
    trimmed = model.model_copy(update={"criteria": tuple(c for c in model.criteria if c.row != 4)})
    assert [(code, msg.split(";")[0]) for code, _, msg in _found(trimmed)] == [("band-gap", "no band scores 501–1,000")]


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        (("below 50", "between 50 and 200", "between 201 and 500"), []),
        (("at most 49", "between 50 and 200"), []),
        (("below 50", "between 60 and 200"), [("band-gap", None, "no band scores 50–59")]),
        (("between 0.5 and 1", "between 1.5 and 2"), [("band-gap", None, "no band scores 1–1.5")]),
        (("between 50 and 200", "between 150 and 300"), [("band-overlap", 3, "overlaps row 2 for 150–200")]),
        (("at least 10", "between 20 and 30"), [("unreachable-band", 3, "never counts: row 2 above already "
                                                 "catches 20–30")]),
        (("below 50", "at least 50"), []),
    ],
)  # fmt: skip
def test_band_gaps_overlaps_and_shadowed_rows(
    conditions: tuple[str, ...], expected: list[tuple[str, int | None, str]]
) -> None:
    found = [(code, row, msg.split(";")[0]) for code, row, msg in _found(_bands(*conditions))]
    assert found == expected


def test_any_other_value_must_be_last() -> None:
    model = _bands("any other value", "below 10")
    assert [code for code, *_ in _found(model)] == ["unreachable-band"]


def test_too_many_columns_stale_review_and_unreachable_tiers(model: IcpModel) -> None:
    many = tuple(Criterion(column=f"C{i}", condition=parse_condition("is x"), points=1) for i in range(9))
    settings = model.settings.model_copy(update={"last_reviewed": dt.date(2026, 1, 1), "top_tier_at": 50})
    found = {code for code, *_ in _found(model.model_copy(update={"criteria": many, "settings": settings}))}
    assert found == {Code.TOO_MANY_COLUMNS.value, Code.STALE_REVIEW.value, Code.UNREACHABLE_TIER.value}
