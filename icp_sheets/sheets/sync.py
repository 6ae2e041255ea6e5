"""``icp-sheets sync``: keep a workbook and a Google Sheet in step, losing nothing anyone typed.

One sync costs a fixed number of requests, whatever the row count:

1. the spreadsheet's metadata (tabs, grid sizes, protections), once;
2. every synced tab in one ``values:batchGet`` (formulas as typed, dates as serial numbers);
3. after merging, one more ``values:batchGet`` right before writing, of the values
   this time: if anything changed meanwhile, read and merge again from the new state
   (at most ``MAX_ROUNDS`` times); it also tells formulas from text starting with
   ``=`` and dates from numbers (:mod:`.sheet_cells`), so only real formulas reach the
   workbook and dates arrive there as dates, whatever the sheet's locale;
4. one ``spreadsheets:batchUpdate`` only when tabs, grid size, protections change or
   rows must go (``deleteDimension``: the rows below move up with their formulas,
   formats and notes rather than being rewritten);
5. one ``values:batchUpdate`` holding only the changed cells.

Every value is written RAW, so text (``=IMPORTXML(...)`` as a company name) stays
text, and so does a formula that comes from the workbook: a file is untrusted
input. Formulas a person typed in the sheet stay there untouched; they reach the
workbook as formulas only when :mod:`icp_sheets.sheets.trust` finds them safe, and
the workbook's own formulas and local-only settings are not overwritten by the sheet.

The workbook is saved, with the new base, only after the sheet write succeeded;
a failure before the sheet write leaves both sides and the base as they were. If
the values write fails after the structural request went through, the sheet may
have gained empty tabs and lost rows that were unchanged since the last sync and
deleted in the workbook -- nothing anyone typed -- and the next sync completes it.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_URL

from icp_sheets.core.names import ACCOUNTS as ACCOUNTS_TAB
from icp_sheets.core.names import (
    CONTACT_ACCOUNT_COLUMNS,
    CONTACT_RESULT_COLUMNS,
    CONTACTS,
    DATA_TABS,
    GROUP_COLUMNS,
    MODEL_TABS,
    RESULT_COLUMNS,
)
from icp_sheets.io.layout import TABS
from icp_sheets.sheets import journal
from icp_sheets.sheets.a1 import quote_title, rect
from icp_sheets.sheets.client import Connection, explain_api_error
from icp_sheets.sheets.deletions import Planned, Slipped, repair_requests, restored_rows, slipped
from icp_sheets.sheets.grid import (
    UNCHANGED,
    Grid,
    Keyed,
    diff,
    has_key_column,
    header_key,
    keyed,
    layout,
    rectangles,
)
from icp_sheets.sheets.guards import DELETE_LIMIT_SETTING, Guard, SyncGuarded, Why, deletion_limit, names
from icp_sheets.sheets.http import OutcomeUnknown, RequestHook, SheetsError
from icp_sheets.sheets.identity import (
    Repair,
    Tag,
    Tags,
    after_deletions,
    as_read,
    by_identity,
    identified,
    keys_by_row,
    missed,
    search,
    tag_requests,
)
from icp_sheets.sheets.journal import Pending, reclaim
from icp_sheets.sheets.lease import Lease, Unsettled, landed, mark, writer
from icp_sheets.sheets.merge import Conflict, Formula, Side, Table, Value, label, merge, next_base, same
from icp_sheets.sheets.sheet_cells import (
    DateCell,
    KnownText,
    classify,
    is_number,
    looks_like_formula,
    plain,
    same_values,
    serial_text,
    settled_by_values,
)
from icp_sheets.sheets.trust import (
    TARGET_SETTING,
    TRUST_SETTING,
    Cell,
    Refused,
    Untrusted,
    keep_workbook_owned,
    owned_formulas,
    trusted_names,
    untrusted_parts,
)
from icp_sheets.sheets.workbook_io import WorkbookSide

SYNC_TABS: tuple[str, ...] = (*MODEL_TABS, *DATA_TABS)
RESULT_TABS = {
    ACCOUNTS_TAB: (*RESULT_COLUMNS, *GROUP_COLUMNS),
    CONTACTS: (*CONTACT_RESULT_COLUMNS, *CONTACT_ACCOUNT_COLUMNS),
}
PROTECTION_NOTE = "icp-sheets: results, written by 'icp-sheets refresh'"
MAX_ROUNDS = 3
# The two reads of :mod:`.sheet_cells`: formulas and serial numbers, then results and dates as text.
READ_PARAMS = {"valueRenderOption": "FORMULA", "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS"}
VALUE_PARAMS = {**READ_PARAMS, "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"}


class Mode(StrEnum):
    BOTH = "both"
    PUSH = "push"
    PULL = "pull"
    STATUS = "status"


@dataclass
class TabChange:
    tab: str
    to_sheet: int = 0  # cells
    to_workbook: int = 0
    new_in_sheet: bool = False
    new_in_workbook: bool = False
    rows_sheet: tuple[int, int] = (0, 0)  # rows added, deleted in the sheet
    rows_workbook: tuple[int, int] = (0, 0)
    deleted_sheet: tuple[str, ...] = ()  # the rows that leave the sheet, by name
    deleted_workbook: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        moved = any(self.rows_sheet) or any(self.rows_workbook)
        return not (self.to_sheet or self.to_workbook or self.new_in_sheet or self.new_in_workbook or moved)


@dataclass
class SyncReport:
    mode: Mode
    tabs: list[TabChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    untrusted: list[Untrusted] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    requests: int = 0
    rounds: int = 1
    wrote: bool = False
    guards: list[Guard] = field(default_factory=list)  # what a real sync would stop for (status only)
    repairs: list[Repair] = field(default_factory=list)
    vanished: dict[str, int] = field(default_factory=dict)  # rows deleted in the sheet during the write
    notes: list[str] = field(default_factory=list)  # e.g. a lease that could not be released
    slipped: list[Slipped] = field(default_factory=list)  # deletions shifted by rows moved meanwhile, repaired

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.column is not None and c.resolved is None]

    def lines(self) -> list[str]:
        out = []
        for t in self.tabs:
            if t.empty:
                continue
            parts = []
            if t.new_in_sheet:
                parts.append("new tab in the sheet")
            if t.new_in_workbook:
                parts.append("new tab in the workbook")
            for where, cells, (added, _), deleted in (
                ("sheet", t.to_sheet, t.rows_sheet, t.deleted_sheet),
                ("workbook", t.to_workbook, t.rows_workbook, t.deleted_workbook),
            ):
                if cells or added or deleted:
                    gone = f", deleting {names(deleted)}" if deleted else ""
                    parts.append(f"{cells} cells to the {where} (+{added}/-{len(deleted)} rows{gone})")
            out.append(f"{t.tab}: " + ", ".join(parts))
        if not out:
            out.append("Already in sync: nothing to change.")
        out.extend(f"Stopped before writing: {g}" for g in self.guards)
        out.extend(str(r) for r in self.repairs)
        out.extend(str(s) for s in self.slipped)
        out.extend(
            f"{tab}: {n} row{'s' if n != 1 else ''} were deleted in the sheet while syncing and kept their "
            f"changes out of it; the next sync settles them."
            for tab, n in self.vanished.items()
        )
        out.extend(str(c) for c in self.conflicts)
        out.extend(str(u) for u in self.untrusted)
        out.extend(str(r) for r in self.refused)
        out.extend(self.notes)
        return out


@dataclass
class _TabPlan:
    tab: str
    change: TabChange
    conflicts: list[Conflict]
    wb_cells: list[tuple[int, int, Value]]
    sh_cells: list[tuple[int, int, Value]]
    shape: Shape
    wb_after: Table
    sh_after: Table
    untrusted: list[Untrusted] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    owned: set[Cell] = field(default_factory=set)
    without_ids: frozenset[Side] = frozenset()  # sides whose tab has rows but no icp_id column
    pending: list[Pending] = field(default_factory=list)  # ids the sheet gets before the workbook
    repairs: list[Repair] = field(default_factory=list)  # id cells the row metadata corrects
    dates: set[str] = field(default_factory=set)  # columns where the sheet holds dates: dates in the workbook
    planned: Planned | None = None  # the rows that stay and go, when rows leave the sheet (:mod:`.deletions`)

    def base_after(self, old: Table | None, missed: set[str]) -> Table:
        """The new base; a row the write found deleted in the sheet keeps its old base, so the
        next sync sees "deleted there, changed here" and keeps it rather than losing the change."""
        base = next_base(old, self.wb_after, self.sh_after)
        for key in missed:
            if old is not None and key in old.rows:
                base.rows[key] = dict(old.rows[key])
            else:
                base.rows.pop(key, None)
        base.order = [k for k in base.order if k in base.rows]
        base.owned = {(k, c) for k, c in self.owned if k in base.rows}
        return base


# ----------------------------------------------------------------------------- reading the sheet


def fetch_metadata(conn: Connection) -> dict[str, Any]:
    try:
        return dict(conn.http.fetch_sheet_metadata(conn.key, params={"includeGridData": "false"}))
    except APIError as err:
        raise explain_api_error(err, conn) from None


def read_tabs(conn: Connection, tabs: Sequence[str], params: dict[str, str] | None = None) -> dict[str, Grid]:
    """All ``tabs`` in one ``values:batchGet``."""
    if not tabs:
        return {}
    try:
        answer = conn.http.values_batch_get(
            conn.key, [quote_title(t) for t in tabs], params=dict(params or READ_PARAMS)
        )
    except APIError as err:
        raise explain_api_error(err, conn) from None
    return {
        tab: [list(r) for r in vr.get("values", [])]
        for tab, vr in zip(tabs, answer.get("valueRanges", []), strict=True)
    }


def _sheet_canon(
    tab: str,
    base: Table | None,
    workbook: Table,
    owned: set[Cell],
    trusted: frozenset[str],
    found: list[Untrusted],
    dated: set[str],
    settled: bool,
) -> Callable[[str | None, str, Any], Value]:
    """Sheet values as the sync compares them, with formulas held to the trust list (``found``
    collects those that arrive as text); the text of a formula the workbook owns is that formula;
    ``dated`` collects the columns holding dates."""
    settle = _settle_cells(base, workbook, dated, settled)

    def canon(key: str | None, column: str, raw: Any) -> Value:
        mine = workbook.get(key or "", column)
        if isinstance(raw, str) and (key, column) in owned and same(mine, Formula(raw)):
            return mine  # the sheet shows the text of the workbook's own formula
        value = settle(key, column, raw)
        if isinstance(value, Formula):
            parts = untrusted_parts(value.text, trusted)
            if parts:
                found.append(Untrusted(tab, key or "", column, value.text, tuple(parts)))
                return value.text
        return value

    return canon


_LAST_SERIAL = 2_958_466  # 9999-12-31


def _settle_cells(
    base: Table | None, workbook: Table, dated: set[str], settled: bool
) -> Callable[[str | None, str, Any], Value]:
    """Cells as :func:`~.sheet_cells.classify` settled them. Before the second read (not
    ``settled``), a '=...' cell is a formula unless the base (or, on a first sync, the workbook)
    knows it as text, and a number is a date where the base (or workbook) holds that very date."""

    def known(key: str | None, column: str) -> Value:
        return base.get(key, column) if base is not None and key in base.rows else workbook.get(key or "", column)

    def canon(key: str | None, column: str, raw: Any) -> Value:
        if isinstance(raw, Formula):
            return raw
        if isinstance(raw, KnownText):
            return str(raw)
        if isinstance(raw, DateCell):
            dated.add(column)
            return raw.text
        if settled:
            return plain(raw)
        if looks_like_formula(raw):
            text = known(key, column)
            return raw if isinstance(text, str) and text == raw else Formula(raw)
        if is_number(raw) and 0 <= raw < _LAST_SERIAL:
            day = known(key, column)
            if isinstance(day, str) and day == serial_text(raw):
                dated.add(column)
                return day
        return plain(raw)

    return canon


# ----------------------------------------------------------------------------- planning


def _signature(row: dict[str, Value], columns: list[str]) -> tuple[Any, ...]:
    out: list[tuple[str, Any]] = []
    for c in columns:
        v = row.get(c)
        if isinstance(v, bool) or v is None:
            out.append((type(v).__name__, v))
        elif isinstance(v, int | float):
            out.append(("n", float(v)))
        else:
            out.append((type(v).__name__, str(v)))
    return tuple(out)


def _pair_fresh(wk: Keyed, sk: Keyed) -> None:
    """A row only one side knows by id (a first sync, or an id column someone deleted), with the
    same content as a row only the other side knows, is the same row; the side that had no id
    for it takes the other's."""
    tool_owned = {header_key(c) for columns in RESULT_TABS.values() for c in columns}
    columns = [c for c in wk.table.columns if c in sk.table.columns and header_key(c) not in tool_owned]
    pool: dict[tuple[Any, ...], list[str]] = {}
    for key in sk.table.order:
        if key not in wk.table.rows:
            pool.setdefault(_signature(sk.table.rows[key], columns), []).append(key)
    wb_renames: dict[str, str] = {}
    sh_renames: dict[str, str] = {}
    for key in wk.table.order:
        if key in sk.table.rows:
            continue
        matches = pool.get(_signature(wk.table.rows[key], columns))
        if not matches:
            continue
        other = matches.pop(0)
        if key in wk.fresh:
            wb_renames[key] = other
        elif other in sk.fresh:
            sh_renames[other] = key
    _rename(wk, wb_renames)
    _rename(sk, sh_renames)


