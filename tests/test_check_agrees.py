"""`check WORKBOOK ACCOUNTS` refuses exactly the accounts files `score` refuses, with the same messages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icp_sheets.cli import cli
from icp_sheets.example import example_accounts, example_model
from icp_sheets.jobs import write_example_workbook


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("agree") / "icp.xlsx"
    write_example_workbook(path)
    return path


def _run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def _both(workbook: Path, accounts: Path) -> tuple[Result, Result]:
    checked = _run("check", workbook, accounts)
    scored = _run("score", workbook, accounts, "-o", accounts.with_name("out.csv"), "--force")
    return checked, scored


def test_check_stops_on_a_missing_column_with_scores_message_once(workbook: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    pd.DataFrame(example_accounts()).drop(columns=["Employees"]).to_csv(accounts, index=False)
    checked, scored = _both(workbook, accounts)
    assert (checked.exit_code, scored.exit_code) == (2, 2)
    assert _errors(checked) == _errors(scored)
    assert len(_errors(checked)) == 1 and "'Employees'" in _errors(checked)[0]
    assert "Usable" not in checked.output


def test_check_stops_on_a_missing_signal_date_column(workbook: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    date_column = example_model().signals[0].date_column
    pd.DataFrame(example_accounts()).drop(columns=[date_column]).to_csv(accounts, index=False)
    checked, scored = _both(workbook, accounts)
    assert (checked.exit_code, scored.exit_code) == (2, 2)
    assert _errors(checked) == _errors(scored) and date_column in _errors(checked)[0]


_COLUMNS = list(pd.DataFrame(example_accounts()).columns)


@st.composite
def accounts_files(draw: st.DrawFn) -> bytes:
    """An accounts file as people send them: columns dropped or respelled, a Title, junk cells, or no table."""
    kind = draw(st.sampled_from(["csv", "csv", "csv", "empty", "binary", "header-only"]))
    if kind == "empty":
        return b""
    if kind == "binary":
        return draw(st.binary(min_size=1, max_size=40)).join([b"\x00\xff", b"\x00"])
    frame = pd.DataFrame(example_accounts()).head(draw(st.integers(1, 4)))
    dropped = draw(st.lists(st.sampled_from(_COLUMNS), max_size=3, unique=True))
    frame = frame.drop(columns=dropped)
    respelled = {c: draw(st.sampled_from([c, c.upper(), f" {c} ", c.replace(" ", "_"), c + "x"])) for c in frame}
    frame = frame.rename(columns=respelled)
    if draw(st.booleans()):
        frame["Title"] = "VP Sales"
    if len(frame.columns) and draw(st.booleans()):
        frame.iloc[0, draw(st.integers(0, len(frame.columns) - 1))] = draw(st.sampled_from(["n/a", "", "lots", "=1+1"]))
    if kind == "header-only":
        frame = frame.head(0)
    return str(frame.to_csv(index=False)).encode("utf-8")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=accounts_files())
def test_check_exits_2_exactly_when_score_does(workbook: Path, tmp_path: Path, content: bytes) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(content)
    checked, scored = _both(workbook, accounts)
    assert checked.exception is None or isinstance(checked.exception, SystemExit), checked.exception
    assert scored.exception is None or isinstance(scored.exception, SystemExit), scored.exception
    assert (checked.exit_code == 2) == (scored.exit_code == 2), (checked.output, scored.output)
    assert _errors(checked) == _errors(scored)
    assert len(set(_errors(checked))) == len(_errors(checked))  # each problem once
