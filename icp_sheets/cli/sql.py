"""`icp-sheets sql`: print the ICP as one SELECT for DuckDB, PostgreSQL or a warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from icp_sheets.cli.app import cli, report
from icp_sheets.cli.reading import why_option
from icp_sheets.core.explain import Why
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.sql.dialects import DIALECTS


@cli.command("sql")
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dialect", type=click.Choice(DIALECTS), default="duckdb", show_default=True, help="SQL dialect.")
@click.option("--table", default="accounts", show_default=True, help="The accounts table (schema.table works).")
@click.option(
    "--as-of",
    metavar="DATE|current_date",
    help="Count signals back from this day (YYYY-MM-DD), or from the day the query runs (current_date). "
    "Default: the workbook's as-of date, else current_date.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the query here.")
@click.option(
    "--dbt",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write a dbt model instead: DIR/models/icp_scores.sql reading {{ ref('TABLE') }} (or {{ source('SCHEMA', "
    "'TABLE') }} for --table SCHEMA.TABLE) and DIR/models/schema.yml with the result columns and their tests.",
)
@why_option
def sql(
    workbook: Path, dialect: str, table: str, as_of: str | None, output: Path | None, dbt: Path | None, why: str
) -> None:
    """Print a SELECT that scores TABLE with the ICP in WORKBOOK: every input column plus icp_score,
    icp_fit, icp_timing, icp_tier, icp_priority, icp_dq, icp_why, icp_action and icp_data_gaps, as
    `score` computes them.

    The table's columns are matched like an export's headers against the workbook's Accounts header.
    Warnings (stderr) say which kinds of cells this model reads that SQL reads differently; docs/sql.md
    explains each.
    """
    from icp_sheets.sql.workbook import parse_as_of, workbook_sql

    try:
        day = parse_as_of(as_of)
    except ValueError:
        raise IcpError(
            Problem(Code.BAD_ARGUMENT, f"--as-of '{as_of}' is not a day; write it like 2026-03-31 or current_date")
        ) from None
    if dbt is not None and output is not None:
        raise click.UsageError("--dbt writes its own files; leave out -o.")
    text, warnings = workbook_sql(workbook, dialect=dialect, table=table, as_of=day, dbt=dbt, why=Why(why))
    report(warnings)
    if dbt is not None:
        click.echo(f"Wrote the dbt model {dbt / 'models' / 'icp_scores.sql'} and its schema.yml", err=True)
    elif output is None:
        click.echo(text + ";")
    else:
        output.write_text(text + ";\n", encoding="utf-8")
        click.echo(f"Wrote the {dialect} query to {output}", err=True)
