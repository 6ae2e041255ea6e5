"""``spreadsheets:batchUpdate``: one handler per request kind, all or nothing like Google.

Each handler takes a :class:`Step` (the request's body, its index for Google's
messages, the spreadsheet) and returns its reply. A kind without a handler is
refused, and so the whole batch: the spreadsheet is put back as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from icp_sheets.testing.fake_sheets.model import ApiError, Sheet, Spreadsheet
from icp_sheets.testing.fake_sheets.routes import BOOK, Call, route


@dataclass(frozen=True)
class Step:
    """One request of a batch: its kind and body, its index (Google's messages name it), the spreadsheet."""

    book: Spreadsheet
    kind: str
    body: dict[str, Any]
    index: int
    new_id: Callable[[], int]  # the store's random ids, for new tabs and protected ranges

    def refuse(self, message: str) -> ApiError:
        return ApiError(400, f"Invalid requests[{self.index}].{self.kind}: {message}")


Reply = dict[str, Any]


def apply(book: Spreadsheet, requests: list[dict[str, Any]], new_id: Callable[[], int]) -> dict[str, Any]:
    restore = _snapshot(book)
    try:
        replies = [_one(book, req, i, new_id) for i, req in enumerate(requests)]
    except ApiError:
        restore()
        raise
    return {"spreadsheetId": book.spreadsheet_id, "replies": replies}


def _snapshot(book: Spreadsheet) -> Callable[[], None]:
    """A function that puts the spreadsheet back as it is now."""
    sheets, title = list(book.sheets), book.title
    states = [(copy.copy(s), s.cells, list(s.protected), dict(s.validation)) for s in book.sheets]

    def restore() -> None:
        book.sheets, book.title = sheets, title
        for sheet, (state, cells, protected, validation) in zip(book.sheets, states, strict=True):
            sheet.__dict__.update(state.__dict__)
            sheet.cells, sheet.protected, sheet.validation = cells, protected, validation

    return restore


def _one(book: Spreadsheet, req: dict[str, Any], i: int, new_id: Callable[[], int]) -> Reply:
    ((kind, body),) = req.items()
    handler = REQUESTS.get(kind)
    if handler is None:
        raise ApiError(400, f"Invalid requests[{i}]: the fake server does not implement {kind!r}.")
    return handler(Step(book, kind, body, i, new_id))


# ------------------------------------------------------------------ tabs


def _add_sheet(step: Step) -> Reply:
    book, props = step.book, step.body.get("properties", {})
    title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
    if any(s.title == title for s in book.sheets):
        raise step.refuse(f'A sheet with the name "{title}" already exists. Please enter another name.')
    grid = props.get("gridProperties", {})
    sheet = Sheet(
        props.get("sheetId") or step.new_id(),
        title,
        grid.get("rowCount", 1000),
        grid.get("columnCount", 26),
        bool(props.get("hidden")),
        grid.get("frozenRowCount", 0),
    )
    book.sheets.insert(props.get("index", len(book.sheets)), sheet)
    return {"addSheet": {"properties": sheet.properties(book.sheets.index(sheet))}}


def _delete_sheet(step: Step) -> Reply:
    sheet = step.book.sheet_by_id(step.body["sheetId"])
    if len(step.book.sheets) == 1:
        raise step.refuse("You can't remove all the sheets in a document.")
    step.book.sheets.remove(sheet)
    return {}


Setter = Callable[[Step, Sheet, dict[str, Any]], None]


def _set_title(step: Step, sheet: Sheet, props: dict[str, Any]) -> None:
    if "title" in props:
        sheet.title = props["title"]


def _set_hidden(step: Step, sheet: Sheet, props: dict[str, Any]) -> None:
    if props.get("hidden") and all(s.hidden or s is sheet for s in step.book.sheets):
        raise step.refuse("You can't hide all the sheets in a document.")
    sheet.hidden = bool(props.get("hidden"))


def _set_count(axis: int) -> Setter:
    """The setter of rowCount (axis 0) or columnCount (axis 1): cells beyond the new size are gone."""
    key = ("rowCount", "columnCount")[axis]

    def setter(step: Step, sheet: Sheet, props: dict[str, Any]) -> None:
        grid = props.get("gridProperties", {})
        if key in grid:
            _resize(sheet, axis, grid[key])
            sheet.cells = {k: v for k, v in sheet.cells.items() if k[axis] <= grid[key]}

    return setter


def _set_frozen_rows(step: Step, sheet: Sheet, props: dict[str, Any]) -> None:
    sheet.frozen_rows = props.get("gridProperties", {}).get("frozenRowCount", 0)


def _set_index(step: Step, sheet: Sheet, props: dict[str, Any]) -> None:
    if "index" in props:
        step.book.sheets.remove(sheet)
        step.book.sheets.insert(props["index"], sheet)


# The properties updateSheetProperties can change, by their name in ``fields``, in the order applied.
_SHEET_FIELDS: dict[str, Setter] = {
    "title": _set_title,
    "hidden": _set_hidden,
    "gridProperties/rowCount": _set_count(0),
    "gridProperties/columnCount": _set_count(1),
    "gridProperties/frozenRowCount": _set_frozen_rows,
    "index": _set_index,
}


def _update_sheet_properties(step: Step) -> Reply:
    props = step.body["properties"]
    sheet = step.book.sheet_by_id(props.get("sheetId", 0))
    fields = step.body.get("fields", "*")
    for name, setter in _SHEET_FIELDS.items():
        if fields == "*" or name in fields.split(",") or name.split("/")[0] in fields.split(","):
            setter(step, sheet, props)
    return {}


def _update_spreadsheet_properties(step: Step) -> Reply:
    if "title" in step.body.get("properties", {}):
        step.book.title = step.body["properties"]["title"]
    return {}


# ------------------------------------------------------------------ rows and columns


def _axis(dimension: str) -> int:
    return 0 if dimension == "ROWS" else 1


def _resize(sheet: Sheet, axis: int, size: int) -> None:
    if axis == 0:
        sheet.rows = size
    else:
        sheet.cols = size


def _grow(sheet: Sheet, axis: int, by: int) -> None:
    _resize(sheet, axis, (sheet.rows, sheet.cols)[axis] + by)


def _moved(key: tuple[int, int], axis: int, by: int) -> tuple[int, int]:
    return (key[0] + by, key[1]) if axis == 0 else (key[0], key[1] + by)


def _dimension_range(step: Step) -> tuple[Sheet, int, int, int]:
    """The tab, axis and 1-based inclusive first and last index of a DimensionRange."""
    rng = step.body["range"]
    sheet = step.book.sheet_by_id(rng.get("sheetId", 0))
    axis = _axis(rng["dimension"])
    return sheet, axis, rng["startIndex"] + 1, rng["endIndex"]


def _append_dimension(step: Step) -> Reply:
    sheet = step.book.sheet_by_id(step.body["sheetId"])
    _grow(sheet, _axis(step.body["dimension"]), step.body["length"])
    return {}


def _insert_dimension(step: Step) -> Reply:
    sheet, axis, start, end = _dimension_range(step)
    n = end - start + 1
    sheet.cells = {(_moved(k, axis, n) if k[axis] >= start else k): c for k, c in sheet.cells.items()}
    _grow(sheet, axis, n)
    return {}


def _delete_dimension(step: Step) -> Reply:
    sheet, axis, start, end = _dimension_range(step)
    n = end - start + 1
    sheet.cells = {
        (_moved(k, axis, -n) if k[axis] > end else k): c for k, c in sheet.cells.items() if not start <= k[axis] <= end
    }
    _grow(sheet, axis, -n)
    return {}


# ------------------------------------------------------------------ protection and validation


def _add_protected_range(step: Step) -> Reply:
    prot = copy.deepcopy(step.body["protectedRange"])
    sheet = step.book.sheet_by_id(prot["range"].get("sheetId", 0))
    prot = {k: v for k, v in prot.items() if v is not None and v is not False}
    prot["range"] = {k: v for k, v in prot["range"].items() if k != "sheetId" or v}
    prot.setdefault("protectedRangeId", step.new_id())
    prot["requestingUserCanEdit"] = True
    prot.setdefault("editors", {})
    sheet.protected.append(prot)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(prot)}}


