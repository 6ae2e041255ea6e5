"""The spreadsheet's own properties that change what its cells mean: its locale and time zone.

Both come from the metadata every command reads first (``properties.locale``,
``properties.timeZone``), so they cost no request. The locale says how text in a cell writes
dates and decimals where the text must be read (:func:`icp_sheets.core.column_formats.locale_reading`);
the time zone says which day "today" is for a sheet's signals when no as-of day is set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Google's locales that write month before day (11/4/2026); the others put the day first or the year.
_MONTH_FIRST = frozenset({"en_US", "es_US", "en_PH", "fil_PH", "en_BZ", "en_AS", "en_GU", "en_PR", "en_VI"})
# Languages whose numbers take a decimal comma, and the countries of theirs that do not.
_COMMA_LANGUAGES = frozenset(
    [
        "de",
        "fr",
        "es",
        "it",
        "pt",
        "nl",
        "da",
        "sv",
        "nb",
        "nn",
        "no",
        "fi",
        "pl",
        "cs",
        "sk",
        "sl",
        "hu",
        "ro",
        "ru",
        "uk",
        "tr",
        "el",
        "id",
        "vi",
        "hr",
        "bg",
        "lt",
        "lv",
        "et",
        "sr",
        "ca",
    ]
)
_POINT_COUNTRIES = frozenset({"de_CH", "fr_CH", "it_CH", "es_MX", "es_US", "es_PR"})


@dataclass(frozen=True)
class SheetProperties:
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"

    @classmethod
    def of(cls, metadata: dict[str, Any]) -> SheetProperties:
        props = metadata.get("properties", {})
        return cls(str(props.get("locale") or "en_US"), str(props.get("timeZone") or "Etc/GMT"))

    @property
    def day_first(self) -> bool:
        return self.locale not in _MONTH_FIRST

    @property
    def decimal_comma(self) -> bool:
        language = self.locale.split("_")[0]
        return language in _COMMA_LANGUAGES and self.locale not in _POINT_COUNTRIES

    def today(self) -> dt.date:
        """Today where the sheet is, as its TODAY() sees it; the machine's day if the zone is unknown."""
        try:
            return dt.datetime.now(ZoneInfo(self.time_zone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            return dt.date.today()
