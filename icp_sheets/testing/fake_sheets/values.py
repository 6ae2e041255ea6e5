"""The ``spreadsheets.values`` endpoints: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

from typing import Any

from icp_sheets.testing.fake_sheets import ranges
from icp_sheets.testing.fake_sheets.model import ApiError, Spreadsheet
from icp_sheets.testing.fake_sheets.routes import BOOK, Call, route


def _input_option(text: str) -> bool:
    """True for USER_ENTERED; Google refuses a write without a valueInputOption."""
    if text not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    return text == "USER_ENTERED"


def _read_options(call: Call) -> dict[str, str]:
    return {
        "value_option": call.param("valueRenderOption", "FORMATTED_VALUE"),
        "date_option": call.param("dateTimeRenderOption", "SERIAL_NUMBER"),
        "major": call.param("majorDimension", "ROWS") or "ROWS",
    }


def get(call: Call) -> Any:
    book = call.book()
    return ranges.read(book, call.range(), **_read_options(call))


def batch_get(call: Call) -> Any:
    book = call.book()
    options = _read_options(call)
    return {
        "spreadsheetId": book.spreadsheet_id,
        "valueRanges": [ranges.read(book, r, **options) for r in call.query.get("ranges", [])],
    }


def update(call: Call) -> Any:
    book = call.book()
    user = _input_option(call.param("valueInputOption"))
    return ranges.write(
        book, call.range(), call.body.get("values"), user_entered=user, major=call.body.get("majorDimension") or "ROWS"
    )


def _write_item(book: Spreadsheet, item: dict[str, Any], user: bool, check_only: bool = False) -> dict[str, Any]:
    return ranges.write(
        book,
        item["range"],
        item.get("values"),
        user_entered=user,
        major=item.get("majorDimension") or "ROWS",
        check_only=check_only,
    )


def batch_update(call: Call) -> Any:
    """All or nothing, like Google: every range is checked before any is written."""
    book = call.book()
    user = _input_option(call.body.get("valueInputOption", ""))
    data = call.body.get("data", [])
    for item in data:
        _write_item(book, item, user, check_only=True)
    responses = [_write_item(book, item, user) for item in data]
    return {
        "spreadsheetId": book.spreadsheet_id,
        "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
        "totalUpdatedColumns": max((r.get("updatedColumns", 0) for r in responses), default=0),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len({r.get("updatedRange", "").rpartition("!")[0] for r in responses}),
        "responses": responses,
    }


def append(call: Call) -> Any:
    book = call.book()
    user = _input_option(call.param("valueInputOption"))
    return ranges.append(
        book,
        call.range(),
        call.body.get("values") or [],
        user_entered=user,
        insert_rows=call.param("insertDataOption") == "INSERT_ROWS",
        major=call.body.get("majorDimension") or "ROWS",
    )


def clear(call: Call) -> Any:
    book = call.book()
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": ranges.clear(book, call.range())}


def batch_clear(call: Call) -> Any:
    book = call.book()
    return {
        "spreadsheetId": book.spreadsheet_id,
        "clearedRanges": [ranges.clear(book, r) for r in call.body.get("ranges", [])],
    }


ROUTES = [
    route("GET", BOOK + r"/values:batchGet$", "values.batchGet", batch_get),
    route("POST", BOOK + r"/values:batchUpdate$", "values.batchUpdate", batch_update),
    route("POST", BOOK + r"/values:batchClear$", "values.batchClear", batch_clear),
    route("POST", BOOK + r"/values/(?P<range>.+):append$", "values.append", append),
    route("POST", BOOK + r"/values/(?P<range>.+):clear$", "values.clear", clear),
    route("GET", BOOK + r"/values/(?P<range>.+)$", "values.get", get),
    route("PUT", BOOK + r"/values/(?P<range>.+)$", "values.update", update),
]
