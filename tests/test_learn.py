"""learn: recover a planted profile, refuse on noise and on thin evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_sheets.cli import cli
from icp_sheets.core.conditions import Op
from icp_sheets.core.models import IcpModel, Settings
from icp_sheets.core.problems import Code, IcpError
from icp_sheets.core.scoring import score
from icp_sheets.evidence.learn import LearnReport, LearnRules, fisher_greater, learn, nice_ladder
from icp_sheets.evidence.outcomes import OutcomeMap
from icp_sheets.example import example_model
from icp_sheets.io.model_reader import load_model
from icp_sheets.io.tables import read_workbook
from icp_sheets.testing.planted import command_inputs, customers


def _by_column(report: LearnReport, anti: bool = False) -> dict[str, str]:
    return {e.column: e.condition.text() for e in (report.anti if anti else report.criteria)}


@pytest.mark.parametrize("seed", range(5))
def test_recovers_the_planted_profile(seed: int) -> None:
    report = learn(customers(40, 40, seed=seed))
    assert report.refusal is None
    assert _by_column(report) == {
        "Employees": "between 50 and 200",
        "Industry": "is Fintech",
        "Tech stack": "contains any of HubSpot",
    }
    assert _by_column(report, anti=True) == {"Employees": "below 20"}
    assert all(e.points() >= 2 for e in report.criteria)


def test_evidence_is_in_the_note_and_the_reason() -> None:
    report = learn(customers(40, 40, seed=7))
    size = next(e for e in report.criteria if e.column == "Employees")
    # Planted: every best customer has 50–200 employees, every churned one under 20.
    assert size.criterion().note == "proposed · 40 of 40 best · 0 of 40 worst"
    assert size.criterion().points == 3
    small = report.proposed_disqualifiers()[0]
    assert small.reason == "Employees below 20: proposed · 0 of 40 best · 40 of 40 worst"


@pytest.mark.parametrize("seed", range(6))
def test_refuses_on_noise(seed: int) -> None:
    report = learn(customers(60, 60, seed=seed, noise=True))
    assert report.criteria == () and report.anti == ()
    assert report.refusal is not None and report.refusal.startswith("No attribute separates")


@pytest.mark.parametrize(("best", "worst", "start"), [(9, 40, "Only 9 best"), (40, 9, "Only 9 worst")])
def test_refuses_on_thin_evidence_even_with_a_clear_pattern(best: int, worst: int, start: str) -> None:
    report = learn(customers(best, worst, seed=1))
    assert report.proposed_criteria() == [] and report.proposed_disqualifiers() == []
    assert report.refusal is not None and report.refusal.startswith(start)


def test_numbers_typed_as_text_read_as_scoring_reads_them() -> None:
    plain = customers(40, 40, seed=3)
    messy = plain.assign(Employees=[f" {n:,} employees" if i % 2 else str(n) for i, n in enumerate(plain.Employees)])
    assert _by_column(learn(messy)) == _by_column(learn(plain))


def test_outcome_words_are_configurable_and_unknown_words_reported() -> None:
    frame = customers(40, 40, seed=2)
    frame["Outcome"] = frame["Outcome"].map({"best": "Promoter", "churned": "DETRACTOR "})
    frame.loc[0, "Outcome"] = "pilot"
    default = learn(frame)
    assert default.refusal is not None and default.n_best == 0
    report = learn(frame, outcomes=OutcomeMap.of(good=["promoter"], bad=["detractor"]))
    assert report.n_best + report.n_worst == 79
    assert "Employees" in _by_column(report)
    assert any("'pilot' (1)" in note for note in report.notes)


def test_missing_outcome_column_is_a_problem() -> None:
    with pytest.raises(IcpError) as info:
        learn(customers(20, 20).drop(columns="Outcome"))
    assert [p.code for p in info.value.problems] == [Code.MISSING_COLUMN]


def test_referral_share() -> None:
    frame = customers(20, 20, seed=4)
    frame["Source"] = ["Referral"] * 12 + ["Outbound"] * 28
    assert learn(frame).referral is not None
    line = learn(frame).referral.line()  # type: ignore[union-attr]
    assert line.startswith("Referral share: 12 of 40 customers (30%)") and "mirrors the ICP well" in line
    frame["Source"] = ["customer referral"] * 4 + ["Outbound"] * 36
    assert "under 30%" in learn(frame).referral.line()  # type: ignore[union-attr]


def test_proposals_score_best_above_worst() -> None:
    """The proposed rows, scored by the core, separate the planted groups (same cell rules)."""
    frame = customers(50, 50, seed=5)
    report = learn(frame)
    model = IcpModel(
        settings=Settings(top_tier_at=6, middle_tier_at=3),
        criteria=tuple(report.proposed_criteria()),
        disqualifiers=tuple(report.proposed_disqualifiers()),
    )
    tiers = score(model, frame)["icp_tier"]
    assert (tiers[frame.Outcome == "best"] == "Pursue").all()
    assert (tiers[frame.Outcome == "churned"] == "Disqualified").all()


def test_fisher_exact_matches_the_tea_tasting_example() -> None:
    # Fisher's lady tasting tea: 4 cups of 8 chosen right; p = 1/70, and 17/70 for 3 of 4.
    assert fisher_greater(4, 4, 0, 4) == pytest.approx(1 / 70)
    assert fisher_greater(3, 4, 1, 4) == pytest.approx(17 / 70)
    assert fisher_greater(1, 4, 3, 4) == 1.0


def test_ladder_is_round_and_spans_the_values() -> None:
    assert nice_ladder(np.array([2.0, 35, 200])).tolist() == [2, 5, 10, 20, 50, 100, 200]
    assert nice_ladder(np.array([3.0, 130])).tolist() == [2, 5, 10, 20, 50, 100, 200]
    assert nice_ladder(np.array([-5.0, 0])).tolist() == []


def test_identifier_and_date_columns_are_not_profiled() -> None:
    frame = customers(40, 40, seed=6)
    frame["Signed"] = pd.date_range("2025-01-01", periods=len(frame)).date
    frame["Domain"] = [f"c{i}.example" for i in range(len(frame))]
    assert {"Signed", "Domain", "Company", "Source", "Outcome"}.isdisjoint(_by_column(learn(frame)))
    assert all(e.condition.op is not Op.ANY_OTHER for e in learn(frame).criteria)


def test_cli_appends_proposals_to_a_new_workbook(tmp_path: Path) -> None:
    workbook, customers_csv = command_inputs(tmp_path, customers(40, 40, seed=1), "customers.csv")
    original = workbook.read_bytes()
    result = CliRunner().invoke(cli, ["learn", str(workbook), str(customers_csv)])
    assert result.exit_code == 0, result.output
    assert "+3  Industry is Fintech" in result.stdout
    assert workbook.read_bytes() == original
    out = tmp_path / "icp.learned.xlsx"
    tables = read_workbook(out)
    icp, anti = tables["ICP"].frame, tables["Anti-ICP"].frame
    template_rows = len(example_model().criteria)
    assert icp.iloc[:template_rows]["Note"].tolist() == [c.note for c in example_model().criteria]
    added = icp.iloc[template_rows:]
    # The template already has 'Employees between 50 and 200', so that proposal is not repeated.
    assert added[["Column", "Condition"]].values.tolist() == [
        ["Tech stack", "contains any of HubSpot"],
        ["Industry", "is Fintech"],
    ]
    assert added["Note"].str.startswith("proposed · 40 of 40 best").all()
    assert anti.iloc[-1]["Condition"] == "below 20"
    model, _ = load_model(out)  # the new rows read back as an ordinary model
    assert len(model.criteria) == template_rows + 2 and len(model.disqualifiers) == 3


def test_cli_refuses_without_writing(tmp_path: Path) -> None:
    workbook, noise_csv = command_inputs(tmp_path, customers(60, 60, seed=2, noise=True), "noise.csv")
    result = CliRunner().invoke(cli, ["learn", str(workbook), str(noise_csv)])
    assert result.exit_code == 2 and "No attribute separates" in result.stdout  # bad input: exit 2
    assert "error: " in result.stderr and "nothing proposed" in result.stderr
    assert not (tmp_path / "icp.learned.xlsx").exists()
    same = CliRunner().invoke(cli, ["learn", str(workbook), str(noise_csv), "-o", str(workbook)])
    assert same.exit_code == 2 and "new workbook" in same.stderr


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["best", "won", "churned", "lost", "open", ""]),
            st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 10_000), st.floats(allow_nan=True), st.dates()),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_any_cells_give_proposals_or_a_refusal(rows: list[tuple[str, object]]) -> None:
    frame = pd.DataFrame(rows, columns=["Outcome", "Anything"], dtype=object)
    report = learn(frame, rules=LearnRules(min_best=2, min_worst=2))
    assert (report.refusal is None) == bool(report.criteria or report.anti)
    assert all(0 <= e.best <= e.n_best and 0 <= e.worst <= e.n_worst for e in (*report.criteria, *report.anti))


def test_ignored_columns_are_not_profiled() -> None:
    frame = customers(40, 40, seed=8)
    assert "Industry" not in _by_column(learn(frame, exclude=["industry"]))


def test_cli_names_the_table_a_problem_is_in(tmp_path: Path) -> None:
    workbook, plain = command_inputs(tmp_path, customers(20, 20).drop(columns="Outcome"), "no_outcome.csv")
    result = CliRunner().invoke(cli, ["learn", str(workbook), str(plain)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no_outcome.csv: no outcome column: looked for Outcome / Result")
