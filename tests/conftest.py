"""Shared fixtures: the Example ICP, a builder for small account tables, and a fake Google Sheet."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import strategies as st
from sheets_support import KEY, TITLE

from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import INPUT_ROW
from icp_sheets.example import ACCOUNT_COLUMNS, AS_OF, example_model
from icp_sheets.io.template import write_template
from icp_sheets.sheets.client import Connection, connect
from icp_sheets.sheets.sync import Mode, sync
from icp_sheets.testing.fake_sheets import FakeSheets

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "templates" / "icp_template.xlsx"
# Anything a spreadsheet cell can hold, for property tests.
cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)),
    st.dates(AS_OF - dt.timedelta(days=100), AS_OF),  # inside the signals' windows
    st.sampled_from(["n/a", "1,200", " 150 ", "150.0", "Series B", "HubSpot; Zoho", "=SUM(1)", "46000", "#N/A"]),
)


@pytest.fixture(scope="session")
def template_scored_by_cli(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The template's tabs after ``icp-sheets score`` (the installed command, as a user runs it)."""
    command = Path(sys.executable).with_name("icp-sheets")
    if not TEMPLATE.exists() or not command.exists():
        pytest.skip("needs templates/icp_template.xlsx and the installed icp-sheets command")
    from icp_sheets.io.tables import read_workbook

    out = tmp_path_factory.mktemp("cli") / "scored.xlsx"
    done = subprocess.run([str(command), "score", str(TEMPLATE), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    tabs = {name: table.frame for name, table in read_workbook(out).items()}
    # Ranked by default; icp_input_row puts the accounts back in the template's order.
    accounts = tabs["Accounts"]
    tabs["Accounts"] = accounts.sort_values(INPUT_ROW).drop(columns=INPUT_ROW).reset_index(drop=True)
    return tabs


@pytest.fixture
def model() -> IcpModel:
    return example_model()


@pytest.fixture
def account() -> Callable[..., pd.DataFrame]:
    """One-row accounts frame: every Example ICP column blank unless given (by header)."""

    def make(**cells: Any) -> pd.DataFrame:
        row: dict[str, Any] = {column: None for column in ACCOUNT_COLUMNS}
        for key, value in cells.items():
            header = key.replace("_", " ").capitalize()
            header = next(c for c in ACCOUNT_COLUMNS if c.casefold() == header.casefold())
            row[header] = value
        return pd.DataFrame([row], dtype=object)

    return make


def days_ago(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    """The fake Sheets server on 127.0.0.1, holding one empty spreadsheet ``KEY``."""
    with FakeSheets() as server:
        server.store.create(TITLE, spreadsheet_id=KEY)
        yield server


@pytest.fixture
def conn(fake: FakeSheets) -> Connection:
    """A real gspread client for ``KEY`` on the fake server, retrying without waiting."""
    connection = connect(KEY, api_url=fake.url, base_wait=0.0)
    connection.http.sleep = lambda _s: None
    return connection


@pytest.fixture
def pushed(tmp_path: Path, conn: Connection) -> Path:
    """The template, pushed to the fake sheet once, as ``icp-sheets sync push`` does."""
    path = tmp_path / "icp.xlsx"
    write_template(path)
    sync(path, conn, Mode.PUSH, remember=KEY)
    return path


def same_results(left: list[tuple[Any, ...]], right: list[tuple[Any, ...]]) -> bool:
    """Result rows equal, value for value and type for type (NaN equal to NaN)."""
    if len(left) != len(right):
        return False
    for a_row, b_row in zip(left, right, strict=True):
        for a, b in zip(a_row, b_row, strict=True):
            if type(a) is not type(b):
                return False
            if not (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))):
                return False
    return True
