"""One account column, read once per distinct value.

Real account lists repeat themselves: a million rows hold a few hundred
industries, funding stages and tech-stack strings. :class:`ColumnValues`
factorises a column, reads each distinct value once (number, text key, list
items, yes/no, date) and lets the scorer map results back to rows with one
array take. That is what makes messy-cell parsing and a full explanation per
row affordable at a million rows a second.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import numpy as np
import pandas as pd

from icp_sheets.values import DateError, is_blank, norm_text, parse_bool, parse_date, parse_number, split_list

_EPOCH = dt.date(1970, 1, 1)


class ColumnValues:
    """Distinct values of one column (``raw``) and each row's index into them (``codes``)."""

    def __init__(self, series: pd.Series) -> None:
        dtype = series.dtype
        self.numeric_dtype = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        self.datetime_dtype = pd.api.types.is_datetime64_any_dtype(dtype)
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
        self.codes = codes
        self.raw = np.asarray(uniques, dtype=object)
        if self.numeric_dtype:
            self._floats = np.asarray(uniques, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.raw)

    @cached_property
    def blank(self) -> np.ndarray:
        if self.numeric_dtype:
            return np.isnan(self._floats)
        return np.fromiter((is_blank(v) for v in self.raw), dtype=bool, count=len(self.raw))

    @cached_property
    def numbers(self) -> np.ndarray:
        if self.numeric_dtype:
            return self._floats
        parsed = (parse_number(v) for v in self.raw)
        return np.fromiter((np.nan if n is None else n for n in parsed), dtype=np.float64, count=len(self.raw))

    @cached_property
    def text(self) -> np.ndarray:
        return np.array([norm_text(v) for v in self.raw], dtype=object)

    @cached_property
    def items(self) -> list[frozenset[str]]:
        return [frozenset(norm_text(item) for item in split_list(v)) for v in self.raw]

    @cached_property
    def bools(self) -> np.ndarray:
        """1 for yes, 0 for no, -1 for anything else."""
        values = (parse_bool(v) for v in self.raw)
        return np.fromiter((-1 if b is None else int(b) for b in values), dtype=np.int8, count=len(self.raw))

    @cached_property
    def day_numbers(self) -> np.ndarray:
        """Days since 1970-01-01 as float (NaN for blank or unreadable)."""
        if self.datetime_dtype:
            stamps = pd.to_datetime(pd.Series(self.raw)).to_numpy(dtype="datetime64[D]")
            days = stamps.astype("int64").astype(np.float64)
            days[np.isnat(stamps)] = np.nan
            return days
        out = np.full(len(self.raw), np.nan)
        for i, value in enumerate(self.raw):
            try:
                day = parse_date(value)
            except DateError:
                continue
            if day is not None:
                out[i] = (day - _EPOCH).days
        return out

    @cached_property
    def date_unreadable(self) -> np.ndarray:
        return np.isnan(self.day_numbers) & ~self.blank

    def per_row(self, per_unique: np.ndarray) -> np.ndarray:
        return per_unique[self.codes]


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days