def _rename(side: Keyed, renames: dict[str, str]) -> None:
    if not renames:
        return
    t = side.table
    t.rows = {renames.get(k, k): row for k, row in t.rows.items()}
    t.order = [renames.get(k, k) for k in t.order]
    side.positions = {renames.get(k, k): r for k, r in side.positions.items()}
    side.fresh -= set(renames)
    side.given = {renames.get(k, k) for k in side.given}


def _with_noted(base: Table | None, noted: Sequence[Pending], wk: Keyed, sk: Keyed) -> Table | None:
    """The base plus the noted rows both sides now hold: what they agreed on before the crash."""
    agreed = {
        p.key: p.agreed
        for p in noted
        if p.key in wk.table.rows and p.key in sk.table.rows and (base is None or p.key not in base.rows)
    }
    if not agreed:
        return base
    base = base or Table(list(wk.table.columns))
    return Table(base.columns, {**base.rows, **agreed}, [*base.order, *agreed], set(base.owned))


def _row_moves(side: Keyed, target: Table) -> tuple[int, int]:
    added = sum(1 for k in target.order if k not in side.positions)
    return added, len(_deleted(side, target))


def _deleted(side: Keyed, target: Table) -> tuple[str, ...]:
    """The rows of ``side`` that ``target`` no longer has, named as people read them."""
    return tuple(label(side.table.rows[k], side.table.columns) for k in side.positions if k not in target.rows)


