"""From a tab's cells to keyed rows and back. Pure functions shared by both sides of the sync.

A *grid* is a tab as lists of rows (row 1 = header), as the Sheets API and
openpyxl give it. :func:`keyed` turns it into a :class:`~icp_sheets.sheets.merge.Table`
keyed by the ``icp_id`` column, handing out ids to rows that have none (or a
copy of another row's id, as happens when someone duplicates a row).
:func:`layout` places a merged table back onto the grid the side already has:
existing rows stay where they are, deleted rows close up, new rows and columns
go at the end, and :func:`diff` lists only the cells that change.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from icp_sheets.core import names
from icp_sheets.core.values import whole
from icp_sheets.sheets.merge import Table, Value, same

KEY = "icp_id"

Grid = list[list[Value]]


def header_key(text: Any) -> str:
    """Headers match as everywhere else in icp-sheets (:func:`icp_sheets.core.names.header_key`);
    a blank header cell matches nothing."""
    return "" if text is None else names.header_key(text)


def is_default(value: Value) -> bool:
    """A cell nobody filled in: blank, or an unticked checkbox (FALSE), as a column filled down leaves it."""
    return value is None or value == "" or value is False


def new_id(taken: set[str]) -> str:
    while True:
        key = "r" + secrets.token_hex(5)
        if key not in taken:
            taken.add(key)
            return key


@dataclass
class Keyed:
    table: Table
    grid: Grid  # the cells as read, for columns the sync does not know
    positions: dict[str, int] = field(default_factory=dict)  # key -> grid row (1-based)
    fresh: set[str] = field(default_factory=set)  # ids handed out now
    given: set[str] = field(default_factory=set)  # rows whose id the grid lacks: handed out, paired or reclaimed


def keyed(
    grid: Grid,
    taken: set[str],
    canon: Callable[[str | None, str, Any], Value] | None = None,
    spelling: dict[str, str] | None = None,
) -> Keyed:
    """Rows of ``grid`` keyed by ``icp_id``; rows without an id that hold only defaults (blanks,
    unticked checkboxes: :func:`is_default`) are no rows and are skipped; missing ids handed out.

    ``canon(key, column, raw)`` converts a raw cell (the sheet side uses it to tell
    formulas from text); ``spelling`` maps a header's :func:`header_key` to the
    column name to use, so both sides agree on one spelling.
    """
    header = list(grid[0]) if grid else []
    spelling = spelling or {}
    columns: list[tuple[int, str]] = []
    key_col = None
    seen: set[str] = set()
    for i, h in enumerate(header):
        hk = header_key(h)
        if not hk or hk in seen:
            continue
        seen.add(hk)
        if hk == KEY:
            key_col = i
        else:
            columns.append((i, spelling.get(hk, str(h).strip())))
    out = Keyed(Table([c for _, c in columns]), [list(line) for line in grid])
    for r, line in enumerate(grid[1:], start=2):
        raw_key = line[key_col] if key_col is not None and key_col < len(line) else None
        key = _key_text(raw_key)
        values = {c: (line[i] if i < len(line) else None) for i, c in columns}
        if key is None and all(is_default(v) for v in values.values()):
            continue
        if key is None or key in out.table.rows:
            key = new_id(taken)
            out.fresh.add(key)
            out.given.add(key)
        taken.add(key)
        if canon is not None:
            values = {c: canon(key, c, v) for c, v in values.items()}
            line = list(line)
            for i, c in columns:
                if i < len(line):
                    line[i] = values[c]
            out.grid[r - 1] = line
        out.table.rows[key] = values
        out.table.order.append(key)
        out.positions[key] = r
    return out


def has_key_column(grid: Grid) -> bool:
    """Whether a tab with data rows still has its icp_id column (a header-only tab needs none)."""
    rows = any(any(v is not None and v != "" for v in line) for line in grid[1:])
    return not rows or any(header_key(h) == KEY for h in grid[0])


def _key_text(raw: Value) -> str | None:
    if raw is None:
        return None
    text = str(whole(raw)).strip()
    return text or None


def layout(side: Keyed, target: Table) -> Grid:
    """The grid this side should hold for ``target``, disturbing its current layout least: rows
    stay where they are, deleted rows close up, new rows go below the last row."""
    header = list(side.grid[0]) if side.grid else []
    pos = {header_key(h): i for i, h in reversed(list(enumerate(header))) if header_key(h)}
    for col in [*target.columns, KEY]:
        if header_key(col) not in pos:
            pos[header_key(col)] = len(header)
            header.append(col)
    width = len(header)
    wanted = [(pos[header_key(c)], c) for c in target.columns]
    key_at = pos[KEY]
    by_row = {r: k for k, r in side.positions.items()}

    def render(key: str, line: list[Value]) -> list[Value]:
        out = list(line) + [None] * (width - len(line))
        row = target.rows[key]
        for i, col in wanted:
            out[i] = row.get(col)
        out[key_at] = key
        return out

    grid: Grid = [header]
    last = max(side.positions.values(), default=1)
    for r in range(2, last + 1):
        key = by_row.get(r)
        if key is None:
            grid.append(list(side.grid[r - 1]))  # a row without data someone left: keep it
        elif key in target.rows:
            grid.append(render(key, side.grid[r - 1]))
        # else: deleted; the rows below close up
    # Below the last row: only defaults (a checkbox column filled down). New rows take those lines
    # in turn; the rest stay as they are, never cleared.
    tail = [list(line) for line in side.grid[last:]]
    for key in target.order:
        if key not in side.positions:
            grid.append(render(key, tail.pop(0) if tail else []))
    grid.extend(tail)
    return grid


def diff(current: Grid, desired: Grid) -> list[tuple[int, int, Value]]:
    """``(row, column, value)`` for every cell (1-based) whose value changes."""
    changes = []
    for r in range(max(len(current), len(desired))):
        a = current[r] if r < len(current) else []
        b = desired[r] if r < len(desired) else []
        for c in range(max(len(a), len(b))):
            old = a[c] if c < len(a) else None
            new = b[c] if c < len(b) else None
            if not same(old, new):
                changes.append((r + 1, c + 1, new))
    return changes


def rectangles(cells: list[tuple[int, int, Value]]) -> list[tuple[int, int, int, int, list[list[Value]]]]:
    """Group changed cells into few rectangles ``(row1, col1, row2, col2, values)``.

    When most of the bounding box changes (a first push, a refresh) it is one
    rectangle; otherwise runs of adjacent cells per row, stacked when consecutive
    rows change the same columns.
    """
    if not cells:
        return []
    r1 = min(r for r, _, _ in cells)
    r2 = max(r for r, _, _ in cells)
    c1 = min(c for _, c, _ in cells)
    c2 = max(c for _, c, _ in cells)
    if len(cells) * 2 >= (r2 - r1 + 1) * (c2 - c1 + 1):
        return [(r1, c1, r2, c2, _box(cells, r1, c1, r2, c2))]
    runs: dict[int, list[tuple[int, int]]] = {}
    values: dict[tuple[int, int], Value] = {}
    for r, c, v in sorted(cells, key=lambda t: (t[0], t[1])):
        values[(r, c)] = v
        row_runs = runs.setdefault(r, [])
        if row_runs and row_runs[-1][1] == c - 1:
            row_runs[-1] = (row_runs[-1][0], c)
        else:
            row_runs.append((c, c))
    open_: dict[tuple[int, int], list[int]] = {}  # (c1, c2) -> [row1, row2]
    done: list[tuple[int, int, int, int]] = []
    for r in sorted(runs):
        current = set(runs[r])
        for span in list(open_):
            if span not in current or open_[span][1] != r - 1:
                done.append((open_[span][0], span[0], open_[span][1], span[1]))
                del open_[span]
        for span in runs[r]:
            if span in open_:
                open_[span][1] = r
            else:
                open_[span] = [r, r]
    done.extend((rows[0], span[0], rows[1], span[1]) for span, rows in open_.items())
    return [
        (a, b, c, d, [[values[(r, col)] for col in range(b, d + 1)] for r in range(a, c + 1)])
        for a, b, c, d in sorted(done)
    ]


def _box(cells: list[tuple[int, int, Value]], r1: int, c1: int, r2: int, c2: int) -> list[list[Value]]:
    box: list[list[Value]] = [[UNCHANGED] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
    for r, c, v in cells:
        box[r - r1][c - c1] = v
    return box


class _Unchanged:
    """A cell inside a rectangle that does not change: sent as JSON null, which Sheets skips."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()
