"""What Excel hands a custom function, turned into the core's normal input, and back.

Excel talks to Python in three dialects. Office.js (xlwings Lite, xlwings
Server) sends ``None`` for empty cells, dates as serial numbers and errors as
``{"type": "Error", ...}`` objects. The classic Windows add-in sends whole
numbers as floats, real datetimes, and ``0`` or ``""`` where a formula points
at an empty cell. A range may arrive as a scalar, a 1-D list or a 2-D list.
This module is the one place that knows all that: every ``ICP_*`` function
hands its arguments to it and gets back a header plus rows for
:func:`icp_sheets.io.tables.table_from_values`, and turns core results back into
cell values. The model itself travels between cells as compact text
(:func:`model_to_cell` / :func:`model_from_cell`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from icp_sheets.core.models import IcpModel
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.values import FORMULA_STARTS, DateError, is_empty, parse_date, shown
from icp_sheets.io.tables import Table, find_column, table_from_values

ERROR_PREFIX = "#ICP!"
CELL_LIMIT = 32_767  # characters an Excel cell holds
MODEL_PREFIX = "ICP1"  # bump when the encoding changes; old cells then say "recalculate"
_ANY_MODEL_PREFIX = re.compile(r"^ICP\d+ ")
_MODEL_MARK = "#"  # separates the readable label from the payload (never in base64)
_MESSAGE_LIMIT = 250

Cells = tuple[tuple[Any, ...], ...]


class CellError(ValueError):
    """An argument Excel passed cannot be used; the message is shown in the cell."""


# ---------------------------------------------------------------- values in


# Windows reports error cells (#DIV/0!, #N/A, #NAME?, #NULL!, #NUM!, #REF!, #VALUE!) to raw COM
# readers as these CVErr codes; Excel's own numbers, never a plausible account value.
_COM_ERRORS = frozenset({-2146826281, -2146826246, -2146826259, -2146826288, -2146826252, -2146826265, -2146826273})


def cell(value: Any) -> Any:
    """One raw cell as the core expects it: error cells and empty cells become None.

    The functions take their ranges raw (xlwings' ``raw`` converter: no per-cell
    cleaning, which is what makes a 10,000-row block fast), so this handles what
    each runtime sends unconverted: Office.js rich values and Pyodide's ``JsNull``
    for empty cells, COM error codes on Windows. Empty or blank text stays as it
    is: every reader in the package already treats it as an empty cell.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return None if value in _COM_ERRORS else value
    if isinstance(value, dict):  # Office.js rich values: errors, formatted numbers, entities
        return None if value.get("type") == "Error" else cell(value.get("basicValue"))
    if type(value).__name__ == "JsNull":  # Pyodide >= 0.28: an empty cell inside an array argument
        return None
    return value


_PLAIN = frozenset({str, float, bool, type(None)})


def _row(values: Sequence[Any]) -> tuple[Any, ...]:
    """A row of cells; rows of plain text and numbers (nearly all of them) skip the per-cell look."""
    kinds = set(map(type, values))
    if kinds <= _PLAIN or (kinds <= _PLAIN | {int} and _COM_ERRORS.isdisjoint(values)):
        return tuple(values)
    return tuple(map(cell, values))


def grid(value: Any) -> Cells:
    """Any range argument as rows of clean cells: a scalar is one cell, a 1-D list one row.

    Tuples, so a block can key a cache: Excel recalculates often with unchanged ranges.
    """
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        return ((cell(value),),)
    if not value:
        return ()
    if not isinstance(value[0], list | tuple):
        return (_row(value),)
    return tuple(map(_row, value))


def column(value: Any) -> list[Any]:
    """A single cell, a row or a column of cells as a flat list (titles, as-of dates)."""
    rows = grid(value)
    if len(rows) > 1 and any(len(row) > 1 for row in rows):
        raise CellError(f"expected one column but got {len(rows)} rows × {max(map(len, rows))} columns")
    return [c for row in rows for c in row]


@dataclass(frozen=True)
class Block:
    """Account rows read from Excel: the table, and how many input rows it came from."""

    table: Table
    height: int

    @property
    def positions(self) -> np.ndarray:
        """Input row of each table row (blank input rows are not in the table)."""
        return self.table.rows - 2


def block(headers: Cells, rows: Cells | None, date_columns: Iterable[str] = ()) -> Block:
    """Accounts from ``(Accounts[#Headers], Accounts)``, or from one block when ``rows`` is None.

    Desktop Excel shows an empty date cell as 0 when a formula points at it, so
    0 in a ``date_columns`` column reads as blank.
    """
    if rows is None:
        if not headers:
            raise CellError("no header row; pass the table with its headers, e.g. Accounts[#All]")
        header, data = headers[0], headers[1:]
    else:
        if len(headers) != 1:
            raise CellError(f"headers must be one row, not {len(headers)}; pass the table's header row")
        header, data = headers[0], rows
        if data and len(data[0]) != len(header):
            raise CellError(
                f"{len(header)} headers but the rows are {len(data[0])} cells wide; "
                "pass the header row and the rows of the same columns"
            )
    wanted = list(date_columns)
    dates = [i for i, name in enumerate(header) if find_column(wanted, str(name)) is not None]
    if dates:
        data = tuple(_blank_zeros(row, dates) for row in data)
    return Block(table_from_values("Accounts", [header, *data]), height=len(data))