def plan_tab(
    tab: str,
    wb_grid: Grid,
    sh_grid: Grid | None,
    base: Table | None,
    mode: Mode,
    prefer: Side | None,
    trusted: frozenset[str] = frozenset(),
    noted: Sequence[Pending] = (),
    tags: dict[int, Tag] | None = None,
    *,
    settled: bool = False,
) -> _TabPlan:
    """Merge one tab and work out the cells each side must change; ``noted`` are the rows a
    crashed sync gave ids in the sheet only (:mod:`.journal`), ``tags`` the sheet rows' metadata
    (:mod:`.identity`), which decides a sheet row's id over its id cell."""
    taken: set[str] = set(base.rows) if base else set()
    spelling = {header_key(h): str(h).strip() for h in (wb_grid[0] if wb_grid else []) if header_key(h)}
    wk = keyed(wb_grid, taken)
    _rename(wk, reclaim(((k, wk.positions[k], wk.table.rows[k]) for k in wk.fresh), list(noted), wk.table.columns))
    found: list[Untrusted] = []
    dated: set[str] = set()
    canon = _sheet_canon(tab, base, wk.table, owned_formulas(base, wk.table), trusted, found, dated, settled)
    tagged, repairs = identified(tab, sh_grid or [], tags or {})
    sk = keyed(tagged, taken, canon=canon, spelling=spelling)
    sk.grid = as_read(sk.grid, sh_grid or [])  # the cells to compare with are those the sheet shows
    _pair_fresh(wk, sk)
    base = _with_noted(base, noted, wk, sk)
    owned = owned_formulas(base, wk.table)
    derived = frozenset(
        c
        for c in (*wk.table.columns, *sk.table.columns)
        if header_key(c) in {header_key(r) for r in RESULT_TABS.get(tab, ())}
    )
    merged = merge(base, wk.table, sk.table, tab=tab, prefer=prefer, derived=derived)
    refused = keep_workbook_owned(tab, owned, wk.table, sk.table, merged)
    write_wb = mode in (Mode.BOTH, Mode.PULL, Mode.STATUS)  # status shows what a sync would do
    write_sh = mode in (Mode.BOTH, Mode.PUSH, Mode.STATUS)
    wb_target = merged.workbook if write_wb else wk.table
    sh_target = merged.sheet if write_sh else sk.table
    if sh_grid is None and not write_sh:
        sh_desired: Grid = []
        sh_target = Table()
    else:
        sh_desired = layout(sk, sh_target)
    wb_desired = layout(wk, wb_target) if (wb_grid or write_wb) else []
    wb_cells = diff(wk.grid, wb_desired)
    # Rows leave the sheet by deleteDimension, so the rows below move with their formulas, formats
    # and notes instead of being rewritten; the values are then compared with the closed-up grid.
    deleted = sorted(r for k, r in sk.positions.items() if k not in sh_target.rows)
    gone = set(deleted)
    sh_cells = diff([row for r, row in enumerate(sk.grid, start=1) if r not in gone], sh_desired)
    change = TabChange(
        tab,
        len(sh_cells),
        len(wb_cells),
        sh_grid is None and bool(sh_desired),
        not wb_grid and bool(wb_desired),
        _row_moves(sk, sh_target),
        _row_moves(wk, wb_target),
        _deleted(sk, sh_target),
        _deleted(wk, wb_target),
    )
    shape = Shape(
        tab,
        len(sh_desired),
        max((len(r) for r in sh_desired), default=0),
        sh_desired[0] if sh_desired else [],
        tuple(deleted),
        keys_by_row(sh_desired),
        dict(tags or {}),
    )
    pending = [
        Pending(k, wk.positions[k], wk.table.rows[k], sh_target.rows[k]) for k in wk.given if k in sh_target.rows
    ]
    without_ids = frozenset(
        side for side, grid in ((Side.WORKBOOK, wb_grid), (Side.SHEET, tagged)) if grid and not has_key_column(grid)
    )
    return _TabPlan(
        tab,
        change,
        merged.conflicts,
        wb_cells,
        sh_cells,
        shape,
        wb_target,
        sh_target,
        found,
        refused,
        owned,
        without_ids,
        pending,
        repairs,
        dated,
        _planned(tab, sk, sh_target, sh_desired) if deleted else None,
    )


