"""The installed `icp-sheets` command, run as a user runs it: real files, exit codes, stderr."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from icp_sheets.core.scoring import score
from icp_sheets.example import example_accounts, example_model

COMMAND = Path(sys.executable).with_name("icp-sheets")


def run(*args: object, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(COMMAND), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "LANG": "C.UTF-8"},
    )
    if ok:
        assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    run("new", "icp.xlsx", cwd=folder)
    return folder / "icp.xlsx"


def _accounts_csv(folder: Path, **changes: object) -> Path:
    frame = pd.DataFrame(example_accounts())
    for column, value in changes.items():
        frame.loc[0, column.replace("_", " ")] = value
    path = folder / "accounts.csv"
    frame.to_csv(path, index=False)
    return path


def test_demo_prints_a_ranked_table_and_writes_the_workbook(tmp_path: Path) -> None:
    done = run("demo", cwd=tmp_path)
    assert "Vantage Procure" in done.stdout and "Pursue A1" in done.stdout
    assert done.stdout.index("Vantage Procure") < done.stdout.index("Ember Lane Apparel")  # ranked
    assert (tmp_path / "icp_demo.xlsx").exists()
    run("demo", cwd=tmp_path)
    assert (tmp_path / "icp_demo (2).xlsx").exists()  # the first one is never overwritten


def test_score_csv_equals_the_core_and_keeps_every_input_column(workbook: Path, tmp_path: Path) -> None:
    source = _accounts_csv(tmp_path)
    done = run("score", workbook, source, cwd=tmp_path)
    assert "Scored 30 accounts (21 Pursue, 2 Nurture, 7 Disqualified)" in done.stderr
    out = pd.read_csv(tmp_path / "accounts.scored.csv", dtype=str, keep_default_na=False)
    original = pd.read_csv(source, dtype=str, keep_default_na=False)
    assert list(out.columns[: len(original.columns)]) == list(original.columns)
    pd.testing.assert_frame_equal(out[original.columns], original)
    expected = score(example_model(), pd.DataFrame(example_accounts()))
    assert out["icp_score"].astype(float).tolist() == expected["icp_score"].tolist()
    assert out["icp_tier"].tolist() == expected["icp_tier"].astype(str).tolist()
    assert out["icp_why"].str.lstrip("'").tolist() == expected["icp_why"].astype(str).tolist()


def test_untrusted_text_never_becomes_a_formula(workbook: Path, tmp_path: Path) -> None:
    source = _accounts_csv(tmp_path, Company='=HYPERLINK("http://x","y")')
    frame = pd.read_csv(source)
    frame.loc[1, "Company"], frame.loc[2, "Company"] = "+1-1 Holdings", "@SUM(1)"
    frame.to_csv(source, index=False)
    run("score", workbook, source, "-o", "out.csv", cwd=tmp_path)
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8-sig") as handle:
        companies = [row["Company"] for row in csv.DictReader(handle)][:3]
    assert companies == ['\'=HYPERLINK("http://x","y")', "'+1-1 Holdings", "'@SUM(1)"]
    run("score", workbook, source, "-o", "out.xlsx", "--sort", "input", cwd=tmp_path)
    sheet = load_workbook(tmp_path / "out.xlsx").active
    cells = [sheet.cell(row=r, column=1) for r in (2, 3, 4)]
    assert [c.value for c in cells] == ['=HYPERLINK("http://x","y")', "+1-1 Holdings", "@SUM(1)"]
    assert {c.data_type for c in cells} == {"s"}


def test_scoring_the_workbook_writes_a_copy_and_never_the_input(workbook: Path, tmp_path: Path) -> None:
    before = workbook.read_bytes()
    run("score", workbook, "-o", tmp_path / "scored.xlsx", cwd=tmp_path)
    assert workbook.read_bytes() == before
    book = load_workbook(tmp_path / "scored.xlsx")
    headers = [c.value for c in book["Accounts"][1]]
    assert "icp_why" in headers and "icp_persona" in [c.value for c in book["Contacts"][1]]
    refused = run("score", workbook, "-o", tmp_path / "scored.xlsx", cwd=tmp_path, ok=False)
    assert refused.returncode == 2 and "pass --force" in refused.stderr


def test_missing_column_exits_2_naming_it_and_the_columns_found(workbook: Path, tmp_path: Path) -> None:
    (tmp_path / "thin.csv").write_text("Company,Employees\nAcme,120\n", encoding="utf-8")
    done = run("score", workbook, "thin.csv", cwd=tmp_path, ok=False)
    assert done.returncode == 2
    assert "no column 'Funding stage'" in done.stderr and "columns found: 'Company', 'Employees'" in done.stderr


def test_messy_cells_never_stop_the_run(workbook: Path, tmp_path: Path) -> None:
    source = _accounts_csv(tmp_path, Employees="lots", Sales_hiring_date="32/13/2026")
    run("score", workbook, source, "-o", "messy.csv", cwd=tmp_path)
    out = pd.read_csv(tmp_path / "messy.csv", dtype=str, keep_default_na=False)
    assert len(out) == 30
    assert "Employees unreadable ('lots')" in out["icp_data_gaps"][0]
    assert "Sales hiring date unreadable ('32/13/2026')" in out["icp_data_gaps"][0]
    assert not any(why.startswith(("+", "-", "=", "@", "'")) for why in out["icp_why"])  # no formula guard needed


def test_semicolon_csv_with_bom_and_an_as_of_date(workbook: Path, tmp_path: Path) -> None:
    frame = pd.DataFrame(example_accounts())
    frame.to_csv(tmp_path / "eu.csv", sep=";", index=False, encoding="utf-8-sig")
    run("score", workbook, "eu.csv", "--as-of", "2027-06-01", cwd=tmp_path)
    out = pd.read_csv(tmp_path / "eu.scored.csv")
    assert out.columns[0] == "Company"
    assert (out["icp_timing"] == 0).all()  # every signal has expired by then


def test_bad_workbook_reports_every_problem_with_its_place(workbook: Path, tmp_path: Path) -> None:
    book = load_workbook(workbook)
    book["ICP"]["B7"] = "between 50"
    book["ICP"]["C3"] = "lots"
    book.save(tmp_path / "bad.xlsx")
    done = run("check", "bad.xlsx", cwd=tmp_path, ok=False)
    assert done.returncode == 2
    assert "error: ICP row 3, Points: 'lots' is not a number" in done.stderr
    assert "error: ICP row 7, Condition: 'between 50' needs two numbers, like 'between 50 and 200'" in done.stderr


def test_check_counts_tiers(workbook: Path, tmp_path: Path) -> None:
    done = run("check", workbook, _accounts_csv(tmp_path), cwd=tmp_path)
    assert "Usable" in done.stdout
    assert [line.split()[:2] for line in done.stdout.splitlines()[1:4]] == [
        ["Pursue", "21"],
        ["Nurture", "2"],
        ["Disqualified", "7"],
    ]


def test_contacts_csv_gets_personas(workbook: Path, tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("Name,Title\nAna,VP of Sales\nBo,Intern\n", encoding="utf-8")
    run("score", workbook, "people.csv", cwd=tmp_path)
    out = pd.read_csv(tmp_path / "people.scored.csv", keep_default_na=False)
    assert out["icp_persona"].tolist() == ["Sales leader", ""]


def test_check_reports_the_addressable_market(workbook: Path, tmp_path: Path) -> None:
    done = run("check", workbook, _accounts_csv(tmp_path), cwd=tmp_path)
    assert "Addressable market: 22 of 30 accounts" in done.stdout
    assert "too narrow to run outbound on (under 200)" in done.stdout
