"""The Example ICP's SQL in every warehouse dialect: a snapshot of the text, and sqlglot reads
each back in its dialect. ICP_UPDATE_SNAPSHOTS=1 rewrites the snapshots after a deliberate change."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest
import sqlglot
from click.testing import CliRunner

from icp_sheets.cli import cli
from icp_sheets.example import AS_OF, example_model
from icp_sheets.sql import DIALECTS, compile_model, to_sql

SNAPSHOTS = Path(__file__).parent / "snapshots"
WAREHOUSES = ("snowflake", "bigquery", "spark", "databricks")


@cache
def _text(dialect: str) -> str:
    return to_sql(compile_model(example_model(), as_of=AS_OF).query, dialect, pretty=False)


@pytest.mark.parametrize("dialect", WAREHOUSES)
def test_example_sql_matches_its_snapshot(dialect: str) -> None:
    path = SNAPSHOTS / f"example_{dialect}.sql"
    if os.environ.get("ICP_UPDATE_SNAPSHOTS"):
        path.write_text(_text(dialect) + "\n", encoding="utf-8")
    assert _text(dialect) + "\n" == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_example_sql_parses_back_in_its_dialect(dialect: str) -> None:
    parsed = sqlglot.parse_one(_text(dialect), read=dialect)
    assert isinstance(parsed, sqlglot.exp.Select)
    assert {c.alias_or_name for c in parsed.expressions} >= {"icp_score", "icp_why", "icp_action"}


def test_dialect_pitfalls_are_avoided() -> None:
    """No partial-match regex function, no SPLIT/CONTAINS, no back-references in any dialect."""
    for dialect in DIALECTS:
        functions = set(re.findall(r"\b([A-Z_]+)\(", _text(dialect).upper()))
        assert not functions & {"SPLIT", "CONTAINS", "REGEXP_EXTRACT", "REGEXP_SUBSTR", "SPLIT_PART"}, dialect
    # Every DuckDB regular expression is anchored at both ends, so partial and whole matches agree.
    for tree in sqlglot.parse_one(_text("duckdb"), read="duckdb").find_all(sqlglot.exp.RegexpLike):
        pattern = tree.expression.this
        assert pattern.startswith("^") and pattern.endswith("$"), pattern


def test_sql_command_prints_the_query_and_its_warnings(tmp_path: Path) -> None:
    workbook = tmp_path / "icp.xlsx"
    runner = CliRunner()
    assert runner.invoke(cli, ["new", str(workbook)]).exit_code == 0
    result = runner.invoke(
        cli, ["sql", str(workbook), "--dialect", "postgres", "--table", "crm.accounts", "--as-of", "2026-11-16"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("WITH ") and "FROM crm.accounts AS t" in result.stdout
    assert "warning: Employees: numbers:" in result.stderr
    out = tmp_path / "icp.sql"
    result = runner.invoke(cli, ["sql", str(workbook), "--as-of", "current_date", "-o", str(out)])
    assert result.exit_code == 0 and "CURRENT_DATE" in out.read_text()
    result = runner.invoke(cli, ["sql", str(workbook), "--as-of", "next week"])
    assert result.exit_code == 2 and "--as-of 'next week' is not a day" in result.stderr


def test_dbt_model_reads_its_source_and_scores_as_the_core(tmp_path: Path) -> None:
    import pandas as pd
    from sql_support import mismatches, run_duckdb

    from icp_sheets.core.scoring import score
    from icp_sheets.example import example_accounts

    workbook = tmp_path / "icp.xlsx"
    runner = CliRunner()
    assert runner.invoke(cli, ["new", str(workbook)]).exit_code == 0
    project = tmp_path / "dbt"
    result = runner.invoke(cli, ["sql", str(workbook), "--dbt", str(project), "--table", "crm.accounts"])
    assert result.exit_code == 0, result.output
    model = (project / "models" / "icp_scores.sql").read_text()
    schema = (project / "models" / "schema.yml").read_text()
    assert "{{ config(materialized='table') }}" in model and model.count("{{ source('crm', 'accounts') }}") == 2
    assert 'values: ["Pursue", "Nurture", "Disqualified"]' in schema and "- name: icp_why" in schema
    # dbt would put the source's name where the Jinja is; the model then scores as the core does.
    body = model.split("{{ config(materialized='table') }}\n", 1)[1].replace(
        "{{ source('crm', 'accounts') }}", "accounts"
    )
    accounts = pd.DataFrame(example_accounts())
    assert mismatches(score(example_model(), accounts, AS_OF), run_duckdb(body.rstrip().rstrip(";"), accounts)) == []
