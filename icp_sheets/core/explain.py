"""The why a rep reads in ten seconds, and the data gaps beside it: built here and nowhere else.

``icp_why`` says what decided the row: a disqualification or a check first, then the
timing reasons (the *why now*), then the fit reasons that scored, each group largest
points first, points after the words (``Funding round 12 days ago (+1)``) so no cell
starts with ``+ - = @``. Reasons worth nothing and cells that were blank or unreadable
go to ``icp_data_gaps``; an event left out for being dated after the as-of day is a note the why
itself shows (``Funding ignored: dated after the as-of day``). :attr:`Why.FULL` keeps every item in ``icp_why`` as well.

Reasons arrive as (row → reason code, reason texts, points) per column or signal.
Rows that share every reason share one text, so the texts are built once per distinct
combination and spread over rows; a million rows typically hold a few thousand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np
import pandas as pd

from icp_sheets.core.conditions import fmt_points
from icp_sheets.core.distinct import factorize

SEPARATOR = " · "
# Up to this many rows, reasons are combined row by row: numpy costs more than it saves there
# (one edited row in Excel is scored on its own).
BY_ROW = 64


class Why(StrEnum):
    """How much ``icp_why`` says."""

    SHORT = "short"  # what decided the row; zero-point reasons and data gaps in icp_data_gaps
    FULL = "full"  # every reason, the zero-point ones and the data gaps too (icp_data_gaps as well)


class _Group(IntEnum):
    """Where a reason goes, in the order the why shows them."""

    LEAD = 0  # a disqualification or a check
    TIMING = 1
    FIT = 2
    GAP = 3  # zero points, or a cell that could not be used


@dataclass(frozen=True)
class _Part:
    codes: np.ndarray  # per row, into texts ('' = nothing to say)
    texts: np.ndarray
    points: np.ndarray  # per text; NaN for a note without points
    group: _Group
    kept: np.ndarray | None = None  # per text: a note without points that stays in its group, not a gap


_Item = tuple[_Group, float, int, str]  # group, minus the points as shown, part, text


@dataclass(frozen=True)
class Explained:
    """Per-row codes into distinct texts, for the why and for the data gaps."""

    why: tuple[np.ndarray, np.ndarray]
    gaps: tuple[np.ndarray, np.ndarray]


class Explainer:
    """Collects per-row reasons and orders them into the why and the data gaps."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self._parts: list[_Part] = []
        self._items: dict[tuple[int, int], _Item] = {}

    def add(
        self,
        codes: np.ndarray,
        labels: Sequence[str],
        points: Sequence[float] | np.ndarray,
        *,
        timing: bool = False,
        kept: Sequence[bool] | None = None,
    ) -> None:
        """One reason per row: ``labels[codes[row]]`` worth ``points[codes[row]]`` (NaN: a data gap,
        unless ``kept`` says the label is a note the why itself shows, such as an ignored event)."""
        label_codes, distinct = factorize(labels)
        worth = np.full(len(distinct), np.nan)
        worth[label_codes] = np.asarray(points, dtype=float)
        notes = None
        if kept is not None:
            notes = np.zeros(len(distinct), dtype=bool)
            notes[label_codes] = np.asarray(kept, dtype=bool)
        group = _Group.TIMING if timing else _Group.FIT
        self._parts.append(_Part(label_codes[codes], distinct, worth, group, notes))
        self._items.clear()  # keyed by part position

    def lead(self, codes: np.ndarray, labels: Sequence[str]) -> None:
        """A reason that comes before all others (a disqualification, then a check), in the order led."""
        label_codes, distinct = factorize(labels)
        part = _Part(label_codes[codes], distinct, np.full(len(distinct), np.nan), _Group.LEAD)
        self._parts.insert(sum(p.group is _Group.LEAD for p in self._parts), part)
        self._items.clear()  # keyed by part position, which an insert shifts

    def coded(self, why: Why = Why.SHORT) -> Explained:
        """The why and the data gaps of every row.

        Parts are merged one at a time, each merge keeping only the distinct (so far,
        next part) pairs, so the cost follows the number of distinct combinations, not
        the number of rows; each combination's texts are then written once.
        """
        if self.rows <= BY_ROW:
            return self._coded_by_row(why)
        combo = np.zeros(self.rows, dtype=np.int64)
        members = np.empty(1, dtype=object)
        members[0] = ()
        for index, part in enumerate(self._parts):
            width = len(part.texts)
            combo, pairs = _factorize(combo * width + part.codes, len(members) * width)
            before, label = members[pairs // width], pairs % width
            members = np.empty(len(pairs), dtype=object)
            members[:] = [
                (*m, (index, int(code))) if part.texts[code] else m
                for m, code in zip(before.tolist(), label.tolist(), strict=True)
            ]
        written = [self._written(m, why) for m in members.tolist()]
        return Explained(
            why=_coded(combo, [w[0] for w in written]),
            gaps=_coded(combo, [w[1] for w in written]),
        )

    def _coded_by_row(self, why: Why) -> Explained:
        """:meth:`coded` for a few rows: each row's combination looked up in a dict, its texts
        written the first time it occurs."""
        columns = [part.codes.tolist() for part in self._parts]
        said = [[bool(text) for text in part.texts.tolist()] for part in self._parts]
        seen: dict[tuple[int, ...], int] = {}
        written: list[tuple[str, str]] = []
        rows = np.empty(self.rows, dtype=np.intp)
        for row, combo in enumerate(zip(*columns, strict=True) if columns else [()] * self.rows):
            code = seen.get(combo)
            if code is None:
                members = tuple((i, k) for i, k in enumerate(combo) if said[i][k])
                code = seen[combo] = len(written)
                written.append(self._written(members, why))
            rows[row] = code
        return Explained(
            why=_coded(rows, [w[0] for w in written]),
            gaps=_coded(rows, [w[1] for w in written]),
        )

    def _written(self, members: tuple[tuple[int, int], ...], why: Why) -> tuple[str, str]:
        """One combination's why and data gaps."""
        cached = self._items
        items = sorted([cached.get(m) or self._item(*m) for m in members])
        gaps = [text for group, _, _, text in items if group is _Group.GAP]
        shown = [text for group, _, _, text in items if why is Why.FULL or group is not _Group.GAP]
        return SEPARATOR.join(said(shown)), SEPARATOR.join(gaps)

    def _item(self, index: int, code: int) -> _Item:
        """A reason as the why sorts and shows it, worked out once per distinct reason (a million
        rows hold tens of thousands of combinations of a few hundred reasons)."""
        key = (index, code)
        item = self._items.get(key)
        if item is None:
            part = self._parts[index]
            text, points = str(part.texts[code]), float(part.points[code])
            group = part.group
            if group is not _Group.LEAD:
                note = np.isnan(points) and part.kept is not None and bool(part.kept[code])
                if not note and (np.isnan(points) or round(points, 2) == 0):
                    group = _Group.GAP
                if not np.isnan(points):
                    text = f"{text} ({fmt_points(points)})"
            # Ordered by the points as shown: reasons that read alike keep the model's order.
            item = self._items[key] = (group, 0.0 if np.isnan(points) else -round(points, 2), index, text)
        return item


def said(texts: Sequence[str]) -> list[str]:
    """The texts in order, each left out when an earlier one says it already: the same text, or a
    lead that ends with it (``Check: Employees unknown ('n/a')`` leads, so the full why does not
    repeat ``Employees unknown ('n/a')`` after it)."""
    kept: list[str] = []
    seen: set[str] = set()
    leads: list[str] = []  # kept texts holding ': ', the only ones that can end with ': ' + a text
    for text in texts:
        if text in seen or any(lead.endswith(f": {text}") for lead in leads):
            continue
        kept.append(text)
        seen.add(text)
        if ": " in text:
            leads.append(text)
    return kept


def _coded(combo: np.ndarray, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per-row codes into unique texts: two combinations can read alike, categories must be unique."""
    text_codes, distinct = factorize(texts)
    return text_codes[combo], distinct


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
