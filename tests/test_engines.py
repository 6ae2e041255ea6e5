"""`score --engine duckdb` writes the same bytes as the pandas engine, or says why it cannot.

The DuckDB engine runs the compiled query on the file itself; these tests score the same files
with both engines through the command a user runs and compare the outputs byte for byte (CSV)
or table for table (Parquet), over messy generated files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_sql_parity import AS_OF, POOLS

from icp_sheets.cli import cli
from icp_sheets.example import example_accounts
from icp_sheets.jobs import write_example_workbook
from icp_sheets.sql import engine

# Cells a formula guard, the quoting and the blank-row rule must treat alike in both engines.
AWKWARD = ["=HYPERLINK(1)", "+2 points", "-5", "@sum", '"quoted"', "a,b", "two\nlines", "\u00a0", "  ", "é ü"]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engines") / "icp.xlsx"
    write_example_workbook(path)
    return path


def _score(workbook: Path, accounts: Path, output: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["score", str(workbook), str(accounts), "-o", str(output), "--as-of", AS_OF.isoformat(), "--force", *args],
    )


def _both(workbook: Path, accounts: Path, suffix: str = ".csv", *args: str) -> tuple[Path, Path, Result]:
    pandas_out, duckdb_out = accounts.with_name(f"pandas{suffix}"), accounts.with_name(f"duckdb{suffix}")
    by_pandas = _score(workbook, accounts, pandas_out, "--engine", "pandas", *args)
    assert by_pandas.exit_code == 0, by_pandas.output
    by_duckdb = _score(workbook, accounts, duckdb_out, "--engine", "duckdb", *args)
    return pandas_out, duckdb_out, by_duckdb


def _csv(rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode()


HEADERS = ["Company", *POOLS]
_cells = st.sampled_from([c for pool in POOLS.values() for c in pool if c is not None] + AWKWARD)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],
)
@given(
    rows=st.lists(st.lists(_cells, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=30),
    delimiter=st.sampled_from([",", ";", "\t"]),
    bom=st.booleans(),
    title=st.booleans(),
)
def test_both_engines_write_the_same_bytes(
    workbook: Path, tmp_path: Path, rows: list[list[str]], delimiter: str, bom: bool, title: bool
) -> None:
    above = [["Exported from a CRM"] + [""] * (len(HEADERS) - 1)] if title else []
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(_csv([*above, HEADERS, *rows], delimiter, bom))
    pandas_out, duckdb_out, result = _both(workbook, accounts)
    assert result.exit_code == 0, result.output
    assert "with DuckDB" in result.stderr
    assert duckdb_out.read_bytes() == pandas_out.read_bytes()


def test_the_full_why_is_the_same_in_both_engines(workbook: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    pd.DataFrame(example_accounts()).to_csv(accounts, index=False)
    pandas_out, duckdb_out, result = _both(workbook, accounts, ".csv", "--why", "full")
    assert result.exit_code == 0, result.output
    assert duckdb_out.read_bytes() == pandas_out.read_bytes()
    short = _score(workbook, accounts, tmp_path / "short.csv", "--engine", "duckdb")
    assert short.exit_code == 0 and (tmp_path / "short.csv").read_bytes() != duckdb_out.read_bytes()


def test_blank_and_space_rows_keep_their_place_with_blank_results(workbook: Path, tmp_path: Path) -> None:
    first, second = pd.DataFrame(example_accounts()).astype(str).values.tolist()[:2]
    accounts = tmp_path / "accounts.csv"
    width = len(first)
    header = list(pd.DataFrame(example_accounts()).columns)
    accounts.write_bytes(_csv([header, first, [""] * width, [" "] * width, ["\u00a0"] + [""] * (width - 1), second]))
    pandas_out, duckdb_out, result = _both(workbook, accounts)
    assert result.exit_code == 0, result.output
    assert duckdb_out.read_bytes() == pandas_out.read_bytes()
    scored = pd.read_csv(duckdb_out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert scored["icp_tier"].tolist()[1:4] == ["", "", ""] and scored["icp_tier"][0] and scored["icp_tier"][4]


def test_typed_parquet_scores_the_same_into_parquet_and_csv(workbook: Path, tmp_path: Path) -> None:
    frame = pd.DataFrame(example_accounts())
    typed = frame.assign(
        Employees=pd.to_numeric(frame["Employees"], errors="coerce").astype("Int64"),
        **{"Last funding date": pd.to_datetime(frame["Last funding date"], errors="coerce")},
        **{"Tech switch date": pd.to_datetime(frame["Tech switch date"], errors="coerce").astype("datetime64[ns]")},
    )
    typed["Leader hired date"] = [dt.date(2026, 10, 1)] * len(typed)  # a Parquet date, not a timestamp
    accounts = tmp_path / "accounts.parquet"
    typed.to_parquet(accounts)
    for suffix in (".parquet", ".csv"):
        pandas_out, duckdb_out, result = _both(workbook, accounts, suffix)
        assert result.exit_code == 0, result.output
        if suffix == ".csv":
            assert duckdb_out.read_bytes() == pandas_out.read_bytes()
        else:
            by_pandas, by_duckdb = pq.read_table(pandas_out), pq.read_table(duckdb_out)
            assert by_duckdb.schema == by_pandas.schema
            assert by_duckdb.equals(by_pandas)
            assert by_duckdb.schema.field("icp_score").type == pa.float64()
            assert by_duckdb.column("Employees").type == pa.int64()  # the input's types kept


def test_a_fractional_number_column_in_parquet_is_left_to_pandas(workbook: Path, tmp_path: Path) -> None:
    frame = pd.DataFrame(example_accounts())
    accounts = tmp_path / "accounts.parquet"
    frame.assign(Employees=pd.to_numeric(frame["Employees"], errors="coerce")).to_parquet(accounts)
    result = _score(workbook, accounts, tmp_path / "out.parquet", "--engine", "duckdb")
    assert result.exit_code == 2 and "'Employees' is double" in result.stderr


@pytest.mark.parametrize(
    ("content", "args", "reason"),
    [
        ("Company,Employees\nAcme,120\n".encode("cp1252") + "Café,5\n".encode("cp1252"), (), "cp1252"),
        (b"Company,Employees\nAcme,120\n\nBeta,5\n", (), "blank lines"),
        (b"Company,Employees\nAcme,120,extra\n", (), "DuckDB stopped reading it"),
        (b"Company,Employees\nAcme,120\n", ("--sort", "priority"), "input order"),
    ],
)
def test_duckdb_asked_for_a_file_it_cannot_read_exactly_stops_and_says_why(
    workbook: Path, tmp_path: Path, content: bytes, args: tuple[str, ...], reason: str
) -> None:
    accounts = tmp_path / "accounts.csv"
    header = ",".join(pd.DataFrame(example_accounts()).columns)
    accounts.write_bytes(content.replace(b"Company,Employees", header.encode(), 1))
    output = tmp_path / "out.csv"
    result = _score(workbook, accounts, output, "--engine", "duckdb", *args)
    assert result.exit_code == 2
    assert reason in result.stderr and "--engine pandas" in result.stderr
    assert not output.exists() and not list(tmp_path.glob(".out.*"))  # no partial file left behind


def test_auto_hands_big_files_to_duckdb_and_falls_back_to_pandas_when_it_cannot(
    workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "AUTO_FROM_BYTES", 0)
    frame = pd.DataFrame(example_accounts())
    plain, stray = tmp_path / "plain.csv", tmp_path / "stray.csv"
    frame.to_csv(plain, index=False)
    # A cp1252 byte past the first 256 KB: only DuckDB's full read meets it, and pandas takes over.
    body = frame.to_csv(index=False).encode() + b"Filler,x\n" * 40_000 + "Café,x\n".encode("cp1252")
    stray.write_bytes(body)
    by_auto = _score(workbook, plain, tmp_path / "auto.csv")
    assert by_auto.exit_code == 0 and "with DuckDB" in by_auto.stderr
    fell_back = _score(workbook, stray, tmp_path / "stray.scored.csv")
    assert fell_back.exit_code == 0, fell_back.output
    assert "with DuckDB" not in fell_back.stderr and "cp1252" in fell_back.stderr
    monkeypatch.setattr(engine, "AUTO_FROM_BYTES", 10**12)
    by_pandas = _score(workbook, plain, tmp_path / "pandas.csv")
    assert "with DuckDB" not in by_pandas.stderr
    assert (tmp_path / "auto.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
