"""The Pipeline tab: its numbers are the results' own counts, laid out as a heat map, tables and a chart."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bench.synthetic import accounts as synthetic_accounts
from icp_sheets.core.grades import Axis, Cell, Grades, Tier
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import ACCOUNTS, START
from icp_sheets.core.pipeline import ALL_ACCOUNTS, SEGMENT, pipeline
from icp_sheets.core.scoring import score
from icp_sheets.example import example_accounts, example_model
from icp_sheets.io.pipeline_tab import PIPELINE
from icp_sheets.jobs import score_workbook, write_example_workbook

MADKUDU = Grades(
    tiers=(
        *(
            Tier(axis=Axis.FIT, label=label, at=at)
            for label, at in (("very good", 6), ("good", 4), ("medium", 2), ("low", None))
        ),
        *(Tier(axis=Axis.TIMING, label=label, at=at) for label, at in (("hot", 2), ("warm", 1), ("cold", None))),
    ),
    cells=tuple(
        Cell(fit=fit, timing=timing, priority=priority, action=f"Work {priority}")
        for (fit, timing), priority in zip(
            [(f, t) for f in ("very good", "good", "medium", "low") for t in ("hot", "warm", "cold")],
            "AABABCBCDCDE",
            strict=True,
        )
    ),
)


@pytest.mark.parametrize("grades", [Grades(), MADKUDU], ids=["settings 3x3", "madkudu 4x3"])
def test_the_counts_are_the_results_counts(grades: Grades) -> None:
    model = example_model().model_copy(update={"grades": grades})
    model = IcpModel.model_validate(model.model_dump())
    accounts = synthetic_accounts(3000, seed=5)
    results = score(model, accounts)
    numbers = pipeline(model, results)
    expected = results["icp_priority"].astype(str).value_counts()
    assert {p: n for p, n in numbers.priorities if n} == expected.to_dict()
    per_priority: dict[str, int] = {}
    for cell in numbers.cells:
        per_priority[cell.priority] = per_priority.get(cell.priority, 0) + cell.accounts
        # Every account of a cell is in that cell's priority, and its best are the cell's best scores.
        best = results.iloc[list(cell.best)]
        assert set(best["icp_priority"].astype(str)) <= {cell.priority}
        assert list(best["icp_score"]) == sorted(best["icp_score"], reverse=True)
    assert {p: n for p, n in per_priority.items() if n} == {p: n for p, n in expected.items() if p != "DQ"}
    assert numbers.disqualified == expected.get("DQ", 0) and numbers.scored == len(results)
    ((segment, tiers),) = numbers.segments
    assert segment == ALL_ACCOUNTS and not numbers.segmented
    assert dict(zip(numbers.tiers, tiers, strict=True)) == results["icp_tier"].astype(str).value_counts().to_dict()
    assert numbers.grid().sum() == len(results) - numbers.disqualified


def test_segments_split_the_tiers_when_the_results_have_them() -> None:
    model = example_model()
    accounts = synthetic_accounts(500, seed=2)
    results = score(model, accounts).assign(**{SEGMENT: (["SMB", "Enterprise", None] * 500)[:500]})
    numbers = pipeline(model, results)
    assert numbers.segmented
    assert [s for s, _ in numbers.segments] == ["Enterprise", "SMB", "(no segment)"]
    for segment, tiers in numbers.segments:
        chosen = results[SEGMENT].isna() if segment == "(no segment)" else results[SEGMENT] == segment
        assert dict(zip(numbers.tiers, tiers, strict=True)) == {
            t: int((results.loc[chosen, "icp_tier"].astype(str) == t).sum()) for t in numbers.tiers
        }


def _grid(ws: Worksheet) -> dict[tuple[str, str], int]:
    """The heat map as (fit tier, timing tier) -> count, read from the tab."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Fit \\ Timing")
    timing = [ws.cell(header, c).value for c in range(2, ws.max_column + 1)]
    timing = timing[: timing.index("All")]
    grid = {}
    row = header + 1
    while ws.cell(row, 1).value != "All":
        for j, t in enumerate(timing, 2):
            grid[(str(ws.cell(row, 1).value), str(t))] = ws.cell(row, j).value
        row += 1
    return grid


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pipeline")
    path = folder / "team.xlsx"
    write_example_workbook(path)
    book = load_workbook(path)
    ws = book[ACCOUNTS]
    generated = synthetic_accounts(400, seed=9)
    headers = [c.value for c in ws[1]]
    for r, row in enumerate(generated.itertuples(index=False), 2):
        for column, value in zip(generated.columns, row, strict=True):
            ws.cell(r, headers.index(column) + 1).value = value
    book.save(path)
    output = folder / "team.scored.xlsx"
    score_workbook(path, output)
    return output


def test_the_scored_workbook_has_a_pipeline_tab_with_the_results_counts(scored: Path) -> None:
    book = load_workbook(scored)
    assert book.sheetnames[-1] == PIPELINE and book.sheetnames[0] == START
    accounts = pd.read_excel(scored, sheet_name=ACCOUNTS, engine="openpyxl")
    counts = accounts["icp_priority"].value_counts().to_dict()
    ws = book[PIPELINE]
    model = example_model()
    grid = _grid(ws)
    graded = model.grading()
    for i, priority in enumerate(graded.priorities):
        cell = (graded.fit[i // 3], graded.timing[i % 3])
        assert grid[cell] == counts.get(priority, 0), priority
    dq_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Disqualified")
    assert ws.cell(dq_row, 2).value == counts.get("DQ", 0)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    rules = [rule for formatting in ws.conditional_formatting for rule in formatting.rules]
    assert [rule.type for rule in rules] == ["colorScale"]  # the heat map


def test_the_best_accounts_link_to_their_own_rows(scored: Path) -> None:
    book = load_workbook(scored)
    ws, accounts = book[PIPELINE], book[ACCOUNTS]
    links = [c for row in ws.iter_rows() for c in row if c.hyperlink is not None]
    assert len(links) >= 9
    for cell in links:
        tab, ref = cell.hyperlink.location.split("!")
        assert tab.strip("'") == ACCOUNTS
        assert accounts[ref].value == cell.value  # the name links to its own row, after ranking


def test_the_chart_is_a_native_bar_chart_of_accounts_per_priority(scored: Path) -> None:
    with zipfile.ZipFile(scored) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode()
    assert "<c:barChart>" in xml.replace(" ", "") or "barChart" in xml
    assert f"'{PIPELINE}'!$B$" in xml and f"'{PIPELINE}'!$A$" in xml  # counts and priorities of this tab


def test_scoring_again_replaces_the_tab(scored: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    score_workbook(scored, again)
    book = load_workbook(again)
    assert book.sheetnames.count(PIPELINE) == 1
    assert _grid(book[PIPELINE]) == _grid(load_workbook(scored)[PIPELINE])


def test_the_demo_workbook_has_the_pipeline_and_a_new_one_has_not(tmp_path: Path) -> None:
    demo, new = tmp_path / "demo.xlsx", tmp_path / "new.xlsx"
    write_example_workbook(demo, pipeline=True)
    write_example_workbook(new)
    ws = load_workbook(demo)[PIPELINE]
    model = example_model()
    results = score(model, pd.DataFrame(example_accounts()))
    counts = results["icp_priority"].astype(str).value_counts().to_dict()
    graded = model.grading()
    grid = _grid(ws)
    assert {p: grid[(graded.fit[i // 3], graded.timing[i % 3])] for i, p in enumerate(graded.priorities)} == {
        p: counts.get(p, 0) for p in graded.priorities
    }
    assert PIPELINE not in load_workbook(new).sheetnames
