"""The ``spreadsheets.values`` endpoints: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from icp_sheets.testing.fake_sheets import developer_metadata, ranges
from icp_sheets.testing.fake_sheets.model import ApiError, Spreadsheet
from icp_sheets.testing.fake_sheets.routes import BOOK, Call, route


def _input_option(text: str) -> bool:
    """True for USER_ENTERED; Google refuses a write without a valueInputOption."""
    if text not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    return text == "USER_ENTERED"


def _read_options(option: Callable[[str, str], str]) -> dict[str, str]:
    """How to render what is read, from the query (a GET) or the body (a POST by data filter)."""
    return {
        "value_option": option("valueRenderOption", "FORMATTED_VALUE"),
        "date_option": option("dateTimeRenderOption", "SERIAL_NUMBER"),
        "major": option("majorDimension", "ROWS") or "ROWS",
    }


def get(call: Call) -> Any:
    book = call.book()
    return ranges.read(book, call.range(), **_read_options(call.param))


def batch_get(call: Call) -> Any:
    book = call.book()
    options = _read_options(call.param)
    return {
        "spreadsheetId": book.spreadsheet_id,
        "valueRanges": [ranges.read(book, r, **options) for r in call.query.get("ranges", [])],
    }


def update(call: Call) -> Any:
    book = call.book()
    entered = _input_option(call.param("valueInputOption"))
    return ranges.write(
        book,
        call.range(),
        call.body.get("values"),
        user_entered=entered,
        major=call.body.get("majorDimension") or "ROWS",
        user=call.user,
    )


def _write_all(
    book: Spreadsheet, targets: list[tuple[str, dict[str, Any]]], entered: bool, caller: str | None
) -> list[dict[str, Any]]:
    """Write each (range, item with values); all or nothing, like Google: every range is checked first."""

    def write(check_only: bool) -> list[dict[str, Any]]:
        return [
            ranges.write(
                book,
                a1,
                item.get("values"),
                user_entered=entered,
                major=item.get("majorDimension") or "ROWS",
                check_only=check_only,
                user=caller,
            )
            for a1, item in targets
        ]

    write(check_only=True)
    return write(check_only=False)


def _totals(book: Spreadsheet, responses: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "spreadsheetId": book.spreadsheet_id,
        "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
        "totalUpdatedColumns": max((r.get("updatedColumns", 0) for r in responses), default=0),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len({r.get("updatedRange", "").rpartition("!")[0] for r in responses}),
        "responses": responses,
    }


def batch_update(call: Call) -> Any:
    book = call.book()
    entered = _input_option(call.body.get("valueInputOption", ""))
    data = call.body.get("data", [])
    return _totals(book, _write_all(book, [(item["range"], item) for item in data], entered, call.user))


def batch_get_by_data_filter(call: Call) -> Any:
    """The values of every range any filter selects, once each, with the filters that selected it."""
    book = call.book()
    options = _read_options(call.body.get)
    found: dict[str, list[dict[str, Any]]] = {}
    index = developer_metadata.index_of(book)
    for data_filter in call.body.get("dataFilters", []):
        for a1 in developer_metadata.ranges_of(book, data_filter, index):
            found.setdefault(a1, []).append(data_filter)
    matched = [{"valueRange": ranges.read(book, a1, **options), "dataFilters": fs} for a1, fs in found.items()]
    return {"spreadsheetId": book.spreadsheet_id, **({"valueRanges": matched} if matched else {})}


def batch_update_by_data_filter(call: Call) -> Any:
    """Each item's values written to every range its filter selects (none: nothing written for it)."""
    book = call.book()
    entered = _input_option(call.body.get("valueInputOption", ""))
    index = developer_metadata.index_of(book)
    targets = [
        (a1, item)
        for item in call.body.get("data", [])
        for a1 in developer_metadata.ranges_of(book, item["dataFilter"], index)
    ]
    responses = [
        {**{k: v for k, v in answer.items() if k != "spreadsheetId"}, "dataFilter": item["dataFilter"]}
        for answer, (_, item) in zip(_write_all(book, targets, entered, call.user), targets, strict=True)
    ]
    return _totals(book, responses)


def append(call: Call) -> Any:
    book = call.book()
    entered = _input_option(call.param("valueInputOption"))
    return ranges.append(
        book,
        call.range(),
        call.body.get("values") or [],
        user_entered=entered,
        insert_rows=call.param("insertDataOption") == "INSERT_ROWS",
        major=call.body.get("majorDimension") or "ROWS",
        user=call.user,
    )


def clear(call: Call) -> Any:
    book = call.book()
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": ranges.clear(book, call.range(), call.user)}


def batch_clear(call: Call) -> Any:
    book = call.book()
    return {
        "spreadsheetId": book.spreadsheet_id,
        "clearedRanges": [ranges.clear(book, r, call.user) for r in call.body.get("ranges", [])],
    }


ROUTES = [
    route("GET", BOOK + r"/values:batchGet$", "values.batchGet", batch_get),
    route("POST", BOOK + r"/values:batchUpdate$", "values.batchUpdate", batch_update),
    route("POST", BOOK + r"/values:batchClear$", "values.batchClear", batch_clear),
    route("POST", BOOK + r"/values:batchGetByDataFilter$", "values.batchGetByDataFilter", batch_get_by_data_filter),
    route(
        "POST",
        BOOK + r"/values:batchUpdateByDataFilter$",
        "values.batchUpdateByDataFilter",
        batch_update_by_data_filter,
    ),
    route("POST", BOOK + r"/values/(?P<range>.+):append$", "values.append", append),
    route("POST", BOOK + r"/values/(?P<range>.+):clear$", "values.clear", clear),
    route("GET", BOOK + r"/values/(?P<range>.+)$", "values.get", get),
    route("PUT", BOOK + r"/values/(?P<range>.+)$", "values.update", update),
]
