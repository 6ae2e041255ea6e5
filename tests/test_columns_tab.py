"""The Columns tab: what each account column is called and how to read it, with every bad cell reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from icp_sheets.core.formats import AccountColumn, ReadAs
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import COLUMNS
from icp_sheets.core.problems import Code, IcpError, Severity
from icp_sheets.example import example_accounts, example_model
from icp_sheets.io import layout
from icp_sheets.io.model_reader import load_model, read_model
from icp_sheets.io.tables import Table, table_from_values
from icp_sheets.io.template import write_template

COMMAND = Path(sys.executable).with_name("icp-sheets")


def _tables(model: IcpModel, columns: list[list[Any]] | None, name: str = COLUMNS) -> dict[str, Table]:
    rows = layout.model_rows(model)
    del rows[COLUMNS]
    tables = {tab: table_from_values(tab, [layout.TABS[tab].headers, *r]) for tab, r in rows.items()}
    if columns is not None:
        tables[name] = table_from_values(name, [layout.TABS[COLUMNS].headers, *columns])
    return tables


def test_the_template_lists_the_example_columns_with_the_vendor_names() -> None:
    columns = {c.name: c for c in example_model().columns}
    assert list(columns) == example_model().required_columns()
    assert "# Employees" in columns["Employees"].also_called
    assert "NumberOfEmployees" in columns["Employees"].also_called
    assert columns["Tech stack"].also_called == ("Technologies",)
    assert columns["Region"].also_called == ()  # no vendor writes a region column the Example's way


def test_rows_read_into_the_model(model: IcpModel) -> None:
    read, warnings = read_model(
        _tables(
            model,
            [
                ["Employees", "Headcount, Staff;FTE", "yes", "decimal comma"],
                ["Tech stack", "", "NO", ""],
                ["Last funding date", None, None, "Month/Day"],
            ],
        )
    )
    assert warnings == []
    assert read.columns == (
        AccountColumn(name="Employees", also_called=("Headcount", "Staff", "FTE"), read_as=ReadAs.DECIMAL_COMMA, row=2),
        AccountColumn(name="Tech stack", required=False, row=3),
        AccountColumn(name="Last funding date", read_as=ReadAs.MONTH_DAY, row=4),
    )


def test_every_bad_cell_is_reported_with_tab_row_column_and_fix(model: IcpModel) -> None:
    columns = [["Employees", "", "maybe", "day-mnth"], ["", "x", "yes", ""], ["Region", "", "", "dd.mm.yyyy"]]
    with pytest.raises(IcpError) as caught:
        read_model(_tables(model, columns))
    problems = {(p.tab, p.row, p.column, p.code): p.message for p in caught.value.problems}
    assert set(problems) == {
        (COLUMNS, 2, "Required", Code.UNKNOWN_VALUE),
        (COLUMNS, 2, "Format", Code.UNKNOWN_VALUE),
        (COLUMNS, 3, "Column", Code.REQUIRED_CELL),
        (COLUMNS, 4, "Format", Code.UNKNOWN_VALUE),
    }
    assert "type yes" in problems[(COLUMNS, 2, "Required", Code.UNKNOWN_VALUE)]
    assert "did you mean 'day/month'?" in problems[(COLUMNS, 2, "Format", Code.UNKNOWN_VALUE)]
    assert "'decimal comma'" in problems[(COLUMNS, 4, "Format", Code.UNKNOWN_VALUE)]


def test_no_columns_tab_means_the_defaults(model: IcpModel) -> None:
    read, warnings = read_model(_tables(model, None))
    assert read.columns == () and warnings == []
    assert read.column("Employees") == AccountColumn(name="Employees")


@pytest.mark.parametrize("near", ["Column", "colums", "Columns tab"])
def test_a_columns_tab_under_a_near_name_is_never_ignored(model: IcpModel, near: str) -> None:
    with pytest.raises(IcpError) as caught:
        read_model(_tables(model, [["Employees", "", "no", ""]], name=near))
    (problem,) = caught.value.problems
    assert (problem.code, problem.tab) == (Code.MISSING_TAB, COLUMNS)
    assert f"'{near}'" in problem.message and "rename it to 'Columns'" in problem.message


def test_a_row_for_a_column_the_model_does_not_read_is_a_warning_with_did_you_mean(model: IcpModel) -> None:
    _, warnings = read_model(_tables(model, [["Employes", "Headcount", "", ""], ["Region", "", "", ""]]))
    (warning,) = warnings
    assert (warning.row, warning.column, warning.severity) == (2, "Column", Severity.WARNING)
    assert "did you mean 'Employees'?" in warning.message


def _workbook(tmp_path: Path, *columns: AccountColumn) -> Path:
    path = tmp_path / "icp.xlsx"
    model = example_model()
    write_template(path, model.model_copy(update={"columns": columns}))
    return path


def _score(tmp_path: Path, workbook: Path, frame: pd.DataFrame, *flags: str) -> subprocess.CompletedProcess[str]:
    accounts = tmp_path / "accounts.csv"
    frame.to_csv(accounts, index=False)
    out = tmp_path / "scored.csv"
    return subprocess.run(
        [str(COMMAND), "score", str(workbook), str(accounts), "-o", str(out), "--force", *flags],
        capture_output=True,
        text=True,
    )


def test_required_no_reads_a_missing_column_as_blank_with_one_warning(tmp_path: Path) -> None:
    workbook = _workbook(tmp_path, AccountColumn(name="Tech stack", required=False))
    assert load_model(workbook)[0].column("Tech stack").required is False
    done = _score(tmp_path, workbook, pd.DataFrame(example_accounts()).drop(columns=["Tech stack"]))
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Tech stack") == 1 and "read as blank for every row" in done.stderr
    scored = pd.read_csv(tmp_path / "scored.csv", encoding="utf-8-sig")
    assert len(scored) == len(example_accounts()) and "Tech stack" not in scored.columns


def test_required_yes_still_stops_the_run(tmp_path: Path) -> None:
    workbook = _workbook(tmp_path, AccountColumn(name="Tech stack"))
    done = _score(tmp_path, workbook, pd.DataFrame(example_accounts()).drop(columns=["Tech stack"]))
    assert done.returncode != 0 and "Also called" in done.stderr and "Traceback" not in done.stderr


def test_an_also_called_header_is_found_and_said(tmp_path: Path) -> None:
    workbook = _workbook(tmp_path, AccountColumn(name="Employees", also_called=("Headcount", "NumberOfEmployees")))
    frame = pd.DataFrame(example_accounts()).rename(columns={"Employees": "Headcount"})
    done = _score(tmp_path, workbook, frame, "--columns")
    assert done.returncode == 0, done.stderr
    assert "Employees ← 'Headcount' (also called)" in done.stdout
    done = _score(tmp_path, workbook, frame.rename(columns={"Headcount": "Number of Employees"}), "--columns")
    assert "Employees ← 'Number of Employees' (also called, HubSpot, Crunchbase, Salesforce)" in done.stdout


def test_the_workbooks_own_accounts_tab_warns_once_for_a_column_not_required(tmp_path: Path) -> None:
    model = example_model().model_copy(update={"columns": (AccountColumn(name="Tech stack", required=False),)})
    path = tmp_path / "icp.xlsx"
    write_template(path, model, pd.DataFrame(example_accounts()).drop(columns=["Tech stack"]))
    done = subprocess.run(
        [str(COMMAND), "score", str(path), "-o", str(tmp_path / "out.xlsx")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Tech stack") == 1 and "read as blank for every row" in done.stderr
