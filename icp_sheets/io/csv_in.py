"""A CSV export's cells as text, exactly as typed: every cell, every row, the header as written.

Nothing is converted here: ``00123``, ``TRUE``, ``1.200`` and a 20-digit record id stay the
text they are, so the output can carry them unchanged (the scoring core parses only the
model's columns). Arrow's multi-threaded reader does the work; a file whose rows do not all
have the header's width (a ragged export) is read again with Python's csv module, which
keeps every cell and knows each row's line, so the rows can be reported by line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from icp_sheets.core.problems import Code, IcpError, Problem, Severity
from icp_sheets.io.text_files import TextExport

_LISTED_LINES = 5


@dataclass
class CsvCells:
    """The header as written, one text column per header cell, and each row's record number."""

    headers: list[str]
    columns: list[pa.Array]
    rows: np.ndarray  # row number as a spreadsheet shows it (the first record = 1)
    problems: list[Problem] = field(default_factory=list)


def read_csv_cells(name: str, export: TextExport, header_index: int) -> CsvCells:
    """The records after the header record ``header_index`` (0-based) of ``export``, as text."""
    headers = list(export.sample[header_index]) if export.sample else []
    if not headers:
        raise IcpError(Problem(Code.UNREADABLE_FILE, "has no header row; export it again with headers", tab=name))
    ragged: list[int] = []

    def invalid(_: object) -> str:
        ragged.append(1)
        return "skip"

    names = [f"c{i}" for i in range(len(headers))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(export.data),
            read_options=pacsv.ReadOptions(skip_rows=export.sample_ends[header_index], column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=export.delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise IcpError(
            Problem(
                Code.UNREADABLE_FILE,
                f"cannot read it as CSV ({str(exc).splitlines()[0]}); save it as CSV (UTF-8) and try again",
                tab=name,
            )
        ) from None
    if ragged:
        return _ragged(name, export, header_index, headers)
    first = header_index + 2
    columns = [table.column(i).combine_chunks() for i in range(table.num_columns)]
    return CsvCells(headers, columns, np.arange(first, first + table.num_rows, dtype=np.int64))


def _ragged(name: str, export: TextExport, header_index: int, headers: list[str]) -> CsvCells:
    """Every record kept: short ones padded, long ones widen the table with unnamed columns."""
    reader = csv.reader(io.StringIO(export.text, newline=""), delimiter=export.delimiter, strict=False)
    records: list[list[str]] = []
    long_lines: list[tuple[int, int]] = []
    short = 0
    start = 1
    for number, record in enumerate(reader):
        line, start = start, reader.line_num + 1
        if number <= header_index:
            continue
        if not record:
            record = [""] * len(headers)  # a blank line stays a (blank) row
        elif len(record) > len(headers):
            long_lines.append((line, len(record)))
        elif len(record) < len(headers):
            short += 1
        records.append(record)
    width = max([len(headers), *(len(r) for r in records)])
    padded = [[*r, *[""] * (width - len(r))] for r in records]
    columns = [pa.array(list(cells), type=pa.string()) for cells in zip(*padded, strict=True)] if padded else []
    if not padded:
        columns = [pa.array([], type=pa.string()) for _ in range(width)]
    problems = []
    if long_lines:
        shown = ", ".join(f"line {line} ({cells} cells)" for line, cells in long_lines[:_LISTED_LINES])
        more = f" and {len(long_lines) - _LISTED_LINES} more" if len(long_lines) > _LISTED_LINES else ""
        problems.append(
            Problem(
                Code.RAGGED_ROWS,
                f"{len(long_lines)} row(s) have more cells than the header's {len(headers)}: {shown}{more}; "
                "they are scored, and their extra cells are kept in unnamed columns at the end",
                tab=name,
                severity=Severity.WARNING,
            )
        )
    if short:
        problems.append(
            Problem(
                Code.RAGGED_ROWS,
                f"{short} row(s) have fewer cells than the header; the missing cells are read as blank",
                tab=name,
                severity=Severity.INFO,
            )
        )
    first = header_index + 2
    return CsvCells(
        [*headers, *[""] * (width - len(headers))],
        columns,
        np.arange(first, first + len(padded), dtype=np.int64),
        problems,
    )
