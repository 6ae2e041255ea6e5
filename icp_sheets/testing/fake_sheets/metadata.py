"""The spreadsheet itself: ``spreadsheets.create`` and ``spreadsheets.get`` (its properties and tabs)."""

from __future__ import annotations

import copy
from typing import Any

from icp_sheets.testing.fake_sheets.model import Place, Spreadsheet
from icp_sheets.testing.fake_sheets.routes import BOOK, Call, route


def metadata(book: Spreadsheet) -> dict[str, Any]:
    """The spreadsheet resource as Google answers it without a field mask."""
    sheets = []
    for i, sheet in enumerate(book.sheets):
        entry: dict[str, Any] = {"properties": sheet.properties(i)}
        if sheet.protected:
            entry["protectedRanges"] = copy.deepcopy(sheet.protected)
        if on_sheet := _metadata_at(book, Place(sheet.sheet_id)):
            entry["developerMetadata"] = on_sheet
        sheets.append(entry)
    out: dict[str, Any] = {
        "spreadsheetId": book.spreadsheet_id,
        "properties": {
            "title": book.title,
            "locale": book.locale,
            "autoRecalc": "ON_CHANGE",
            "timeZone": book.time_zone,
        },
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
    }
    if on_book := _metadata_at(book, Place()):
        out["developerMetadata"] = on_book
    return out


def _metadata_at(book: Spreadsheet, place: Place) -> list[dict[str, Any]]:
    """The developer metadata on the spreadsheet or on a tab itself (rows' metadata needs grid data)."""
    return [m.resource() for m in book.developer_metadata.values() if m.place == place]


def create(call: Call) -> Any:
    body = call.body or {}
    props = body.get("properties", {})
    sheets = [s.get("properties", {}) for s in body.get("sheets", [])] or None
    book = call.store.create(
        props.get("title", "Untitled spreadsheet"),
        sheets=sheets,
        locale=props.get("locale", "en_US"),
        time_zone=props.get("timeZone", "Etc/GMT"),
        owner=call.user,
    )
    return metadata(book)


def get(call: Call) -> Any:
    return metadata(call.book())


ROUTES = [
    route("POST", r"^/v4/spreadsheets$", "spreadsheets.create", create),
    route("GET", BOOK + r"$", "spreadsheets.get", get),
]
