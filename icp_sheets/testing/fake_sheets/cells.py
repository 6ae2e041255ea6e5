"""A cell's value typed in and shown back: what Google stores for a written value and how it formats it.

RAW stores text as text. USER_ENTERED parses it as a person typing in the spreadsheet's locale would
(:mod:`.locales` says which rules were checked against a recording and which were written from the
reference): a leading ``'`` forces text, ``=`` starts a formula, TRUE/FALSE are booleans, numbers,
currency, percent, dates and times become numbers with a number format.
"""

from __future__ import annotations

from typing import Any

from icp_sheets.core.values import whole
from icp_sheets.testing.fake_sheets.locales import Locale, parse_typed, show, show_number
from icp_sheets.testing.fake_sheets.model import Cell


def parse_input(raw: Any, user_entered: bool, loc: Locale) -> Cell | None:
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
    parsed = parse_typed(text, loc)
    if parsed is None:
        return Cell(text)
    return Cell(num(parsed.value), kind=parsed.kind, iso=parsed.iso, decimals=parsed.decimals)


def num(x: float) -> int | float:
    """A number as Google keeps it: whole floats become ints, up to 2**53."""
    return whole(x) if abs(x) < 2**53 else x  # beyond 2**53 a float is not the integer typed


def formatted(value: Any, loc: Locale, kind: str | None = None, *, iso: bool = False, decimals: int = 0) -> str:
    """The FORMATTED_VALUE of a value in its number format and the spreadsheet's locale."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return show(value, kind, loc, iso=iso, decimals=decimals) if kind else show_number(value, loc)
    return str(value)
