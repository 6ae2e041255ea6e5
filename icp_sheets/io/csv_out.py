"""Write scored tables as CSV that spreadsheet programs open safely, every input cell as it came.

Input cells go out as the text they were read as; CSV quotes are added only where CSV
needs them (a delimiter, a quote or a line break in the cell). Text that a spreadsheet
would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading
apostrophe, the usual CSV-injection defence (OWASP, "CSV Injection"); plain numbers such
as "-5" are left alone. The why writes its points after each reason ("Employees 50–200 (+2)"),
so it is guarded only when an account's own cell text leads it. Scores are rounded to ten
decimals for display only; whole numbers are written without ".0". A UTF-8 byte order mark
comes first unless asked not to: without it Excel on Windows shows UTF-8 as cp1252 mojibake.

Every step is an Arrow compute kernel or a NumPy scan over a column's bytes, never a loop
over cells: a million rows write in about a second.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from icp_sheets.core.values import FORMULA_STARTS, whole

_TRIGGERS = pa.array(list(FORMULA_STARTS))
_PLAIN_NUMBER = r"^[+-]?(\d[\d,]*)?(\.\d+)?$"
_CHUNK = 250_000  # rows joined at a time: bounded memory, whole columns still vectorised
# Ten decimals: within 1e-10 of the core's doubles (a model reproduced from another tool compares at
# 1e-9), and 0.1 + 0.2 still reads 0.3.
DECIMALS = 10


def guard_text(array: pa.Array) -> pa.Array:
    """Prefix an apostrophe to text that would otherwise start a formula."""
    risky = pc.fill_null(pc.is_in(pc.utf8_slice_codeunits(array, 0, 1), value_set=_TRIGGERS), False)
    if not pc.any(risky).as_py():
        return array
    risky = pc.and_(risky, pc.invert(pc.fill_null(pc.match_substring_regex(array, _PLAIN_NUMBER), False)))
    return pc.if_else(risky, pc.binary_join_element_wise("'", array, ""), array)


def _text(series: pd.Series) -> pa.Array:
    """One column as Arrow text: numbers rounded for display, dates as ISO dates, text guarded."""
    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype):
        return guard_text(_arrow(series))
    if pd.api.types.is_float_dtype(dtype):
        numbers = np.round(series.to_numpy(dtype=np.float64, na_value=np.nan), DECIMALS)
        finite = np.isfinite(numbers)
        if finite.all() and (numbers == np.floor(numbers)).all():
            return pc.cast(pa.array(numbers.astype(np.int64)), pa.string())  # whole scores without ".0"
        return pc.cast(pa.array(numbers, from_pandas=True), pa.string())
    if pd.api.types.is_bool_dtype(dtype):
        return pc.if_else(pa.array(series.to_numpy(dtype=bool)), "TRUE", "FALSE")
    if pd.api.types.is_integer_dtype(dtype):
        return pc.cast(pa.array(series), pa.string())
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = series.to_numpy(dtype="datetime64[ns]")
        whole_days = bool((series.dropna().dt.normalize() == series.dropna()).all())
        return pc.cast(
            pa.array(stamps.astype("datetime64[D]") if whole_days else stamps, from_pandas=True), pa.string()
        )
    if isinstance(dtype, pd.CategoricalDtype):
        categories = guard_text(pa.array(dtype.categories.astype(str).to_numpy(dtype=object), type=pa.string()))
        codes = series.cat.codes.to_numpy().astype(np.int32)
        return categories.take(pa.array(codes, mask=codes < 0))
    values = series.astype(object).where(series.notna(), None)
    return guard_text(pa.array([v if v is None or isinstance(v, str) else _plain(v) for v in values], type=pa.string()))


def _arrow(series: pd.Series) -> pa.Array:
    array = pa.array(series.array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _plain(value: object) -> str:
    """A typed workbook value as Excel's own CSV export writes it."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    value = whole(value)
    if hasattr(value, "isoformat"):
        text: str = value.isoformat()
        return text.removesuffix("T00:00:00")
    return str(value)