def _planned(tab: str, sk: Keyed, target: Table, desired: Grid) -> Planned:
    """The sheet rows this plan deletes, and the whole rows of those it keeps, to check the deletion by."""
    kept = {key: desired[r - 1] for r, key in keys_by_row(desired).items() if key in sk.positions}
    gone = {k: r for k, r in sk.positions.items() if k not in target.rows}
    return Planned(tab, gone, kept, {k: sk.positions[k] for k in kept})


# ----------------------------------------------------------------------------- writing the sheet


def _encode(value: Value) -> Any:
    """A cell for a RAW write: text is stored as typed, never parsed, formulas included."""
    if value is UNCHANGED:
        return None  # JSON null: Sheets leaves the cell alone
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text  # a formula from the workbook arrives as text: files are untrusted input
    return value


def value_writes(cells: dict[str, list[tuple[int, int, Value]]]) -> list[dict[str, Any]]:
    """The data of the one RAW values:batchUpdate: only the changed cells, in few rectangles."""
    return [
        {"range": rect(tab, r1, c1, r2, c2), "values": [[_encode(v) for v in row] for row in values]}
        for tab, tab_cells in cells.items()
        for r1, c1, r2, c2, values in rectangles(tab_cells)
    ]


@dataclass(frozen=True)
class Shape:
    """What a tab in the sheet must be able to hold after the write."""

    tab: str
    rows: int
    cols: int
    header: list[Value]
    deleted: tuple[int, ...] = ()  # sheet rows (1-based, before deleting) that go
    keys: dict[int, str] = field(default_factory=dict)  # row -> id after the write, to tag the rows with
    tags: dict[int, Tag] = field(default_factory=dict)  # the rows' metadata as read (before deleting)

    @property
    def untagged(self) -> bool:
        """Whether some row needs its metadata created or corrected."""
        return bool(tag_requests(0, self.keys, after_deletions(self.tags, self.deleted)))


