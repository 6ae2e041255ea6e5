"""The compiled SQL gives the core's results, row for row, on DuckDB and a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sql_support import mismatches, postgres, postgres_missing, run_duckdb, run_postgres

from bench.synthetic import accounts as synthetic_accounts
from icp_sheets.core.explain import Why
from icp_sheets.core.scoring import score
from icp_sheets.example import AS_OF, example_accounts, example_model
from icp_sheets.sql import compile_model, to_sql

MODEL = example_model()
EXAMPLE = pd.DataFrame(example_accounts())


def _days(*ages: int) -> list[str]:
    return [(AS_OF - dt.timedelta(days=a)).isoformat() for a in ages]


# Cells worth reading: plain, messy, boundary, blank and unreadable, per kind of column.
NUMBERS = [
    "120", " 75 ", "1,200", "1.200", "12,5", "51-200", "1,001–5,000 employees", "$10M to $50M", "10,001+",
    "5k", "2.5 million", "n/a", "", None, "lots", "-5", "1e3", "200 employees", "50", "49.999", "1000",
    "1000.0001", "500+", "−3", "12.5%", "abc-def", "5-", "10 - 20", "200", "201", "500", "501", "1001", "0",
]  # fmt: skip
STAGES = ["Series A", "SERIES_B", "series-c", "Public", "Series D", "bootstrapped", "n/a", "", None, "Seed",
          "Series  B ", "Café", "?", "=Series B", "-"]  # fmt: skip
STACKS = ["Salesforce", "HubSpot; Gong", "salesforce, zoho", "Pipedrive\nHubSpot", "", None, "Sales force",
          "Zoho,,", "-", "HubSpot;Salesforce;Zoho", "SAP"]  # fmt: skip
REGIONS = ["North America", "north-america", "Europe", "", None, "NORTH AMERICA", "tbd", "@Europe", "+North America"]
INDUSTRIES = ["Government", "government", "Software", None, "", "n/a", "Gov"]
DATES = [
    *_days(0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, -1, 400),
    "2026-11-01T10:00:00Z", "2026-11-01 10:00:00", "16 Nov 2026", "November 1, 2026", "2026/11/01",
    "11/01/2026", "01/11/2026", "25/10/2026", "10/25/2026", "46300", "46300.5", "soon", "", None,
    "2026-13-01", "31/02/2026", "n/a", "2026-11-01 UTC", "29/02/2024", "5 Sept 2026", "1 october 2026",
]  # fmt: skip
POOLS = {
    "Employees": NUMBERS,
    "Funding stage": STAGES,
    "Tech stack": STACKS,
    "Region": REGIONS,
    "Industry": INDUSTRIES,
    **{s.date_column: DATES for s in MODEL.signals},
}


def _core(accounts: pd.DataFrame) -> pd.DataFrame:
    return score(MODEL, accounts, AS_OF)


@cache
def _duckdb_sql() -> str:
    return to_sql(compile_model(MODEL, as_of=AS_OF).query, "duckdb", pretty=False)


def test_example_accounts_score_the_same_in_duckdb() -> None:
    assert mismatches(_core(EXAMPLE), run_duckdb(_duckdb_sql(), EXAMPLE)) == []


def test_generated_accounts_score_the_same_in_duckdb() -> None:
    accounts = synthetic_accounts(3000, seed=11)
    want = _core(accounts)
    assert want["icp_tier"].nunique() == 3  # the sample reaches every tier
    assert mismatches(want, run_duckdb(_duckdb_sql(), accounts)) == []


rows = st.lists(st.fixed_dictionaries({c: st.sampled_from(p) for c, p in POOLS.items()}), min_size=1, max_size=25)


# Each example is one query (about a second of DuckDB planning): few examples, no shrinking (the
# failing table has at most 25 rows); the test below reads every pool value every run.
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(rows)
def test_messy_accounts_score_the_same_in_duckdb(cells: list[dict[str, object]]) -> None:
    accounts = pd.DataFrame(cells, dtype=object)
    assert mismatches(_core(accounts), run_duckdb(_duckdb_sql(), accounts)) == []


def test_every_messy_cell_scores_the_same_in_duckdb() -> None:
    """Every pool value at least once, in one table (the property samples them)."""
    size = max(len(p) for p in POOLS.values())
    accounts = pd.DataFrame({c: [p[i % len(p)] for i in range(size)] for c, p in POOLS.items()}, dtype=object)
    assert mismatches(_core(accounts), run_duckdb(_duckdb_sql(), accounts)) == []


def test_full_why_is_the_same_in_duckdb() -> None:
    """--why full: the data gaps follow the rest in icp_why, in SQL as in the core."""
    accounts = pd.DataFrame({c: [p[(i * 5) % len(p)] for i in range(40)] for c, p in POOLS.items()}, dtype=object)
    want = score(MODEL, accounts, AS_OF, why=Why.FULL)
    assert any(gaps and gaps in why for why, gaps in zip(want.icp_why, want.icp_data_gaps, strict=True))
    sql = to_sql(compile_model(MODEL, as_of=AS_OF, why=Why.FULL).query, "duckdb", pretty=False)
    assert mismatches(want, run_duckdb(sql, accounts)) == []


@pytest.fixture(scope="module")
def pg_host() -> Iterator[str]:
    reason = postgres_missing()
    if reason is not None:
        pytest.skip(reason)
    with postgres() as host:
        yield host


def test_example_accounts_score_the_same_in_postgres(pg_host: str) -> None:
    sql = to_sql(compile_model(MODEL, as_of=AS_OF).query, "postgres")
    assert mismatches(_core(EXAMPLE), run_postgres(pg_host, sql, EXAMPLE)) == []


def test_messy_accounts_score_the_same_in_postgres(pg_host: str) -> None:
    size = max(len(p) for p in POOLS.values())
    accounts = pd.DataFrame({c: [p[(i * 7) % len(p)] for i in range(size * 3)] for c, p in POOLS.items()}, dtype=object)
    sql = to_sql(compile_model(MODEL, as_of=AS_OF).query, "postgres")
    assert mismatches(_core(accounts), run_postgres(pg_host, sql, accounts)) == []
