"""validate: planted conversion rates come back, scoring uses creation dates, the tab keeps history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from icp_sheets.cli import cli
from icp_sheets.core.problems import IcpError
from icp_sheets.evidence.validate import RunFigures, score_bands, validate
from icp_sheets.example import AS_OF, example_model
from icp_sheets.io.template import write_template
from icp_sheets.io.validation_tab import TAB, read_history, save_validation
from icp_sheets.io.workbook_edit import open_workbook
from icp_sheets.testing.planted import PLANTED_WIN, command_inputs, opportunities

SIZES = {"pursue": 3000, "late": 1000, "nurture": 4000, "dq": 2000}


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return opportunities(SIZES, seed=11, open_share=0.05)


def _row(table: pd.DataFrame, group: str) -> pd.Series:
    return table.set_index("Group").loc[group]


def test_reports_the_planted_conversion_and_lift(planted: pd.DataFrame) -> None:
    report = validate(example_model(), planted, today=AS_OF)
    decided = planted[planted.Outcome != "open"]
    tier_groups = {"Pursue": ("pursue", "late"), "Nurture": ("nurture",), "Disqualified": ("dq",)}
    expected_won = sum(PLANTED_WIN[g] * (decided.Group == g).sum() for g in PLANTED_WIN)
    planted_base = expected_won / len(decided)
    for tier, groups in tier_groups.items():
        row = _row(report.by_tier, tier)
        n = (decided.Group.isin(groups)).sum()
        assert row.Accounts == n
        rate = PLANTED_WIN[groups[0]]
        se = math.sqrt(rate * (1 - rate) / n)
        assert abs(row.Conversion - rate) < 4 * se
        base_se = math.sqrt(planted_base * (1 - planted_base) / len(decided))
        lift_rel_se = math.hypot(se / rate, base_se / planted_base)
        assert abs(row.Lift / (rate / planted_base) - 1) < 4 * lift_rel_se
    assert report.useful and report.figures.ratio == pytest.approx(0.30 / 0.02, rel=0.35)
    assert report.open == (planted.Outcome == "open").sum()
    assert report.notes == (
        f"Outcomes left out (neither good nor bad): 'open' ({report.open}); map them with --good/--bad.",
    )


def test_scores_as_of_the_creation_date(planted: pd.DataFrame) -> None:
    """'late' accounts had a sales hire 10 days before their opportunity was created:
    Pursue then, Nurture by the model's as-of date months later."""
    model = example_model()
    decided = planted[planted.Outcome != "open"]
    as_created = validate(model, planted, today=AS_OF)
    named = validate(model, planted, created="created DATE", today=AS_OF)
    as_of_model = validate(model, planted, created=False, today=AS_OF)
    pursue_then = decided.Group.isin(["pursue", "late"]).sum()
    assert as_created.created_column == named.created_column == "Created date"
    assert _row(as_created.by_tier, "Pursue").Accounts == _row(named.by_tier, "Pursue").Accounts == pursue_then
    assert _row(as_of_model.by_tier, "Pursue").Accounts == (decided.Group == "pursue").sum()
    lost_late = decided[(decided.Group == "late") & (decided.Outcome == "lost")].Company
    assert set(lost_late) <= set(as_created.pursue_lost["Company"])
    assert set(lost_late).isdisjoint(as_of_model.pursue_lost["Company"])


def test_lists_to_look_at(planted: pd.DataFrame) -> None:
    report = validate(example_model(), planted, today=AS_OF)
    won_dq = planted[(planted.Group == "dq") & (planted.Outcome == "won")]
    assert sorted(report.dq_won["Company"]) == sorted(won_dq.Company)
    assert sorted(report.dq_won["Row"]) == sorted(won_dq.index)
    assert (report.pursue_lost["Priority"].isin(["A3", "B2"])).all()


def test_weak_model_and_broad_icp_warnings() -> None:
    frame = opportunities({"pursue": 1500, "nurture": 1500, "dq": 1500}, seed=3)
    rng = np.random.default_rng(3)
    frame["Outcome"] = np.where(rng.random(len(frame)) < 0.2, "won", "lost")  # the score predicts nothing
    report = validate(example_model(), frame, today=AS_OF)
    assert not report.useful and "the model is weak" in report.verdict()
    top = report.figures.top_conversion
    assert top is not None
    assert any("too broad" in w for w in report.warnings) == (top <= report.figures.base_rate)