def quote_needed(array: pa.Array, delimiter: str) -> pa.Array:
    """Quote (and double the quotes of) only the cells that hold the delimiter, a quote or a line break.

    Found by scanning the column's bytes with NumPy; only the rows found are rewritten.
    """
    array = pc.fill_null(pc.cast(array, pa.string()), "")
    if not len(array):
        return array
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    body = array.buffers()[2]
    if body is None or offsets[-1] == offsets[0]:
        return array
    data = np.frombuffer(body, dtype=np.uint8)[offsets[0] : offsets[-1]]
    hit = (data == ord(delimiter)) | (data == ord('"')) | (data == 10) | (data == 13)
    if not hit.any():
        return array
    rows = np.unique(np.searchsorted(offsets, np.flatnonzero(hit) + offsets[0], side="right") - 1)
    doubled = pc.replace_substring(array.take(pa.array(rows)), '"', '""')
    mask = np.zeros(len(array), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(array, pa.array(mask), pc.binary_join_element_wise('"', doubled, '"', ""))


def _lines(columns: Sequence[pa.Array], delimiter: str) -> pa.Buffer:
    """Rows joined by the delimiter, each ending in a line break, as one buffer of UTF-8."""
    rows = pc.binary_join_element_wise(*columns, delimiter) if len(columns) > 1 else columns[0]
    rows = pc.binary_join_element_wise(rows, "\n", "")
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset : rows.offset + len(rows) + 1]
    return rows.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


class CsvWriter:
    """CSV written in pieces: the byte order mark and header first, then row batches as they come,
    each formatted exactly as :func:`write_csv` formats a whole frame (a streamed result and a frame
    in memory give the same bytes)."""

    def __init__(self, sink: BinaryIO, names: Sequence[str], *, bom: bool = True, delimiter: str = ",") -> None:
        self.sink, self.delimiter = sink, delimiter
        if bom:
            sink.write(codecs.BOM_UTF8)
        if names:
            header = quote_needed(guard_text(pa.array(list(names), type=pa.string())), delimiter)
            sink.write(_lines([pa.array([h.as_py()]) for h in header], delimiter))

    def write(self, frame: pd.DataFrame) -> None:
        if not frame.shape[1]:
            return
        columns = [quote_needed(_text(frame.iloc[:, i]), self.delimiter) for i in range(frame.shape[1])]
        for start in range(0, len(frame), _CHUNK):
            self.sink.write(_lines([c.slice(start, _CHUNK) for c in columns], self.delimiter))


def write_csv(
    frame: pd.DataFrame,
    target: Path | BinaryIO | None = None,
    *,
    headers: Sequence[str] | None = None,
    bom: bool = True,
    delimiter: str = ",",
) -> None:
    """Write ``frame`` as UTF-8 CSV to ``target`` (stdout when None).

    ``headers`` are the header cells to write (the input's, duplicates included), else the
    frame's labels; input columns come first, so any labels past ``headers`` are written as they are.
    """
    names = csv_names(frame.columns, headers) if frame.shape[1] else []
    if isinstance(target, Path):
        with target.open("wb") as sink:
            CsvWriter(sink, names, bom=bom, delimiter=delimiter).write(frame)
    else:
        CsvWriter(target if target is not None else sys.stdout.buffer, names, bom=bom, delimiter=delimiter).write(frame)


def csv_names(labels: Sequence[object], headers: Sequence[str] | None) -> list[str]:
    """The header cells: the input's as written (duplicates and blanks too), then the added labels."""
    return [*(headers or []), *map(str, list(labels)[len(headers or []) :])]


@dataclass(frozen=True)
class CsvOptions:
    """How CSV output is written: a BOM for Excel (default) and the delimiter (';' for European Excel)."""

    bom: bool = True
    delimiter: str = ","
