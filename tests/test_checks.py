"""`check` warnings: what a reviewer of an ICP would point out."""

from __future__ import annotations

import datetime as dt

import pytest

from icp_sheets.core.checks import check_model
from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.models import PRIORITY_CELLS, Criterion, IcpModel, Settings
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
            actions=dict.fromkeys(PRIORITY_CELLS, "Call"),
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
        (("between 50 and 200", "between 150 and 300"), [("band-overlap", 3, "counts only for Employees 201–300")]),
        (("below 50", "below 250", "at least 250"), [("band-overlap", 3, "counts only for Employees 50–249")]),
        (("below 50", "between 50 and 100", "between 20 and 80"), [("unreachable-band", 4, "never counts: rows 2, "
                                                                     "3 above already catch 20–80")]),
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


def _codes(model: IcpModel) -> list[tuple[str, str | None, int | None]]:
    return [(p.code.value, p.tab, p.row) for p in check_model(model, today=dt.date(2026, 11, 20))]


def test_a_floor_above_its_signals_points_is_flagged(model: IcpModel) -> None:
    signal = model.signals[0]
    lifted = signal.model_copy(update={"points": 1.0, "decay": Decay.parse("half-life 30 days, floor 2")})
    found = check_model(model.model_copy(update={"signals": (lifted, *model.signals[1:])}), today=dt.date(2026, 11, 20))
    assert [(p.code, p.tab, p.row, p.column) for p in found] == [
        (Code.FLOOR_ABOVE_POINTS, "Signals", signal.row, "Decay")
    ]
    assert "scores 2 all through its window" in found[0].message
    # at or below the points it is what the floor is for: no warning
    held = lifted.model_copy(update={"decay": Decay.parse("half-life 30 days, floor 1")})
    assert _codes(model.model_copy(update={"signals": (held, *model.signals[1:])})) == []


def test_a_copied_icp_or_signals_row_is_flagged_on_the_copy(model: IcpModel) -> None:
    copy = model.criteria[0].model_copy(update={"row": 40})
    signal = model.signals[1].model_copy(update={"row": 41, "name": "Copied"})
    doubled = model.model_copy(update={"criteria": (*model.criteria, copy), "signals": (*model.signals, signal)})
    found = [p for p in check_model(doubled, today=dt.date(2026, 11, 20)) if p.code is Code.DUPLICATE_ROW]
    assert [(p.tab, p.row) for p in found] == [("ICP", 40), ("Signals", 41)]
    assert f"repeats row {model.criteria[0].row}" in found[0].message
    # the same column with another condition is a band, not a copy
    band = copy.model_copy(update={"condition": parse_condition("at least 100000")})
    assert Code.DUPLICATE_ROW.value not in [
        c for c, *_ in _codes(model.model_copy(update={"criteria": (*model.criteria, band)}))
    ]


def test_a_priority_cell_without_an_action_is_flagged_once(model: IcpModel) -> None:
    actions = {cell: text for cell, text in model.settings.actions.items() if cell not in ("B2", "C3")}
    found = check_model(
        model.model_copy(update={"settings": model.settings.model_copy(update={"actions": actions})}),
        today=dt.date(2026, 11, 20),
    )
    assert [(p.code, p.column) for p in found] == [(Code.MISSING_ACTION, "Action B2, Action C3")]
