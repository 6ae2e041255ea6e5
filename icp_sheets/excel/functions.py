"""Excel custom functions: ``=ICP_MODEL()``, ``=ICP_SCORE()`` and friends, for every xlwings runtime.

One module serves xlwings Lite (paste-in ``main.py`` imports it), the classic
Windows add-in (set as the UDF module, then *Import Functions*) and xlwings
Server. The decorators are xlwings' own, imported the documented way, so each
runtime registers the functions as it always does.

Each function converts values in (:mod:`icp_sheets.excel.values`), calls the
same core the command line calls (``read_model``, ``score``,
``match_personas``) and converts results out. The model travels through a cell:
``ICP_MODEL`` returns its compact text and every other function takes that cell
as its first argument, so Excel recalculates every score when the ICP changes
and Office.js functions, which see only their own arguments, still have it.

Nothing here raises into Excel: a problem becomes a short ``#ICP! …`` message
in the cell, and a bad row in a block only spoils its own cell. Importing this
module pulls in nothing Pyodide cannot load (no openpyxl, calamine, click, rich).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

from icp_sheets.core.models import IcpModel
from icp_sheets.core.personas import match_personas
from icp_sheets.core.problems import IcpError
from icp_sheets.core.scoring import score
from icp_sheets.excel.values import (
    Block,
    CellError,
    Cells,
    as_of_argument,
    block,
    column,
    grid,
    matrix,
    message,
    model_from_cell,
    model_to_cell,
    spread,
)
from icp_sheets.io.layout import ANTI_ICP, ICP, PERSONAS, RESULT_COLUMNS, SETTINGS, SIGNALS, TABS
from icp_sheets.io.model_reader import read_model
from icp_sheets.io.tables import table_from_values

try:
    from xlwings import arg, func, ret
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("the Excel functions need xlwings: python -m pip install xlwings") from exc

_F = TypeVar("_F", bound=Callable[..., Any])

_RAW = "raw"  # ranges arrive unconverted; excel.values reads every runtime's cells in one place
MODEL_DOC = "The cell holding =ICP_MODEL(…), usually the name ICP"
_MODEL_ARGS: dict[str, dict[str, Any]] = {
    "criteria": {"convert": _RAW, "doc": "The ICP tab's range with its header row (Column, Condition, Points, …)"},
    "anti_icp": {"convert": _RAW, "doc": "The Anti-ICP tab's range with its header row"},
    "signals": {"convert": _RAW, "doc": "The Signals tab's range with its header row"},
    "settings": {"convert": _RAW, "doc": "The Settings tab's range with its header row (Setting, Value)"},
    "personas": {"convert": _RAW, "doc": "Optional: the Personas tab's range with its header row"},
}
_ACCOUNT_ARGS: dict[str, dict[str, Any]] = {
    "model": {"doc": MODEL_DOC},
    "headers": {
        "convert": _RAW,
        "doc": "The accounts' header row, e.g. Accounts[#Headers]; "
        "or the whole table with headers when rows is left out",
    },
    "rows": {
        "convert": _RAW,
        "doc": "One account row (Accounts[@]) or many (Accounts); leave out when headers holds the whole table",
    },
    "as_of": {
        "convert": _RAW,
        "doc": "Day signals count back from, or one per row; blank = the model's as-of date, else today",
    },
}
_CONTACT_ARGS: dict[str, dict[str, Any]] = {
    "model": {"doc": MODEL_DOC},
    "title": {"convert": _RAW, "doc": "A job title, or a column of them"},
    "department": {"convert": _RAW, "doc": "Optional: the department, or a column of them"},
    "seniority": {"convert": _RAW, "doc": "Optional: the seniority, or a column of them"},
}


def _arguments(options: dict[str, dict[str, Any]]) -> Callable[[_F], _F]:
    """xlwings' ``@arg`` for each argument (shared options written once) and ``@ret("raw")``,
    around a wrapper that always answers with a 2-D list of plain cell values (what Excel takes
    unconverted, so a 10,000-row result needs no per-cell pass) and turns any failure into a
    ``#ICP!`` message: Excel must never show a traceback."""

    def decorate(function: _F) -> _F:
        @functools.wraps(function)
        def cell_safe(*args: Any) -> Any:
            try:
                return matrix(function(*args))
            except Exception as exc:  # the front-end boundary: every error becomes a cell message
                return matrix(message(exc))

        for name, settings in options.items():
            cell_safe = arg(name, **settings)(cell_safe)
        return ret(_RAW)(cell_safe)  # type: ignore[return-value]

    return decorate


# ---------------------------------------------------------------- the model


def model_from_ranges(
    criteria: Any, anti_icp: Any, signals: Any, settings: Any, personas: Any = None
) -> tuple[IcpModel, str]:
    """Read the model tabs' ranges (each with its header row) as the CLI reads the tabs.

    Returns the model and its cell text, cached per distinct range contents so
    Excel's recalculations cost a hash lookup. Without personas the model has none.
    """
    blocks = {ICP: criteria, ANTI_ICP: anti_icp, SIGNALS: signals, SETTINGS: settings, PERSONAS: personas}
    return _read_model_cached(tuple((tab, grid(values)) for tab, values in blocks.items()))


@functools.lru_cache(maxsize=8)
def _read_model_cached(blocks: tuple[tuple[str, Cells], ...]) -> tuple[IcpModel, str]:
    tables = {
        tab: table_from_values(tab, [list(row) for row in values] or [TABS[tab].headers]) for tab, values in blocks
    }
    model, _warnings = read_model(tables)
    return model, model_to_cell(model)