def _blank_zeros(row: tuple[Any, ...], positions: list[int]) -> tuple[Any, ...]:
    if not any(_is_zero(row[i]) for i in positions if i < len(row)):
        return row
    return tuple(None if i in positions and _is_zero(v) else v for i, v in enumerate(row))


def _is_zero(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 0


def as_of_day(value: Any) -> dt.date | None:
    """A single as-of date from a cell: a serial number, a datetime or ISO text; blank = default."""
    value = cell(value)
    if is_empty(value) or value == 0:
        return None
    try:
        return parse_date(value)
    except DateError as exc:
        raise CellError(f"as_of: {exc}") from None


def as_of_argument(value: Any, height: int, default: dt.date) -> dt.date | pd.Series | None:
    """The as_of argument: one date for every row (None when left blank), or a column with one
    date per row where blank cells take ``default``."""
    days = column(value)
    if len(days) <= 1:
        return as_of_day(days[0] if days else None)
    if len(days) != height:
        raise CellError(f"as_of has {len(days)} dates for {height} rows; give one date or one per row")
    return pd.Series([as_of_day(d) or default for d in days])


# ---------------------------------------------------------------- values out


def out(value: Any) -> Any:
    """A core result as a cell value: plain floats and text, blanks for missing numbers."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return "" if math.isnan(number) else number
    return value


# Text a script writes as a cell *value* is read by Excel as if typed: '=…', '+2 Employees…' or
# '@SUM(1)' would become formulas. (xlsx_cells has the same list but imports openpyxl,
# which the Pyodide path must not.)


def as_typed_value(value: Any) -> Any:
    """A result for a script that writes values: text that looks like a formula keeps a leading
    apostrophe, which Excel hides and which makes the cell text. Functions' results need none."""
    value = out(value)
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def spread(values: Sequence[Any], height: int, positions: Sequence[int] | np.ndarray | None = None) -> Any:
    """Results in input-row order: a scalar for one row, else one value per row (a spilled column).

    ``positions`` says which input row each value belongs to (blank input rows
    were dropped by the table reader); the rows in between stay blank.
    """
    column_values: list[Any] = [""] * height
    for position, value in zip(range(height) if positions is None else positions, values, strict=True):
        column_values[int(position)] = out(value)
    if height == 1:
        return column_values[0]
    return [[v] for v in column_values] or ""


def matrix(value: Any) -> list[list[Any]]:
    """A function's answer as the 2-D list Excel expects: one cell is ``[[value]]``."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return value
    return [[out(value)]]


def message(error: BaseException) -> str:
    """A short cell message such as ``#ICP! missing column 'Employees'``, never a traceback."""
    if isinstance(error, IcpError) and error.problems:
        text = _problems_text(error.problems)
    else:
        text = str(error) or type(error).__name__
    text = " ".join(text.split())
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
    return f"{ERROR_PREFIX} {text}"


def _problems_text(problems: Sequence[Problem]) -> str:
    missing = [p.column for p in problems if p.code is Code.MISSING_COLUMN and p.column]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        return f"missing column{'s' if len(missing) > 1 else ''} {names}"
    more = len(problems) - 1
    return str(problems[0]) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


# ---------------------------------------------------------------- the model in a cell


def model_to_cell(model: IcpModel) -> str:
    """Compact text of a validated model for one cell: readable label, then compressed JSON.

    ``ICP1 Example ICP v1.0 #eJy…``: the label shows which model the cell holds,
    the payload is zlib-compressed ``IcpModel.to_text()`` in URL-safe base64.
    """
    payload = base64.urlsafe_b64encode(zlib.compress(model.to_text().encode(), 9)).decode("ascii")
    label = " ".join(f"{model.settings.model_name} v{model.settings.model_version}".split())
    label = label.replace(_MODEL_MARK, "")[:80]
    text = f"{MODEL_PREFIX} {label} {_MODEL_MARK}{payload}"
    if len(text) > CELL_LIMIT:
        raise IcpError(
            Problem(
                Code.BAD_MODEL_TEXT,
                f"the model needs {len(text):,} characters but a cell "
                f"holds {CELL_LIMIT:,}; shorten the notes on the ICP tab",
            )
        )
    return text


def model_from_cell(value: Any) -> IcpModel:
    """The model an ``ICP_MODEL`` cell holds; parsed once per distinct text."""
    if isinstance(value, str) and value.startswith(ERROR_PREFIX):
        raise CellError(value[len(ERROR_PREFIX) :].strip())  # ICP_MODEL's own message, passed on
    if isinstance(value, str) and _ANY_MODEL_PREFIX.match(value) and not value.startswith(MODEL_PREFIX + " "):
        raise CellError("the model cell was made by another icp-sheets version; recalculate it (Ctrl+Alt+F9)")
    if not isinstance(value, str) or not value.startswith(MODEL_PREFIX + " "):
        raise CellError("no model: the first argument must be the cell holding =ICP_MODEL(…)")
    return _parse_model(value)


@functools.lru_cache(maxsize=16)
def _parse_model(text: str) -> IcpModel:
    try:
        payload = text.rsplit(_MODEL_MARK, 1)[1]
        return IcpModel.from_text(zlib.decompress(base64.urlsafe_b64decode(payload)).decode())
    except (IndexError, binascii.Error, zlib.error, UnicodeDecodeError, ValidationError, ValueError):
        raise IcpError(
            Problem(
                Code.BAD_MODEL_TEXT, f"the model cell ('{shown(text)}') is damaged; recalculate the =ICP_MODEL(…) cell"
            )
        ) from None
