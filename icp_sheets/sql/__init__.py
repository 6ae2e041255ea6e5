"""The ICP as SQL: one SELECT with the core's semantics, for DuckDB and the warehouses.

:func:`compile_model` builds the query with sqlglot's expression builder; :func:`to_sql`
writes it in a dialect, refusing anything the dialect cannot say. The meaning of each
condition and decay comes from its own object in the core (``Kind.sql``, ``Decay.sql_points_after``).
"""

from icp_sheets.sql.compile import CURRENT_DATE, Compiled, compile_model
from icp_sheets.sql.dialects import DIALECTS, to_sql

__all__ = ["CURRENT_DATE", "DIALECTS", "Compiled", "compile_model", "to_sql"]
