"""The keyed three-way merge behind ``icp-sheets sync``. Pure: tables in, tables out.

A tab is a :class:`Table`: rows keyed by the tool's ``icp_id``, cells keyed by
header, so people may reorder rows and columns on either side. Given the base
(what both sides held at the last successful sync), the workbook and the sheet:

* a cell changed on one side takes that side's value;
* a cell changed on both sides to different values is a :class:`Conflict`;
  nothing is overwritten unless ``prefer`` names the side that wins;
* rows added on either side (or both) all survive;
* a row deleted on one side and untouched on the other is deleted; deleted on
  one side and edited on the other, it is kept and reported;
* a column missing on one side does not delete anything: its cells count as
  unchanged there (people hide columns, they rarely mean to erase them).

Each side gets its own target table, because an unresolved conflict leaves
both sides as they were. :func:`next_base` then derives the new base from what
the two sides hold after writing: where they agree, that value; elsewhere, the
old base, so the disagreement is still seen next time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Formula:
    """A formula as typed (``=SUM(B2:B9)``), kept apart from text that merely starts with ``=``."""

    text: str

    def __str__(self) -> str:
        return self.text


Value = Any  # None | str | int | float | bool | dt.date | Formula; None is an empty cell
Row = dict[str, Value]


@dataclass
class Table:
    """One tab: its columns (without the key) and its rows in order."""

    columns: list[str] = field(default_factory=list)
    rows: dict[str, Row] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    owned: set[tuple[str, str]] = field(default_factory=set)  # (key, column): formulas the workbook owns

    @classmethod
    def of(cls, columns: list[str], rows: list[tuple[str, Row]]) -> Table:
        return cls(list(columns), {k: dict(r) for k, r in rows}, [k for k, _ in rows])

    def get(self, key: str, column: str) -> Value:
        return self.rows.get(key, {}).get(column)

    def records(self) -> list[tuple[str, Row]]:
        return [(k, self.rows[k]) for k in self.order]


class Side(StrEnum):
    WORKBOOK = "workbook"
    SHEET = "sheet"


@dataclass(frozen=True)
class Conflict:
    """Both sides changed a cell differently (``column`` set), or one deleted a row the other edited."""

    tab: str
    key: str
    column: str | None
    workbook: Value
    sheet: Value
    base: Value = None
    resolved: Side | None = None
    label: str = ""  # the row's first cell (e.g. the company), so people can find it

    def __str__(self) -> str:
        row = f"{self.tab}, row {self.key}" + (f" ({self.label})" if self.label else "")
        if self.column is None:
            gone = Side.WORKBOOK if self.workbook is None else Side.SHEET
            return (
                f"{row}: deleted in the {gone} but edited in the "
                f"{Side.SHEET if gone is Side.WORKBOOK else Side.WORKBOOK}; the row was kept"
            )
        text = f"{row}, {self.column}: workbook has {show(self.workbook)}, sheet has {show(self.sheet)}"
        if self.resolved:
            return f"{text}; took the {self.resolved}'s"
        return f"{text}; left as they are (pass --prefer workbook or --prefer sheet)"


@dataclass
class Merged:
    """What each side should hold after the sync, and what needs a person's eye."""

    workbook: Table
    sheet: Table
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.column is not None and c.resolved is None]


def show(value: Value) -> str:
    if value is None:
        return "(empty)"
    return repr(value.text if isinstance(value, Formula) else value)


def same(a: Value, b: Value) -> bool:
    """Cell equality that keeps True apart from 1 and a formula apart from its text; 1 == 1.0.

    Called for every cell of every row (millions of times on a big tab), hence the fast paths.
    """
    if a is b:
        return True
    ta, tb = type(a), type(b)
    if ta is tb:
        return bool(a == b) or (ta is float and math.isnan(a) and math.isnan(b))
    return ta in _NUMBERS and tb in _NUMBERS and a == b


_NUMBERS = (int, float)


