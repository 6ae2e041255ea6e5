"""Parquet in and out: the warehouse's file format, typed columns kept as they are.

A Parquet file has one table with typed, named columns: there is no header row to find and no
encoding to guess. Numbers, dates and booleans arrive typed (as from a workbook tab) and text
as text, so the core reads them as it reads a workbook's values. Written back, input columns
keep their types and the result columns get theirs (scores as doubles, the rest as text), so a
warehouse loads the output without a schema of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.io.tables import Table

PARQUET_SUFFIXES = (".parquet", ".pq")
_T = TypeVar("_T")


def is_parquet(path: Path) -> bool:
    return path.suffix.casefold() in PARQUET_SUFFIXES


def read_parquet_table(path: Path) -> pa.Table:
    """The file's table, or the unreadable-file problem (a truncated download, a renamed CSV)."""
    return _read(path, pq.read_table)


def read_parquet_schema(path: Path) -> pa.Schema:
    """The file's columns and types, read from its footer alone."""
    return _read(path, pq.read_schema)


def _read(path: Path, read: Callable[[Path], _T]) -> _T:
    try:
        return read(path)
    except (pa.ArrowException, OSError) as exc:
        message = f"cannot read it as Parquet ({str(exc).splitlines()[0]}); export it again"
        raise IcpError(Problem(Code.UNREADABLE_FILE, message, tab=path.name)) from None


def parquet_frame(path: Path) -> tuple[Table, tuple[str, ...], np.ndarray]:
    """The accounts as a typed frame, the column names as headers, and which rows are all empty."""
    table = read_parquet_table(path)
    headers = tuple(table.column_names)
    if len(set(headers)) != len(headers):
        raise IcpError(
            Problem(
                Code.UNREADABLE_FILE, "has two columns of the same name; rename one and export again", tab=path.name
            )
        )
    frame = table.to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)
    blank = frame.isna().all(axis=1).to_numpy() if len(frame.columns) else np.zeros(len(frame), dtype=bool)
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return Table(path.name, frame, rows), headers, blank


def parquet_schema(schema: pa.Schema) -> pa.Schema:
    """The one schema both engines write for the same input: text as plain strings (not
    dictionaries, views or large strings), second and millisecond timestamps as microseconds
    (DuckDB's own unit; no value changes), no pandas metadata."""
    return pa.schema([pa.field(f.name, _written_type(f.type)) for f in schema])


def _written_type(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_dictionary(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pa.string()
    if isinstance(kind, pa.TimestampType) and kind.unit in ("s", "ms"):
        return pa.timestamp("us", tz=kind.tz)
    return kind


def write_parquet(frame: pd.DataFrame, target: Path) -> None:
    """``frame`` as one Parquet file, its columns typed as they are in the frame."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table.cast(parquet_schema(table.schema)), target)
