"""Excel custom functions: ``=ICP_MODEL()``, ``=ICP_SCORE()`` and friends, for every xlwings runtime.

One module serves xlwings Lite (paste-in ``main.py`` imports it), the classic
Windows add-in (set as the UDF module, then *Import Functions*) and xlwings
Server. The decorators are xlwings' own, imported the documented way, so each
runtime registers the functions as it always does.

Each function converts values in (:mod:`icp_sheets.excel.values`), calls the
same core the command line calls (``read_model``, ``score_rows``: ``score`` without pandas,
``match_personas``) and converts results out. The model travels through a cell:
``ICP_MODEL`` returns its compact text and every other function takes that cell
as its first argument, so Excel recalculates every score when the ICP changes
and Office.js functions, which see only their own arguments, still have it.

Nothing here raises into Excel. A problem becomes a real Excel error in
Office.js (``#VALUE!`` for an unusable model or row, ``#N/A`` when a scored
input is an error cell), so IFERROR and ISERROR work, and ICP_WHY gives the
reason as text; a bad row in a block only spoils its own cell. The classic
add-in's VBA cannot return error values (xlwings issue #776), so there the
cell shows ``#ICP! reason``. One row answers with a plain value, a block with
a column. Results are cached per row (see :mod:`icp_sheets.excel.row_cache`),
so the nine result formulas of a row cost one scoring in any calculation
order. Importing this module pulls in nothing Pyodide cannot load.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from icp_sheets.core.column_formats import decided_by_values
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import RESULT_COLUMNS, SETTINGS
from icp_sheets.core.personas import match_personas
from icp_sheets.core.problems import IcpError
from icp_sheets.core.scoring import resolve_columns, score_rows
from icp_sheets.excel.formulas import MODEL_ARGUMENT_TABS, OPTIONAL_ARGUMENT_TABS
from icp_sheets.excel.row_cache import RowCache
from icp_sheets.excel.values import (
    CellError,
    Cells,
    ErrorCell,
    Failure,
    MissingInput,
    account_rows,
    answer,
    as_of_days,
    check_width,
    column,
    date_system,
    grid,
    is_blank_row,
    model_to_cell,
    out,
    read_model_cell,
    settings_in_1900,
    split_table,
    trim,
)
from icp_sheets.io.layout import TABS
from icp_sheets.io.model_reader import read_model
from icp_sheets.io.tables import table_from_values

try:
    from xlwings import arg, func, ret
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("the Excel functions need xlwings: python -m pip install xlwings") from exc

_F = TypeVar("_F", bound=Callable[..., Any])

# xlwings picks its decorators when imported: the Office.js ones (xlwings Lite, Server) or the classic
# add-in's. Office.js takes error objects and declares every result a matrix; the classic VBA takes neither.
OFFICE_JS = func.__module__.endswith("udfs_officejs")
_RAW = "raw"  # ranges arrive unconverted; excel.values reads every runtime's cells in one place
MODEL_DOC = "The cell holding =ICP_MODEL(…), usually the name ICP"
_MODEL_ARGS: dict[str, dict[str, Any]] = {
    "criteria": {"convert": _RAW, "doc": "The ICP tab's range with its header row (Column, Condition, Points, …)"},
    "anti_icp": {"convert": _RAW, "doc": "The Anti-ICP tab's range with its header row"},
    "signals": {"convert": _RAW, "doc": "The Signals tab's range with its header row"},
    "settings": {"convert": _RAW, "doc": "The Settings tab's range with its header row (Setting, Value)"},
    "personas": {"convert": _RAW, "doc": "Optional: the Personas tab's range with its header row"},
    "headers": {
        "convert": _RAW,
        "doc": "Optional: the accounts' header row (Accounts[#Headers]), so row formulas need only the row",
    },
    "date_system": {
        "convert": _RAW,
        "doc": "Optional: the workbook's date system, 1900 (default) or 1904; "
        "IF(DATE(1904,1,1)=0,1904,1900) lets Excel say it",
    },
    "columns": {"convert": _RAW, "doc": "Optional: the Columns tab's range with its header row"},
    "grades": {"convert": _RAW, "doc": "Optional: the Grades tab's range with its header row (your own tiers)"},
    "matrix": {"convert": _RAW, "doc": "Optional: the Matrix tab's range with its header row"},
    "overrides": {"convert": _RAW, "doc": "Optional: the Override tab's range with its header row"},
}
_ACCOUNT_ARGS: dict[str, dict[str, Any]] = {
    "model": {"convert": _RAW, "doc": MODEL_DOC},
    "headers": {
        "convert": _RAW,
        "doc": "The accounts' header row (Accounts[#Headers]) or the whole table with headers; "
        "or just the rows when ICP_MODEL was given the header row",
    },
    "rows": {
        "convert": _RAW,
        "doc": "One account row (Accounts[@]) or many (Accounts); leave out when headers holds the whole table",
    },
    "as_of": {
        "convert": _RAW,
        "doc": "Day signals count back from, or one per row (TODAY() for live scores); "
        "blank = the model's as-of date, else today",
    },
}
_CONTACT_ARGS: dict[str, dict[str, Any]] = {
    "model": {"convert": _RAW, "doc": MODEL_DOC},
    "title": {"convert": _RAW, "doc": "A job title, or a column of them"},
    "department": {"convert": _RAW, "doc": "Optional: the department, or a column of them"},
    "seniority": {"convert": _RAW, "doc": "Optional: the seniority, or a column of them"},
}


def _arguments(options: dict[str, dict[str, Any]], *, why: bool = False) -> Callable[[_F], _F]:
    """xlwings' ``@arg`` for each argument (shared options written once) and ``@ret("raw")``,
    around a wrapper that shapes the answer for the runtime (:func:`answer`) and turns any
    failure into an Excel error (or, for ICP_WHY, its reason): Excel must never show a traceback."""

    def decorate(function: _F) -> _F:
        @functools.wraps(function)
        def cell_safe(*args: Any) -> Any:
            try:
                values = function(*args)
            except Exception as exc:  # the front-end boundary: every error becomes an Excel error
                values = [Failure.of(exc)]
            return answer([_shown(v, why) for v in values], OFFICE_JS)

        # Resolved once here: xlwings asks for the type hints on every call, and as this module's
        # annotations are text, each call would compile them again (about 5% of an edited row).
        cell_safe.__annotations__ = typing.get_type_hints(function)
        for name, settings in options.items():
            cell_safe = arg(name, **settings)(cell_safe)
        return ret(_RAW)(cell_safe)  # type: ignore[return-value]

    return decorate


def _shown(value: Any, why: bool) -> Any:
    if isinstance(value, Failure):
        return value.text() if why else value.excel(OFFICE_JS)
    return out(value)


# ---------------------------------------------------------------- the model


def model_from_ranges(
    *tabs: Any, headers: Any = None, dates: Any = None, optional: Sequence[Any] = ()
) -> tuple[IcpModel, str]:
    """Read the model tabs' ranges (criteria, anti_icp, signals, settings and, optionally, personas;
    each with its header row) as the CLI reads the tabs; ``optional`` holds the Columns, Grades,
    Matrix and Override ranges, in that order, any of them None or blank for a workbook without it.

    Returns the model and its cell text, cached per distinct range contents so
    Excel's recalculations cost a hash lookup. Without personas the model has none.
    ``dates`` is the workbook's date system (1900 or 1904), which the cell carries.
    """
    system = date_system(dates)
    if not 4 <= len(tabs) <= len(MODEL_ARGUMENT_TABS):
        raise CellError(
            f"expected the {len(MODEL_ARGUMENT_TABS)} model tabs' ranges, personas optional, not {len(tabs)}"
        )
    grids = {tab: grid(values) for tab, values in itertools.zip_longest(MODEL_ARGUMENT_TABS, tabs)}
    if len(optional) > len(OPTIONAL_ARGUMENT_TABS):
        raise CellError(f"expected at most {len(OPTIONAL_ARGUMENT_TABS)} optional tabs' ranges, not {len(optional)}")
    for tab, values in zip(OPTIONAL_ARGUMENT_TABS, optional, strict=False):
        block = grid(values)
        if not all(is_blank_row(row) for row in block):  # left out, or a blank argument: no such tab
            grids[tab] = block
    grids[SETTINGS] = settings_in_1900(grids[SETTINGS], system)
    header_row = column(headers) if headers is not None else None
    carried = tuple(str(h) for h in header_row if h is not None) if header_row else None
    return _read_model_cached(tuple(grids.items()), carried, system)


@functools.lru_cache(maxsize=8)
def _read_model_cached(
    blocks: tuple[tuple[str, Cells], ...], headers: tuple[str, ...] | None, system: int
) -> tuple[IcpModel, str]:
    tables = {
        tab: table_from_values(tab, [[_as_text(c) for c in row] for row in values] or [TABS[tab].headers])
        for tab, values in blocks
    }
    model, _warnings = read_model(tables)
    return model, model_to_cell(model, headers, system)


def _as_text(value: Any) -> Any:
    """An error cell in a model tab reads as its text (``#N/A``), which the model reader reports."""
    return str(value) if isinstance(value, ErrorCell) else value


@func
@_arguments(_MODEL_ARGS)
def icp_model(
    criteria: Any,
    anti_icp: Any,
    signals: Any,
    settings: Any,
    personas: Any = None,
    headers: Any = None,
    date_system: Any = None,
    columns: Any = None,
    grades: Any = None,
    matrix: Any = None,
    overrides: Any = None,
) -> list[Any]:
    """The validated ICP model as one cell of text; every other ICP_ function takes this cell first."""
    try:
        text = model_from_ranges(
            criteria,
            anti_icp,
            signals,
            settings,
            personas,
            headers=headers,
            dates=date_system,
            optional=(columns, grades, matrix, overrides),
        )[1]
    except Exception as exc:
        _model_problem[0] = Failure.of(exc).reason
        raise
    _model_problem[0] = None
    return [text]


# The last reason ICP_MODEL failed: the error value it returns cannot carry it, so ICP_WHY, handed that
# error as its model, tells it from here.
_model_problem: list[str | None] = [None]


# ---------------------------------------------------------------- accounts

CACHE = RowCache()


@dataclass(frozen=True)
class Scored:
    """One result tuple (in RESULT_COLUMNS order), a Failure or None (a blank row) per input row."""

    rows: tuple[tuple[Any, ...] | Failure | None, ...]

    def column(self, name: str) -> list[Any]:
        """One result column, one value per input row: a Failure stays a Failure, blank rows ''."""
        index = RESULT_COLUMNS.index(name)
        return [r if isinstance(r, Failure) else ("" if r is None else r[index]) for r in self.rows]


def results(model: Any, headers: Any, rows: Any = None, as_of: Any = None, today: dt.date | None = None) -> Scored:
    """Score what Excel passed, row by row through the cache; only rows not seen before are scored,
    all of them in one call to the core. The day is part of each key, so a model without an as-of
    date counting from ``today`` is never stale after midnight. Rows holding text their column
    decides how to read (``03/04/2026``, ``1.200``) are read with this call's other rows, so the
    call scores all its rows and caches none: the answer never depends on what Excel calculated first."""
    carried = read_model_cell(model)
    icp = carried.model
    header, data = split_table(grid(trim(headers)), None if rows is None else grid(trim(rows)), carried.headers)
    header_row = header[0]
    check_width(header_row, data)
    used = resolve_columns(icp, header_row)  # a missing column fails the whole call
    scored_at = [i for i, name in enumerate(header_row) if str(name) in used.values()]
    days = as_of_days(as_of, len(data), icp.settings.as_of or today or dt.date.today(), carried.date_system)
    answers: list[tuple[Any, ...] | Failure | None] = [None] * len(data)
    todo: list[int] = []
    shared = _read_together(icp, header_row, data, used)
    for i, row in enumerate(data):
        if is_blank_row(row):
            continue
        if ErrorCell in map(type, row):  # a C-level scan; most rows hold no error cell
            broken = next((header_row[c] for c in scored_at if isinstance(row[c], ErrorCell)), None)
            if broken is not None:
                answers[i] = _error_cell(broken, row[header_row.index(broken)])
                continue
        found = None if shared else CACHE.get((model, header_row, row, days[i]))
        if found is None:
            todo.append(i)
        else:
            answers[i] = found
    if todo:
        dates = _Dates([used[s.date_column] for s in icp.signals if s.date_column in used], carried.date_system)
        fresh = _score_rows(icp, header_row, [data[i] for i in todo], [days[i] for i in todo], dates)
        for i, result in zip(todo, fresh, strict=True):
            answers[i] = result
            if not (shared or isinstance(result, Failure)):
                CACHE.put((model, header_row, data[i], days[i]), data[i], result)
    return Scored(tuple(answers))


def _read_together(model: IcpModel, header: tuple[Any, ...], data: Cells, used: dict[str, str]) -> bool:
    """Whether a scored column of these rows holds text the column decides how to read (its Format,
    looked up only for such text, can settle it)."""
    first = {str(h): i for i, h in reversed(list(enumerate(header)))}
    for name, found in used.items():
        values = [row[first[found]] for row in data]
        if decided_by_values(values, None) and decided_by_values(values, model.column(name).read_as):
            return True
    return False


def _error_cell(header: Any, value: ErrorCell) -> Failure:
    return Failure.of(MissingInput(f"'{header}' is {value} in this row; fix that cell or the formula behind it"))


@dataclass(frozen=True)
class _Dates:
    """Where the day numbers are: the headers the signal date columns were found under (by name,
    'Also called' or a vendor's name) and the workbook's date system."""

    headers: list[str]
    system: int


def _score_rows(
    model: IcpModel,
    header: tuple[Any, ...],
    rows: Sequence[tuple[Any, ...]],
    days: list[dt.date],
    dates: _Dates,
    alone: bool = False,
) -> list[tuple[Any, ...] | Failure]:
    """The core's results for these rows, in order. If something unexpected breaks the block,
    score row by row so only the row that breaks fails. Whole-block problems still raise."""
    headers, cleaned, sheet_rows = account_rows(header, rows, dates.headers, dates.system)
    positions = [r - 2 for r in sheet_rows]
    found: list[tuple[Any, ...] | Failure] = [tuple("" for _ in RESULT_COLUMNS)] * len(rows)
    if not positions:
        return found
    on = [days[p] for p in positions]
    try:
        fresh = score_rows(model, headers, cleaned, on[0] if len(set(on)) == 1 else on)
    except IcpError:
        raise
    except Exception:
        if alone:
            raise
        return [_score_one(model, header, row, d, dates) for row, d in zip(rows, days, strict=True)]
    for position, result in zip(positions, fresh, strict=True):
        found[position] = result
    return found


def _score_one(model: IcpModel, header: tuple[Any, ...], row: tuple[Any, ...], day: dt.date, dates: _Dates) -> Any:
    try:
        return _score_rows(model, header, [row], [day], dates, alone=True)[0]
    except Exception as exc:  # this row alone is broken
        return Failure.of(exc)


def _result(name: str, model: Any, headers: Any, rows: Any, as_of: Any) -> list[Any]:
    return results(model, headers, rows, as_of).column(name) or [""]


@func
@_arguments(_ACCOUNT_ARGS)
def icp_score(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """Total score (fit + timing) of each account row."""
    return _result("icp_score", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_fit(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """Fit points from the ICP tab for each account row."""
    return _result("icp_fit", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_timing(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """Timing points from the Signals tab for each account row, after decay."""
    return _result("icp_timing", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_tier(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """Tier of each account row (e.g. Pursue, Nurture, Disqualified)."""
    return _result("icp_tier", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_priority(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """Priority of each account row: fit tier + timing tier (e.g. A1), or DQ."""
    return _result("icp_priority", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_dq(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """Why each account row is disqualified; empty when it is not."""
    return _result("icp_dq", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS, why=True)
def icp_why(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """What decided each account row's score (disqualification, timing, then fit, largest points first);
    or why that row has an error."""
    if isinstance(read_model_error(model), str):
        return [read_model_error(model)]
    return _result("icp_why", model, headers, rows, as_of)


def read_model_error(model: Any) -> str | None:
    """When the model cell is an error: the reason ICP_MODEL last gave, for ICP_WHY to show."""
    try:
        read_model_cell(model)
    except Exception as exc:
        last = _model_problem[0]
        return Failure.of(exc).text() + (f" (ICP_MODEL said: {last})" if last else "")
    return None


@func
@_arguments(_ACCOUNT_ARGS)
def icp_action(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """What to do next with each account row, from the priority matrix in Settings."""
    return _result("icp_action", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_data_gaps(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> list[Any]:
    """Cells of each account row that were blank or unreadable, and rules that counted for nothing."""
    return _result("icp_data_gaps", model, headers, rows, as_of)


# ---------------------------------------------------------------- contacts


def persona_results(model: Any, title: Any, department: Any = None, seniority: Any = None) -> pd.DataFrame:
    """Persona, role and angle for each title (with department and seniority where given)."""
    icp = read_model_cell(model).model
    titles = column(trim(title))
    contacts = pd.DataFrame(
        {
            "Title": [None if isinstance(t, ErrorCell) else t for t in titles],
            "Department": _alongside(department, len(titles), "department"),
            "Seniority": _alongside(seniority, len(titles), "seniority"),
        }
    )
    found = match_personas(icp, contacts)
    errors = [isinstance(t, ErrorCell) for t in titles]
    for name in found.columns:
        found[name] = [
            _error_cell("Title", t) if broken else v for t, v, broken in zip(titles, found[name], errors, strict=True)
        ]
    return found


def _alongside(value: Any, height: int, name: str) -> list[Any]:
    values = [None if isinstance(v, ErrorCell) else v for v in column(trim(value))]
    if len(values) <= 1:
        return (values or [None]) * height
    if len(values) != height:
        raise CellError(f"{name} has {len(values)} cells for {height} titles; give one or one per title")
    return values


def _persona(name: str, model: Any, title: Any, department: Any, seniority: Any) -> list[Any]:
    return persona_results(model, title, department, seniority)[name].tolist() or [""]


@func
@_arguments(_CONTACT_ARGS)
def icp_persona(model: Any, title: Any, department: Any = None, seniority: Any = None) -> list[Any]:
    """The persona a contact's job title matches best; empty when none does."""
    return _persona("icp_persona", model, title, department, seniority)


@func
@_arguments(_CONTACT_ARGS)
def icp_role(model: Any, title: Any, department: Any = None, seniority: Any = None) -> list[Any]:
    """The matched persona's part in the deal (economic buyer, champion, …)."""
    return _persona("icp_role", model, title, department, seniority)


@func
@_arguments(_CONTACT_ARGS)
def icp_angle(model: Any, title: Any, department: Any = None, seniority: Any = None) -> list[Any]:
    """How to open the conversation with the matched persona."""
    return _persona("icp_angle", model, title, department, seniority)
