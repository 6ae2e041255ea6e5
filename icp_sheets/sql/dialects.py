"""The query in each dialect we support, with anything sqlglot cannot say raising, never dropped."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from icp_sheets.core.problems import Code, IcpError, Problem

DIALECTS = ("duckdb", "postgres", "snowflake", "bigquery", "spark", "databricks")
# Engines that would otherwise inline each CTE into the next and so repeat every value's
# expression in every later one (PostgreSQL plans such a query out of memory).
_MATERIALIZING = ("postgres", "duckdb")


def to_sql(query: exp.Expr, dialect: str = "duckdb", *, pretty: bool = True) -> str:
    """The query's text in ``dialect``; unsupported constructs stop with a problem, not a guess."""
    if dialect not in DIALECTS:
        raise IcpError(
            Problem(Code.BAD_ARGUMENT, f"'{dialect}' is not a dialect I write; use one of {', '.join(DIALECTS)}")
        )
    if dialect in _MATERIALIZING:
        query = query.copy()
        for cte in query.find_all(exp.CTE):
            cte.set("materialized", True)
    try:
        return query.sql(dialect=dialect, pretty=pretty, unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as exc:
        raise IcpError(Problem(Code.BAD_ARGUMENT, f"the query cannot be written for {dialect}: {exc}")) from None
