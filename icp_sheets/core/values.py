"""What a spreadsheet cell means: numbers as text, dates in several forms, yes/no, blanks.

Every surface (CSV, xlsx, an Excel range, a Google range) hands raw cell values
to these functions, so ``"1,200"``, ``" 150 "``, ``150.0`` and ``1200`` read the
same everywhere and a date typed as text, an Excel serial number or a real date
all become the same day. Nothing here raises on odd input except
:func:`parse_date`, whose message is shown to people.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")

MISSING_MARKERS = frozenset(
    {"n/a", "na", "#n/a", "n.a.", "null", "none", "nil", "-", "–", "—", "?", "tbd", "#value!", "#ref!"}
)
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "✔", "ja", "oui", "sí", "si"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "nein", "non"})

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # text a spreadsheet would run as a formula
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 after Lotus' leap-year bug
DATE_SYSTEMS = (1900, 1904)  # Excel's two date systems; 1900 is the default of every new workbook
DAYS_1900_TO_1904 = (dt.date(1904, 1, 1) - EXCEL_EPOCH).days  # 1,462: day 0 of the 1904 system, in the 1900 one
_SERIAL_MIN, _SERIAL_MAX = 3653, 109575  # 1910-01-01 .. 2199-12-31: plausible event dates
_SPACE = re.compile(r"\s+")
_LIST_SPLIT = re.compile(r"[,;\n\r]+")
_SUFFIX = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6}
_SUFFIX |= {"b": 1e9, "bn": 1e9, "bil": 1e9, "billion": 1e9}
_NUMBER = re.compile(
    r"""^(?P<sign>[-+−])?\s*[$€£¥]?\s*
        (?P<num>\d{1,3}(?:[,\s\u00a0\u202f']\d{3})+(?:\.\d+)?|\d*\.?\d+(?:e[-+]?\d+)?)
        \s*(?:(?P<suffix>thousand|k|million|mil|mm|mn|m|billion|bil|bn|b)s?\.?)?
        \s*(?P<plus>\+)?\s*(?:employees|people|staff|%)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_RANGE = re.compile(r"^\s*(.+?)\s*(?:[–—-]|\bto\b)\s*(.+?)\s*(?:employees|people|staff)?\s*$", re.I)


def whole(value: T) -> T | int:
    """A float without a fraction as the int people wrote (3.0 → 3, as spreadsheets hand it over);
    any other value as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def is_blank(value: Any) -> bool:
    """Empty, whitespace, NaN/None, or one of the usual 'no data' markers such as 'n/a'."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, str):
        text = value.strip().casefold()
        return not text or text in MISSING_MARKERS
    return False


def is_empty(value: Any) -> bool:
    """Truly empty (no marker text): the cell as a person left it untouched."""
    if isinstance(value, str):
        return not value.strip()
    return is_blank(value)


def norm_text(value: Any) -> str:
    """Case- and whitespace-insensitive key for comparing categories."""
    if is_empty(value):
        return ""
    return _SPACE.sub(" ", str(whole(value))).strip().casefold()


_CATEGORY_NOISE = re.compile(r"[^\w+#]+|_+")


def category_key(value: Any) -> str:
    """How categories are compared: case, spacing, underscores, hyphens and punctuation do not
    count, so a CRM's ``SERIES_B`` is ``Series B`` and ``Series-B``. ``+`` and ``#`` do count
    (``C++`` is not ``C``); text that is nothing but punctuation keeps it."""
    text = norm_text(value)
    return _CATEGORY_NOISE.sub("", text) or text


def word_text(value: Any) -> str:
    """The cell's words, each between single spaces (`` senior product manager ``): how
    'mentions' compares, so a keyword matches whole words in any case and a phrase matches
    those words in a row. Words split where category keys drop noise (``C++`` stays one word)."""
    return " " + " ".join(w for w in _CATEGORY_NOISE.split(norm_text(value)) if w) + " "


def split_list(value: Any) -> list[str]:
    """Items of a list cell (tech stack, a 'one of' list): commas, semicolons, new lines."""
    if is_empty(value):
        return []
    return [item.strip() for item in _LIST_SPLIT.split(str(value)) if item.strip()]


def parse_number(value: Any, *, decimal_comma: bool = False) -> float | None:
    """A number from a cell, or None. Ranges such as '51-200' read as their midpoint.

    ``decimal_comma`` reads text the European way (``1.250,5`` is 1250.5, ``1.200`` is 1200); the
    column decides it once (:mod:`icp_sheets.core.column_formats`), never a single cell.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or text.casefold() in MISSING_MARKERS:
        return None
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    single = _parse_number_text(text)
    if single is not None:
        return single
    match = _RANGE.match(text)
    if match:
        low, high = _parse_number_text(match.group(1)), _parse_number_text(match.group(2))
        if low is not None and high is not None and low <= high:
            return (low + high) / 2
    return None


def _parse_number_text(text: str) -> float | None:
    match = _NUMBER.match(text.strip())
    if not match:
        return None
    digits = re.sub(r"[,\s\u00a0\u202f']", "", match.group("num"))
    try:
        number = float(digits)
    except ValueError:
        return None
    suffix = (match.group("suffix") or "").casefold()
    number *= _SUFFIX.get(suffix, 1.0)
    return -number if match.group("sign") in ("-", "−") else number


class NumberStyle(StrEnum):
    """How a number cell that is not a plain number was read, for the why text."""

    MIDPOINT = "the midpoint"  # '51-200', '$10M to $50M': a closed range is its middle
    LOWER_BOUND = "the lower bound"  # '10,001+': an open range is where it starts
    SCALED = "scaled"  # '12.5M', '$5 mil.': the suffix multiplies


def number_style(value: Any) -> NumberStyle | None:
    """Which documented reading :func:`parse_number` gave a band or a suffixed amount; None for a
    plain number (``1,200``, ``€5,000,000``), which needs no explaining."""
    if not isinstance(value, str) or parse_number(value) is None:
        return None
    match = _NUMBER.match(value.strip())
    if match is None:
        return NumberStyle.MIDPOINT if _RANGE.match(value) else None
    if match.group("plus"):
        return NumberStyle.LOWER_BOUND
    return NumberStyle.SCALED if match.group("suffix") else None


def parse_bool(value: Any) -> bool | None:
    """Yes/no cells: yes, y, true, 1, x, ✓ … and no, n, false, 0; anything else is None."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    key = norm_text(value)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y", "%Y/%m/%d")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


class DateError(ValueError):
    """A cell that should hold a date cannot be read; the message says how to write it."""


def parse_date(value: Any, *, day_first: bool | None = None) -> dt.date | None:
    """A date from a cell: real dates, ISO text, Excel serial numbers, unambiguous d/m/y text.

    Returns None for blank cells and raises DateError for anything unreadable,
    including '03/04/2026', which means a different day in the US and in Europe, unless
    ``day_first`` says the order (the column decides it, :mod:`icp_sheets.core.column_formats`).
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        day: dt.date = pd.Timestamp(value).date()
        return day
    if isinstance(value, bool):
        raise DateError(f"'{value}' is not a date; write it like 2026-03-31")
    if isinstance(value, int | float | np.integer | np.floating):
        return _serial_date(float(value), value)
    text = _SPACE.sub(" ", str(value)).strip()
    try:
        return _iso_date(text) if len(text) >= 10 and text[4] == "-" else _text_date(text, day_first)
    except DateError:
        raise
    except ValueError:
        raise DateError(f"'{text}' is not a date I can read; write it like 2026-03-31") from None


def as_1900_serial(value: Any, system: int) -> Any:
    """A plain day number of a workbook in ``system`` (1900 or 1904) as the 1900-system serial
    :func:`parse_date` reads; anything that is not a number (a real date, text, a bool) and 0
    (Excel's empty cell behind a formula) stays as it is."""
    number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    return value + DAYS_1900_TO_1904 if system == DATE_SYSTEMS[1] and number and value != 0 else value


def _serial_date(number: float, shown: Any) -> dt.date:
    if not (_SERIAL_MIN <= number <= _SERIAL_MAX):
        raise DateError(f"{shown} is not a date; write it like 2026-03-31")
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def _iso_date(text: str) -> dt.date:
    """ISO text, with a time and zone after the day or without (``2026-03-04T10:00:00Z``), but
    nothing else: ``2026-03-31garbage`` is not a date."""
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text.removesuffix(" UTC")).date()


def _text_date(text: str, day_first: bool | None) -> dt.date:
    number = parse_number(text)
    if number is not None and re.fullmatch(r"\d+(\.\d+)?", text):
        return _serial_date(number, text)
    match = _NUMERIC_DATE.match(text)
    if match:
        first, second, year = (int(g) for g in match.groups())
        if day_first is not None:
            return dt.date(year, second, first) if day_first else dt.date(year, first, second)
        if first > 12:
            return dt.date(year, second, first)
        if second > 12:
            return dt.date(year, first, second)
        if first == second:
            return dt.date(year, first, second)
        raise DateError(
            f"'{text}' could be {dt.date(year, second, first):%d %b %Y} or "
            f"{dt.date(year, first, second):%d %b %Y}; write it like {year}-{first:02d}-{second:02d}"
        )
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def shown(value: Any) -> str:
    """A cell value as a person would recognise it in a message."""
    value = whole(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"
