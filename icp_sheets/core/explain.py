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
_KEY_SPAN = 2**62  # combinations of codes are numbered in one int64 while they fit


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
_Joined = tuple[np.ndarray, list[str]]  # per combination a code into these texts


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

        The cost follows the number of distinct combinations of reasons, not the number of
        rows: a million rows typically hold some hundred thousand combinations, sorted and
        joined as arrays.
        """
        if self.rows <= BY_ROW:
            return self._coded_by_row(why)
        combo, table = _combinations(self.rows, [(part.codes, len(part.texts)) for part in self._parts])
        (why_of, why_texts), (gaps_of, gap_texts) = self._written_all(table, why)
        return Explained(why=_coded(why_of[combo], why_texts), gaps=_coded(gaps_of[combo], gap_texts))

    def _written_all(self, table: np.ndarray, why: Why) -> tuple[_Joined, _Joined]:
        """:meth:`_written` for every combination at once: each combination's reasons are sorted
        with numpy, repeats are dropped as :func:`said` drops them, and only the joining is Python."""
        reasons = _Reasons([self._reasons_of(index) for index in range(len(self._parts))])
        ids = table + reasons.offsets
        ids = np.take_along_axis(ids, np.argsort(reasons.rank[ids], axis=1, kind="stable"), axis=1)
        gap = reasons.gap[ids]
        present = reasons.present[ids]
        shown = reasons.unrepeated(ids, present if why is Why.FULL else present & ~gap)
        return _joined(ids, shown, reasons.text), _joined(ids, gap, reasons.text)

    def _reasons_of(self, index: int) -> list[_Item | None]:
        """Part ``index``'s reasons by code; None where the code says nothing."""
        part = self._parts[index]
        return [self._item(index, code) if text else None for code, text in enumerate(part.texts.tolist())]

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


def _combinations(rows: int, columns: Sequence[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Per row a code into the distinct combinations of the columns' codes (each below its width),
    and per combination each column's code. As many columns as fit one int64 key are merged at a
    time and only the distinct keys kept, so the cost follows the number of combinations, not of rows."""
    combo = np.zeros(rows, dtype=np.int64)
    table = np.zeros((1, 0), dtype=np.int64)
    at = 0
    while at < len(columns):
        key, span = combo, len(table)
        widths: list[int] = []
        while at < len(columns) and (not widths or span * columns[at][1] < _KEY_SPAN):
            codes, width = columns[at]
            key, span = key * width + codes, span * width
            widths.append(width)
            at += 1
        combo, pairs = _factorize(key, span)
        merged = []
        for width in reversed(widths):
            pairs, code = np.divmod(pairs, width)
            merged.append(code)
        table = np.column_stack([table[pairs], *reversed(merged)])
    return combo, table


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


class _Reasons:
    """Every distinct reason of an explainer, numbered part after part, as arrays numpy can index
    per combination: where the why ranks it, its text, whether it is a data gap."""

    def __init__(self, parts: list[list[_Item | None]]) -> None:
        self.offsets = np.cumsum([0] + [len(items) for items in parts])[:-1].astype(np.int64)
        items = [item for part in parts for item in part]
        count = len(items)
        self.present = np.array([item is not None for item in items], dtype=bool)
        self.text = np.array([item[3] if item else "" for item in items], dtype=object)
        self.gap = np.array([item is not None and item[0] is _Group.GAP for item in items], dtype=bool)
        ranked = sorted((item[:3], number) for number, item in enumerate(items) if item is not None)
        self.rank = np.full(count, count, dtype=np.int64)
        self.rank[[number for _, number in ranked]] = np.arange(len(ranked))
        self._repeats = self._repeating()

    def _repeating(self) -> np.ndarray:
        """Keys ``earlier * count + later`` of the reason pairs where the earlier one, when kept, says
        the later one already (:func:`said`): the same text, or a lead ending with ``': ' + text``."""
        count = len(self.text)
        by_text: dict[str, list[int]] = {}
        for number in np.flatnonzero(self.present).tolist():
            by_text.setdefault(self.text[number], []).append(number)
        keys = [a * count + b for same in by_text.values() for a in same for b in same if a != b]
        for text, leads in by_text.items():
            ends = [text[at + 2 :] for at in range(len(text)) if text.startswith(": ", at)]
            keys += [a * count + b for end in ends for a in leads for b in by_text.get(end, [])]
        return np.unique(np.array(keys, dtype=np.int64))

    def unrepeated(self, ids: np.ndarray, shown: np.ndarray) -> np.ndarray:
        """``shown`` without the reasons an earlier kept reason of the same combination says already."""
        if not len(self._repeats):
            return shown
        kept = shown.copy()
        count = len(self.text)
        for later in range(1, ids.shape[1]):
            for earlier in range(later):
                repeated = np.isin(ids[:, earlier] * count + ids[:, later], self._repeats)
                kept[:, later] &= ~(kept[:, earlier] & repeated)
        return kept


def _joined(ids: np.ndarray, keep: np.ndarray, text: np.ndarray) -> _Joined:
    """Per combination a code into joined texts: each distinct list of kept reasons is joined once
    (combinations that differ only in what they leave out read alike)."""
    of, kept = _combinations(len(ids), [(column, len(text) + 1) for column in (np.where(keep, ids, -1) + 1).T])
    said = np.append(text, "")[kept - 1]  # 0 (nothing kept) reads as the empty text at the end
    return of, [SEPARATOR.join([t for t in row if t]) for row in said.tolist()]