def _row_same(a: Row | None, b: Row | None, columns: list[str]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return all(same(a.get(c), b.get(c)) for c in columns)


def merge(
    base: Table | None,
    workbook: Table,
    sheet: Table,
    *,
    tab: str = "",
    prefer: Side | None = None,
    derived: frozenset[str] = frozenset(),
) -> Merged:
    """Three-way merge of one tab (see the module docstring).

    ``derived`` columns hold results the tool computes (scores): when both sides
    changed one differently, the sheet's -- the last refresh -- wins without a
    conflict, since no person typed either value.
    """
    base = base or Table()
    columns = list(workbook.columns) + [c for c in sheet.columns if c not in workbook.columns]
    wb_cols, sh_cols = set(workbook.columns), set(sheet.columns)
    out_wb: dict[str, Row] = {}
    out_sh: dict[str, Row] = {}
    conflicts: list[Conflict] = []

    keys = list(dict.fromkeys([*workbook.order, *sheet.order]))
    for key in keys:
        w, s, b = workbook.rows.get(key), sheet.rows.get(key), base.rows.get(key)
        if w is not None and s is not None:
            rw, rs = _merge_row(tab, key, columns, b, w, s, wb_cols, sh_cols, prefer, derived, conflicts)
            out_wb[key], out_sh[key] = rw, rs
            continue
        present = w if w is not None else s
        assert present is not None
        side_cols = wb_cols if w is not None else sh_cols
        if b is None:  # added on one side
            out_wb[key] = out_sh[key] = dict(present)
            continue
        if _row_same(b, present, [c for c in columns if c in side_cols]):  # deleted on the other side
            continue
        conflicts.append(Conflict(tab, key, None, w, s, None, label=label(present, columns)))  # keep it
        out_wb[key] = out_sh[key] = {c: present.get(c, b.get(c)) for c in columns}

    def table(order: list[str], rows: dict[str, Row]) -> Table:
        known = set(order)
        ordered = [k for k in order if k in rows] + [k for k in keys if k in rows and k not in known]
        return Table(list(columns), {k: rows[k] for k in ordered}, list(dict.fromkeys(ordered)))

    return Merged(table(workbook.order, out_wb), table(sheet.order, out_sh), conflicts)


def _merge_row(
    tab: str,
    key: str,
    columns: list[str],
    b: Row | None,
    w: Row,
    s: Row,
    wb_cols: set[str],
    sh_cols: set[str],
    prefer: Side | None,
    derived: frozenset[str],
    conflicts: list[Conflict],
) -> tuple[Row, Row]:
    rw: Row = {}
    rs: Row = {}
    for col in columns:
        bv = b.get(col) if b is not None else None
        wv = w.get(col) if col in wb_cols else (bv if b is not None else s.get(col))
        sv = s.get(col) if col in sh_cols else (bv if b is not None else w.get(col))
        if same(wv, sv):
            rw[col] = rs[col] = wv
        elif b is not None and same(wv, bv):
            rw[col] = rs[col] = sv
        elif b is not None and same(sv, bv):
            rw[col] = rs[col] = wv
        elif col in derived:
            rw[col] = rs[col] = sv
        else:
            conflicts.append(Conflict(tab, key, col, wv, sv, bv, prefer, label(w, columns)))
            if prefer is Side.WORKBOOK:
                rw[col] = rs[col] = wv
            elif prefer is Side.SHEET:
                rw[col] = rs[col] = sv
            else:
                rw[col], rs[col] = wv, sv
    return rw, rs


def row_to_json(row: Row) -> dict[str, Any]:
    """A row as JSON for the files the sync keeps (the base, the journal); blanks are left out."""
    return {c: {"f": v.text} if isinstance(v, Formula) else v for c, v in row.items() if v is not None}


def row_from_json(data: dict[str, Any]) -> Row:
    return {c: Formula(v["f"]) if isinstance(v, dict) else v for c, v in data.items()}


def label(row: Row, columns: list[str]) -> str:
    """How a row is named in messages: its first column, as people read the tab."""
    first = row.get(columns[0]) if columns else None
    return "" if first is None else str(first)[:40]


def next_base(old: Table | None, workbook: Table, sheet: Table) -> Table:
    """The base after a successful write: agreed cells, and the old base where the sides differ."""
    old = old or Table()
    columns = list(workbook.columns) + [c for c in sheet.columns if c not in workbook.columns]
    rows: dict[str, Row] = {}
    for key in workbook.order:
        w, s, b = workbook.rows[key], sheet.rows.get(key), old.rows.get(key)
        if s is None:
            if b is not None:
                rows[key] = dict(b)
            continue
        row: Row = {}
        for col in columns:
            if same(w.get(col), s.get(col)):
                row[col] = w.get(col)
            elif b is not None:
                row[col] = b.get(col)
        rows[key] = row
    for key in sheet.order:
        if key not in workbook.rows and key in old.rows:
            rows[key] = dict(old.rows[key])
    return Table(columns, rows, list(rows))
