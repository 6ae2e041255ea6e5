"""How one column writes its dates and decimals, decided once from the column's own values.

A single cell cannot say whether ``03/04/2026`` is 3 April or 4 March, or whether ``1.200`` is
twelve hundred; its column usually can: one ``25/03/2026`` proves day/month for every date in
it, one ``12,5`` proves decimal commas. The Columns tab's Format decides when set. What stays
open is said once per column, never once per cell: an ambiguous date column leaves those dates
unread and says how to set Format; an ambiguous decimal column is read with a decimal point
and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from icp_sheets.core.formats import ReadAs
from icp_sheets.core.problems import Code, Problem, Severity

_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")
# A comma that is not a thousands separator (not followed by exactly three digits), or a comma
# after dot-grouped thousands: only a decimal comma writes that.
_COMMA_PROOF = re.compile(r"\d,(?:\d{1,2}|\d{4,})(?!\d)|\d\.\d{3},\d|\d\.\d{3}\.\d{3}")
# The same for a decimal point: '12.5', '1,250.5', '1,200,000'.
_POINT_PROOF = re.compile(r"\d\.(?:\d{1,2}|\d{4,})(?!\d)|\d,\d{3}\.\d|\d,\d{3},\d{3}")
_DOT_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}\.\d{3}(?![\d.,])")  # '1.200': 1.2 or 1200?
_EXAMPLES = 3


@dataclass(frozen=True)
class Decision:
    """How a column is read, and the one note that says what its values left open (or None)."""

    value: bool | None
    note: Problem | None = None


Decider = Callable[[str, Iterable[object], ReadAs | None], Decision]


def _texts(values: Iterable[object]) -> list[str]:
    return [v for v in values if isinstance(v, str)]


def _format(texts: Iterable[str], *, limit: int = _EXAMPLES) -> str:
    return ", ".join(f"'{t.strip()}'" for t in list(texts)[:limit])


def decided_by_values(values: Iterable[object], read_as: ReadAs | None) -> bool:
    """Whether the column's values hold text whose reading the column decides (a d/m/y date, a
    number written with a comma or dots) while Format leaves it open: then a row's results can
    depend on the rows scored with it, so a per-row cache must not mix them."""
    if read_as is not None:
        return False
    patterns = (_NUMERIC_DATE, _COMMA_PROOF, _POINT_PROOF, _DOT_THOUSANDS)
    return any(p.search(t) for t in set(_texts(values)) for p in patterns)


def day_first(column: str, values: Iterable[object], read_as: ReadAs | None) -> Decision:
    """True for day/month, False for month/day, None when the column leaves it open."""
    if read_as is ReadAs.DAY_MONTH:
        return Decision(True)
    if read_as is ReadAs.MONTH_DAY:
        return Decision(False)
    dates = [(t, m) for t in _texts(values) if (m := _NUMERIC_DATE.match(t))]
    days_first = [t for t, m in dates if int(m.group(1)) > 12]
    months_first = [t for t, m in dates if int(m.group(2)) > 12]
    if days_first and not months_first:
        return Decision(True)
    if months_first and not days_first:
        return Decision(False)
    open_ = [t for t, m in dates if m.group(1) != m.group(2) and max(int(m.group(1)), int(m.group(2))) <= 12]
    if days_first and months_first:
        return Decision(
            None,
            _note(
                column,
                f"mixes day/month dates ({_format(days_first, limit=1)}) and month/day dates "
                f"({_format(months_first, limit=1)}); dates that could be either, such as {_format(open_)}, "
                "are left unread; fix the export, or set Format",
                open_,
            ),
        )
    if not open_:
        return Decision(None)
    return Decision(
        None,
        _note(
            column,
            f"dates such as {_format(open_)} could be day/month or month/day, and no date in the "
            "column says which (none has a day above 12); they are left unread. Set Format to 'day/month' "
            f"or 'month/day' for '{column}' on the Columns tab",
            open_,
        ),
    )


def decimal_comma(column: str, values: Iterable[object], read_as: ReadAs | None) -> Decision:
    """True when the column writes decimal commas (``1.250,5``, ``12,5``), else False."""
    if read_as is ReadAs.DECIMAL_COMMA:
        return Decision(True)
    if read_as is ReadAs.DECIMAL_POINT:
        return Decision(False)
    texts = _texts(values)
    commas = [t for t in texts if _COMMA_PROOF.search(t)]
    points = [t for t in texts if _POINT_PROOF.search(t)]
    if commas and not points:
        return Decision(True)
    if commas and points:
        message = (
            f"mixes decimal commas ({_format(commas, limit=1)}) and decimal points ({_format(points, limit=1)}); "
            f"read with a decimal point, so {_format(commas, limit=1)} is unreadable. Set Format to "
            f"'decimal comma' or 'decimal point' for '{column}' on the Columns tab"
        )
        return Decision(False, _note(column, message, commas))
    open_ = [t for t in texts if _DOT_THOUSANDS.search(t)]
    if points or not open_:
        return Decision(False)
    message = (
        f"numbers such as {_format(open_)} could have a decimal point or thousands dots, "
        f"and no number in the column says which; read with a decimal point ('{open_[0].strip()}' is "
        f"{_with_point(open_[0])}). If the export writes decimal commas, set Format to 'decimal comma' "
        f"for '{column}' on the Columns tab"
    )
    return Decision(False, _note(column, message, open_))


def _with_point(text: str) -> str:
    match = _DOT_THOUSANDS.search(text)
    return f"{float(match.group()):g}" if match else text


def _note(column: str, message: str, values: list[str]) -> Problem:
    return Problem(
        Code.AMBIGUOUS_FORMAT,
        message,
        column=column,
        value=values[0] if values else None,
        severity=Severity.WARNING,
    )


def locale_reading(values: Iterable[object], *, day_first_locale: bool, comma_locale: bool) -> ReadAs | None:
    """The Format a spreadsheet's locale stands in for, when the column's own values leave it open.

    A spreadsheet in a day/month locale writes ``04/11/2026`` as 4 November; a column whose dates
    never say (no day above 12) is read that way instead of being left unread, and ``1.200`` with
    nothing to tell thousands dots from a decimal point is read as the locale writes numbers.
    What the column's values prove still wins: this answers only when :func:`day_first` or
    :func:`decimal_comma` would leave it open. None: nothing is open, or the locale cannot say.
    """
    texts = _texts(values)
    dates = [m for t in texts if (m := _NUMERIC_DATE.match(t))]
    if dates and not any(int(m.group(1)) > 12 or int(m.group(2)) > 12 for m in dates):
        return ReadAs.DAY_MONTH if day_first_locale else ReadAs.MONTH_DAY
    if any(_COMMA_PROOF.search(t) or _POINT_PROOF.search(t) for t in texts):
        return None
    if any(_DOT_THOUSANDS.search(t) for t in texts):
        return ReadAs.DECIMAL_COMMA if comma_locale else ReadAs.DECIMAL_POINT
    return None
