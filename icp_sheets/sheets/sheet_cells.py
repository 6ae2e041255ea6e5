"""What a sheet cell means, told from the two reads a sync makes of it anyway.

The sync reads every tab twice (:mod:`.sync`): first with ``valueRenderOption=FORMULA`` and
``dateTimeRenderOption=SERIAL_NUMBER`` (formulas as typed, numbers and dates unformatted, so a
date is its serial number whatever the sheet's locale), then, right before writing, with
``UNFORMATTED_VALUE`` and ``FORMATTED_STRING`` (formulas' results; dates, times and durations as
text in the sheet's locale, every other number still a number). The pair tells apart exactly:

* a formula (its text in the first read, its result in the second) from text that starts with ``=``
  (the same text in both);
* a date or time cell (a number in the first read, text in the second) from a plain number (a
  number in both). Its serial number becomes the ISO text the workbook side compares with
  (``2026-11-04``, ``2026-11-04 12:30:00``, ``12:30:00``) and a real date in the workbook.

No text is parsed here: a date reaches the workbook by its serial number, never by how the
sheet's locale writes it. Before the second read (a sync with nothing to write stops there), a
number counts as a date only where the last sync or the workbook holds that very date.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from icp_sheets.core.values import EXCEL_EPOCH
from icp_sheets.sheets.merge import Formula, Value, same

Grid = list[list[Value]]


class KnownText(str):
    """A sheet cell starting with '=' that the value read showed to be text, not a formula."""


@dataclass(frozen=True)
class DateCell:
    """A cell the sheet holds as a date, time or date-time: its serial number as ISO text."""

    text: str


def serial_text(serial: float) -> str:
    """A date/time serial number (days since 1899-12-30) as the ISO text the sync compares."""
    days = math.floor(serial)
    seconds = round((serial - days) * 86400)
    if seconds == 86400:
        days, seconds = days + 1, 0
    clock = dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if days == 0 and serial < 1:
        return clock.isoformat()
    day = EXCEL_EPOCH + dt.timedelta(days=days)
    return day.isoformat() if seconds == 0 else dt.datetime.combine(day, clock).isoformat(sep=" ")


def is_number(raw: Any) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


def looks_like_formula(raw: Any) -> bool:
    return isinstance(raw, str) and len(raw) > 1 and raw.startswith("=")


def _is_date(raw: Any, shown: Any) -> bool:
    """A number in the first read that the second shows as text with digits: a date, time or duration
    (text a person typed over the number in between rarely has digits; a date always has)."""
    return is_number(raw) and isinstance(shown, str) and any(ch.isdigit() for ch in shown)


def classify(formulas: Grid | None, values: Grid | None) -> Grid | None:
    """The first read with every '=...' cell and every date settled by the second read."""
    if formulas is None or values is None:
        return formulas
    out = []
    for r, line in enumerate(formulas):
        seen = values[r] if r < len(values) else []
        new = list(line)
        for c, raw in enumerate(line):
            shown = seen[c] if c < len(seen) else ""
            if looks_like_formula(raw):
                new[c] = KnownText(raw) if shown == raw else Formula(raw)
            elif _is_date(raw, shown):
                new[c] = DateCell(serial_text(raw))
        out.append(new)
    return out


def settled_by_values(formulas: Grid | None, values: Grid | None) -> bool:
    """Whether the second read changes what a cell of the tab means (a formula or a date in it)."""
    for r, line in enumerate(formulas or []):
        seen = values[r] if values is not None and r < len(values) else []
        for c, raw in enumerate(line):
            if looks_like_formula(raw) or _is_date(raw, seen[c] if c < len(seen) else ""):
                return True
    return False


def same_values(formulas: dict[str, Grid], values: dict[str, Grid]) -> bool:
    """The second read agrees with the first everywhere but formulas and dates: nobody edited between."""
    if formulas.keys() != values.keys():
        return False
    for tab, grid in formulas.items():
        other = values[tab]
        for r in range(max(len(grid), len(other))):
            a = grid[r] if r < len(grid) else []
            b = other[r] if r < len(other) else []
            for c in range(max(len(a), len(b))):
                x = a[c] if c < len(a) else ""
                y = b[c] if c < len(b) else ""
                if not looks_like_formula(x) and not _is_date(x, y) and not same(plain(x), plain(y)):
                    return False
    return True


def plain(raw: Any) -> Value:
    """A cell as the sync compares it: blanks as None, whole floats as ints."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 2**53:
        return int(raw)
    return raw
