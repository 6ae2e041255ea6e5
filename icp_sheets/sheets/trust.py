"""What the shared sheet may put into the local workbook: formulas by trust, and local-only settings.

Anyone who can edit the shared sheet is untrusted input for the workbook, which Excel
opens on the user's machine. So:

* a formula read from the sheet reaches the workbook as a live formula only when every
  function it calls is on :data:`SAFE_FUNCTIONS` (or on the list the local user added in
  Settings › *Trusted sheet functions*); anything else -- ``WEBSERVICE``, ``IMPORTXML``,
  ``HYPERLINK``, a DDE call (``cmd|' /C calc'!A0``), an external reference
  (``[book.xlsx]Sheet1!A1``) -- arrives as its text, and the sync lists the cell;
* a formula typed in the workbook stays a formula there: the sheet holds its text, and
  the sheet's edits to that cell are not taken (and the text is written back);
* Settings rows that steer the tool on this machine (:data:`LOCAL_SETTINGS`) are set in
  the workbook only: the sheet's edits to them are not taken, and the sheet gets the
  workbook's row back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from icp_sheets.core.names import SETTINGS
from icp_sheets.sheets.grid import header_key
from icp_sheets.sheets.guards import DELETE_LIMIT_SETTING
from icp_sheets.sheets.merge import Formula, Merged, Table, Value, same, show

TRUST_SETTING = "Trusted sheet functions"
TARGET_SETTING = "Google Sheet"
LOCAL_SETTINGS = (TARGET_SETTING, TRUST_SETTING, DELETE_LIMIT_SETTING)

# Functions that compute from the workbook's own cells and nothing else: no network, no
# files, no other workbooks, no links to click, no references built from text.
SAFE_FUNCTIONS: frozenset[str] = frozenset(
    {
        # arithmetic and statistics
        "ABS", "AVERAGE", "AVERAGEA", "AVERAGEIF", "AVERAGEIFS", "CEILING", "COUNT", "COUNTA", "COUNTBLANK",
        "COUNTIF", "COUNTIFS", "EXP", "FLOOR", "INT", "LARGE", "LN", "LOG", "LOG10", "MAX", "MAXIFS", "MEDIAN",
        "MIN", "MINIFS", "MOD", "PERCENTILE", "POWER", "PRODUCT", "QUOTIENT", "RANK", "ROUND", "ROUNDDOWN",
        "ROUNDUP", "SIGN", "SMALL", "SQRT", "STDEV", "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "TRUNC",
        # logic and tests
        "AND", "FALSE", "IF", "IFERROR", "IFNA", "IFS", "ISBLANK", "ISERROR", "ISNA", "ISNUMBER", "ISTEXT",
        "NOT", "OR", "SWITCH", "TRUE", "XOR",
        # text
        "CHAR", "CLEAN", "CODE", "CONCAT", "CONCATENATE", "EXACT", "FIND", "JOIN", "LEFT", "LEN", "LOWER",
        "MID", "PROPER", "REGEXMATCH", "REPLACE", "REPT", "RIGHT", "SEARCH", "SPLIT", "SUBSTITUTE", "T", "TEXT",
        "TEXTJOIN", "TRIM", "UPPER", "VALUE",
        # dates and times
        "DATE", "DATEDIF", "DATEVALUE", "DAY", "DAYS", "EDATE", "EOMONTH", "HOUR", "ISOWEEKNUM", "MINUTE",
        "MONTH", "NETWORKDAYS", "NOW", "SECOND", "TIME", "TODAY", "WEEKDAY", "WEEKNUM", "WORKDAY", "YEAR",
        # lookups within the workbook
        "CHOOSE", "COLUMN", "COLUMNS", "HLOOKUP", "INDEX", "LOOKUP", "MATCH", "ROW", "ROWS", "VLOOKUP",
        "XLOOKUP", "XMATCH",
    }
)  # fmt: skip

_STRING = re.compile(r'"(?:[^"]|"")*"')
_QUOTED_SHEET = re.compile(r"'(?:[^']|'')*'")
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(")


def trusted_names(setting: Value) -> frozenset[str]:
    """The functions the local user added in Settings › Trusted sheet functions (comma separated)."""
    if setting is None or isinstance(setting, Formula):
        return frozenset()
    return frozenset(n.strip().upper() for n in re.split(r"[,;\s]+", str(setting)) if n.strip())


def untrusted_parts(text: str, extra: frozenset[str] = frozenset()) -> list[str]:
    """What makes the formula ``text`` unsafe to run on the user's machine; empty when it is safe."""
    body = _STRING.sub('""', text)  # what is inside a string literal calls nothing
    sheets = _QUOTED_SHEET.findall(body)
    body = _QUOTED_SHEET.sub("Sheet", body)
    out: list[str] = []
    if "|" in body or any("|" in s for s in sheets):
        out.append("a DDE call (|)")
    if "[" in body or any(ch in s for s in sheets for ch in "[/\\:"):
        out.append("an external reference")
    for name in dict.fromkeys(m.upper() for m in _CALL.findall(body)):
        bare = name.removeprefix("_XLFN.").removeprefix("_XLWS.")
        if bare not in SAFE_FUNCTIONS and bare not in extra:
            out.append(bare)
    return out


