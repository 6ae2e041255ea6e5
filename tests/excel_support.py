"""What Excel sends the ICP_ functions, built independently of the package: shared by the Excel tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from icp_sheets.example import example_model
from icp_sheets.io.layout import ANTI_ICP, ICP, PERSONAS, SETTINGS, SIGNALS, TABS, model_rows


def serial(day: dt.date) -> int:
    """Excel's serial number of a day, computed independently of the package."""
    return (day - dt.date(1899, 12, 30)).days


def office_js(value: Any) -> Any:
    """A Python value as Office.js sends it: 2-D, None for empty, dates as serial numbers."""
    if not isinstance(value, list):
        value = [[value]]
    elif value and not isinstance(value[0], list):
        value = [value]
    return [[serial(c) if isinstance(c, dt.date) else (None if c in ("", None) else c) for c in row] for row in value]


def call_body(name: str, args: list[Any], version: str) -> dict[str, Any]:
    """What xlwings' JavaScript client posts for one formula: every argument a 2-D list."""
    return {
        "func_name": name,
        "args": [office_js(a) for a in args],
        "caller_address": "[icp_template.xlsx]Accounts!L2",
        "content_language": "en-US",
        "version": version,
        "runtime": "1.4",
        "client": "Office.js",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
    }


def model_ranges(model: Any = None, *, personas: bool = True) -> list[list[list[Any]]]:
    """The five model tabs as ranges with their header rows, as a user selects them."""
    rows = model_rows(model or example_model())
    tabs = [ICP, ANTI_ICP, SIGNALS, SETTINGS] + ([PERSONAS] if personas else [])
    return [[TABS[tab].headers, *rows[tab]] for tab in tabs]


def cells(frame: pd.DataFrame) -> list[list[Any]]:
    """A frame's rows as cell values, None for missing."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False)]