def structure_requests(shapes: list[Shape], metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """New tabs, bigger grids and result-column protections: empty when nothing changes."""
    sheets = {s["properties"]["title"]: s for s in metadata.get("sheets", [])}
    rng = random.Random()
    requests: list[dict[str, Any]] = []
    for shape in shapes:
        if not shape.rows:
            continue
        existing = sheets.get(shape.tab)
        protected: list[dict[str, Any]] = []
        if existing is None:
            sheet_id = rng.randrange(1, 2**31 - 1)
            requests.append(
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": sheet_id,
                            "title": shape.tab,
                            "index": len(sheets),
                            "gridProperties": {
                                "rowCount": max(shape.rows + 100, 200),
                                "columnCount": max(shape.cols, 26),
                                "frozenRowCount": 1,
                            },
                        }
                    }
                }
            )
            sheets[shape.tab] = {"properties": {"sheetId": sheet_id, "title": shape.tab}}
            requests.extend(_validations(shape, sheet_id))
            requests.extend(tag_requests(sheet_id, shape.keys, {}))
        else:
            props = existing["properties"]
            sheet_id = props["sheetId"]
            grid = props.get("gridProperties", {})
            requests.extend(_row_deletions(sheet_id, shape.deleted))
            row_count = grid.get("rowCount", 0) - len(shape.deleted)
            if shape.rows > row_count or shape.cols > grid.get("columnCount", 0):
                requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {
                                "sheetId": sheet_id,
                                "gridProperties": {
                                    "rowCount": max(shape.rows + 100, row_count),
                                    "columnCount": max(shape.cols, grid.get("columnCount", 0)),
                                },
                            },
                            "fields": "gridProperties/rowCount,gridProperties/columnCount",
                        }
                    }
                )
            protected = [pr for pr in existing.get("protectedRanges", []) if pr.get("description") == PROTECTION_NOTE]
            requests.extend(tag_requests(sheet_id, shape.keys, after_deletions(shape.tags, shape.deleted)))
        requests.extend(_protections(shape, sheet_id, protected))
    return requests


def _row_deletions(sheet_id: int, rows: tuple[int, ...]) -> list[dict[str, Any]]:
    """deleteDimension for each run of consecutive rows, bottom first so the indexes hold."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and runs[-1][1] == r - 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    return [
        {
            "deleteDimension": {
                "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": first - 1, "endIndex": last}
            }
        }
        for first, last in reversed(runs)
    ]


def _validations(shape: Shape, sheet_id: int) -> list[dict[str, Any]]:
    """Drop-downs for a new tab, from the same layout the template uses."""
    layout_ = TABS.get(shape.tab)
    if layout_ is None:
        return []
    out = []
    for column in layout_.columns:
        index = next((i for i, h in enumerate(shape.header) if header_key(h) == header_key(column.header)), None)
        if not column.choices or index is None:
            continue
        out.append(
            {
                "setDataValidation": {
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": 1,
                        "startColumnIndex": index,
                        "endColumnIndex": index + 1,
                    },
                    "rule": {
                        "condition": {
                            "type": "ONE_OF_LIST",
                            "values": [{"userEnteredValue": c} for c in column.choices],
                        },
                        "strict": False,
                        "showCustomUi": True,
                    },
                }
            }
        )
    return out


def _protections(shape: Shape, sheet_id: int, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Warning-only protection on the result columns, moved when the columns move."""
    results = {header_key(c) for c in RESULT_TABS.get(shape.tab, ())}
    spans: list[tuple[int, int]] = []
    for i, h in enumerate(shape.header):
        if header_key(h) not in results:
            continue
        if spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    have = {(pr["range"].get("startColumnIndex", 0), pr["range"].get("endColumnIndex")): pr for pr in existing}
    out: list[dict[str, Any]] = []
    for span in spans:
        if span not in have:
            out.append(
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": sheet_id, "startColumnIndex": span[0], "endColumnIndex": span[1]},
                            "description": PROTECTION_NOTE,
                            "warningOnly": True,
                        }
                    }
                }
            )
    out.extend(
        {"deleteProtectedRange": {"protectedRangeId": pr["protectedRangeId"]}}
        for span, pr in have.items()
        if span not in spans
    )
    return out


