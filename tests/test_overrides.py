"""The Override tab: forced fit tier, timing tier, tier and priority, read, checked, scored,
explained and compiled to SQL exactly as the core scores it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sql_support import mismatches, run_duckdb

from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import OVERRIDE
from icp_sheets.core.overrides import Override
from icp_sheets.core.problems import IcpError, Severity
from icp_sheets.core.scoring import score, score_tab
from icp_sheets.example import AS_OF, example_accounts, example_model
from icp_sheets.io import layout
from icp_sheets.io.model_reader import load_model, read_model
from icp_sheets.io.tables import Table, table_from_values
from icp_sheets.io.template import write_template
from icp_sheets.sql import compile_model, to_sql

EXAMPLE = example_model()
ACCOUNTS = pd.DataFrame(example_accounts())
N = None


def _tables(overrides: list[list[Any]], model: IcpModel = EXAMPLE) -> dict[str, Table]:
    rows = layout.model_rows(model) | {OVERRIDE: overrides}
    return {tab: table_from_values(tab, [layout.TABS[tab].headers, *r]) for tab, r in rows.items()}


def _with(*overrides: Override) -> IcpModel:
    return IcpModel.model_validate({**EXAMPLE.model_dump(), "overrides": [o.model_dump() for o in overrides]})


def _override(column: str, condition: str, reason: str = "Strategic account list", **forced: str) -> Override:
    return Override(column=column, condition=parse_condition(condition), reason=reason, **forced)


def test_the_tab_is_read_with_each_label_spelt_as_the_model_spells_it(tmp_path: Path) -> None:
    # Column · Condition · Fit tier · Timing tier · Tier · Priority · Reason
    typed: list[list[Any]] = [
        ["Industry", "is Software", " a ", N, N, N, "Strategic"],
        ["Region", "is Europe", N, 1, "pursue", "b2", "EU"],
    ]
    model, _ = read_model(_tables(typed))
    assert [(o.fit_tier, o.timing_tier, o.tier, o.priority, o.row) for o in model.overrides] == [
        ("A", "", "", "", 2),
        ("", "1", "Pursue", "B2", 3),
    ]
    path = tmp_path / "model.xlsx"
    write_template(path, model, accounts=[], contacts=[])
    assert load_model(path)[0] == model  # written into the template and read back unchanged


def test_unknown_labels_and_empty_rows_are_refused_naming_their_cells() -> None:
    typed = [
        ["Industry", "is Software", "very good", N, N, N, "Strategic"],  # the Example ICP's fit tiers are A/B/C
        ["Industry", "is Fintech", N, N, "Hot", "DQ", "Fintech push"],
        ["Region", "is Europe", N, N, N, N, "forces nothing"],
        ["Region", "somewhere in Europe", "A", N, N, N, "EU"],
    ]
    with pytest.raises(IcpError) as caught:
        read_model(_tables(typed))
    found = [(p.tab, p.row, p.column, p.code.value) for p in caught.value.problems]
    assert found == [
        (OVERRIDE, 4, "Fit tier", "required-cell"),
        (OVERRIDE, 5, "Condition", "unknown-condition"),
        (OVERRIDE, 2, "Fit tier", "unknown-value"),
        (OVERRIDE, 3, "Tier", "unknown-value"),
        (OVERRIDE, 3, "Priority", "unknown-value"),
    ]
    messages = {p.row: p.message for p in caught.value.problems if p.column == "Fit tier"}
    assert messages[2] == "'very good' is not a fit tier of this model; type one of 'A', 'B', 'C'"


def test_a_blank_reason_is_a_warning_and_reps_see_the_condition() -> None:
    model, warnings = read_model(_tables([["Industry", "is Software", "A", N, N, N, N]]))
    assert model.overrides[0].reason == "Industry is Software"
    assert [(p.tab, p.row, p.column, p.severity) for p in warnings if p.tab == OVERRIDE] == [
        (OVERRIDE, 2, "Reason", Severity.WARNING)
    ]


def test_a_forced_fit_tier_moves_the_priority_and_action_and_says_why() -> None:
    before = score(EXAMPLE, ACCOUNTS)
    software = ACCOUNTS["Industry"].eq("Software").to_numpy()
    after = score(_with(_override("Industry", "is Software", fit_tier="C")), ACCOUNTS)
    # The points never move; the timing digit stays, the fit letter becomes C.
    for column in ("icp_score", "icp_fit", "icp_timing", "icp_tier", "icp_dq"):
        assert after[column].tolist() == before[column].tolist()
    expected = ["C" + p[1] if s and p != "DQ" else p for p, s in zip(before["icp_priority"], software, strict=True)]
    assert after["icp_priority"].tolist() == expected
    assert after["icp_action"].tolist() == [EXAMPLE.settings.actions.get(p, a) for p, a in zip(
        expected, before["icp_action"], strict=True)]  # fmt: skip
    forced_why = after.loc[software & (before["icp_priority"] != "DQ").to_numpy(), "icp_why"]
    assert (
        len(forced_why) and forced_why.str.startswith("Override: fit tier set to C (Strategic account list) · ").all()
    )
    unforced = ~software
    assert after.loc[unforced, "icp_why"].tolist() == before.loc[unforced, "icp_why"].tolist()


def test_the_first_matching_row_wins_per_thing_forced_and_priority_beats_the_matrix() -> None:
    model = _with(
        _override("Region", "is North America", fit_tier="A", reason="NA first"),
        _override("Region", "is North America", fit_tier="C", timing_tier="3", reason="never wins the fit tier"),
        _override("Industry", "is Fintech", priority="B3", tier="Nurture", reason="Fintech hold"),
    )
    accounts = pd.DataFrame(
        {**{c: [None, None] for c in ACCOUNTS.columns}, "Region": ["North America", "North America"]}, dtype=object
    ).assign(Industry=["Fintech", "Retail"], Employees=["120", "120"])
    results = score(model, accounts, AS_OF)
    assert results["icp_priority"].tolist() == ["B3", "A3"]
    assert results["icp_tier"].tolist() == ["Nurture", "Pursue"]
    assert results["icp_action"][0] == EXAMPLE.settings.actions["B3"]
    assert results["icp_why"][0].startswith(
        "Override: fit tier set to A (NA first) · Override: timing tier set to 3 (never wins the fit tier)"
        " · Override: tier set to Nurture (Fintech hold) · Override: priority set to B3 (Fintech hold) · "
    )


def test_an_override_never_lifts_a_disqualification() -> None:
    model = _with(_override("Region", "any other value", fit_tier="A", tier="Pursue", priority="A1"))
    before, after = score(EXAMPLE, ACCOUNTS), score(model, ACCOUNTS)
    disqualified = (before["icp_priority"] == "DQ").to_numpy()
    assert disqualified.any()
    for column in ("icp_tier", "icp_priority", "icp_dq", "icp_action", "icp_why"):
        assert after.loc[disqualified, column].tolist() == before.loc[disqualified, column].tolist()
    assert (after.loc[~disqualified, "icp_priority"] == "A1").all()


def test_a_column_only_an_override_reads_is_named_at_its_row_when_the_accounts_lack_it() -> None:
    model = _with(_override("Strategic", "is true", fit_tier="A").model_copy(update={"row": 4}))
    with pytest.raises(IcpError) as caught:
        score_tab(model, "Accounts", ACCOUNTS)
    (problem,) = caught.value.problems
    assert (problem.tab, problem.row, problem.column, problem.code.value) == (OVERRIDE, 4, "Column", "missing-column")
    assert "'Strategic' is not a column of the accounts" in problem.message
    assert problem.message.endswith("fix this row's Column, or add the column to the accounts")


# Overrides drawn at random over the Example ICP: the core and DuckDB agree row for row.
CONDITIONS = {
    "Industry": ["is Software", "one of Fintech, Retail tech", "is blank", "any other value"],
    "Region": ["is North America", "is not Europe", "contains any of America"],
    "Employees": ["between 50 and 200", "at least 500", "is not blank", "per unit"],
    "Funding stage": ["one of Series A, Series B", "is blank"],
}
LABELS = {
    "fit_tier": ["", "A", "B", "C"],
    "timing_tier": ["", "1", "2", "3"],
    "tier": ["", "Pursue", "Nurture"],
    "priority": ["", "A1", "B2", "C3"],
}


@st.composite
def overrides(draw: st.DrawFn) -> tuple[Override, ...]:
    made = []
    for i in range(draw(st.integers(1, 4))):
        column = draw(st.sampled_from(list(CONDITIONS)))
        forced = {k: draw(st.sampled_from(v)) for k, v in LABELS.items()}
        if not any(forced.values()):
            forced["fit_tier"] = "B"
        made.append(_override(column, draw(st.sampled_from(CONDITIONS[column])), f"reason {i}", **forced))
    return tuple(made)


@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(overrides())
def test_random_overrides_score_the_same_in_duckdb(drawn: tuple[Override, ...]) -> None:
    model = _with(*drawn)
    sql = to_sql(compile_model(model, headers=list(ACCOUNTS.columns)).query, "duckdb", pretty=False)
    assert mismatches(score(model, ACCOUNTS, AS_OF), run_duckdb(sql, ACCOUNTS)) == []