@func
@_arguments(_MODEL_ARGS)
def icp_model(criteria: Any, anti_icp: Any, signals: Any, settings: Any, personas: Any = None) -> str:
    """The validated ICP model as one cell of text; every other ICP_ function takes this cell first."""
    return model_from_ranges(criteria, anti_icp, signals, settings, personas)[1]


# ---------------------------------------------------------------- accounts


def results(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> tuple[pd.DataFrame, Block]:
    """Score what Excel passed: the core's result frame and the block it came from.

    Cached by content: the eight result formulas of a row (or of a spilled block)
    share one scoring, and an unchanged block recalculates for the price of a hash.
    """
    model_from_cell(model)  # a bad model cell is reported before anything is read
    return _scored(model, grid(headers), None if rows is None else grid(rows), grid(as_of), dt.date.today())


@functools.lru_cache(maxsize=32)
def _scored(model: str, headers: Cells, rows: Cells | None, as_of: Cells, today: dt.date) -> tuple[pd.DataFrame, Block]:
    """``today`` is part of the cache key: a model without an as-of date counts from today."""
    icp = model_from_cell(model)
    accounts = block(headers, rows, [s.date_column for s in icp.signals])
    frame = accounts.table.frame
    default = icp.settings.as_of or today
    day = as_of_argument(as_of, accounts.height, default)
    if day is None:
        day = default
    elif isinstance(day, pd.Series):
        day = pd.Series(day.to_numpy()[accounts.positions], index=frame.index)
    return _score_each_row_safely(icp, frame, day), accounts


def _score_each_row_safely(model: IcpModel, frame: pd.DataFrame, day: Any) -> pd.DataFrame:
    """Score the block in one call; if something unexpected breaks it, score row by row so
    only the row that breaks shows a message. Whole-block problems (a missing column) still raise."""
    try:
        return score(model, frame, day)
    except IcpError:
        raise
    except Exception:
        return pd.concat(
            [
                _score_one(model, frame.iloc[[i]], day.iloc[[i]] if isinstance(day, pd.Series) else day)
                for i in range(len(frame))
            ]
        )


def _score_one(model: IcpModel, row: pd.DataFrame, day: Any) -> pd.DataFrame:
    try:
        return score(model, row, day)
    except Exception as exc:  # this row alone is broken: say why in every result column
        return pd.DataFrame({name: [message(exc)] for name in RESULT_COLUMNS}, index=row.index)


def _result(name: str, model: Any, headers: Any, rows: Any, as_of: Any) -> Any:
    frame, accounts = results(model, headers, rows, as_of)
    return spread(frame[name].tolist(), accounts.height, accounts.positions)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_score(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> Any:
    """Total score (fit + timing) of each account row."""
    return _result("icp_score", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_fit(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> Any:
    """Fit points from the ICP tab for each account row."""
    return _result("icp_fit", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_timing(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> Any:
    """Timing points from the Signals tab for each account row, after decay."""
    return _result("icp_timing", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_tier(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> Any:
    """Tier of each account row (e.g. Pursue, Nurture, Disqualified)."""
    return _result("icp_tier", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_priority(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> Any:
    """Priority of each account row: fit tier + timing tier (e.g. A1), or DQ."""
    return _result("icp_priority", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_dq(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> Any:
    """Why each account row is disqualified; empty when it is not."""
    return _result("icp_dq", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_why(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> Any:
    """Every rule that counted for each account row, with its points."""
    return _result("icp_why", model, headers, rows, as_of)


@func
@_arguments(_ACCOUNT_ARGS)
def icp_action(model: Any, headers: Any, rows: Any = None, as_of: Any = None) -> Any:
    """What to do next with each account row, from the priority matrix in Settings."""
    return _result("icp_action", model, headers, rows, as_of)


# ---------------------------------------------------------------- contacts


def persona_results(model: Any, title: Any, department: Any = None, seniority: Any = None) -> pd.DataFrame:
    """Persona, role and angle for each title (with department and seniority where given)."""
    icp = model_from_cell(model)
    titles = column(title)
    contacts = pd.DataFrame(
        {
            "Title": titles,
            "Department": _alongside(department, len(titles), "department"),
            "Seniority": _alongside(seniority, len(titles), "seniority"),
        }
    )
    return match_personas(icp, contacts)


def _alongside(value: Any, height: int, name: str) -> list[Any]:
    values = column(value)
    if len(values) <= 1:
        return (values or [None]) * height
    if len(values) != height:
        raise CellError(f"{name} has {len(values)} cells for {height} titles; give one or one per title")
    return values


def _persona(name: str, model: Any, title: Any, department: Any, seniority: Any) -> Any:
    frame = persona_results(model, title, department, seniority)
    return spread(frame[name].tolist(), len(frame))


@func
@_arguments(_CONTACT_ARGS)
def icp_persona(model: Any, title: Any, department: Any = None, seniority: Any = None) -> Any:
    """The persona a contact's job title matches best; empty when none does."""
    return _persona("icp_persona", model, title, department, seniority)


@func
@_arguments(_CONTACT_ARGS)
def icp_role(model: Any, title: Any, department: Any = None, seniority: Any = None) -> Any:
    """The matched persona's part in the deal (economic buyer, champion, …)."""
    return _persona("icp_role", model, title, department, seniority)


@func
@_arguments(_CONTACT_ARGS)
def icp_angle(model: Any, title: Any, department: Any = None, seniority: Any = None) -> Any:
    """How to open the conversation with the matched persona."""
    return _persona("icp_angle", model, title, department, seniority)