# ----------------------------------------------------------------------------- the sync


@dataclass
class _Inputs:
    """What a sync knows before it plans: the workbook, the sheet's tabs, the last synced state."""

    side: WorkbookSide
    metadata: dict[str, Any]
    in_sheet: set[str]
    tabs: list[str]  # the sync tabs either side has
    read: list[str]  # those the sheet has, to read
    bases: dict[str, Table]
    trusted: frozenset[str]
    wb_grids: dict[str, Grid]
    sheet_ids: dict[str, int]  # the sheetId of each synced tab at the last sync
    noted: dict[str, list[Pending]]  # what a sync that did not finish noted (:mod:`.journal`)
    tags: dict[str, dict[int, Tag]] = field(default_factory=dict)  # row metadata, read after each snapshot

    def see(self, metadata: dict[str, Any]) -> None:
        """The sheet's tabs as ``metadata`` shows them."""
        self.metadata = metadata
        self.in_sheet = {s["properties"]["title"] for s in metadata.get("sheets", [])}
        self.read = [t for t in self.tabs if t in self.in_sheet]


def sync(
    workbook: Path,
    conn: Connection,
    mode: Mode = Mode.BOTH,
    *,
    prefer: Side | None = None,
    remember: str | None = None,
    allow_delete: bool = False,
    wait: float = 0.0,
    on_request: RequestHook | None = None,
) -> SyncReport:
    """Sync ``workbook`` with the sheet behind ``conn``: read, plan on a settled state, guard, write.

    A plan that would delete more than Settings › Sync deletion limit allows, or that lost a tab
    or the icp_id column on one side, raises :class:`SyncGuarded` before anything is written
    unless ``allow_delete``; ``status`` lists the same guards instead of raising. A sync that has
    something to write holds the sheet's lease (:mod:`.lease`) from its last read to its last write;
    when another sync or refresh holds it, it refuses, or waits up to ``wait`` seconds.
    ``on_request`` is told of each request as it is sent (the CLI's progress bar).
    """
    with conn.http.reporting(on_request):
        return _sync(workbook, conn, mode, prefer, remember, allow_delete, wait)


def _sync(
    workbook: Path,
    conn: Connection,
    mode: Mode,
    prefer: Side | None,
    remember: str | None,
    allow_delete: bool,
    wait: float,
) -> SyncReport:
    sent_before = conn.http.sent
    inputs = _inputs(workbook, conn, remember)
    with writer(conn, "sync", wait=wait) as lease:
        plans, rounds = _settle(conn, inputs, mode, prefer, None if mode is Mode.STATUS else lease.ensure)
        report = SyncReport(mode, rounds=rounds)
        report.tabs = [p.change for p in plans]
        report.conflicts = [c for p in plans for c in p.conflicts]
        report.untrusted = [u for p in plans for u in p.untrusted]
        report.refused = [r for p in plans for r in p.refused]
        report.repairs = [r for p in plans for r in p.repairs]
        guards = [] if allow_delete else _guards(inputs, plans)
        if mode is Mode.STATUS:
            report.guards = guards
        elif guards:
            raise SyncGuarded(guards)
        else:
            written = _write(conn, inputs, plans, lease.lease)
            report.vanished = {tab: len(keys) for tab, keys in written.missed.items()}
            report.slipped = written.slipped
            report.wrote = True
    report.notes = [lease.warning] if lease.warning else []
    report.requests = conn.http.sent - sent_before
    return report


def _guards(inputs: _Inputs, plans: list[_TabPlan]) -> list[Guard]:
    """What the plans would delete that a person likely did not mean (see :mod:`.guards`)."""
    limit_setting = inputs.side.setting(DELETE_LIMIT_SETTING)
    renamed = _renamed(inputs)
    out: list[Guard] = []
    for p in plans:
        base = inputs.bases.get(p.tab)
        if base is None or not base.rows:
            continue  # a first sync pairs rows and deletes nothing
        limit = deletion_limit(limit_setting, len(base.rows))
        for lost, deletes in ((Side.SHEET, p.change.deleted_workbook), (Side.WORKBOOK, p.change.deleted_sheet)):
            present = p.tab in inputs.in_sheet if lost is Side.SHEET else inputs.side.has(p.tab)
            if not present and deletes:
                out.append(Guard(Why.MISSING_TAB, p.tab, lost, deletes, renamed_to=renamed.get(p.tab)))
            elif lost in p.without_ids:
                out.append(Guard(Why.MISSING_IDS, p.tab, lost, deletes))
            elif len(deletes) > limit:
                out.append(Guard(Why.TOO_MANY, p.tab, lost, deletes, limit))
    return out


