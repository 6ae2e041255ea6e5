"""Rows and columns in a ``spreadsheets:batchUpdate``: append, insert, delete, move, and sortRange.

Cells and the developer metadata on rows and columns go with their row or
column; deleting rows past the grid, or every row that is not frozen, is
refused as Google refuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from icp_sheets.testing.fake_sheets import developer_metadata
from icp_sheets.testing.fake_sheets.formulas import Evaluator
from icp_sheets.testing.fake_sheets.model import Sheet
from icp_sheets.testing.fake_sheets.ranges import grid_box
from icp_sheets.testing.fake_sheets.step import Handler, Reply, Step

IndexMap = Callable[[int], int | None]  # an old 0-based index to the new one; None: deleted
DIMENSIONS = ("ROWS", "COLUMNS")  # by axis
_NOUNS = ("row", "column")


def axis_of(dimension: str) -> int:
    return 0 if dimension == "ROWS" else 1


def count(sheet: Sheet, axis: int) -> int:
    return (sheet.rows, sheet.cols)[axis]


def resize(sheet: Sheet, axis: int, size: int) -> None:
    if axis == 0:
        sheet.rows = size
    else:
        sheet.cols = size


def _at(key: tuple[int, int], axis: int, position: int) -> tuple[int, int]:
    return (position, key[1]) if axis == 0 else (key[0], position)


def remap(step: Step, sheet: Sheet, axis: int, moved: IndexMap) -> None:
    """Move the cells and the metadata of rows (axis 0) or columns (axis 1) as ``moved`` says."""
    cells = {}
    for key, cell in sheet.cells.items():
        new = moved(key[axis] - 1)
        if new is not None:
            cells[_at(key, axis, new + 1)] = cell
    sheet.cells = cells
    developer_metadata.remap(step.book, sheet.sheet_id, DIMENSIONS[axis], moved)


def _dimension_range(step: Step, name: str = "range") -> tuple[Sheet, int, int, int]:
    """The tab, axis, and 0-based start and end (exclusive) of a DimensionRange."""
    rng = step.body[name]
    sheet = step.book.sheet_by_id(rng.get("sheetId", 0))
    axis = axis_of(rng["dimension"])
    return sheet, axis, rng["startIndex"], rng["endIndex"]


def _append(step: Step) -> Reply:
    sheet = step.book.sheet_by_id(step.body["sheetId"])
    axis = axis_of(step.body["dimension"])
    resize(sheet, axis, count(sheet, axis) + step.body["length"])
    return {}


def _insert(step: Step) -> Reply:
    sheet, axis, start, end = _dimension_range(step)
    n = end - start
    remap(step, sheet, axis, lambda i: i + n if i >= start else i)
    resize(sheet, axis, count(sheet, axis) + n)
    return {}


def _delete(step: Step) -> Reply:
    sheet, axis, start, end = _dimension_range(step)
    size, noun = count(sheet, axis), _NOUNS[axis]
    if end > size:
        raise step.refuse(
            f"Cannot delete a {noun} that doesn't exist. "
            f"Tried to delete {noun} index {max(start, size)} but there are only {size} {noun}s."
        )
    if start <= (sheet.frozen_rows if axis == 0 else 0) and end >= size:
        raise step.refuse(f"Sorry, it is not possible to delete all non-frozen {noun}s.")
    n = end - start
    remap(step, sheet, axis, lambda i: None if start <= i < end else i - n if i >= end else i)
    resize(sheet, axis, size - n)
    return {}


def _move(step: Step) -> Reply:
    """moveDimension: the destination index counts as before the source is taken out, as Google's does."""
    sheet, axis, start, end = _dimension_range(step, "source")
    destination, n = step.body["destinationIndex"], end - start
    order = list(range(count(sheet, axis)))
    block, rest = order[start:end], order[:start] + order[end:]
    at = destination if destination <= start else max(start, destination - n)
    position = {old: new for new, old in enumerate(rest[:at] + block + rest[at:])}
    remap(step, sheet, axis, lambda i: position.get(i, i))
    return {}


def _sort_key(value: Any) -> tuple[int, Any]:
    """Google's ascending order: numbers, then text (case ignored), then booleans."""
    if isinstance(value, bool):
        return 2, value
    if isinstance(value, int | float):
        return 0, value
    return 1, str(value).casefold()


def _sort(step: Step) -> Reply:
    """sortRange: the rows of the box reordered by the specs (first spec first), blanks last either way.

    Only the box's cells move; the developer metadata of its rows moves with them. The reference does
    not say what a sort of some columns does to row metadata: the fake moves it with the sorted cells,
    so a sort leaving the ``icp_id`` column behind shows up as metadata and id cell disagreeing.
    """
    sheet = step.book.sheet_by_id(step.body["range"].get("sheetId", 0))
    r1, c1, r2, c2 = grid_box(sheet, step.body["range"])
    ev = Evaluator.of(step.book, sheet)
    rows = list(range(r1, r2 + 1))
    for spec in reversed(step.body.get("sortSpecs", [])):
        column = spec.get("dimensionIndex", 0) + 1
        values = {r: ev.value(sheet.cells[(r, column)]) if (r, column) in sheet.cells else None for r in rows}
        filled = [r for r in rows if values[r] not in (None, "")]
        filled.sort(key=lambda r: _sort_key(values[r]), reverse=spec.get("sortOrder") == "DESCENDING")
        rows = filled + [r for r in rows if values[r] in (None, "")]
    position = {old: r1 + k for k, old in enumerate(rows)}
    box = {k: c for k, c in sheet.cells.items() if r1 <= k[0] <= r2 and c1 <= k[1] <= c2}
    for key in box:
        del sheet.cells[key]
    sheet.cells.update(((position[r], c), cell) for (r, c), cell in box.items())
    developer_metadata.remap(step.book, sheet.sheet_id, "ROWS", lambda i: position.get(i + 1, i + 1) - 1)
    return {}


REQUESTS: dict[str, Handler] = {
    "appendDimension": _append,
    "insertDimension": _insert,
    "deleteDimension": _delete,
    "moveDimension": _move,
    "sortRange": _sort,
}
