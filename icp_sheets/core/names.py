"""Names every surface shares: the tabs, the result columns, and how headers are matched.

They belong to the core because results and problems speak of them; the
workbook layout (io.layout) and the table reader (io.tables) build on them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import pandas as pd

START = "Start here"
ICP = "ICP"
ANTI_ICP = "Anti-ICP"
SIGNALS = "Signals"
PERSONAS = "Personas"
SETTINGS = "Settings"
COLUMNS = "Columns"
GRADES = "Grades"
MATRIX = "Matrix"
OVERRIDE = "Override"
ACCOUNTS = "Accounts"
CONTACTS = "Contacts"
MODEL_TABS = (ICP, ANTI_ICP, SIGNALS, PERSONAS, SETTINGS, COLUMNS, GRADES, MATRIX, OVERRIDE)
OPTIONAL_TABS = frozenset({COLUMNS, GRADES, MATRIX, OVERRIDE})  # without them: the defaults (older workbooks)
DATA_TABS = (ACCOUNTS, CONTACTS)

RESULT_COLUMNS = (
    "icp_score",
    "icp_fit",
    "icp_timing",
    "icp_tier",
    "icp_priority",
    "icp_dq",
    "icp_why",
    "icp_action",
    "icp_data_gaps",
)
RESULT_NOTES = {
    "icp_score": "Total score = fit + timing. Written by icp-sheets; do not type here.",
    "icp_fit": "Points from the ICP tab.",
    "icp_timing": "Points from the Signals tab, after decay.",
    "icp_tier": "Tier from the Settings thresholds; Disqualified on an Anti-ICP match or below the floor.",
    "icp_priority": "Fit tier (A/B/C) + timing tier (1/2/3), or DQ.",
    "icp_dq": "Why the account is disqualified; empty when it is not.",
    "icp_why": "What decided the score: a disqualification first, then timing, then fit, largest points first.",
    "icp_action": "What to do next, from the priority matrix in Settings.",
    "icp_data_gaps": "Cells that were blank or unreadable, and rules that counted for nothing.",
}
INPUT_ROW = "icp_input_row"  # written beside the results when the output's rows are reordered
INPUT_ROW_NOTE = "The row this account had in the input before ranking; sort by it to get the input order back."
CONTACT_RESULT_COLUMNS = ("icp_persona", "icp_role", "icp_angle")
CONTACT_RESULT_NOTES = {
    "icp_persona": "The persona this contact's title matches best; empty when none does.",
    "icp_role": "The persona's part in the deal.",
    "icp_angle": "How to open the conversation.",
}

_KEY_SPACE = re.compile(r"\s+")


def header_key(name: object) -> str:
    """How headers are compared: case, spacing and surrounding blanks do not matter."""
    return _KEY_SPACE.sub(" ", str(name)).strip().casefold()


_TAB_NOISE = re.compile(r"[\s_-]+")


def tab_key(name: object) -> str:
    """How tab names are compared: 'Anti ICP', 'anti_icp' and 'Anti-ICP' are one tab."""
    return _TAB_NOISE.sub("", str(name)).casefold()


def find_tab(names: Iterable[str], wanted: str) -> str | None:
    """The actual tab name that means ``wanted``, or None."""
    key = tab_key(wanted)
    return next((name for name in names if tab_key(name) == key), None)


def close_tab(names: Iterable[str], wanted: str) -> str | None:
    """A tab whose name is close to ``wanted`` (a typo, a plural), for 'did you mean'."""
    by_key = {tab_key(name): name for name in names}
    close = difflib.get_close_matches(tab_key(wanted), list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


def find_column(columns: pd.DataFrame | Iterable[object], name: str) -> str | None:
    """The actual header that means ``name``, or None."""
    if isinstance(columns, pd.DataFrame):
        columns = columns.columns
    wanted = header_key(name)
    for column in columns:
        if header_key(column) == wanted:
            return str(column)
    return None


def without_results(frame: pd.DataFrame, result_columns: Iterable[str] = RESULT_COLUMNS) -> pd.DataFrame:
    """The frame without result columns from an earlier run: they must never feed the next score."""
    results = {header_key(c) for c in (*result_columns, INPUT_ROW)}
    return frame[[c for c in frame.columns if header_key(c) not in results]]
