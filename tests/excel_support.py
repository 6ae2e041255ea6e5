"""What Excel sends the ICP_ functions, built independently of the package: shared by the Excel tests."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

from icp_sheets.core.names import ANTI_ICP, ICP, PERSONAS, SETTINGS, SIGNALS
from icp_sheets.example import example_model
from icp_sheets.io.layout import TABS, model_rows


@contextmanager
def office_js_runtime() -> Iterator[tuple[ModuleType, ModuleType]]:
    """``icp_sheets.excel.functions`` as an Office.js runtime loads it, and ``xlwings.server``.

    xlwings picks its decorators at import time (the Office.js ones when
    XLWINGS_ON_SERVER is set, as in xlwings Lite), and its Office.js entry point
    needs a licence key; both are set here, for the caller's tests only.
    """
    before = set(sys.modules)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XLWINGS_ON_SERVER", "true")
        mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
        for name in [n for n in sys.modules if n == "xlwings" or n.startswith("xlwings.")]:
            mp.delitem(sys.modules, name)
        mp.delitem(sys.modules, "icp_sheets.excel.functions", raising=False)
        yield importlib.import_module("icp_sheets.excel.functions"), importlib.import_module("xlwings.server")
    for name in set(sys.modules) - before:  # what this set-up imported leaves with it
        if name.startswith("xlwings") or name == "icp_sheets.excel.functions":
            del sys.modules[name]


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


def optional_ranges(model: Any) -> list[list[list[Any]]]:
    """The optional tabs (Columns, Grades, Matrix, Override) as ranges with their header rows, in
    ICP_MODEL's order after the header row and the date system."""
    from icp_sheets.excel.formulas import OPTIONAL_ARGUMENT_TABS

    rows = model_rows(model)
    return [[TABS[tab].headers, *rows[tab]] for tab in OPTIONAL_ARGUMENT_TABS]


def cells(frame: pd.DataFrame) -> list[list[Any]]:
    """A frame's rows as cell values, None for missing."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False)]
