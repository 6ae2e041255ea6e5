"""What a spreadsheet's locale changes: how typed text is parsed (USER_ENTERED) and how values are shown.

The fake knows four locales, settable per spreadsheet (``Store.create(locale=...)`` or
``updateSpreadsheetProperties``): ``en_US``, ``en_GB``, ``de_DE`` and ``fr_FR`` (a recording switches
to it). Where each rule comes from:

* **Checked against a recording** (gspread's cassettes, all en_US): ISO dates typed USER_ENTERED
  become date serials and are shown as typed (``2020-01-01``); ``2,000,000.01`` becomes a number
  shown with its thousands separators; ``0042`` and ``3_1_0`` stay what they are.
* **Written from the Sheets API v4 reference** (``ValueInputOption``: "parsed as if the user typed
  them into the UI"; ``DateTimeRenderOption``: serial numbers count days since 1899-12-30, formatted
  strings "depend on the spreadsheet locale") and the locale's usual conventions, not from a
  recording: dates typed in the locale's order (``11/4/2026`` en_US, ``04/11/2026`` en_GB,
  ``04.11.2026`` de_DE), English month names (``Nov 4, 2026``, ``4 Nov 2026``), times (``12:30``,
  ``12:30:45``, ``1:05 PM``), a date with a time, the locale's decimal and thousands separators,
  currency (``$1,200``, ``€5``, ``£3``, ``5 €``), percent (``15%`` is 0.15), a negative in
  parentheses (``(100)``), and a leading ``'`` forcing text. Each value is shown back in the
  locale's default pattern for its kind; ISO dates keep their ISO pattern.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from icp_sheets.core.values import EXCEL_EPOCH

MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
CURRENCIES = "$€£"


@dataclass(frozen=True)
class Locale:
    name: str
    day_first: bool
    date_sep: str  # between day, month and year in the locale's numeric dates
    decimal: str
    group: str
    currency: str  # the symbol a CURRENCY value is shown with
    currency_after: bool  # "1.200,00 €" rather than "$1,200.00"
    clock12: bool  # "1:05:00 PM" rather than "13:05:00"


LOCALES = {
    "en_US": Locale("en_US", False, "/", ".", ",", "$", False, True),
    "en_GB": Locale("en_GB", True, "/", ".", ",", "£", False, False),
    "de_DE": Locale("de_DE", True, ".", ",", ".", "€", True, False),
    "fr_FR": Locale("fr_FR", True, "/", ",", "\u202f", "€", True, False),
}


def locale(name: str) -> Locale:
    try:
        return LOCALES[name]
    except KeyError:
        raise ValueError(f"the fake knows the locales {', '.join(LOCALES)}, not {name!r}") from None


@dataclass(frozen=True)
class Parsed:
    """What typed text means: a number and the number format Google gives the cell (None: plain)."""

    value: float
    kind: str | None = None  # NUMBER (grouped), CURRENCY, PERCENT, DATE, TIME, DATE_TIME
    iso: bool = False  # a date typed ISO is shown ISO
    decimals: int = 0  # digits after the separator, as typed (kept when shown)


def _number_pattern(loc: Locale) -> re.Pattern[str]:
    d, g = re.escape(loc.decimal), re.escape(loc.group)
    return re.compile(
        rf"^(?P<neg>-)?(?P<cur1>[{CURRENCIES}])?\s*(?P<digits>\d{{1,3}}(?:{g}\d{{3}})+|\d+)?"
        rf"(?:{d}(?P<frac>\d+))?(?:[eE](?P<exp>[-+]?\d+))?\s*(?P<cur2>[{CURRENCIES}])?(?P<pct>\s*%)?$"
    )


def parse_number(text: str, loc: Locale) -> Parsed | None:
    """A number as the locale writes it, with its currency, percent sign or parentheses."""
    body = text.strip()
    negative = body.startswith("(") and body.endswith(")")
    if negative:
        body = body[1:-1].strip()
    m = _number_pattern(loc).match(body)
    if m is None or not (m["digits"] or m["frac"]) or (m["cur1"] and m["cur2"]):
        return None
    digits = (m["digits"] or "0").replace(loc.group, "")
    value = float(f"{digits}.{m['frac'] or 0}e{m['exp'] or 0}")
    if m["neg"]:
        negative = not negative
    kind = None
    if m["pct"]:
        value, kind = value / 100, "PERCENT"
    elif m["cur1"] or m["cur2"]:
        kind = "CURRENCY"
    elif m["digits"] and loc.group in m["digits"]:
        kind = "NUMBER"
    return Parsed(-value if negative else value, kind, decimals=len(m["frac"] or ""))


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")


def _time(text: str) -> float | None:
    m = _TIME.match(text.strip())
    if m is None:
        return None
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if m[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m[4].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return (hour * 3600 + minute * 60 + second) / 86400


def _date(text: str, loc: Locale) -> tuple[dt.date, bool] | None:
    """A day typed ISO, in the locale's numeric order, or with an English month name."""
    text = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), True
        sep = re.escape(loc.date_sep)
        if m := re.fullmatch(rf"(\d{{1,2}}){sep}(\d{{1,2}}){sep}(\d{{4}})", text):
            a, b = int(m[1]), int(m[2])
            day, month = (a, b) if loc.day_first else (b, a)
            return dt.date(int(m[3]), month, day), False
        if m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})", text):
            return dt.date(int(m[3]), MONTHS[m[1].lower()], int(m[2])), False
        if m := re.fullmatch(r"(\d{1,2})\.? ([A-Za-z]{3})[a-z]*\.? (\d{4})", text):
            return dt.date(int(m[3]), MONTHS[m[2].lower()], int(m[1])), False
    except (ValueError, KeyError):
        return None
    return None


