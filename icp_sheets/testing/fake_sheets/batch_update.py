"""``spreadsheets:batchUpdate``: one handler per request kind, all or nothing like Google.

Each handler takes a :class:`Step` (the request's body, its index for Google's
messages, the spreadsheet) and returns its reply: tabs, protection and
validation here, rows and columns in :mod:`.dimensions`, developer metadata in
:mod:`.developer_metadata`. A kind without a handler is refused, and so the
whole batch: the spreadsheet is put back as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from icp_sheets.testing.fake_sheets import developer_metadata, dimensions
from icp_sheets.testing.fake_sheets.locales import LOCALES
from icp_sheets.testing.fake_sheets.model import ApiError, Sheet, Spreadsheet
from icp_sheets.testing.fake_sheets.ranges import grid_box
from icp_sheets.testing.fake_sheets.routes import BOOK, Call, route
from icp_sheets.testing.fake_sheets.step import Handler, Reply, Step


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
    sheets, title, props = list(book.sheets), book.title, (book.locale, book.time_zone)
    states = [(copy.copy(s), s.cells, list(s.protected), dict(s.validation)) for s in book.sheets]
    metadata = {k: copy.copy(m) for k, m in book.developer_metadata.items()}  # a Place is immutable

    def restore() -> None:
        book.sheets, book.title, book.developer_metadata = sheets, title, metadata
        book.locale, book.time_zone = props
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


def _new_title(step: Step, title: str) -> str:
    if any(s.title == title for s in step.book.sheets):
        raise step.refuse(f'A sheet with the name "{title}" already exists. Please enter another name.')
    return title


def _add_sheet(step: Step) -> Reply:
    book, props = step.book, step.body.get("properties", {})
    title = _new_title(step, props.get("title") or f"Sheet{len(book.sheets) + 1}")
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


def _duplicate_sheet(step: Step) -> Reply:
    """A copy of a tab: its size, cells, validation and protected ranges, and its developer metadata.

    Inserted after the source unless ``insertSheetIndex`` says where. The reference does not say whether
    metadata is copied; the fake copies it (with new ids), the harder case for a sync that keys rows by it.
    """
    book, body = step.book, step.body
    source = book.sheet_by_id(body["sourceSheetId"])
    sheet = copy.deepcopy(source)
    sheet.title = _new_title(step, body.get("newSheetName") or f"Copy of {source.title}")
    sheet.sheet_id = body.get("newSheetId") or step.new_id()
    for prot in sheet.protected:
        prot["protectedRangeId"] = step.new_id()
        prot["range"]["sheetId"] = sheet.sheet_id
    book.sheets.insert(body.get("insertSheetIndex", book.sheets.index(source) + 1), sheet)
    developer_metadata.copy_sheet(book, source.sheet_id, sheet.sheet_id, step.new_id)
    return {"duplicateSheet": {"properties": sheet.properties(book.sheets.index(sheet))}}


def _delete_sheet(step: Step) -> Reply:
    sheet = step.book.sheet_by_id(step.body["sheetId"])
    if len(step.book.sheets) == 1:
        raise step.refuse("You can't remove all the sheets in a document.")
    step.book.sheets.remove(sheet)
    developer_metadata.forget_sheet(step.book, sheet.sheet_id)
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
    """The setter of rowCount (axis 0) or columnCount (axis 1): cells and metadata beyond the new size are gone."""
    key = ("rowCount", "columnCount")[axis]

    def setter(step: Step, sheet: Sheet, props: dict[str, Any]) -> None:
        grid = props.get("gridProperties", {})
        if key in grid:
            size = grid[key]
            dimensions.resize(sheet, axis, size)
            sheet.cells = {k: v for k, v in sheet.cells.items() if k[axis] <= size}
            developer_metadata.remap(
                step.book, sheet.sheet_id, dimensions.DIMENSIONS[axis], lambda i: i if i < size else None
            )

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
    props = step.body.get("properties", {})
    if "title" in props:
        step.book.title = props["title"]
    if "locale" in props:
        if props["locale"] not in LOCALES:
            raise step.refuse(f"the fake knows the locales {', '.join(LOCALES)}, not {props['locale']!r}")
        step.book.locale = props["locale"]
    if "timeZone" in props:
        step.book.time_zone = props["timeZone"]
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
    r1, c1, r2, c2 = grid_box(sheet, rng)
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            if rule:
                sheet.validation[(r, c)] = rule
            else:
                sheet.validation.pop((r, c), None)
    return {}


REQUESTS: dict[str, Handler] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "duplicateSheet": _duplicate_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "addProtectedRange": _add_protected_range,
    "deleteProtectedRange": _delete_protected_range,
    "setDataValidation": _set_data_validation,
    **dimensions.REQUESTS,
    **developer_metadata.REQUESTS,
}


def _endpoint(call: Call) -> Any:
    return call.store.batch_update(call.book(), call.body.get("requests", []))


ROUTES = [route("POST", BOOK + r":batchUpdate$", "spreadsheets.batchUpdate", _endpoint)]
