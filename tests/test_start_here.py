"""The Start here tab describes the workbook's own model and file, and keeps what the user typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries

from icp_sheets.core.names import ACCOUNTS, CONTACTS, MODEL_TABS, SETTINGS, SIGNALS, START
from icp_sheets.io import layout
from icp_sheets.io.start_here import block_end
from icp_sheets.io.start_words import NOTES_LABEL
from icp_sheets.jobs import score_workbook, write_example_workbook

NOTES = ["Call Ana before pricing talks", "=our rule: no cold calls on Fridays", "https://wiki.example/icp"]


def _text(book: Workbook) -> str:
    return "\n".join(str(c.value) for row in book[START].iter_rows() for c in row if c.value is not None)


def _setting(book: Workbook, label: str, value: object) -> None:
    ws = book[SETTINGS]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == label)
    ws.cell(row, 2).value = value


@pytest.fixture
def team_workbook(tmp_path: Path) -> Path:
    """A user's workbook: the template renamed and retuned, so no sentence can come from the Example."""
    path = tmp_path / "acme team icp.xlsx"
    write_example_workbook(path)
    book = load_workbook(path)
    for label, value in [
        ("Model name", "Acme mid-market"),
        ("Model version", "7"),
        ("Top tier", "Hot"),
        ("Top tier from score", 5),
        ("Middle tier", "Warm"),
        ("Middle tier from score", 1.5),
        ("Fit tier A from", 6),
    ]:
        _setting(book, label, value)
    signals = book[SIGNALS]
    signals.cell(2, 1).value = "Series B closed"
    book.save(path)
    return path


def test_a_new_workbook_names_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "my icp.xlsx"
    write_example_workbook(path)
    text = _text(load_workbook(path))
    assert 'icp-sheets check "my icp.xlsx"' in text
    assert 'icp-sheets score "my icp.xlsx" -o "my icp.scored.xlsx"' in text
    assert "icp_template.xlsx" not in text


def test_a_scored_copy_describes_the_users_model_not_the_example(team_workbook: Path, tmp_path: Path) -> None:
    output = tmp_path / "scored.xlsx"
    score_workbook(team_workbook, output)
    text = _text(load_workbook(output))
    assert "Acme mid-market, version 7" in text
    assert "Hot from a score of 5, Warm from 1.5" in text
    assert "A from 6 fit points, B from 2, C below 2" in text
    assert "Series B closed" in text
    assert f'icp-sheets score "{team_workbook.name}" -o scored.xlsx --force' in text
    assert "Example ICP" not in text and "Pursue from" not in text


def _type_notes(path: Path) -> tuple[int, list[tuple[str, object]]]:
    """Type notes below the block and beside a later row; returns the block end and what was typed."""
    book = load_workbook(path)
    ws = book[START]
    end = block_end(ws)
    typed = [(f"A{end + 2}", NOTES[0]), (f"B{end + 3}", NOTES[1]), (f"E{end + 40}", NOTES[2]), (f"C{end + 5}", 42)]
    for ref, value in typed:
        ws[ref].value = value
        ws[ref].data_type = "s" if isinstance(value, str) else "n"
    ws.merge_cells(f"A{end + 6}:B{end + 6}")
    ws[f"A{end + 6}"].value = "merged note"
    book.save(path)
    return end, [*typed, (f"A{end + 6}", "merged note")]


def _below(ws: object, end: int, typed: list[tuple[str, object]], old_end: int) -> dict[str, object]:
    """Where each typed value is now: its old address moved by the block's change in length."""
    shift = end - old_end
    moved = {}
    for ref, value in typed:
        letters, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
        moved[f"{letters}{int(row) + shift}"] = value
    return moved