def parse_typed(text: str, loc: Locale) -> Parsed | None:
    """A date, time, date with time or number that typed text means in ``loc``; None: it stays text."""
    number = parse_number(text, loc)
    if number is not None:
        return number
    day = _date(text, loc)
    if day is not None:
        return Parsed((day[0] - EXCEL_EPOCH).days, "DATE", iso=day[1])
    time = _time(text)
    if time is not None:
        return Parsed(time, "TIME")
    date_part, _, time_part = text.strip().rpartition(" ")
    day = _date(date_part, loc) if date_part else None
    time = _time(time_part) if day is not None else None
    if day is not None and time is not None:
        return Parsed((day[0] - EXCEL_EPOCH).days + time, "DATE_TIME", iso=day[1])
    return None


# ----------------------------------------------------------------------------- shown back


def _grouped(value: float, decimals: int, loc: Locale, group: bool) -> str:
    text = f"{abs(value):,.{decimals}f}" if group else f"{abs(value):.{decimals}f}"
    text = text.replace(",", "\0").replace(".", loc.decimal).replace("\0", loc.group)
    return ("-" if value < 0 else "") + text


def show_number(value: float, loc: Locale) -> str:
    """A plain number: Google's automatic format, with the locale's decimal separator."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.10g}" if abs(value) < 1e15 else repr(value)
    return text.replace(".", loc.decimal)


def show_date(serial: float, loc: Locale, iso: bool = False) -> str:
    day = EXCEL_EPOCH + dt.timedelta(days=int(serial // 1))
    if iso:
        return day.isoformat()
    first, second = (day.day, day.month) if loc.day_first else (day.month, day.day)
    width = 2 if loc.day_first else 1  # 04.11.2026, 04/11/2026; 11/4/2026
    return f"{first:0{width}d}{loc.date_sep}{second:0{width}d}{loc.date_sep}{day.year}"


def show_time(serial: float, loc: Locale) -> str:
    seconds = round((serial % 1) * 86400) % 86400
    hour, minute, second = seconds // 3600, seconds // 60 % 60, seconds % 60
    if loc.clock12:
        return f"{(hour % 12) or 12}:{minute:02d}:{second:02d} {'PM' if hour >= 12 else 'AM'}"
    return f"{hour:02d}:{minute:02d}:{second:02d}"


def show(value: float, kind: str, loc: Locale, *, iso: bool = False, decimals: int = 0) -> str:
    """A number shown in its number format and the locale (FORMATTED_VALUE, FORMATTED_STRING)."""
    if kind == "DATE":
        return show_date(value, loc, iso)
    if kind == "TIME":
        return show_time(value, loc)
    if kind == "DATE_TIME":
        return f"{show_date(value, loc, iso)} {show_time(value, loc)}"
    if kind == "PERCENT":
        return _grouped(value * 100, decimals, loc, False) + "%"
    if kind == "CURRENCY":
        amount = _grouped(abs(value), 2, loc, True)
        text = f"{amount} {loc.currency}" if loc.currency_after else f"{loc.currency}{amount}"
        return f"-{text}" if value < 0 else text
    if kind == "NUMBER":
        return _grouped(value, decimals, loc, True)
    return show_number(value, loc)
