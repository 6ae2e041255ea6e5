"""`icp-sheets sql` as a library call: the workbook's model as one query in a dialect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icp_sheets.core.explain import Why
from icp_sheets.core.names import ACCOUNTS, find_tab
from icp_sheets.core.problems import Problem
from icp_sheets.io.model_reader import load_model
from icp_sheets.io.tables import read_xlsx_tabs
from icp_sheets.sql.compile import AsOf, compile_model
from icp_sheets.sql.dbt import PLACEHOLDER, write_dbt
from icp_sheets.sql.dialects import to_sql


def accounts_header(path: Path) -> list[str] | None:
    """The workbook's Accounts header: the table's columns are taken to be named like it."""
    tables, _ = read_xlsx_tabs(path, [ACCOUNTS])
    tab = find_tab(tables, ACCOUNTS)
    if tab is None:
        return None
    headers = [str(c) for c in tables[tab].frame.columns if str(c).strip()]
    return headers or None


def workbook_sql(
    path: Path,
    *,
    dialect: str = "duckdb",
    table: str = "accounts",
    as_of: AsOf = None,
    dbt: Path | None = None,
    why: Why = Why.SHORT,
) -> tuple[str, list[Problem]]:
    """The SELECT scoring ``table`` with the workbook's ICP, and the warnings: the workbook's own
    and what SQL reads differently from the core for this model. With ``dbt``, the query is also
    written there as a dbt model (``table`` becomes its ref or source)."""
    model, warnings = load_model(path)
    name = PLACEHOLDER if dbt is not None else table
    compiled = compile_model(model, table=name, headers=accounts_header(path), as_of=as_of, why=why)
    text = to_sql(compiled.query, dialect)
    if dbt is not None:
        write_dbt(dbt, text, table, model)
    return text, [*warnings, *compiled.warnings]


def parse_as_of(text: str | None) -> AsOf:
    """--as-of: a day (YYYY-MM-DD), 'current_date', or nothing (the model's day, else the run's)."""
    if text is None:
        return None
    if text.strip().casefold() == "current_date":
        return "current_date"
    return dt.date.fromisoformat(text.strip())
