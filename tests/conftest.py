"""Shared fixtures: the Example ICP and a builder for small account tables."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import strategies as st

from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import INPUT_ROW
from icp_sheets.example import ACCOUNT_COLUMNS, AS_OF, example_model

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
