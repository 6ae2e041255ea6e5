"""What Excel hands a custom function, turned into the core's normal input, and back.

Excel talks to Python in three dialects. Office.js (xlwings Lite, xlwings
Server) sends ``None`` for empty cells, dates as serial numbers and errors as
``{"type": "Error", ...}`` objects. The classic Windows add-in sends whole
numbers as floats, real datetimes, and ``0`` or ``""`` where a formula points
at an empty cell. A range may arrive as a scalar, a 1-D list or a 2-D list.
This module is the one place that knows all that: every ``ICP_*`` function
hands its arguments to it and gets back a header plus rows for
:func:`icp_sheets.io.tables.block_rows`, and turns core results back into
cell values. The model itself travels between cells as compact text
(:func:`model_to_cell` / :func:`model_from_cell`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from icp_sheets.core.models import IcpModel, Narrative
from icp_sheets.core.names import find_column, header_key
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.values import (
    DATE_SYSTEMS,
    FORMULA_STARTS,
    DateError,
    as_1900_serial,
    is_empty,
    parse_date,
    shown,
)
from icp_sheets.io.layout import SETTING_ROWS
from icp_sheets.io.tables import block_rows

ERROR_PREFIX = "#ICP!"
CELL_LIMIT = 32_767  # characters an Excel cell holds
MODEL_PREFIX = "ICP2"  # bump when the encoding changes; old cells then say "recalculate"
_ANY_MODEL_PREFIX = re.compile(r"^ICP\d+ ")
_MODEL_MARK = "#"  # separates the readable label from the payload (never in base64)
_MESSAGE_LIMIT = 250
# Recalculation advice that works on the desktop and in Excel on the web (which has no Ctrl+Alt+F9):
# entering a formula again always recalculates it.
RECALCULATE = "recalculate it: select the =ICP_MODEL(…) cell, press F2 then Enter"

Cells = tuple[tuple[Any, ...], ...]


class CellError(IcpError, ValueError):
    """An argument Excel passed cannot be used: the cell shows ``#VALUE!``, ICP_WHY the message."""

    code = Code.BAD_ARGUMENT


class MissingInput(CellError):
    """A required input is an error cell: the cell shows ``#N/A``, ICP_WHY the message."""

    code = Code.ERROR_INPUT


VALUE = "Value"  # Office.js errorType of #VALUE!
NOT_AVAILABLE = "NotAvailable"  # Office.js errorType of #N/A


@dataclass(frozen=True)
class Failure:
    """Why one answer cannot be given: the Excel error it shows (``kind``) and the reason ICP_WHY gives."""

    kind: str
    reason: str

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        return cls(NOT_AVAILABLE if isinstance(error, MissingInput) else VALUE, reason(error))

    def excel(self, office_js: bool) -> Any:
        """The error value for the cell. Office.js takes Excel's error object; the classic add-in's
        VBA wrapper cannot pass an error value on (xlwings issue #776), so it gets the reason as text."""
        if office_js:
            return {"type": "Error", "errorType": self.kind}
        return f"{ERROR_PREFIX} {self.reason}"

    def text(self) -> str:
        """What ICP_WHY shows instead of the error: the error and its reason."""
        return f"{'#N/A' if self.kind == NOT_AVAILABLE else '#VALUE!'}: {self.reason}"


# ---------------------------------------------------------------- values in


@dataclass(frozen=True)
class ErrorCell:
    """An input cell showing an Excel error (``#N/A`` from a failed lookup, ``#DIV/0!``…).

    Kept apart from blanks: a row whose scored columns hold one cannot be scored
    (its results are ``#N/A``), while one in a column the model ignores is harmless.
    """

    name: str = "#N/A"

    def __str__(self) -> str:
        return self.name


# Windows reports error cells to raw COM readers as these CVErr codes; Excel's own numbers,
# never a plausible account value.
_COM_ERROR_NAMES = {
    -2146826281: "#DIV/0!",
    -2146826246: "#N/A",
    -2146826259: "#NAME?",
    -2146826288: "#NULL!",
    -2146826252: "#NUM!",
    -2146826265: "#REF!",
    -2146826273: "#VALUE!",
}
_COM_ERRORS = frozenset(_COM_ERROR_NAMES)