def _delete_protected_range(step: Step) -> Reply:
    wanted = step.body["protectedRangeId"]
    for sheet in step.book.sheets:
        before = len(sheet.protected)
        sheet.protected = [p for p in sheet.protected if p["protectedRangeId"] != wanted]
        if len(sheet.protected) != before:
            return {}
    raise step.refuse(f"No protected range with id: {wanted}")


def _set_data_validation(step: Step) -> Reply:
    rng, rule = step.body["range"], step.body.get("rule")
    sheet = step.book.sheet_by_id(rng.get("sheetId", 0))
    for r in range(rng.get("startRowIndex", 0) + 1, rng.get("endRowIndex", sheet.rows) + 1):
        for c in range(rng.get("startColumnIndex", 0) + 1, rng.get("endColumnIndex", sheet.cols) + 1):
            if rule:
                sheet.validation[(r, c)] = rule
            else:
                sheet.validation.pop((r, c), None)
    return {}


REQUESTS: dict[str, Callable[[Step], Reply]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "appendDimension": _append_dimension,
    "insertDimension": _insert_dimension,
    "deleteDimension": _delete_dimension,
    "addProtectedRange": _add_protected_range,
    "deleteProtectedRange": _delete_protected_range,
    "setDataValidation": _set_data_validation,
}


def _endpoint(call: Call) -> Any:
    return call.store.batch_update(call.book(), call.body.get("requests", []))


ROUTES = [route("POST", BOOK + r":batchUpdate$", "spreadsheets.batchUpdate", _endpoint)]