def test_drop_and_stale_review_warnings(planted: pd.DataFrame) -> None:
    model = example_model()
    current = validate(model, planted, today=AS_OF).figures.top_conversion
    assert current is not None
    earlier = RunFigures(dt.date(2026, 8, 1), "0.9", 900, 0.15, current + 0.11, 5.0)
    slightly = dataclasses.replace(earlier, top_conversion=current + 0.09)
    assert any("dropped" in w for w in validate(model, planted, previous=earlier, today=AS_OF).warnings)
    assert not any("dropped" in w for w in validate(model, planted, previous=slightly, today=AS_OF).warnings)
    # The Example ICP was reviewed on 2026-11-02: fine on its as-of day, stale 91 days later.
    assert validate(model, planted, today=AS_OF).warnings == ()
    later = validate(model, planted, today=dt.date(2026, 11, 2) + dt.timedelta(days=91))
    assert any("91 days ago" in w for w in later.warnings)


def test_unknown_created_column_is_a_problem(planted: pd.DataFrame) -> None:
    with pytest.raises(IcpError):
        validate(example_model(), planted, created="Opened on")


def test_score_bands_are_round_and_cover_every_score() -> None:
    bands, order = score_bands(np.array([-1.0, 0.5, 2.0, 6.0, 6.99]))
    assert order[0] == "-1 to <0" and order[-1] == "6 to <7" and len(order) == 8
    assert bands.tolist() == ["-1 to <0", "0 to <1", "2 to <3", "6 to <7", "6 to <7"]


def _contents(book: Workbook) -> dict[str, tuple[object, ...]]:
    """What a person typed or set up in each tab (the Validation tab aside): values, notes,
    drop-downs, tables, conditional formats, protection."""
    return {
        ws.title: (
            [[c.value for c in row] for row in ws.iter_rows()],
            [c.comment.text for row in ws.iter_rows() for c in row if c.comment],
            [(v.sqref, v.formula1) for v in ws.data_validations.dataValidation],
            dict(ws.tables.items()),  # table name → range
            len(ws.conditional_formatting),
            ws.protection.sheet,
        )
        for ws in book.worksheets
        if ws.title != TAB
    }


def test_validation_tab_keeps_the_workbook_and_the_history(tmp_path: Path, planted: pd.DataFrame) -> None:
    workbook = tmp_path / "icp.xlsx"
    write_template(workbook)
    before = _contents(open_workbook(workbook))
    model = example_model()
    out = tmp_path / "validated.xlsx"
    save_validation(workbook, out, lambda previous: validate(model, planted, previous=previous, today=AS_OF))
    assert out.exists()
    # A second run on the output reads the first run back and compares with it.
    pursue_won = (planted.Group == "pursue") & (planted.Outcome == "won")
    drop = planted.assign(Outcome=planted.Outcome.mask(pursue_won, "lost"))
    second = save_validation(out, out, lambda previous: validate(model, drop, previous=previous, today=AS_OF))
    assert any("dropped" in w for w in second.warnings)
    book = open_workbook(out)
    assert book.sheetnames == [*before, TAB]
    assert _contents(book) == before
    history = read_history(book)
    assert [h.outcomes for h in history] == [second.figures.outcomes] * 2
    assert history[0].top_conversion == pytest.approx(0.30, abs=0.03)
    assert history[1].top_conversion == pytest.approx(second.figures.top_conversion)
    assert len(book[TAB]._charts) == 1
    values = [str(c.value) for c in book[TAB]["A"]]
    sections = ["Conversion by tier", "Run history", "Conversion by priority cell", "Conversion by score band"]
    assert [values.index(s) for s in sections] == sorted(values.index(s) for s in sections)
    assert any(v.startswith("Pursue accounts that lost (first 1,000 of") for v in values)


