"""An accounts or contacts export as people have it, read so that every cell can go back out unchanged.

CSV (any of the encodings and delimiters :mod:`icp_sheets.io.text_files` knows) arrives
as text cells exactly as typed; a workbook tab arrives as its typed values (numbers stay
numbers, text stays text). The header is the first row holding the model's columns, so
title rows above it are skipped (and said); in a workbook, without ``--tab``, the first
tab holding the model's columns is read (and said). Blank rows are kept in their place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from icp_sheets.core.names import close_tab, find_tab
from icp_sheets.core.problems import Code, IcpError, Problem, Severity
from icp_sheets.core.values import is_empty
from icp_sheets.io.csv_in import read_csv_cells
from icp_sheets.io.parquet_files import is_parquet, parquet_frame
from icp_sheets.io.tables import Table, check_content, date_system, unique_headers
from icp_sheets.io.text_files import SAMPLE_RECORDS, read_text_export

HeaderScore = Callable[[Sequence[object]], int]  # how many of the model's columns a row of headers holds
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass(frozen=True)
class Export:
    """The table to score, the header as written (duplicates and blanks too), and how it was read."""

    table: Table  # frame labels are unique (blank and repeated headers get a number); rows as in the file
    headers: tuple[str, ...]
    text: bool  # cells are the text as typed (CSV), not a workbook's typed values
    blank: np.ndarray  # rows with no cell filled: kept in place, never scored
    notes: tuple[Problem, ...]


def best_header(rows: Sequence[Sequence[object]], score: HeaderScore | None) -> tuple[int, int]:
    """(index, hits) of the first row holding the most model columns; row 0 when none holds any."""
    if score is None:
        return 0, 0
    best, hits = 0, 0
    for i, row in enumerate(rows[:SAMPLE_RECORDS]):
        found = score(row)
        if found > hits:
            best, hits = i, found
    return best, hits


def _note(name: str, message: str) -> Problem:
    return Problem(Code.HOW_READ, message, tab=name, severity=Severity.INFO)


def _header_note(name: str, index: int) -> list[Problem]:
    if not index:
        return []
    return [_note(name, f"the header is row {index + 1}: the {index} row(s) above it are not part of the table")]


def _read_csv(path: Path, score: HeaderScore | None) -> Export:
    text = read_text_export(path.read_bytes())
    index, _ = best_header(text.sample, score)
    cells = read_csv_cells(path.name, text, index)
    labels = unique_headers(cells.headers)
    table = pa.Table.from_arrays(cells.columns, names=labels) if labels else pa.table({})
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    notes = [_note(path.name, f"read as {text.described}"), *_header_note(path.name, index), *cells.problems]
    return Export(
        Table(path.name, frame, cells.rows), tuple(cells.headers), True, _blank_text(cells.columns), tuple(notes)
    )


def _blank_text(columns: list[pa.Array]) -> np.ndarray:
    """Rows whose every cell is empty or spaces, narrowing column by column (few rows survive the first)."""
    n = len(columns[0]) if columns else 0
    left = np.arange(n)
    for column in columns:
        if not len(left):
            break
        cells = column.take(pa.array(left))
        empty = pc.or_(pc.equal(pc.binary_length(cells), 0), pc.utf8_is_space(cells))
        left = left[empty.to_numpy(zero_copy_only=False)]
    blank = np.zeros(n, dtype=bool)
    blank[left] = True
    return blank


def _read_tab(name: str, sheet: Any, score: HeaderScore | None) -> tuple[Export, int]:
    values: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    index, hits = best_header(values, score)
    rows = values[index + 1 :]
    header = list(values[index]) if values else []
    width = max([len(header), *(len(r) for r in rows)], default=0)
    while width and all(len(r) < width or is_empty(r[width - 1]) for r in [header, *rows]):
        width -= 1  # calamine pads to the used range; trailing empty columns are not the table's
    headers = ["" if is_empty(h) else str(h) for h in [*header, *[""] * width][:width]]
    data = [[None if is_empty(c) else c for c in [*r, *[None] * width][:width]] for r in rows]
    frame = pd.DataFrame(data, columns=unique_headers(headers), dtype=object)
    blank = np.array([all(c is None for c in r) for r in data], dtype=bool)
    numbers = np.arange(index + 2, index + 2 + len(data), dtype=np.int64)
    return Export(Table(name, frame, numbers), tuple(headers), False, blank, tuple(_header_note(name, index))), hits


def _read_book(path: Path, tab: str | None, score: HeaderScore | None, wanted: int) -> Export:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise IcpError(Problem(Code.UNREADABLE_FILE, f"cannot open it as a workbook ({exc})", tab=path.name)) from None
    names = list(book.sheet_names)
    if tab is not None:
        actual = find_tab(names, tab)
        if actual is None:
            close = close_tab(names, tab)
            hint = f"did you mean '{close}'? " if close else ""
            listed = ", ".join(f"'{n}'" for n in names)
            raise IcpError(Problem(Code.MISSING_TAB, f"has no tab '{tab}'; {hint}its tabs: {listed}", tab=path.name))
        return _read_tab(actual, book.get_sheet_by_name(actual), score)[0]
    best: tuple[Export, int] | None = None
    for name in names:
        read = _read_tab(name, book.get_sheet_by_name(name), score)
        if best is None or read[1] > best[1]:
            best = read
        if read[1] >= wanted and read[1]:
            break
    if best is None:
        raise IcpError(Problem(Code.UNREADABLE_FILE, "has no tabs", tab=path.name))
    export = best[0]
    if len(names) > 1:
        why = "the first that has the model's columns" if best[1] >= wanted else "no tab has all the model's columns"
        note = _note(path.name, f"read tab '{export.table.name}' ({why}); pass --tab NAME to read another")
        export = Export(export.table, export.headers, export.text, export.blank, (note, *export.notes))
    return export


def read_export(path: Path, *, tab: str | None = None, score: HeaderScore | None = None, wanted: int = 0) -> Export:
    """An accounts or contacts export from .csv/.txt/.tsv, a workbook tab or a Parquet file.

    ``score`` says how many of the model's ``wanted`` columns a row of headers holds: it finds
    the header row (and, without ``tab``, the tab).
    """
    path = Path(path)
    if not path.exists():
        raise IcpError(Problem(Code.UNREADABLE_FILE, "no such file; check the path", tab=str(path)))
    suffix = path.suffix.casefold()
    check_content(path, text=suffix in TEXT_SUFFIXES)
    if suffix in TEXT_SUFFIXES:
        if tab is not None:
            raise IcpError(Problem(Code.MISSING_TAB, "is a text file and has no tabs; drop --tab", tab=path.name))
        return _read_csv(path, score)
    if is_parquet(path):
        table, headers, blank = parquet_frame(path)
        return Export(table, headers, False, blank, ())
    if suffix in BOOK_SUFFIXES:
        export = _read_book(path, tab, score, wanted)
        table = replace(export.table, date_system=date_system(path))
        return replace(export, table=table)
    raise IcpError(
        Problem(Code.UNREADABLE_FILE, "is not .csv, .xlsx or .parquet; export it as one of those", tab=path.name)
    )
