"""Developer metadata: key/value pairs on the spreadsheet, a tab, or one row or column.

Written from the Sheets API v4 reference (``spreadsheets.developerMetadata``,
``DataFilter``, ``DeveloperMetadataLookup``): metadata on a row stays with that
row as rows are inserted, deleted, moved and sorted, and goes when its row,
column or tab is deleted. A ``DataFilter`` selects metadata by lookup (id,
key, value, visibility, location type, location matched exactly or by
intersection) or by the range it covers, and selects values by the row,
column or tab its metadata sits on. Created, changed and deleted through
``spreadsheets:batchUpdate``; found with ``developerMetadata:search`` and
``developerMetadata/{id}``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from icp_sheets.sheets.a1 import rect
from icp_sheets.testing.fake_sheets import ranges
from icp_sheets.testing.fake_sheets.model import ApiError, DeveloperMetadata, Place, Sheet, Spreadsheet
from icp_sheets.testing.fake_sheets.ranges import Box
from icp_sheets.testing.fake_sheets.routes import BOOK, Call, route
from icp_sheets.testing.fake_sheets.step import Handler, Reply, Step

VISIBILITIES = ("DOCUMENT", "PROJECT")
# The reference says what is refused (no key, no visibility, a range of several rows, a taken id) but
# not in what words: the refusals below are the fake's wording, Google's status (400 INVALID_ARGUMENT).


def _bad(message: str) -> ApiError:
    return ApiError(400, message)


def place_of(book: Spreadsheet, location: dict[str, Any], refuse: Callable[[str], ApiError] = _bad) -> Place:
    """A DeveloperMetadataLocation as a place; a dimensionRange must be one row or column of the grid."""
    if location.get("spreadsheet"):
        return Place()
    if "sheetId" in location:
        return Place(book.sheet_by_id(location["sheetId"]).sheet_id)
    rng = location.get("dimensionRange")
    if rng is None:
        raise refuse("A developer metadata location needs spreadsheet, sheetId or dimensionRange.")
    sheet = book.sheet_by_id(rng.get("sheetId", 0))
    start, end = rng.get("startIndex", 0), rng.get("endIndex")
    if end is None or end - start != 1:
        raise refuse("The dimensionRange of developer metadata must be a single row or column.")
    if end > (sheet.rows if rng.get("dimension") == "ROWS" else sheet.cols):
        raise refuse(f"The dimensionRange {start}:{end} of developer metadata is outside the grid.")
    return Place(sheet.sheet_id, rng.get("dimension"), start)


def _matches(book: Spreadsheet, meta: DeveloperMetadata, lookup: dict[str, Any]) -> bool:
    """A DeveloperMetadataLookup: every field given must match."""
    have = {
        "metadataId": meta.metadata_id,
        "metadataKey": meta.key,
        "metadataValue": meta.value,
        "visibility": meta.visibility,
        "locationType": meta.place.location_type,
    }
    if any(name in lookup and lookup[name] != value for name, value in have.items()):
        return False
    if "metadataLocation" not in lookup:
        return True
    where = place_of(book, lookup["metadataLocation"])
    if lookup.get("locationMatchingStrategy") == "EXACT_LOCATION":
        return meta.place == where
    return meta.place.intersects(where)


def region(book: Spreadsheet, data_filter: dict[str, Any]) -> tuple[Sheet, Box]:
    """The tab and box an a1Range or gridRange filter covers."""
    if "a1Range" in data_filter:
        sheet, grid = ranges.locate(book, data_filter["a1Range"])
        return sheet, grid.box(sheet.rows, sheet.cols)
    if "gridRange" in data_filter:
        rng = data_filter["gridRange"]
        sheet = book.sheet_by_id(rng.get("sheetId", 0))
        return sheet, ranges.grid_box(sheet, rng)
    raise _bad("Invalid dataFilter: it needs developerMetadataLookup, a1Range or gridRange.")


def _in_region(place: Place, sheet: Sheet, box: Box) -> bool:
    r1, c1, r2, c2 = box
    if place.sheet_id != sheet.sheet_id:
        return False
    if place.dimension is None:
        return True
    low, high = (r1, r2) if place.dimension == "ROWS" else (c1, c2)
    return low <= place.index + 1 <= high


Index = dict[tuple[str, str | None], list[DeveloperMetadata]]


def index_of(book: Spreadsheet) -> Index:
    """The metadata by key and value, built once per request: a write of 10,000 rows addressed by
    their metadata would otherwise scan all of it 10,000 times (the fake's speed, not Google's)."""
    out: Index = {}
    for meta in book.developer_metadata.values():
        out.setdefault((meta.key, meta.value), []).append(meta)
    return out


def selected(book: Spreadsheet, data_filter: dict[str, Any], index: Index | None = None) -> list[DeveloperMetadata]:
    """The metadata a DataFilter selects: by its lookup, or all on the rows, columns and tab it covers."""
    if "developerMetadataLookup" in data_filter:
        lookup = data_filter["developerMetadataLookup"]
        if index is not None and "metadataKey" in lookup and "metadataValue" in lookup:
            pool = index.get((lookup["metadataKey"], lookup["metadataValue"]), [])
        else:
            pool = list(book.developer_metadata.values())
        return [m for m in pool if _matches(book, m, lookup)]
    sheet, box = region(book, data_filter)
    return [m for m in book.developer_metadata.values() if _in_region(m.place, sheet, box)]


def _selected_by_any(book: Spreadsheet, filters: Iterable[dict[str, Any]]) -> list[DeveloperMetadata]:
    found: dict[int, DeveloperMetadata] = {}
    index = index_of(book)
    for data_filter in filters:
        found.update((m.metadata_id, m) for m in selected(book, data_filter, index))
    return list(found.values())


def ranges_of(book: Spreadsheet, data_filter: dict[str, Any], index: Index | None = None) -> list[str]:
    """The A1 ranges whose values a DataFilter selects: one per row, column or tab its metadata is on."""
    if "developerMetadataLookup" not in data_filter:
        sheet, box = region(book, data_filter)
        return [rect(sheet.title, *box)]
    places = [m.place for m in selected(book, data_filter, index)]
    return [_a1(book.sheet_by_id(p.sheet_id), p) for p in places if p.sheet_id is not None]


def _a1(sheet: Sheet, place: Place) -> str:
    i = place.index + 1
    if place.dimension == "ROWS":
        return rect(sheet.title, i, 1, i, sheet.cols)
    if place.dimension == "COLUMNS":
        return rect(sheet.title, 1, i, sheet.rows, i)
    return rect(sheet.title, 1, 1, sheet.rows, sheet.cols)


# ------------------------------------------------------------------ following rows and columns


def remap(book: Spreadsheet, sheet_id: int, dimension: str, moved: Callable[[int], int | None]) -> None:
    """Metadata on rows or columns of a tab follows them: ``moved`` maps an old index to the new (None: gone)."""
    for mid, meta in list(book.developer_metadata.items()):
        p = meta.place
        if p.sheet_id == sheet_id and p.dimension == dimension:
            new = moved(p.index)
            if new is None:
                del book.developer_metadata[mid]
            else:
                meta.place = Place(sheet_id, dimension, new)


def copy_sheet(book: Spreadsheet, source_id: int, target_id: int, new_id: Callable[[], int]) -> None:
    """A duplicated tab gets copies, with new ids, of the metadata on the source and its rows and columns."""
    for meta in list(book.developer_metadata.values()):
        if meta.place.sheet_id == source_id:
            mid = new_id()
            place = dataclasses.replace(meta.place, sheet_id=target_id)
            book.developer_metadata[mid] = dataclasses.replace(meta, metadata_id=mid, place=place)


def forget_sheet(book: Spreadsheet, sheet_id: int) -> None:
    """A deleted tab takes its metadata, and that of its rows and columns, with it."""
    book.developer_metadata = {k: m for k, m in book.developer_metadata.items() if m.place.sheet_id != sheet_id}


# ------------------------------------------------------------------ batchUpdate requests


def _create(step: Step) -> Reply:
    body = step.body.get("developerMetadata", {})
    if not body.get("metadataKey"):
        raise step.refuse("Developer metadata must have a metadataKey.")
    if body.get("visibility") not in VISIBILITIES:
        raise step.refuse("Developer metadata must have a visibility (DOCUMENT or PROJECT).")
    mid = body.get("metadataId") or step.new_id()
    if mid in step.book.developer_metadata:
        raise step.refuse(f"Developer metadata with ID {mid} already exists.")
    place = place_of(step.book, body.get("location", {}), step.refuse)
    meta = DeveloperMetadata(mid, body["metadataKey"], body.get("metadataValue"), body["visibility"], place)
    step.book.developer_metadata[mid] = meta
    return {"createDeveloperMetadata": {"developerMetadata": meta.resource()}}


def _set_location(step: Step, meta: DeveloperMetadata, new: dict[str, Any]) -> None:
    meta.place = place_of(step.book, new.get("location", {}), step.refuse)


def _set_visibility(step: Step, meta: DeveloperMetadata, new: dict[str, Any]) -> None:
    if new.get("visibility") not in VISIBILITIES:
        raise step.refuse("Developer metadata must have a visibility (DOCUMENT or PROJECT).")
    meta.visibility = new["visibility"]


def _set_key(step: Step, meta: DeveloperMetadata, new: dict[str, Any]) -> None:
    if not new.get("metadataKey"):
        raise step.refuse("Developer metadata must have a metadataKey.")
    meta.key = new["metadataKey"]


def _set_value(step: Step, meta: DeveloperMetadata, new: dict[str, Any]) -> None:
    meta.value = new.get("metadataValue")


_FIELDS: dict[str, Callable[[Step, DeveloperMetadata, dict[str, Any]], None]] = {
    "metadataKey": _set_key,
    "metadataValue": _set_value,
    "visibility": _set_visibility,
    "location": _set_location,
}


def _update(step: Step) -> Reply:
    """Change the named fields of every metadata any of the filters selects."""
    fields = step.body.get("fields", "")
    names = list(_FIELDS) if fields == "*" else [f for f in fields.split(",") if f]
    unknown = [n for n in names if n not in _FIELDS]
    if not names or unknown:
        raise step.refuse(f"Invalid fields: {fields!r}; name some of {', '.join(_FIELDS)}.")
    found = _selected_by_any(step.book, step.body.get("dataFilters", []))
    new = step.body.get("developerMetadata", {})
    for meta in found:
        for name in names:
            _FIELDS[name](step, meta, new)
    return {"updateDeveloperMetadata": {"developerMetadata": [m.resource() for m in found]}}


def _delete(step: Step) -> Reply:
    found = selected(step.book, step.body["dataFilter"])
    for meta in found:
        del step.book.developer_metadata[meta.metadata_id]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": [m.resource() for m in found]}}


REQUESTS: dict[str, Handler] = {
    "createDeveloperMetadata": _create,
    "updateDeveloperMetadata": _update,
    "deleteDeveloperMetadata": _delete,
}


# ------------------------------------------------------------------ endpoints


def search(call: Call) -> Any:
    """Each metadata any filter selects, once, with the filters that selected it."""
    book = call.book()
    matched: dict[int, tuple[DeveloperMetadata, list[dict[str, Any]]]] = {}
    for data_filter in call.body.get("dataFilters", []):
        for meta in selected(book, data_filter):
            matched.setdefault(meta.metadata_id, (meta, []))[1].append(data_filter)
    found = [{"developerMetadata": m.resource(), "dataFilters": filters} for m, filters in matched.values()]
    return {"matchedDeveloperMetadata": found} if found else {}


def get(call: Call) -> Any:
    book = call.book()
    meta = book.developer_metadata.get(int(call.args["metadataId"]))
    if meta is None:
        raise ApiError(404, f"No developer metadata with ID: {call.args['metadataId']}")
    return meta.resource()


ROUTES = [
    route("POST", BOOK + r"/developerMetadata:search$", "developerMetadata.search", search),
    route("GET", BOOK + r"/developerMetadata/(?P<metadataId>\d+)$", "developerMetadata.get", get),
]
