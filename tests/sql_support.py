"""Shared by the SQL parity tests: account tables as text, real engines, row-by-row comparison.

Accounts go into the engines as text, as the CLI reads a file; each row carries ``row_no`` so
the results can be put back in input order (SQL promises no order of its own).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from icp_sheets.core.names import RESULT_COLUMNS

ROW = "row_no"
_NUMBERS = ("icp_score", "icp_fit", "icp_timing")


def cell_text(value: Any) -> str | None:
    """A cell as a CSV would hold it: dates in ISO, whole floats without '.0', None for empty."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_frame(accounts: pd.DataFrame) -> pd.DataFrame:
    """The accounts as text cells, with their row number first."""
    frame = pd.DataFrame({c: [cell_text(v) for v in accounts[c]] for c in accounts.columns}, dtype=object)
    frame.insert(0, ROW, range(len(frame)))
    return frame


def mismatches(want: pd.DataFrame, got: pd.DataFrame) -> list[str]:
    """Every result cell that differs: scores by more than 1e-9, text at all."""
    assert len(want) == len(got), (len(want), len(got))
    out = []
    for column in RESULT_COLUMNS:
        for i, (a, b) in enumerate(zip(want[column].tolist(), got[column].tolist(), strict=True)):
            differs = abs(float(a) - float(b)) > 1e-9 if column in _NUMBERS else str(a) != str(b)
            if differs:
                out.append(f"row {i} {column}: core {a!r} != sql {b!r}")
    return out


def run_duckdb(sql: str, accounts: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    frame = text_frame(accounts)
    columns = ", ".join(f'"{c}" {"BIGINT" if c == ROW else "VARCHAR"}' for c in frame.columns)
    con.execute(f"CREATE TABLE accounts ({columns})")
    con.executemany(f"INSERT INTO accounts VALUES ({', '.join('?' * len(frame.columns))})", frame.values.tolist())
    return con.execute(f"SELECT * FROM ({sql}) AS scored ORDER BY {ROW}").df()


_PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))


def postgres_missing() -> str | None:
    """Why a PostgreSQL server cannot be started here, or None."""
    if not _PG_BIN:
        return "no PostgreSQL server binaries (Debian package 'postgresql'; .ci/run installs it)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser, and PostgreSQL refuses to run as root"
    return None


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A throw-away PostgreSQL server on a Unix socket in a temporary folder; yields that folder
    (psycopg's ``host``). As root the server runs as the 'postgres' user, since it refuses root."""
    bin_dir = _PG_BIN[-1].parent
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = tempfile.mkdtemp(prefix="icp-pg-")
    os.chmod(folder, 0o777)
    data = os.path.join(folder, "data")
    try:
        subprocess.run(
            [
                *as_user,
                str(bin_dir / "initdb"),
                "-D",
                data,
                "-U",
                "icp",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        options = f"-c listen_addresses='' -c unix_socket_directories={folder} -c fsync=off"
        log = os.path.join(folder, "log")
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", data, "-o", options, "-w", "-l", log, "start"],
            check=True,
            capture_output=True,
        )
        try:
            yield folder
        finally:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"], capture_output=True
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_postgres(host: str, sql: str, accounts: pd.DataFrame) -> pd.DataFrame:
    import psycopg

    frame = text_frame(accounts)
    with psycopg.connect(host=host, user="icp", dbname="postgres", autocommit=True) as con:
        con.execute("DROP TABLE IF EXISTS accounts")
        columns = ", ".join(f'"{c}" {"BIGINT" if c == ROW else "TEXT"}' for c in frame.columns)
        con.execute(f"CREATE TABLE accounts ({columns})")
        with con.cursor() as cur:
            cur.executemany(
                f"INSERT INTO accounts VALUES ({', '.join(['%s'] * len(frame.columns))})", frame.values.tolist()
            )
            cur.execute(f"SELECT * FROM ({sql}) AS scored ORDER BY {ROW}")
            names = [d.name for d in cur.description or []]
            return pd.DataFrame(cur.fetchall(), columns=names)