def _renamed(inputs: _Inputs) -> dict[str, str]:
    """Synced tabs the sheet now shows under another title, found by the sheetId the base kept."""
    titles = {s["properties"]["sheetId"]: s["properties"]["title"] for s in inputs.metadata.get("sheets", [])}
    return {
        tab: titles[sheet_id]
        for tab, sheet_id in inputs.sheet_ids.items()
        if tab not in inputs.in_sheet and sheet_id in titles
    }


def tags_by_title(conn: Connection, metadata: dict[str, Any]) -> dict[str, dict[int, Tag]]:
    try:
        tags: Tags = search(conn)
    except APIError as err:
        raise explain_api_error(err, conn) from None
    titles = {s["properties"]["sheetId"]: s["properties"]["title"] for s in metadata.get("sheets", [])}
    return {titles[i]: rows for i, rows in tags.items() if i in titles}


def _inputs(workbook: Path, conn: Connection, remember: str | None) -> _Inputs:
    side = WorkbookSide(workbook)
    if remember and side.setting(TARGET_SETTING) != remember:  # shown in Settings; kept in the base tab
        side.set_setting(TARGET_SETTING, remember)
    metadata = fetch_metadata(conn)
    in_sheet = {s["properties"]["title"] for s in metadata.get("sheets", [])}
    tabs = [t for t in SYNC_TABS if side.has(t) or t in in_sheet]
    if not tabs:
        raise SheetsError(
            "Neither the workbook nor the sheet has any icp-sheets tab "
            f"({', '.join(SYNC_TABS)}); start from 'icp-sheets new'."
        )
    return _Inputs(
        side=side,
        metadata=metadata,
        in_sheet=in_sheet,
        tabs=tabs,
        read=[t for t in tabs if t in in_sheet],
        bases=side.read_base(conn.key) or {},
        trusted=trusted_names(side.setting(TRUST_SETTING)),
        wb_grids={t: side.grid(t) if side.has(t) else [] for t in tabs},
        sheet_ids=side.read_sheet_ids(conn.key),
        noted=journal.read(workbook, conn.key),
    )


def _settle(
    conn: Connection,
    inputs: _Inputs,
    mode: Mode,
    prefer: Side | None,
    before_write: Callable[[], bool] | None = None,
) -> tuple[list[_TabPlan], int]:
    """Plans made on a state read twice and found unchanged, and the number of rounds it took.

    Sheets has no conditional writes: right before writing, read again, this time the values,
    which also tells formulas from text that starts with '=' and dates from numbers
    (:mod:`.sheet_cells`). If someone edited in between, plan again from the new state, at most
    ``MAX_ROUNDS`` times. ``before_write`` takes the lease before that re-read; when another writer
    held it first, everything is read again.
    """
    snapshot = read_tabs(conn, inputs.read)
    for round_ in range(1, MAX_ROUNDS + 1):
        # after the cells: a row moved in between changes the re-read below, so it is caught
        inputs.tags = tags_by_title(conn, inputs.metadata)
        plans = _plans(inputs, snapshot, None, mode, prefer, {})
        if not any(p.sh_cells or p.wb_cells or p.shape.deleted or p.shape.untagged for p in plans.values()):
            return list(plans.values()), round_  # nothing to write: nothing to check
        if before_write is not None and _writes_sheet(plans.values(), inputs.metadata) and before_write():
            inputs.see(fetch_metadata(conn))  # the writer before us may have added tabs
            snapshot = read_tabs(conn, inputs.read)
            continue
        values = read_tabs(conn, inputs.read, VALUE_PARAMS)
        if same_values(snapshot, values):
            return list(_plans(inputs, snapshot, values, mode, prefer, plans).values()), round_
        if round_ < MAX_ROUNDS:
            snapshot = read_tabs(conn, inputs.read)  # someone edited: merge from the new state
    raise SheetsError(
        f"The sheet kept changing while syncing ({MAX_ROUNDS} tries); nothing was "
        f"written. Run the sync again when the edits have settled."
    )


def _writes_sheet(plans: Iterable[_TabPlan], metadata: dict[str, Any]) -> bool:
    """Whether the plans change the sheet (a sync that only brings the workbook up to date takes no lease)."""
    plans = list(plans)
    return any(p.sh_cells for p in plans) or bool(structure_requests([p.shape for p in plans], metadata))


def _plans(
    inputs: _Inputs,
    snapshot: dict[str, Grid],
    values: dict[str, Grid] | None,
    mode: Mode,
    prefer: Side | None,
    earlier: dict[str, _TabPlan],
) -> dict[str, _TabPlan]:
    """A plan per tab; with ``values``, only tabs whose formulas or dates they settle are planned again."""
    plans = dict(earlier)
    for t in inputs.tabs:
        if values is None or t not in plans or plans[t].dates or settled_by_values(snapshot.get(t), values.get(t)):
            sheet = classify(snapshot.get(t), None if values is None else values.get(t))
            plans[t] = plan_tab(
                t,
                inputs.wb_grids[t],
                sheet if t in inputs.in_sheet else None,
                inputs.bases.get(t),
                mode,
                prefer,
                inputs.trusted,
                inputs.noted.get(t, ()),
                inputs.tags.get(t),
                settled=values is not None,
            )
    return {t: plans[t] for t in inputs.tabs}


