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
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from icp_sheets.core import column_formats
from icp_sheets.core.formats import AccountColumn
from icp_sheets.core.problems import Problem
from icp_sheets.core.values import (
    DateError,
    category_key,
    is_blank,
    parse_bool,
    parse_date,
    parse_number,
    split_list,
    word_text,
)

_EPOCH = dt.date(1970, 1, 1)
SMALL = 512  # below this many values, a dict beats pandas' hashing machinery by a wide margin
_MISSING = object()
_OBJECT = np.dtype(object)


def factorize(values: Sequence[Any] | np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) like ``pd.factorize(..., use_na_sentinel=False)``, fast for a few values.

    A single changed row in Excel is scored on its own; pandas' set-up cost would dominate it.
    Unlike a dict or pandas, a yes/no cell (``True``) is never the same value as the number ``1``
    (nor ``False`` as ``0``): otherwise a row would read differently depending on its neighbours.
    """
    if len(values) > SMALL:
        if isinstance(values, list | tuple):
            values = objects(values)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        uniques = np.asarray(uniques, dtype=object)
        if isinstance(values, np.ndarray | pd.Series) and values.dtype == object:
            return _bools_apart(np.asarray(values, dtype=object), codes, uniques)
        return codes, uniques
    seen: dict[Any, int] = {}
    distinct: list[Any] = []
    codes = np.empty(len(values), dtype=np.intp)
    for i, value in enumerate(values.tolist() if hasattr(values, "tolist") else values):
        key = _key(value)
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(distinct)
            distinct.append(None if key is _MISSING else value)
        codes[i] = code
    return codes, objects(distinct)


def _key(value: Any) -> Any:
    if is_missing(value):
        return _MISSING
    if isinstance(value, bool | np.bool_):
        return (_MISSING, bool(value))  # a key no cell value equals
    return value


def _bools_apart(values: np.ndarray, codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pandas' codes with True and 1 (False and 0) told apart; only rows holding one of them are
    looked at again, and only when such a value occurs at all."""
    mixed = [
        c for c, u in enumerate(uniques) if isinstance(u, bool | np.bool_ | int | float | np.number) and u in (0, 1)
    ]
    if not mixed:
        return codes, uniques
    found = {_key(uniques[c]): c for c in mixed}
    added: list[Any] = []
    codes = codes.copy()
    for row in np.flatnonzero(np.isin(codes, mixed)):
        key = _key(values[row])
        if key not in found:
            found[key] = len(uniques) + len(added)
            added.append(values[row])
        codes[row] = found[key]
    return codes, np.concatenate([uniques, objects(added)]) if added else uniques


def objects(values: Sequence[Any]) -> np.ndarray:
    """A 1-D object array even when the values are themselves tuples or lists."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


class ColumnValues:
    """Distinct values of one column (``raw``) and each row's index into them (``codes``)."""

    def __init__(self, series: pd.Series | np.ndarray, dtype: Any = None, spec: AccountColumn | None = None) -> None:
        dtype = series.dtype if dtype is None else dtype
        self.spec = spec
        self.notes: list[Problem] = []  # what the column's values left open, said once (column_formats)
        typed = dtype is not object and dtype != _OBJECT  # object columns (every Excel call) skip pandas' checks
        self.numeric_dtype = typed and pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        self.datetime_dtype = typed and pd.api.types.is_datetime64_any_dtype(dtype)
        self.codes, self.raw = factorize(series)
        if self.numeric_dtype:
            self._floats = (
                np.array([np.nan if v is None else v for v in self.raw], dtype=np.float64)
                if len(self.raw) <= SMALL
                else pd.Series(self.raw, dtype=object).astype(np.float64).to_numpy()
            )

    def __len__(self) -> int:
        return len(self.raw)

    @cached_property
    def blank(self) -> np.ndarray:
        if self.numeric_dtype:
            return np.asarray(np.isnan(self._floats))
        return np.fromiter((is_blank(v) for v in self.raw), dtype=bool, count=len(self.raw))

    @cached_property
    def numbers(self) -> np.ndarray:
        if self.numeric_dtype:  # an infinite number is unreadable, as parse_number reads it
            return np.where(np.isinf(self._floats), np.nan, self._floats)
        comma = self._decide(column_formats.decimal_comma) is True
        parsed = (parse_number(v, decimal_comma=comma) for v in self.raw)
        return np.fromiter((np.nan if n is None else n for n in parsed), dtype=np.float64, count=len(self.raw))

    @cached_property
    def text(self) -> np.ndarray:
        return np.array([category_key(v) for v in self.raw], dtype=object)

    @cached_property
    def words(self) -> list[str]:
        return [word_text(v) for v in self.raw]

    @cached_property
    def items(self) -> list[frozenset[str]]:
        return [frozenset(category_key(item) for item in split_list(v)) for v in self.raw]

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
            return np.asarray(days)
        out = np.full(len(self.raw), np.nan)
        day_first = self._decide(column_formats.day_first)
        for i, value in enumerate(self.raw):
            try:
                day = parse_date(value, day_first=day_first)
            except DateError:
                continue
            if day is not None:
                out[i] = (day - _EPOCH).days
        return out

    def _decide(self, decide: column_formats.Decider) -> bool | None:
        """The column's reading (day/month order, decimal comma) from its values or its Format."""
        name = self.spec.name if self.spec is not None else ""
        decision = decide(name, self.raw, self.spec.read_as if self.spec is not None else None)
        if decision.note is not None:
            self.notes.append(decision.note)
        return decision.value

    @cached_property
    def date_unreadable(self) -> np.ndarray:
        return np.asarray(np.isnan(self.day_numbers) & ~self.blank)

    def per_row(self, per_unique: np.ndarray) -> np.ndarray:
        return np.asarray(per_unique[self.codes])


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days
