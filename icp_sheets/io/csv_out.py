"""Write scored tables as CSV that spreadsheet programs open safely.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or
a carriage return) gets a leading apostrophe, the usual CSV-injection defence
(OWASP, "CSV Injection"); plain numbers such as "-5" are left alone. That
includes the why text, which starts with its points ("+2 Employees …"): Excel
would otherwise read it as a formula. Scores are rounded to six decimals for
display only; whole numbers are written without ".0".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from icp_sheets.core.values import FORMULA_STARTS, whole

_TRIGGERS = pa.array(list(FORMULA_STARTS))
_PLAIN_NUMBER = r"^[+-]?(\d[\d,]*)?(\.\d+)?$"


def guard_text(array: pa.Array) -> pa.Array:
    """Prefix an apostrophe to text that would otherwise start a formula."""
    risky = pc.fill_null(pc.is_in(pc.utf8_slice_codeunits(array, 0, 1), value_set=_TRIGGERS), False)
    if not pc.any(risky).as_py():
        return array
    risky = pc.and_(risky, pc.invert(pc.fill_null(pc.match_substring_regex(array, _PLAIN_NUMBER), False)))
    return pc.if_else(risky, pc.binary_join_element_wise("'", array, ""), array)


def _column(series: pd.Series) -> pa.Array:
    """One column as Arrow: numbers rounded for display, dates as dates, text guarded."""
    dtype = series.dtype
    if pd.api.types.is_float_dtype(dtype):
        numbers = np.round(series.to_numpy(dtype=np.float64, na_value=np.nan), 6)
        if np.isfinite(numbers).all() and (numbers == np.floor(numbers)).all():
            return pa.array(numbers.astype(np.int64))  # whole scores write faster and without ".0"
        return pa.array(numbers, from_pandas=True)
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return pa.array(series)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = series.to_numpy(dtype="datetime64[ns]")
        whole_days = bool((series.dropna().dt.normalize() == series.dropna()).all())
        return pa.array(stamps.astype("datetime64[D]") if whole_days else stamps, from_pandas=True)
    if isinstance(dtype, pd.CategoricalDtype):
        categories = guard_text(pa.array(dtype.categories.astype(str).to_numpy(dtype=object), type=pa.string()))
        codes = series.cat.codes.to_numpy().astype(np.int32)
        return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), categories)
    if isinstance(dtype, pd.StringDtype):
        return guard_text(pa.array(series, type=pa.string(), from_pandas=True))
    values = series.astype(object).where(series.notna(), None)
    return guard_text(pa.array([v if v is None or isinstance(v, str) else _plain(v) for v in values], type=pa.string()))


def _plain(value: object) -> str:
    value = whole(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)


def write_csv(frame: pd.DataFrame, target: Path | BinaryIO | None = None) -> None:
    """Write ``frame`` as UTF-8 CSV to ``target`` (stdout when None)."""
    table = pa.table({str(name): _column(frame[name]) for name in frame.columns})
    options = pacsv.WriteOptions(quoting_style="needed")
    sink = target if target is not None else sys.stdout.buffer
    pacsv.write_csv(table, sink if not isinstance(sink, Path) else str(sink), write_options=options)
