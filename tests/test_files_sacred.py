"""The user's files are sacred: no output over an input, no half-written file, plain refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from icp_sheets.cli import cli
from icp_sheets.core.problems import IcpError
from icp_sheets.example import example_accounts
from icp_sheets.io import csv_out
from icp_sheets.io.files import replacing
from icp_sheets.jobs import write_example_workbook


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    workbook, accounts = tmp_path / "my_icp.xlsx", tmp_path / "accounts.csv"
    write_example_workbook(workbook)
    pd.DataFrame(example_accounts()).to_csv(accounts, index=False)
    return workbook, accounts


def _run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("target", ["workbook", "accounts"])
def test_output_naming_an_input_is_refused_and_the_file_is_byte_identical(
    files: tuple[Path, Path], force: list[str], target: str
) -> None:
    workbook, accounts = files
    output = workbook if target == "workbook" else accounts
    before = output.read_bytes()
    result = _run("score", workbook, accounts, "-o", output, *force)
    assert result.exit_code == 2
    assert "is an input of this run; icp-sheets never writes over an input" in result.output
    assert output.read_bytes() == before


def test_workbook_scored_onto_itself_needs_in_place(files: tuple[Path, Path]) -> None:
    workbook, _ = files
    before = workbook.read_bytes()
    assert _run("score", workbook, "-o", workbook, "--force").exit_code == 2
    assert workbook.read_bytes() == before
    assert _run("score", workbook, "--in-place").exit_code == 0
    assert workbook.read_bytes() != before


def test_a_crash_while_writing_leaves_the_old_file_and_no_partial(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, accounts = files
    output = accounts.with_name("scored.csv")
    output.write_text("the old scores\n")

    def crash(frame: pd.DataFrame, target: Path) -> None:
        target.write_text("half a fil")
        raise KeyboardInterrupt

    monkeypatch.setattr("icp_sheets.jobs.write_csv", crash)
    result = _run("score", workbook, accounts, "-o", output, "--force")
    assert result.exit_code != 0
    assert output.read_text() == "the old scores\n"
    assert sorted(p.name for p in output.parent.iterdir()) == ["accounts.csv", "my_icp.xlsx", "scored.csv"]


def test_a_full_disk_is_one_line_and_the_old_file_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(IcpError, match="the disk is full; the old file is unchanged"), replacing(target) as partial:
        partial.write_text("new")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_finished_write_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    csv_out.write_csv(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    with replacing(target) as partial:
        partial.write_text("new\n")
    assert target.read_text() == "new\n" and target.stat().st_mode & 0o777 == 0o640


def test_a_missing_output_folder_says_so(files: tuple[Path, Path]) -> None:
    workbook, accounts = files
    result = _run("score", workbook, accounts, "-o", workbook.parent / "nope" / "out.csv")
    assert result.exit_code == 2
    assert "does not exist; create it or choose another -o" in result.output
    assert "unexpected" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_read_only_target_says_so(files: tuple[Path, Path]) -> None:
    workbook, accounts = files
    output = workbook.parent / "out.csv"
    output.write_text("x")
    output.chmod(0o444)
    result = _run("score", workbook, accounts, "-o", output, "--force")
    assert result.exit_code == 2 and "is read-only" in result.output


def test_a_file_open_in_excel_says_so(files: tuple[Path, Path]) -> None:
    workbook, accounts = files
    output = workbook.parent / "out.xlsx"
    (workbook.parent / "~$out.xlsx").write_bytes(b"owner")
    result = _run("score", workbook, accounts, "-o", output)
    assert result.exit_code == 2 and "is open in Excel; close it there and run again" in result.output


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "is empty; export the accounts again"), (b"PK\x03\x04\x00\x00\xff\xfe binary", "holds binary data")],
)
def test_binary_or_empty_input_is_one_line(files: tuple[Path, Path], content: bytes, words: str) -> None:
    workbook, accounts = files
    accounts.write_bytes(content)
    for command in ("score", "check"):
        result = _run(command, workbook, accounts)
        assert result.exit_code == 2, result.output
        assert words in result.output and "unexpected" not in result.output
        assert len(result.output.strip().splitlines()) == 1