def test_cli_writes_a_copy_unless_asked_in_place(tmp_path: Path) -> None:
    frame = opportunities({"pursue": 200, "late": 60, "nurture": 200, "dq": 100}, seed=5)
    workbook, outcomes_csv = command_inputs(tmp_path, frame.drop(columns="Group"), "outcomes.csv")
    original = workbook.read_bytes()
    result = CliRunner().invoke(cli, ["validate", str(workbook), str(outcomes_csv)])
    assert result.exit_code == 0, result.output
    assert "scored as of each row's 'Created date'" in result.stdout
    assert workbook.read_bytes() == original
    copy = tmp_path / "icp.validated.xlsx"
    tab = open_workbook(copy)[TAB]
    # The lists name the CSV's own row numbers (header = row 1).
    won_dq = frame.index[(frame.Group == "dq") & (frame.Outcome == "won")] + 2
    rows = [r[0].value for r in tab.iter_rows() if r[1].value and str(r[1].value).startswith("dq ")]
    assert sorted(rows) == sorted(won_dq)
    again = CliRunner().invoke(cli, ["validate", str(workbook), str(outcomes_csv)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    in_place = CliRunner().invoke(cli, ["validate", str(workbook), str(outcomes_csv), "--in-place"])
    assert in_place.exit_code == 0 and TAB in open_workbook(workbook).sheetnames


def test_rows_without_a_creation_date_use_the_models_date(planted: pd.DataFrame) -> None:
    frame = planted.copy()
    late = frame.index[frame.Group == "late"]
    frame.loc[late[:10], "Created date"] = None
    frame.loc[late[10:15], "Created date"] = "soon"
    report = validate(example_model(), frame, today=AS_OF)
    assert "15 rows have no readable 'Created date' and were scored as of 2026-11-16." in report.notes
    decided = frame.Outcome != "open"
    undated = decided[late[:15]].sum()
    assert _row(report.by_tier, "Pursue").Accounts == (decided & frame.Group.isin(["pursue", "late"])).sum() - undated


def test_missing_columns_count_as_blank(planted: pd.DataFrame) -> None:
    frame = planted.drop(columns=["Tech switch date", "Leader hired date"])
    report = validate(example_model(), frame, today=AS_OF)
    assert report.notes[-2:] == (
        "The outcomes have no 'Leader hired date' column: counted as blank.",
        "The outcomes have no 'Tech switch date' column: counted as blank.",
    )
    assert report.by_tier.equals(validate(example_model(), planted, today=AS_OF).by_tier)  # never filled here


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["won", "lost", "open", "", "Won ", "churned"]), min_size=40, max_size=40))
def test_every_table_accounts_for_every_decided_row(words: list[str]) -> None:
    frame = opportunities({"pursue": 10, "late": 10, "nurture": 10, "dq": 10}, seed=1).assign(Outcome=words)
    report = validate(example_model(), frame, today=AS_OF)
    decided = sum(w.strip().lower() in ("won", "lost", "churned") for w in words)
    won = sum(w.strip().lower() == "won" for w in words)
    for table in (report.by_tier, report.by_priority, report.by_band):
        assert table["Accounts"].sum() == decided == report.figures.outcomes
        assert table["Won"].sum() == won == report.won
        if won:
            assert (table["Accounts"] * table["Lift"]).sum() == pytest.approx(decided)  # lifts average to 1


def test_validation_tab_prints_on_one_page_width_with_nothing_cut(tmp_path: Path, planted: pd.DataFrame) -> None:
    """Headers fit their columns, a list's Why wraps inside the page (merged to the chart's last
    column), and the print area is that page width: nothing is shrunk to fit text running off it."""
    workbook = tmp_path / "icp.xlsx"
    write_template(workbook)
    out = tmp_path / "validated.xlsx"
    save_validation(workbook, out, lambda previous: validate(example_model(), planted, previous=previous, today=AS_OF))
    ws = open_workbook(out)[TAB]
    assert ws.print_area == f"'{TAB}'!$A$1:$N${ws.max_row}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    headers = [c for row in ws.iter_rows() for c in row if c.font.bold and c.fill.fill_type == "solid" and c.value]
    for cell in headers:
        if cell.coordinate not in ws.merged_cells:
            assert ws.column_dimensions[cell.column_letter].width >= len(str(cell.value)), cell.value
    why = [c for c in ws["E"] if c.value and " · " in str(c.value)]
    assert why and all(c.coordinate in ws.merged_cells and c.alignment.wrap_text for c in why)
    assert all(str(r).startswith("E") and str(r).split(":")[1].startswith("N") for r in ws.merged_cells.ranges)