@dataclass(frozen=True)
class Untrusted:
    """A cell whose formula from the sheet reached the workbook as text."""

    tab: str
    key: str
    column: str
    formula: str
    parts: tuple[str, ...]

    def __str__(self) -> str:
        names = [p for p in self.parts if p.isupper()]
        fix = (
            f" If you trust {', '.join(names)}, add {'it' if len(names) == 1 else 'them'} to Settings › "
            f"{TRUST_SETTING} in the workbook."
            if len(names) == len(self.parts)
            else ""
        )
        return (
            f"{self.tab}, row {self.key}, {self.column}: the sheet's formula {self.formula[:80]} uses "
            f"{', '.join(self.parts)}, which icp-sheets does not run on this machine; it reached the "
            f"workbook as text.{fix}"
        )


@dataclass(frozen=True)
class Refused:
    """A sheet edit the workbook does not take: a workbook formula, or a local-only setting."""

    tab: str
    where: str
    sheet: Value
    kept: Value

    def __str__(self) -> str:
        if isinstance(self.kept, Formula):
            why = "the workbook holds a formula there, which only the workbook changes"
        else:
            why = "only the workbook sets it (pass --sheet to sync with another sheet)"
        if self.kept is None:
            return f"{self.tab}: the sheet added the row {self.where}, not taken: {why}."
        return (
            f"{self.tab}, {self.where}: the sheet has {show(self.sheet)}, not taken: {why}; the workbook "
            f"keeps {show(self.kept)} and the sheet gets it back."
        )


Cell = tuple[str, str]  # (icp_id, column)


def owned_formulas(base: Table | None, workbook: Table) -> set[Cell]:
    """The workbook's formulas the workbook alone changes: all but those the sheet gave it, unchanged since."""
    out: set[Cell] = set()
    for key, row in workbook.records():
        for column, value in row.items():
            if not isinstance(value, Formula):
                continue
            came_from_sheet = (
                base is not None and (key, column) not in base.owned and same(base.get(key, column), value)
            )
            if not came_from_sheet:
                out.add((key, column))
    return out


def keep_workbook_owned(tab: str, owned: set[Cell], workbook: Table, sheet: Table, merged: Merged) -> list[Refused]:
    """Undo what the merge took from the sheet where the workbook alone decides (see the module docstring)."""
    refused: list[Refused] = []
    for key, column in sorted(owned):
        value = workbook.get(key, column)
        if key not in merged.workbook.rows or key not in merged.sheet.rows:
            continue  # the row itself went: rows are not owned, cells are
        if not same(merged.workbook.rows[key].get(column), value):
            refused.append(Refused(tab, f"row {key}, {column}", sheet.get(key, column), value))
        merged.workbook.rows[key][column] = merged.sheet.rows[key][column] = value
    keys = {k for k, _ in owned}
    if tab == SETTINGS:
        refused.extend(_keep_local_settings(workbook, sheet, merged, keys))
    merged.conflicts = [
        c for c in merged.conflicts if (c.key, c.column) not in owned and not (c.column is None and c.key in keys)
    ]
    return refused


_LOCAL = frozenset(header_key(s) for s in LOCAL_SETTINGS)


def _label(row: dict[str, Value] | None) -> str:
    return header_key(row.get("Setting")) if row else ""


def _keep_local_settings(workbook: Table, sheet: Table, merged: Merged, keys: set[str]) -> Iterator[Refused]:
    for key in list(dict.fromkeys([*merged.workbook.order, *workbook.order])):
        mine = workbook.rows.get(key)
        theirs = merged.workbook.rows.get(key)
        if _label(mine) not in _LOCAL and _label(theirs) not in _LOCAL:
            continue
        keys.add(key)
        if mine is None:  # a local-only row the sheet added (or relabelled into one): not taken
            for target in (merged.workbook, merged.sheet):
                target.rows.pop(key, None)
                if key in target.order:
                    target.order.remove(key)
            yield Refused(SETTINGS, repr((theirs or {}).get("Setting")), None, None)
            continue
        got = sheet.rows.get(key)
        for column, value in mine.items():
            if got is not None and column in sheet.columns and not same(got.get(column), value):
                yield Refused(SETTINGS, f"{mine.get('Setting')}, {column}", got.get(column), value)
        for target in (merged.workbook, merged.sheet):
            target.rows[key] = dict(mine)
            if key not in target.order:
                target.order.append(key)
