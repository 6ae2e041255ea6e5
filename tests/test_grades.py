"""Grades: fit and timing tier lists and a priority matrix, as a RevOps lead types them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from sql_support import mismatches, run_duckdb

from icp_sheets.core.checks import check_model
from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.grades import Axis, Cell, Grades, Tier
from icp_sheets.core.models import Criterion, IcpModel, Settings, Signal
from icp_sheets.core.problems import Code, IcpError
from icp_sheets.core.scoring import score
from icp_sheets.example import example_model
from icp_sheets.io.model_reader import load_model
from icp_sheets.jobs import write_example_workbook
from icp_sheets.sql import compile_model, to_sql

AS_OF = dt.date(2026, 6, 1)
FIT = [("very good", 85), ("good", 70), ("medium", 50), ("low", 0)]  # MadKudu's customer fit segments
TIMING = [("very high", 60), ("high", 30), ("medium", 10), ("low", None)]
# MadKudu's lead grade: fit × intent, A best … E worst (rows fit best first, columns timing best first).
GRADE = ["AABC", "ABCD", "BCDE", "CDEE"]


def _grades() -> Grades:
    tiers = [Tier(axis=Axis.FIT, label=label, at=at) for label, at in FIT]
    tiers += [Tier(axis=Axis.TIMING, label=label, at=at) for label, at in TIMING]
    cells = [
        Cell(fit=f, timing=t, priority=GRADE[i][j], action=f"Grade {GRADE[i][j]}")
        for i, (f, _) in enumerate(FIT)
        for j, (t, _) in enumerate(TIMING)
    ]
    return Grades(tiers=tuple(tiers), cells=tuple(cells))


def _model() -> IcpModel:
    return IcpModel(
        settings=Settings(top_tier_at=100, middle_tier_at=0),
        criteria=(Criterion(column="Fit", condition=parse_condition("per unit"), points=1),),
        signals=(
            Signal(name="Visit", date_column="Visited", points=100, window_days=100, decay=Decay.parse("linear")),
        ),
        grades=_grades(),
    )


# (fit points, days since the visit: timing points are 100 − days, the grade by hand from FIT, TIMING, GRADE)
CASES = [(85, 40, "A"), (84.99, 40, "A"), (84.99, 41, "B"), (70, 70, "B"), (50, 89, "D"), (49, 91, "E"), (0, 0, "C")]


@pytest.mark.parametrize(("fit", "ago", "grade"), CASES)
def test_a_4x4_matrix_gives_madkudus_a_to_e(fit: float, ago: int, grade: str) -> None:
    visited = AS_OF - dt.timedelta(days=ago)
    results = score(_model(), pd.DataFrame({"Fit": [fit], "Visited": [visited]}), AS_OF)
    # 84.99 is 'good', 85 'very good'; timing 60 (40 days ago) 'very high', 59 'high', 11 'medium', 9 'low'.
    assert results["icp_priority"].tolist() == [grade]
    assert results["icp_action"].tolist() == [f"Grade {grade}"]


def test_a_disqualified_account_is_dq_whatever_the_matrix_says() -> None:
    results = score(_model(), pd.DataFrame({"Fit": [-1], "Visited": [None]}), AS_OF)
    assert results["icp_priority"].tolist() == ["DQ"]
    assert results["icp_action"].iloc[0].startswith("Do not pursue")


def test_the_grades_score_the_same_in_duckdb() -> None:
    fits = [100, 85, 84.9999999999, 70, 69, 50, 49.5, 0, -3, None]
    ages = [0, 40, 41, 70, 71, 90, 91, 100, 101, None]
    accounts = pd.DataFrame(
        {
            "Fit": [fits[i % len(fits)] for i in range(100)],
            "Visited": [
                None if ages[i // 10] is None else AS_OF - dt.timedelta(days=int(ages[i // 10] or 0))
                for i in range(100)
            ],
        }
    )
    model = _model()
    sql = to_sql(compile_model(model, headers=list(accounts.columns), as_of=AS_OF).query, "duckdb", pretty=False)
    want = score(model, accounts, AS_OF)
    assert set(want["icp_priority"]) == {"A", "B", "C", "D", "E", "DQ"}
    assert mismatches(want, run_duckdb(sql, accounts)) == []


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("grades") / "icp.xlsx"
    write_example_workbook(path)
    return path


def _typed(template: Path, tmp_path: Path, grades: list[list[Any]], matrix: list[list[Any]]) -> Path:
    book = load_workbook(template)
    for tab, rows in (("Grades", grades), ("Matrix", matrix)):
        for row in rows:
            book[tab].append(row)
    path = tmp_path / "typed.xlsx"
    book.save(path)
    return path


def test_the_example_icp_ships_empty_grade_tabs_and_reads_as_before(template: Path) -> None:
    model, _ = load_model(template)
    assert model.grades == Grades() and model == example_model()
    graded = model.grading()
    assert graded.priorities == ("A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3")
    assert graded.actions[0] == example_model().settings.actions["A1"]


def test_a_workbook_without_the_grade_tabs_reads_as_before(template: Path, tmp_path: Path) -> None:
    book = load_workbook(template)
    del book["Grades"], book["Matrix"]
    book.save(tmp_path / "old.xlsx")
    assert load_model(tmp_path / "old.xlsx")[0] == example_model()


def test_typed_tiers_and_matrix_read_back_as_the_model_holds_them(template: Path, tmp_path: Path) -> None:
    grades = [["fit", label, at] for label, at in FIT] + [["timing", label, at] for label, at in TIMING]
    matrix = [
        [f, t, GRADE[i][j], f"Grade {GRADE[i][j]}"] for i, (f, _) in enumerate(FIT) for j, (t, _) in enumerate(TIMING)
    ]
    model, _ = load_model(_typed(template, tmp_path, grades, matrix))
    assert model.grades == _grades().model_copy(
        update={
            "tiers": tuple(t.model_copy(update={"row": i}) for i, t in enumerate(_grades().tiers, start=2)),
            "cells": tuple(c.model_copy(update={"row": i}) for i, c in enumerate(_grades().cells, start=2)),
        }
    )


def test_settings_thresholds_are_not_needed_for_an_axis_the_grades_tab_lists(template: Path, tmp_path: Path) -> None:
    book = load_workbook(template)
    settings = book["Settings"]
    for row in settings.iter_rows(min_row=2):
        if row[0].value in ("Fit tier A from", "Fit tier B from"):
            row[1].value = None
    for row in (["fit", "Top", 5], ["fit", "Rest", None]):
        book["Grades"].append(row)
    book.save(tmp_path / "fit.xlsx")
    model, _ = load_model(tmp_path / "fit.xlsx")
    assert model.grading().fit == ("Top", "Rest") and model.grading().priorities[:2] == ("Top1", "Top2")


def _problems(path: Path) -> set[tuple[str | None, int | None, str | None, str]]:
    with pytest.raises(IcpError) as caught:
        load_model(path)
    return {(p.tab, p.row, p.column, p.code.value) for p in caught.value.problems}


def test_bad_tier_lists_are_each_named_with_tab_row_and_column(template: Path, tmp_path: Path) -> None:
    grades: list[list[Any]] = [
        ["fit", "only", 1],  # one fit tier
        ["timing", "hot", 5],
        ["timing", "warm", None],  # blank in the middle
        ["timing", "cool", 7],  # above the one before
        ["timing", "hot", 0],  # twice
        ["when", "x", 1],  # not fit or timing
    ]
    assert _problems(_typed(template, tmp_path, grades, [])) == {
        ("Grades", 2, "Tier", "bad-grades"),
        ("Grades", 4, "From", "bad-grades"),
        ("Grades", 5, "From", "bad-grades"),
        ("Grades", 6, "Tier", "bad-grades"),
        ("Grades", 7, "Grade", "unknown-value"),
    }


def test_matrix_cells_with_unknown_tiers_twice_or_missing_are_named(template: Path, tmp_path: Path) -> None:
    matrix = [
        ["A", "1", "Hot", "Call"],
        ["A", "1", "Hot", "Call"],  # twice
        ["D", "1", "x", ""],  # no fit tier D
        ["B", "4", "x", ""],  # no timing tier 4
        ["C", "3", "DQ", ""],  # DQ means disqualified
    ]
    problems = _problems(_typed(template, tmp_path, [], matrix))
    assert problems == {
        ("Matrix", 3, "Fit tier", "bad-grades"),
        ("Matrix", 4, "Fit tier", "bad-grades"),
        ("Matrix", 5, "Timing tier", "bad-grades"),
        ("Matrix", 6, "Priority", "bad-grades"),
        ("Matrix", None, "Fit tier", "bad-grades"),  # A2, A3, B1 … C2 have no row
    }


def test_check_names_matrix_cells_without_an_action_and_unreachable_tiers() -> None:
    model = _model()
    cells = tuple(c.model_copy(update={"action": ""}) if c.priority == "E" else c for c in model.grades.cells)
    tiers = tuple(t.model_copy(update={"at": 500}) if t.label == "very high" else t for t in model.grades.tiers)
    model = model.model_copy(update={"grades": Grades(tiers=tiers, cells=cells)})
    found = {(p.tab, p.code, p.message.split(";")[0]) for p in check_model(model, today=AS_OF)}
    assert ("Matrix", Code.MISSING_ACTION, "no action for priority E") in found
    assert any(tab == "Grades" and code is Code.UNREACHABLE_TIER and "very high" in m for tab, code, m in found)