def cell(value: Any) -> Any:
    """One raw cell as the core expects it: empty cells become None, error cells :class:`ErrorCell`.

    The functions take their ranges raw (xlwings' ``raw`` converter: no per-cell
    cleaning, which is what makes a 10,000-row block fast), so this handles what
    each runtime sends unconverted: Office.js rich values and Pyodide's ``JsNull``
    for empty cells, COM error codes on Windows. Empty or blank text stays as it
    is: every reader in the package already treats it as an empty cell.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return ErrorCell(_COM_ERROR_NAMES[value]) if value in _COM_ERRORS else value
    if isinstance(value, dict):  # Office.js rich values: errors, formatted numbers, entities
        if value.get("type") == "Error":
            return ErrorCell(str(value.get("basicValue") or "#" + str(value.get("errorType", "N/A"))))
        return cell(value.get("basicValue"))
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


def trim(value: Any) -> Any:
    """A raw range without its empty rows at the end: a whole-column argument (``A:K``) sends a
    million rows, and only the used ones should cost anything or spill."""
    if not isinstance(value, list | tuple) or not value or not isinstance(value[0], list | tuple):
        return value
    end = len(value)
    while end and is_blank_row(value[end - 1]):
        end -= 1
    return value[:end]


def is_blank_row(row: Sequence[Any]) -> bool:
    """True when no cell of a raw row holds anything (the count is C-fast for the usual None or '')."""
    if row.count(None) + row.count("") == len(row):
        return True
    return all(cell(c) is None or cell(c) == "" for c in row)


def split_table(headers: Cells, rows: Cells | None, carried: tuple[str, ...] | None = None) -> tuple[Cells, Cells]:
    """The header row and the account rows of ``(Accounts[#Headers], Accounts)``, of one block whose
    first row is the header (``rows`` left out), or of rows alone when the model cell carries the header."""
    if rows is None:
        if carried is not None and (not headers or tuple(map(str, headers[0])) != carried):
            return (carried,), headers
        if not headers:
            raise CellError("no header row; pass the table with its headers, e.g. Accounts[#All]")
        return headers[:1], headers[1:]
    if len(headers) != 1:
        raise CellError(f"headers must be one row, not {len(headers)}; pass the table's header row")
    return headers, rows


def check_width(header: tuple[Any, ...], rows: Cells) -> None:
    """Headers and rows must be the same columns."""
    if rows and len(rows[0]) != len(header):
        raise CellError(
            f"{len(header)} headers but the rows are {len(rows[0])} cells wide; "
            "pass the header row and the rows of the same columns"
        )


def date_system(value: Any) -> int:
    """ICP_MODEL's ``date_system`` argument: 1900 or 1904; left out or blank, 1900 (Excel's default).

    No runtime tells a function its workbook's date system (xlwings converts every serial with the
    1900 epoch, and a function sees only its arguments), so the formula says it, best as
    ``IF(DATE(1904,1,1)=0,1904,1900)``, which Excel itself evaluates.
    """
    cells = column(value)
    if len(cells) > 1:
        raise CellError(f"date_system is {len(cells)} cells; give one, 1900 or 1904")
    value = cells[0] if cells else None
    if isinstance(value, ErrorCell):
        raise CellError(f"date_system is {value}; give 1900 or 1904")
    if is_empty(value):
        return DATE_SYSTEMS[0]
    if isinstance(value, int | float) and not isinstance(value, bool) and value in DATE_SYSTEMS:
        return int(value)
    raise CellError(f"date_system is '{shown(value)}'; give 1900 or 1904, or IF(DATE(1904,1,1)=0,1904,1900)")


_DATE_SETTINGS = frozenset(header_key(s.label) for s in SETTING_ROWS if s.kind == "date")


def settings_in_1900(rows: Cells, system: int) -> Cells:
    """The Settings range with the serial numbers of its date rows (As-of date, Last reviewed) in the
    1900 system the model reader reads; rows are matched by label as the reader matches them."""
    if system == DATE_SYSTEMS[0] or not rows:
        return rows
    names = [str(h) for h in rows[0]]
    label, value = find_column(names, "Setting"), find_column(names, "Value")
    if label is None or value is None:
        return rows  # the model reader reports the missing column
    at, to = names.index(label), names.index(value)
    return (rows[0], *(_moved(r, to, system) if header_key(str(r[at])) in _DATE_SETTINGS else r for r in rows[1:]))


def _moved(row: tuple[Any, ...], at: int, system: int) -> tuple[Any, ...]:
    return tuple(as_1900_serial(v, system) if i == at else v for i, v in enumerate(row))


def account_rows(
    header: tuple[Any, ...], rows: Sequence[tuple[Any, ...]], date_columns: Iterable[str], system: int = 1900
) -> tuple[list[str], list[list[Any]], list[int]]:
    """Account rows as the table reader reads them (:func:`~icp_sheets.io.tables.block_rows`: headers,
    the rows that hold something, their sheet row numbers with the header as row 1), ready for
    ``core.scoring.score_rows``; error cells (in columns the model ignores) read as blank.

    ``date_columns`` are the headers the signal dates were found under. Desktop Excel
    shows an empty date cell as 0 when a formula points at it, so 0 there reads as
    blank; in a 1904-system workbook the plain day numbers there are moved to the
    1900 system (real dates, as the classic add-in gets date-formatted cells, stay).
    """
    dates = _date_positions(tuple(str(name) for name in header), tuple(date_columns))
    cleaned = [_blank_zeros(_no_errors(row), dates) for row in rows]
    if system != DATE_SYSTEMS[0]:
        cleaned = [tuple(as_1900_serial(v, system) if i in dates else v for i, v in enumerate(r)) for r in cleaned]
    return block_rows([list(header), *cleaned])


@functools.lru_cache(maxsize=64)
def _date_positions(header: tuple[str, ...], date_columns: tuple[str, ...]) -> list[int]:
    """Where the signal date columns are in this header row; Excel sends the same row call after call."""
    return [i for i, name in enumerate(header) if find_column(date_columns, name) is not None]


def _no_errors(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row with error cells blank; most rows have none, found by a C-level scan of the types."""
    if ErrorCell not in map(type, row):
        return row
    return tuple(None if isinstance(v, ErrorCell) else v for v in row)


