"""CSV text as a workbook should hold it: numbers as numbers, everything else as the text it was.

A CSV has only text; written to .xlsx, ``150`` and ``-5`` become numbers (as Excel would
read them) while ``00123``, ``1.200``, ``TRUE``, ``+1 555 0100`` and a 20-digit record id
stay text, because as numbers they would change: a leading zero or trailing zero lost, a
word turned into a truth value, digits past Excel's 15 rounded away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# a number exactly as Excel would show it again: no leading zeros, no trailing decimal zeros
_CANONICAL = r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$"
_EXCEL_DIGITS = 15


def _number(text: str) -> int | float | str:
    digits = sum(ch.isdigit() for ch in text.lstrip("-0.")) or 1
    if digits > _EXCEL_DIGITS:
        return text
    return float(text) if "." in text else int(text)


def typed_column(series: pd.Series) -> pd.Series:
    """One text column with its canonical numbers as numbers (an object column)."""
    array = pa.array(series.array)
    hits = pc.fill_null(pc.match_substring_regex(array, _CANONICAL), False)
    if not pc.any(hits).as_py():
        return series
    values = np.asarray(array.to_pylist(), dtype=object)
    where = np.flatnonzero(hits.to_numpy(zero_copy_only=False))
    values[where] = [_number(t) for t in values[where]]
    return pd.Series(values, index=series.index, name=series.name, dtype=object)


def typed_for_workbook(frame: pd.DataFrame, inputs: int) -> pd.DataFrame:
    """The frame with its first ``inputs`` (text) columns typed for a workbook."""
    out = frame.copy(deep=False)
    for i in range(min(inputs, frame.shape[1])):
        column = frame.iloc[:, i]
        if isinstance(column.dtype, pd.ArrowDtype):
            out.isetitem(i, typed_column(column))
    return out