def _write(conn: Connection, inputs: _Inputs, plans: list[_TabPlan], lease: Lease | None) -> Written:
    """The sheet first (one structural and one values request), then the workbook and its base."""
    inputs.side.check_writable()
    journal.note(inputs.side.path, conn.key, {p.tab: p.pending for p in plans})
    written = write_sheet(
        conn,
        inputs.metadata,
        [p.shape for p in plans],
        {p.tab: p.sh_cells for p in plans},
        [p.planned for p in plans if p.planned is not None],
        lease,
    )
    for p in plans:
        inputs.side.write(p.tab, p.wb_cells, dates=p.dates)
    sheet_ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in inputs.metadata.get("sheets", [])}
    sheet_ids.update(written.created)
    inputs.side.write_base(
        conn.key,
        {p.tab: p.base_after(inputs.bases.get(p.tab), written.missed.get(p.tab, set())) for p in plans},
        {t: sheet_ids[t] for t in inputs.tabs if t in sheet_ids},
    )
    if inputs.side.changed:  # loading and saving a big workbook is slow: only when something changed
        inputs.side.save()
    journal.clear(inputs.side.path)
    return written


@dataclass
class Written:
    """What a sheet write did beyond what was asked: tabs it created, rows it found gone."""

    created: dict[str, int] = field(default_factory=dict)  # title -> sheetId
    missed: dict[str, set[str]] = field(default_factory=dict)  # tab -> ids of rows deleted meanwhile
    slipped: list[Slipped] = field(default_factory=list)  # deletions rows moved meanwhile shifted, repaired


def write_sheet(
    conn: Connection,
    metadata: dict[str, Any],
    shapes: list[Shape],
    cells: dict[str, list[tuple[int, int, Value]]],
    planned: Sequence[Planned] = (),
    lease: Lease | None = None,
) -> Written:
    """At most one spreadsheets:batchUpdate (structure, row tags) and then the cells: those of
    tagged rows addressed by the row's metadata (``values:batchUpdateByDataFilter``), so an insert,
    sort or deletion since the re-read cannot put them on another row; the rest (header cells,
    a refresh's rows) by position in one ``values:batchUpdate``. Row deletions (``planned``) are
    checked right after the structural request and repaired if rows moved meanwhile. With the
    ``lease`` held, a structural request whose answer was lost is checked for having landed
    (:func:`.lease.landed`) instead of leaving the sync to guess."""
    structure = structure_requests(shapes, metadata)
    written = Written(
        {
            r["addSheet"]["properties"]["title"]: r["addSheet"]["properties"]["sheetId"]
            for r in structure
            if "addSheet" in r
        }
    )
    ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in metadata.get("sheets", [])} | written.created
    keys = {shape.tab: shape.keys for shape in shapes}
    filtered: dict[str, list[dict[str, Any]]] = {}
    positional: dict[str, list[tuple[int, int, Value]]] = {}
    for tab, tab_cells in cells.items():
        if keys.get(tab) and tab in ids:
            filtered[tab], positional[tab] = by_identity(ids[tab], keys[tab], tab_cells, _encode)
        else:
            positional[tab] = tab_cells
    data = value_writes(positional)
    by_filter = [item for items in filtered.values() for item in items]
    try:
        if structure:
            _change_structure(conn, structure, lease)
        if planned:
            after = tags_by_title(conn, metadata)
            written.slipped = slipped(planned, after)
            if written.slipped:
                conn.http.batch_update(conn.key, {"requests": repair_requests(written.slipped, ids, after)})
                by_filter = restored_rows(written.slipped, planned, ids, _encode) + by_filter
        if by_filter:
            url = SPREADSHEET_URL % conn.key + "/values:batchUpdateByDataFilter"
            answer = conn.http.request("post", url, json={"valueInputOption": "RAW", "data": by_filter}).json()
            written.missed = {tab: gone for tab, items in filtered.items() if (gone := missed(items, answer))}
        if data:
            conn.http.values_batch_update(conn.key, {"valueInputOption": "RAW", "data": data})
    except APIError as err:
        raise explain_api_error(err, conn) from None
    return written


def _change_structure(conn: Connection, structure: list[dict[str, Any]], lease: Lease | None) -> None:
    """The structural request, marked in the lease so a lost answer can be told apart from a lost request."""
    if lease is None:
        conn.http.batch_update(conn.key, {"requests": structure})
        return
    step = secrets.token_hex(4)
    try:
        conn.http.batch_update(conn.key, {"requests": [*structure, mark(lease, step)]})
    except OutcomeUnknown:
        if not landed(conn, lease, step):
            raise Unsettled(lease) from None


def same_grids(a: dict[str, Grid], b: dict[str, Grid]) -> bool:
    if a.keys() != b.keys():
        return False
    for tab in a:
        x, y = a[tab], b[tab]
        if len(x) != len(y) or any(
            len(r) != len(s) or not all(same(u, v) for u, v in zip(r, s, strict=True))
            for r, s in zip(x, y, strict=True)
        ):
            return False
    return True
