"""A cell's value typed in and shown back: what Google stores for a written value and how it formats it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from icp_sheets.core.values import EXCEL_EPOCH, whole
from icp_sheets.testing.fake_sheets.model import Cell

_NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_input(raw: Any, user_entered: bool) -> Cell | None:
    """A written JSON value as Google stores it; None means 'clear the cell'."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return Cell(raw)
    if isinstance(raw, int | float):
        return Cell(num(raw))
    text = str(raw)
    if not user_entered:
        return Cell(text)
    if text.startswith("'"):
        return Cell(text[1:]) if len(text) > 1 else None
    if text.startswith("=") and len(text) > 1:
        return Cell(None, formula=text)
    if text.upper() in ("TRUE", "FALSE"):
        return Cell(text.upper() == "TRUE")
    stripped = text.strip()
    if stripped and _NUMBER.match(stripped) and any(ch.isdigit() for ch in stripped):
        return Cell(num(float(stripped.replace(",", ""))), thousands="," in stripped)
    day = _date(stripped)
    if day is not None:
        return Cell((day - EXCEL_EPOCH).days, is_date=True)
    return Cell(text)


def _date(text: str) -> dt.date | None:
    try:
        if m := _ISO_DATE.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _US_DATE.match(text):
            return dt.date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None


def num(x: float) -> int | float:
    """A number as Google keeps it: whole floats become ints, up to 2**53."""
    return whole(x) if abs(x) < 2**53 else x  # beyond 2**53 a float is not the integer typed


def formatted(value: Any, is_date: bool, thousands: bool = False) -> str:
    """The FORMATTED_VALUE of a value."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if is_date and isinstance(value, int | float):
        return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    if thousands and isinstance(value, int | float):
        return format(value, ",")
    if isinstance(value, float):
        return f"{value:.10g}" if abs(value) < 1e15 else repr(value)
    return str(value)