@pytest.mark.parametrize("signals_kept", [0, 99])  # no signals: a shorter block; all: a longer one
def test_what_the_user_typed_below_the_block_is_kept(team_workbook: Path, tmp_path: Path, signals_kept: int) -> None:
    old_end, typed = _type_notes(team_workbook)
    book = load_workbook(team_workbook)
    signals = book[SIGNALS]
    for row in range(signals.max_row, 1 + signals_kept, -1):
        signals.delete_rows(row)
    book.save(team_workbook)
    output = tmp_path / "scored.xlsx"
    score_workbook(team_workbook, output)
    ws = load_workbook(output)[START]
    end = block_end(ws)
    assert (end < old_end) if signals_kept == 0 else (end > old_end)  # a scored copy names its source
    for ref, value in _below(ws, end, typed, old_end).items():
        assert ws[ref].value == value, ref
    assert f"A{end + 6}:B{end + 6}" in {str(r) for r in ws.merged_cells.ranges}
    # Scoring the scored copy again moves nothing further.
    again = tmp_path / "again.xlsx"
    score_workbook(output, again)
    ws2 = load_workbook(again)[START]
    assert block_end(ws2) == end
    assert [[c.value for c in row] for row in ws2.iter_rows(min_row=end + 1)] == [
        [c.value for c in row] for row in ws.iter_rows(min_row=end + 1)
    ]


def test_only_the_generated_block_is_locked(team_workbook: Path, tmp_path: Path) -> None:
    output = tmp_path / "scored.xlsx"
    score_workbook(team_workbook, output)
    for path in (team_workbook, output):
        ws = load_workbook(path)[START]
        end = block_end(ws)
        assert ws.cell(end, 1).value == NOTES_LABEL
        assert ws.protection.sheet and not ws.protection.password
        assert all(c.protection.locked for row in ws.iter_rows(max_row=end, max_col=2) for c in row)
        assert all(ws.row_dimensions[r].protection.locked for r in range(1, end + 1))  # its empty cells too
        assert ws.row_dimensions[1].s and ws.row_dimensions[1].customFormat
        # Every column's own style is unlocked: the cells below the block, typed or not, are editable.
        columns = {(d.min, d.max): d.protection.locked for d in ws.column_dimensions.values()}
        assert columns == {(1, 1): False, (2, 2): False, (3, 16_384): False}
        assert not ws.row_dimensions[end + 1].customFormat


def test_the_drop_downs_list_the_moved_words(team_workbook: Path, tmp_path: Path) -> None:
    book = load_workbook(team_workbook)
    signals = book[SIGNALS]
    signals.delete_rows(2, signals.max_row)  # the block gets shorter: every list moves up
    book.save(team_workbook)
    output = tmp_path / "scored.xlsx"
    score_workbook(team_workbook, output)
    book = load_workbook(output)
    for tab in MODEL_TABS:
        ws = book[tab]
        expected = {c.header: list(c.choices) for c in layout.TABS[tab].columns if c.choices}
        found = {}
        for validation in ws.data_validations.dataValidation:
            sheet, ref = re.fullmatch(r"'(.+)'!(.+)", validation.formula1).groups()  # type: ignore[union-attr]
            min_col, min_row, _, max_row = range_boundaries(ref.replace("$", ""))
            (cells,) = validation.sqref.ranges
            header = ws.cell(1, cells.min_col).value
            found[header] = [book[sheet].cell(r, min_col).value for r in range(min_row, max_row + 1)]
        assert found == expected, tab


def test_a_workbook_without_the_tab_gets_one_and_a_users_own_tab_is_kept(team_workbook: Path, tmp_path: Path) -> None:
    book = load_workbook(team_workbook)
    del book[START]
    book.save(team_workbook)
    output = tmp_path / "scored.xlsx"
    score_workbook(team_workbook, output)
    scored = load_workbook(output)
    assert scored.sheetnames[0] == START and "Acme mid-market" in _text(scored)
    # A Start here tab someone wrote by hand (no block, not protected) is all theirs: it moves below.
    own = load_workbook(team_workbook)
    mine = own.create_sheet(START, 0)
    mine["A1"], mine["B2"] = "Our playbook", "Read me first"
    own.save(team_workbook)
    score_workbook(team_workbook, output, force=True)
    ws = load_workbook(output)[START]
    end = block_end(ws)
    assert (ws.cell(end + 1, 1).value, ws.cell(end + 2, 2).value) == ("Our playbook", "Read me first")


@pytest.mark.parametrize(("tab", "frozen"), [(ACCOUNTS, "B2"), (CONTACTS, "B2")])
def test_the_template_keeps_header_and_name_column_in_view(tmp_path: Path, tab: str, frozen: str) -> None:
    path = tmp_path / "icp.xlsx"
    write_example_workbook(path)
    assert load_workbook(path)[tab].freeze_panes == frozen
    output = tmp_path / "scored.xlsx"
    score_workbook(path, output)
    assert load_workbook(output)[tab].freeze_panes == frozen
