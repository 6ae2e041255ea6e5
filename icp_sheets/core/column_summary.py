"""After scoring: per column, how many cells could not be used, with the first few as examples.

The why text names an unreadable cell on its own row; a bad export (a column of 'lots' and
'≈200', a date column in the wrong order) is only noticed when someone reads those rows. One
line per column (``Employees: 3 unreadable ('lots', '≈200', 'many')``) says it before the list
goes to reps.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from icp_sheets.core.conditions import Reads
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.models import IcpModel
from icp_sheets.core.problems import Code, Problem, Severity
from icp_sheets.core.values import is_empty, shown

EXAMPLES = 3


def _reads(model: IcpModel, column: str) -> set[Reads]:
    conditions = [c.condition for c in model.criteria if c.column == column]
    conditions += [d.condition for d in model.disqualifiers if d.column == column]
    return {c.kind.reads for c in conditions}


def _unreadable(model: IcpModel, column: str, values: ColumnValues) -> np.ndarray:
    """Per distinct value: not blank, yet not the number, yes/no or date the model reads it as."""
    reads = _reads(model, column)
    bad = np.zeros(len(values), dtype=bool)
    if Reads.NUMBER in reads:
        bad |= np.isnan(values.numbers)
    if Reads.BOOL in reads:
        bad |= values.bools < 0
    if any(s.date_column == column for s in model.signals):
        bad |= values.date_unreadable
    return np.asarray(bad & ~values.blank)


def _examples(values: ColumnValues, which: np.ndarray) -> str:
    shown_ = [f"'{shown(values.raw[i]).strip()}'" for i in np.flatnonzero(which)[:EXAMPLES]]
    return f" ({', '.join(shown_)})" if shown_ else ""


def summarize(model: IcpModel, columns: Mapping[str, ColumnValues]) -> list[Problem]:
    """A warning per column with unreadable cells (and its blanks) or with nothing but blanks; one
    note counting the blank cells ('n/a' and the like included) of the other columns, as blank
    signal dates are normal."""
    out = []
    blanks = []
    for column, values in columns.items():
        rows = np.bincount(values.codes, minlength=len(values))
        bad = _unreadable(model, column, values)
        blank = int(rows[values.blank].sum())
        if blank and blank == len(values.codes):
            out.append(
                Problem(
                    Code.COLUMN_SUMMARY, f"every cell is blank ({blank:,})", column=column, severity=Severity.WARNING
                )
            )
            continue
        if not bad.any():
            if blank:
                blanks.append(f"{column} {blank:,}")
            continue
        marked = values.blank & np.fromiter((not is_empty(v) for v in values.raw), dtype=bool, count=len(values))
        text = f"{int(rows[bad].sum()):,} unreadable{_examples(values, bad)}"
        if blank:
            text += f", {blank:,} blank{_examples(values, marked)}"
        out.append(Problem(Code.COLUMN_SUMMARY, text, column=column, severity=Severity.WARNING))
    if blanks:
        out.append(Problem(Code.COLUMN_SUMMARY, f"blank cells: {', '.join(blanks)}", severity=Severity.INFO))
    return out
