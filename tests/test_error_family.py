"""One error family: every "cannot go on" is an IcpError with a code, and the code picks the exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from icp_sheets.cli import cli
from icp_sheets.core.problems import CODE_HELP, EXIT_OF, Code, Exit, IcpError, Problem, Severity
from icp_sheets.excel.formulas import LayoutError
from icp_sheets.excel.values import CellError, MissingInput
from icp_sheets.sheets.http import SheetsError, SheetsUnavailable


@pytest.mark.parametrize(
    ("error", "code", "exit_code"),
    [
        (SheetsError("not shared"), Code.SHEETS_REFUSED, Exit.CANNOT_GO_ON),
        (SheetsUnavailable("503 five times"), Code.SHEETS_UNAVAILABLE, Exit.CANNOT_GO_ON),
        (CellError("no header row"), Code.BAD_ARGUMENT, Exit.BAD_INPUT),
        (MissingInput("'Employees' is #N/A"), Code.ERROR_INPUT, Exit.BAD_INPUT),
        (LayoutError("no account columns"), Code.BAD_LAYOUT, Exit.BAD_INPUT),
        (IcpError(Problem(Code.SYNC_CONFLICTS, "2 conflicts left")), Code.SYNC_CONFLICTS, Exit.CONFLICTS),
        (IcpError(Problem(Code.MISSING_TAB, "no Anti-ICP tab")), Code.MISSING_TAB, Exit.BAD_INPUT),
    ],
)
def test_every_front_ends_error_is_one_family_with_a_code_and_an_exit(
    error: IcpError, code: Code, exit_code: Exit
) -> None:
    assert isinstance(error, IcpError)
    assert [p.code for p in error.problems] == [code]
    assert error.exit_code is exit_code
    assert str(error) == error.problems[0].message  # a message alone, never a location it does not have


def test_a_warning_first_does_not_pick_the_exit() -> None:
    mixed = IcpError(
        [Problem(Code.DUPLICATE_ROW, "copy", severity=Severity.WARNING), Problem(Code.SHEETS_UNAVAILABLE, "down")]
    )
    assert mixed.exit_code is Exit.CANNOT_GO_ON  # the first *error* decides


def test_every_code_is_documented_and_maps_to_a_real_exit() -> None:
    assert set(CODE_HELP) == set(Code)
    assert set(EXIT_OF.values()) <= set(Exit) - {Exit.DONE}


def test_the_cli_prints_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    plain = CliRunner().invoke(cli, ["check", str(missing)])
    assert plain.exit_code == 2
    assert plain.stderr.strip().count("\n") == 0 and plain.stderr.startswith("error: ")
    assert "Traceback" not in plain.output
    debug = CliRunner().invoke(cli, ["--debug", "check", str(missing)])
    assert isinstance(debug.exception, IcpError) and debug.exception.problems[0].code is Code.UNREADABLE_FILE
