"""Ranked output: priority cell order, score order, input order kept for CSV, rows findable again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from icp_sheets.core.models import DQ_PRIORITY, PRIORITY_CELLS, IcpModel
from icp_sheets.core.names import INPUT_ROW
from icp_sheets.core.problems import IcpError
from icp_sheets.core.ranking import Sort, rank_order
from icp_sheets.core.scoring import score
from icp_sheets.example import example_accounts, example_contacts
from icp_sheets.io.tables import read_workbook
from icp_sheets.io.template import write_template
from icp_sheets.jobs import score_accounts_file, score_workbook

CELLS = [*PRIORITY_CELLS, DQ_PRIORITY]


def _results(rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "icp_score": [s for _, s in rows],
            "icp_fit": [s / 2 for _, s in rows],
            "icp_timing": [s / 2 for _, s in rows],
            "icp_priority": [p for p, _ in rows],
        }
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CELLS), st.integers(-3, 12).map(float)), max_size=40))
def test_priority_order_is_cell_then_score_with_disqualified_last(rows: list[tuple[str, float]]) -> None:
    order = rank_order(_results(rows), Sort.PRIORITY)
    assert sorted(order.tolist()) == list(range(len(rows)))
    keys = [(CELLS.index(rows[i][0]), -rows[i][1], i) for i in order]
    assert keys == sorted(keys)  # cell, then score descending, then input order


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CELLS), st.integers(-3, 12).map(float)), max_size=40))
def test_score_order_is_score_first_with_disqualified_last(rows: list[tuple[str, float]]) -> None:
    order = rank_order(_results(rows), Sort.SCORE)
    keys = [(rows[i][0] == DQ_PRIORITY, -rows[i][1], i) for i in order]
    assert keys == sorted(keys)


def test_rows_without_results_go_last_and_input_order_is_untouched() -> None:
    results = _results([("B1", 4.0), ("A1", 9.0), ("DQ", 8.0)])
    results.loc[3] = [np.nan, np.nan, np.nan, np.nan]  # a blank input row
    assert rank_order(results, Sort.PRIORITY).tolist() == [1, 0, 2, 3]
    assert rank_order(results, Sort.SCORE).tolist() == [1, 0, 2, 3]
    assert rank_order(results, Sort.INPUT).tolist() == [0, 1, 2, 3]


@pytest.fixture
def accounts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.csv"
    frame = pd.DataFrame(example_accounts())
    frame.loc[len(frame)] = [None] * frame.shape[1]  # a blank line inside the export
    frame = pd.concat([frame, pd.DataFrame(example_accounts()).head(2)], ignore_index=True)
    frame.to_csv(path, index=False)
    return path


def test_xlsx_output_is_ranked_and_every_row_can_be_found_again(
    model: IcpModel, accounts_csv: Path, tmp_path: Path
) -> None:
    source = pd.read_csv(accounts_csv, dtype=str, keep_default_na=False)
    run = score_accounts_file(model, accounts_csv, tmp_path / "out.xlsx")
    out = read_workbook(tmp_path / "out.xlsx")["Accounts"].frame
    priorities = out["icp_priority"].tolist()
    assert priorities[:-1] == sorted(priorities[:-1], key=CELLS.index) and priorities[0] == "A1"
    assert out["Company"].iloc[-1] is None and priorities[-1] is None  # the blank line comes last
    for _, row in out.iterrows():  # icp_input_row is the file's row (header = row 1)
        line = source.iloc[int(row[INPUT_ROW]) - 2]
        assert (row["Company"] or "") == line["Company"]
    assert run.rows == len(example_accounts()) + 2


def test_csv_keeps_input_order_unless_asked(model: IcpModel, accounts_csv: Path, tmp_path: Path) -> None:
    score_accounts_file(model, accounts_csv, tmp_path / "in.csv")
    kept = pd.read_csv(tmp_path / "in.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    source = pd.read_csv(accounts_csv, dtype=str, keep_default_na=False)
    assert kept["Company"].tolist() == source["Company"].tolist() and INPUT_ROW not in kept
    score_accounts_file(model, accounts_csv, tmp_path / "by_score.csv", sort=Sort.SCORE)
    ranked = pd.read_csv(tmp_path / "by_score.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    priorities = ranked["icp_priority"].tolist()
    groups = [0 if p in PRIORITY_CELLS else 1 if p == DQ_PRIORITY else 2 for p in priorities]
    assert groups == sorted(groups) and groups[-1] == 2  # in play, disqualified, the blank line
    in_play = [float(s) for s, g in zip(ranked["icp_score"], groups, strict=True) if g == 0]
    assert in_play == sorted(in_play, reverse=True)


def test_a_contact_list_has_nothing_to_rank(model: IcpModel, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    pd.DataFrame(example_contacts()).to_csv(path, index=False)
    score_accounts_file(model, path, tmp_path / "contacts.xlsx")  # the xlsx default does not apply
    with pytest.raises(IcpError) as caught:
        score_accounts_file(model, path, tmp_path / "contacts2.xlsx", sort=Sort.PRIORITY)
    assert caught.value.problems[0].code.value == "bad-argument"


@pytest.fixture
def own_workbook(model: IcpModel, tmp_path: Path) -> Path:
    """The template, with a formula and a link in its Accounts rows to see them move."""
    path = tmp_path / "icp.xlsx"
    accounts = pd.DataFrame(example_accounts())
    contacts = pd.DataFrame(example_contacts())
    from icp_sheets.core.personas import match_personas

    write_template(path, model, accounts, contacts, score(model, accounts), match_personas(model, contacts))
    book = load_workbook(path)
    ws = book["Accounts"]
    width = ws.max_column + 1
    ws.cell(1, width, "Notes")
    for row in range(2, ws.max_row + 1):
        ws.cell(row, width, f'=A{row}&"!"')
    ws.cell(3, 1).hyperlink = "https://example.com/harbor"
    book.save(path)
    return path


def test_the_workbooks_own_tab_is_ranked_with_its_cells_moving_along(own_workbook: Path, tmp_path: Path) -> None:
    before = load_workbook(own_workbook)["Accounts"]
    original = {r: [c.value for c in before[r]] for r in range(2, before.max_row + 1)}
    score_workbook(own_workbook, tmp_path / "ranked.xlsx")
    ws = load_workbook(tmp_path / "ranked.xlsx")["Accounts"]
    headers = [c.value for c in ws[1]]
    source_row, notes = headers.index(INPUT_ROW), headers.index("Notes")
    priorities = [ws.cell(r, headers.index("icp_priority") + 1).value for r in range(2, ws.max_row + 1)]
    moved_from = [ws.cell(r, source_row + 1).value for r in range(2, ws.max_row + 1)]
    assert priorities == sorted(priorities, key=CELLS.index) and moved_from != sorted(moved_from)
    for r in range(2, ws.max_row + 1):
        cells = [c.value for c in ws[r]]
        was = original[cells[source_row]]
        assert cells[:3] == was[:3]  # Company, Domain, Industry moved with the row
        assert cells[notes] == f'=A{r}&"!"'  # the formula points at its own row again
    linked = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, source_row + 1).value == 3)
    assert ws.cell(linked, 1).hyperlink.target == "https://example.com/harbor"


def test_in_place_keeps_the_users_order_unless_asked(own_workbook: Path) -> None:
    names = [c.value for c in load_workbook(own_workbook)["Accounts"]["A"]]
    score_workbook(own_workbook, None, in_place=True)
    ws = load_workbook(own_workbook)["Accounts"]
    assert [c.value for c in ws["A"]] == names
    assert INPUT_ROW not in [c.value for c in ws[1]]
