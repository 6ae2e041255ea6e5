"""Model tabs are found or it stops: renamed, deleted and half-filled tabs, as a user makes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook

from icp_sheets.cli import cli
from icp_sheets.jobs import write_example_workbook


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tabs") / "icp.xlsx"
    write_example_workbook(path)
    return path


def _edited(template: Path, tmp_path: Path, edit: Callable[[Workbook], None]) -> Path:
    book = load_workbook(template)
    edit(book)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def _check(path: Path) -> Result:
    return CliRunner().invoke(cli, ["check", str(path)])


def _rename(old: str, new: str) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        book[old].title = new

    return edit


@pytest.mark.parametrize("name", ["Anti ICP", "anti_icp", "ANTI ICP", "AntiICP"])
def test_a_tab_renamed_only_in_case_spaces_hyphens_underscores_is_still_read(
    template: Path, tmp_path: Path, name: str
) -> None:
    result = _check(_edited(template, tmp_path, _rename("Anti-ICP", name)))
    assert result.exit_code == 0, result.output
    assert "2 disqualifiers" in result.output


def test_a_deleted_anti_icp_tab_stops_instead_of_scoring_without_it(template: Path, tmp_path: Path) -> None:
    def delete(book: Workbook) -> None:
        del book["Anti-ICP"]

    path = _edited(template, tmp_path, delete)
    for args in (["check", str(path)], ["score", str(path), "-o", str(tmp_path / "out.xlsx")]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2
        assert "error: Anti-ICP: the workbook has no 'Anti-ICP' tab; add it" in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_a_close_tab_name_gets_did_you_mean(template: Path, tmp_path: Path) -> None:
    result = _check(_edited(template, tmp_path, _rename("Anti-ICP", "Anti ICPs")))
    assert result.exit_code == 2
    assert "did you mean 'Anti ICPs'? Rename it to 'Anti-ICP'" in result.output


def test_signals_renamed_triggers_is_missing_and_names_the_tabs_found(template: Path, tmp_path: Path) -> None:
    result = _check(_edited(template, tmp_path, _rename("Signals", "Triggers")))
    assert result.exit_code == 2
    assert "no 'Signals' tab" in result.output and "'Triggers'" in result.output


def test_an_empty_model_part_is_a_tab_with_only_its_header(template: Path, tmp_path: Path) -> None:
    def empty_anti_icp(book: Workbook) -> None:
        book["Anti-ICP"].delete_rows(2, 10)

    result = _check(_edited(template, tmp_path, empty_anti_icp))
    assert result.exit_code == 0, result.output
    assert "0 disqualifiers" in result.output


def test_settings_value_header_renamed_names_the_header_and_headers_found(template: Path, tmp_path: Path) -> None:
    def rename_value(book: Workbook) -> None:
        book["Settings"]["B1"] = "Val"

    result = _check(_edited(template, tmp_path, rename_value))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [
        "error: Settings row 1, Value: has no 'Value' column; add that header in row 1 "
        "(headers found: 'Setting', 'Val', 'Notes')"
    ]


def _setting(label: str, value: object) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        sheet = book["Settings"]
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == label)
        sheet.cell(row, 2).value = value

    return edit


def test_an_unknown_setting_is_an_error(template: Path, tmp_path: Path) -> None:
    def add(book: Workbook) -> None:
        book["Settings"].append(["Top tier form score", 5])

    result = _check(_edited(template, tmp_path, add))
    assert result.exit_code == 2
    assert "'Top tier form score' is not a setting I know; fix its spelling or delete the row" in result.output


def test_a_blank_or_missing_threshold_is_an_error(template: Path, tmp_path: Path) -> None:
    result = _check(_edited(template, tmp_path, _setting("Top tier from score", None)))
    assert result.exit_code == 2
    assert "'Top tier from score' is blank; type its value (the template has 3)" in result.output

    def drop(book: Workbook) -> None:
        sheet = book["Settings"]
        sheet.delete_rows(next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "Fit tier A from"))

    result = _check(_edited(template, tmp_path, drop))
    assert result.exit_code == 2
    assert "'Fit tier A from' has no row; type its value (the template has 4)" in result.output


def test_check_lists_the_defaults_in_force_and_score_stays_quiet(template: Path, tmp_path: Path) -> None:
    path = _edited(template, tmp_path, _setting("Top tier", None))
    result = _check(path)
    assert result.exit_code == 0
    assert "note: Settings, Top tier: 'Top tier' is blank, so 'Pursue' is used" in result.output
    assert result.output.strip().endswith("Usable.")
    scored = CliRunner().invoke(cli, ["score", str(path), "-o", str(tmp_path / "out.xlsx")])
    assert scored.exit_code == 0 and "note:" not in scored.output
