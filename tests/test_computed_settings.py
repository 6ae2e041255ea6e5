"""The Settings tab shows the most points an account can reach (what 100 means on the 0–100 scale)
on a locked, computed row, whenever icp-sheets writes a workbook; the reader never reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from madkudu_support import ACCOUNTS, tables
from openpyxl import load_workbook

from icp_sheets.core.reach import best_fit, best_timing
from icp_sheets.example import example_model
from icp_sheets.io.computed_settings import MOST_POINTS
from icp_sheets.io.model_reader import load_model, read_model
from icp_sheets.io.template import write_template
from icp_sheets.jobs import score_workbook


def _computed(path: Path) -> tuple[object, str, bool]:
    """The computed row's value and note on the Settings tab, and whether its value cell is locked."""
    ws = load_workbook(path)["Settings"]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == MOST_POINTS]
    value = ws.cell(row, 2)
    return value.value, str(ws.cell(row, 3).value), bool(value.protection.locked)


def test_the_template_shows_the_example_icps_most_points_on_a_locked_row(tmp_path: Path) -> None:
    path = tmp_path / "icp.xlsx"
    write_template(path)
    model = example_model()
    value, note, locked = _computed(path)
    assert value == best_fit(model) + best_timing(model)
    assert note.startswith(f"The most points an account can reach after the caps: fit {best_fit(model):g} + timing")
    assert locked
    assert load_model(path)[0] == model  # the computed row is never read


def test_a_scored_workbook_shows_what_100_means_even_over_a_stale_figure(tmp_path: Path) -> None:
    typed, _ = read_model(tables())
    path, out = tmp_path / "madkudu.xlsx", tmp_path / "scored.xlsx"
    write_template(path, typed, accounts=ACCOUNTS, contacts=[])
    book = load_workbook(path)
    ws = book["Settings"]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == MOST_POINTS]
    ws.cell(row, 2).value = 999  # typed over: not read, and put right by the next write
    book.save(path)
    assert load_model(path)[0] == typed
    score_workbook(path, out)
    value, note, locked = _computed(out)
    assert (value, locked) == (130, True)  # fit 80 + timing 89 held at the timing cap of 50
    assert "(100 on the 0–100 scale): fit 80 + timing 50" in note


def test_an_older_workbook_without_the_row_gets_it_below_its_settings(tmp_path: Path) -> None:
    path, out = tmp_path / "old.xlsx", tmp_path / "scored.xlsx"
    write_template(path)
    book = load_workbook(path)
    ws = book["Settings"]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == MOST_POINTS]
    ws.delete_rows(row)
    book.save(path)
    score_workbook(path, out)
    value, _, locked = _computed(out)
    model = example_model()
    assert (value, locked) == (best_fit(model) + best_timing(model), True)
    settings = load_workbook(out)["Settings"]
    (table,) = settings.tables.values()
    assert table.ref.endswith(str(settings.max_row))  # the table holds the row


@pytest.mark.parametrize("label", [MOST_POINTS, "most points (COMPUTED)"])
def test_the_reader_skips_the_row_in_any_spelling(tmp_path: Path, label: str) -> None:
    path = tmp_path / "icp.xlsx"
    write_template(path)
    book = load_workbook(path)
    ws = book["Settings"]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == MOST_POINTS]
    ws.cell(row, 1).value, ws.cell(row, 2).value = label, "anything"
    book.save(path)
    model, problems = load_model(path)
    assert model == example_model()
    assert not [p for p in problems if p.tab == "Settings" and p.severity.value != "info"]