def _blank_zeros(row: tuple[Any, ...], positions: list[int]) -> tuple[Any, ...]:
    if 0 not in [row[i] for i in positions if i < len(row)]:  # C-level ==; False == 0 too, sorted out below
        return row
    return tuple(None if i in positions and _is_zero(v) else v for i, v in enumerate(row))


def _is_zero(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 0


def as_of_day(value: Any, system: int = 1900) -> dt.date | None:
    """A single as-of date from a cell: a serial number, a datetime or ISO text; blank = default."""
    value = as_1900_serial(cell(value), system)
    if isinstance(value, ErrorCell):
        raise MissingInput(f"as_of is {value}; fix that cell or its formula")
    if is_empty(value) or value == 0:
        return None
    try:
        return parse_date(value)
    except DateError as exc:
        raise CellError(f"as_of: {exc}") from None


def as_of_days(value: Any, height: int, default: dt.date, system: int = 1900) -> list[dt.date]:
    """The as_of argument as one day per row: one date for every row, or a column with one date
    per row; blank cells (and a left-out argument) take ``default``."""
    days = column(value) if value is not None else []
    if len(days) > height and all(is_empty(cell(d)) for d in days[height:]):
        days = days[:height]  # a whole-column as_of: the rows were trimmed, trim it alike
    if len(days) <= 1:
        return [as_of_day(days[0] if days else None, system) or default] * height
    if len(days) != height:
        raise CellError(f"as_of has {len(days)} dates for {height} rows; give one date or one per row")
    return [as_of_day(d, system) or default for d in days]


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
# '@SUM(1)' would become formulas. (xlsx_cell_style has the same list but imports openpyxl,
# which the Pyodide path must not.)


def as_typed_value(value: Any) -> Any:
    """A result for a script that writes values: text that looks like a formula keeps a leading
    apostrophe, which Excel hides and which makes the cell text. Functions' results need none."""
    value = out(value)
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def answer(values: Sequence[Any], office_js: bool) -> Any:
    """Cells as Excel takes them: one value plain (the classic add-in's VBA must not get a 1×1 array,
    xlwings issue #456), a block as a column. Office.js functions are declared as returning a matrix,
    so there even one value is ``[[value]]``, which Excel shows as that one cell."""
    if len(values) == 1 and not office_js:
        return values[0]
    return [[v] for v in values] or ([[""]] if office_js else "")


def message(error: BaseException) -> str:
    """A short cell message such as ``#ICP! missing column 'Employees'``, never a traceback."""
    return f"{ERROR_PREFIX} {reason(error)}"


def reason(error: BaseException) -> str:
    """The reason for a failure in one line of at most 250 characters, never a traceback."""
    if isinstance(error, IcpError) and error.problems:
        text = _problems_text(error.problems)
    else:
        text = str(error) or type(error).__name__
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _problems_text(problems: Sequence[Problem]) -> str:
    missing = [p.column for p in problems if p.code is Code.MISSING_COLUMN and p.column]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        return f"missing column{'s' if len(missing) > 1 else ''} {names}"
    more = len(problems) - 1
    return str(problems[0]) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


# ---------------------------------------------------------------- the model in a cell


@dataclass(frozen=True)
class CellModel:
    """What a model cell holds: the model scoring needs and, optionally, the accounts' header row,
    so per-row formulas need not repeat ``Accounts[#Headers]``."""

    model: IcpModel
    headers: tuple[str, ...] | None = None
    date_system: int = DATE_SYSTEMS[0]  # the workbook's, as ICP_MODEL was told


def for_scoring(model: IcpModel) -> IcpModel:
    """The model without what scoring never reads (criteria notes, the narrative), so it fits a cell."""
    return model.model_copy(
        update={
            "criteria": tuple(c.model_copy(update={"note": ""}) for c in model.criteria),
            "settings": model.settings.model_copy(update={"narrative": Narrative()}),
        }
    )


def model_to_cell(model: IcpModel, headers: Sequence[str] | None = None, system: int = DATE_SYSTEMS[0]) -> str:
    """Compact text of a validated model for one cell: readable label, then compressed JSON.

    ``ICP2 Example ICP v1.0 #eJy…``: the label shows which model the cell holds,
    the payload is zlib-compressed JSON of the model for scoring (and the header row,
    when given) in URL-safe base64.
    """
    text = _cell_text(for_scoring(model), headers, system)
    if len(text) > CELL_LIMIT:
        raise IcpError(size_problem(model, headers, len(text)))
    return text


def _cell_text(model: IcpModel, headers: Sequence[str] | None, system: int = DATE_SYSTEMS[0]) -> str:
    parts = {"model": json.loads(model.to_text()), "headers": list(headers) if headers else None}
    envelope = json.dumps(parts if system == DATE_SYSTEMS[0] else {**parts, "date_system": system})
    payload = base64.urlsafe_b64encode(zlib.compress(envelope.encode(), 9)).decode("ascii")
    label = " ".join(f"{model.settings.model_name} v{model.settings.model_version}".split())
    label = label.replace(_MODEL_MARK, "")[:80]
    return f"{MODEL_PREFIX} {label} {_MODEL_MARK}{payload}"


def cell_size(model: IcpModel, headers: Sequence[str] | None = None) -> int:
    """Characters the model cell of this model takes (a cell holds 32,767)."""
    return len(_cell_text(for_scoring(model), headers))


def size_problem(model: IcpModel, headers: Sequence[str] | None, size: int) -> Problem:
    """The model is too big for a cell: say by how much and which parts are largest."""
    scoring = for_scoring(model)
    parts = {
        "persona angles (Personas tab)": sum(len(p.angle) for p in scoring.personas),
        "persona title keywords (Personas tab)": sum(len(" ".join(p.title_keywords)) for p in scoring.personas),
        "disqualification reasons (Anti-ICP tab)": sum(len(d.reason) for d in scoring.disqualifiers),
        "fit criteria (ICP tab)": sum(len(c.model_dump_json()) for c in scoring.criteria),
        "signals (Signals tab)": sum(len(s.model_dump_json()) for s in scoring.signals),
        "actions (Settings tab)": sum(len(a) for a in scoring.settings.actions.values()),
        "the header row": sum(len(h) for h in headers or ()),
    }
    largest = sorted(((n, part) for part, n in parts.items() if n), reverse=True)[:3]
    named = ", ".join(f"{part} {n:,}" for n, part in largest)
    return Problem(
        Code.MODEL_CELL_TOO_BIG,
        f"the model cell would need {size:,} characters but a cell holds {CELL_LIMIT:,}; "
        f"shorten the largest parts (characters before compression: {named})",
    )


def model_from_cell(value: Any) -> IcpModel:
    """The model an ``ICP_MODEL`` cell holds; parsed once per distinct text."""
    return read_model_cell(value).model


def read_model_cell(value: Any) -> CellModel:
    """The model and header row an ``ICP_MODEL`` cell holds; parsed once per distinct text."""
    value = cell(value)
    if isinstance(value, ErrorCell):
        raise CellError(f"the model cell shows {value}; ICP_WHY(ICP, …) or icp-sheets check tells why")
    if isinstance(value, str) and value.startswith(ERROR_PREFIX):
        raise CellError(value[len(ERROR_PREFIX) :].strip())  # ICP_MODEL's own message, passed on
    if isinstance(value, str) and _ANY_MODEL_PREFIX.match(value) and not value.startswith(MODEL_PREFIX + " "):
        raise CellError(f"the model cell was made by another icp-sheets version; {RECALCULATE}")
    if not isinstance(value, str) or not value.startswith(MODEL_PREFIX + " "):
        raise CellError("no model: the first argument must be the cell holding =ICP_MODEL(…)")
    return _parse_model(value)


@functools.lru_cache(maxsize=16)
def _parse_model(text: str) -> CellModel:
    try:
        payload = text.rsplit(_MODEL_MARK, 1)[1]
        envelope = json.loads(zlib.decompress(base64.urlsafe_b64decode(payload)).decode())
        headers = envelope.get("headers")
        model = IcpModel.model_validate(envelope["model"])
        system = int(envelope.get("date_system", DATE_SYSTEMS[0]))
        return CellModel(model, tuple(map(str, headers)) if headers else None, system)
    except (
        IndexError,
        KeyError,
        TypeError,
        binascii.Error,
        zlib.error,
        UnicodeDecodeError,
        ValidationError,
        ValueError,
    ):
        raise IcpError(
            Problem(Code.BAD_MODEL_TEXT, f"the model cell ('{shown(text)}') is damaged; {RECALCULATE}")
        ) from None
