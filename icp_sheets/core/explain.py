"""The why column: every reason that counted for a row, joined in a fixed order.

Reasons arrive as (row → reason code, reason texts) pairs, one per column or
signal. Rows that share every reason share one text, so the text is built once
per distinct combination and spread over rows; a million rows typically hold a
few thousand combinations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from icp_sheets.core.distinct import factorize

SEPARATOR = " · "
# Up to this many rows, reasons are joined row by row: numpy costs more than it saves there
# (measured: one row 0.02 ms instead of 0.17 ms; even at 64 rows of distinct reasons).
BY_ROW = 64


class Explainer:
    """Collects per-row reasons and joins them into one text per row."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, codes: np.ndarray, labels: Sequence[str]) -> None:
        """Add one reason per row: ``labels[codes[row]]`` ('' means nothing to say)."""
        label_codes, distinct = factorize(labels)
        self._parts.append((label_codes[codes], distinct))

    def lead(self, codes: np.ndarray, labels: Sequence[str]) -> None:
        """Like :meth:`add`, but this reason comes first (a disqualification, a check)."""
        label_codes, distinct = factorize(labels)
        self._parts.insert(0, (label_codes[codes], distinct))

    def coded(self) -> tuple[np.ndarray, np.ndarray]:
        """The joined reasons: each row's code into the distinct texts, and those texts.

        Parts are merged one at a time, each merge joining texts only for the
        distinct (so far, next part) pairs, so the cost follows the number of
        distinct combinations, not the number of rows.
        """
        if self.rows <= BY_ROW:
            return self._coded_by_row()
        parts = list(self._parts)
        combo = np.zeros(self.rows, dtype=np.int64)
        texts = np.array([""], dtype=object)
        for codes, distinct in parts:
            combo, pairs = _factorize(combo * len(distinct) + codes, len(texts) * len(distinct))
            before, after = texts[pairs // len(distinct)], distinct[pairs % len(distinct)]
            texts = np.array(
                [_joined(a, b) for a, b in zip(before, after, strict=True)],
                dtype=object,
            )
        # Two combinations can read alike (a part that says nothing); categories must be unique.
        text_codes, distinct_texts = factorize(texts)
        return text_codes[combo], distinct_texts

    def _coded_by_row(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`coded` for a few rows: each row's combination of reasons looked up in a dict, its
        text joined the first time it occurs. Numpy's per-call cost would dominate one edited row."""
        columns = [codes.tolist() for codes, _ in self._parts]
        labels = [distinct.tolist() for _, distinct in self._parts]
        seen: dict[tuple[int, ...], int] = {}
        texts: list[str] = []
        rows = np.empty(self.rows, dtype=np.intp)
        for row, combo in enumerate(zip(*columns, strict=True) if columns else [()] * self.rows):
            code = seen.get(combo)
            if code is None:
                text = ""
                for said, k in zip(labels, combo, strict=True):
                    text = _joined(text, said[k])
                code = seen[combo] = len(texts)
                texts.append(text)
            rows[row] = code
        text_codes, distinct_texts = factorize(texts)
        return text_codes[rows], distinct_texts


def _factorize(key: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes for non-negative keys below ``span``; a bitmap beats hashing when span is small."""
    if span > 2 * len(key) + 4096:
        codes, uniques = pd.factorize(key)
        return codes, np.asarray(uniques, dtype=np.int64)
    present = np.zeros(span, dtype=bool)
    present[key] = True
    uniques = np.flatnonzero(present)
    remap = np.cumsum(present) - 1
    return remap[key], uniques


def _joined(said: str, more: str) -> str:
    """``said`` and ``more``, unless ``said`` already says it (``Check: Employees unknown ('n/a')``
    leads, so the fit part ``Employees unknown ('n/a')`` is not repeated after it)."""
    if not more:
        return said
    if not said:
        return more
    if any(part == more or part.endswith(f": {more}") for part in said.split(SEPARATOR)):
        return said
    return f"{said}{SEPARATOR}{more}"
