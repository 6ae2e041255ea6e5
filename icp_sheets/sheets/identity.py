"""Rows of the shared sheet known by who they are, not by where they are or what a cell says.

The ``icp_id`` column is a cell like any other: a sort that leaves it out moves the data
under fixed ids, a row copied with its id has the original's id, a deleted column loses
every id. So each synced row also carries Google Sheets *developer metadata* (key
``icp_id``, value the id, on the row itself): it moves with the row through inserts,
deletions, moves and sorts, is not copied with the cells, and only the API sets it.

Before merging, the ids the metadata gives override what the id cells say; every cell that
disagreed is rewritten from the metadata and reported. A row whose id cell holds an id that
metadata puts on another row is a copy and gets a fresh id. Rows that carry no metadata yet
(synced before this, or new) get it in the sync's structural request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gspread.urls import SPREADSHEET_URL

from icp_sheets.sheets.client import Connection
from icp_sheets.sheets.grid import KEY, Grid, header_key
from icp_sheets.sheets.merge import Value

ROW_KEY = "icp_id"
LOOKUP = {"developerMetadataLookup": {"metadataKey": ROW_KEY, "locationType": "ROW"}}


@dataclass(frozen=True)
class Tag:
    """One row's metadata: which row it sits on now and the id it holds."""

    metadata_id: int
    row: int  # 1-based, as the grid counts
    key: str


Tags = dict[int, dict[int, Tag]]  # sheetId -> row -> tag


def search(conn: Connection) -> Tags:
    """Every row tag of the spreadsheet in one ``developerMetadata:search``."""
    answer = conn.http.request(
        "post", SPREADSHEET_URL % conn.key + "/developerMetadata:search", json={"dataFilters": [LOOKUP]}
    ).json()
    out: Tags = {}
    for match in answer.get("matchedDeveloperMetadata", []):
        meta = match.get("developerMetadata", {})
        rng = meta.get("location", {}).get("dimensionRange", {})
        if meta.get("metadataKey") != ROW_KEY or rng.get("dimension") != "ROWS" or meta.get("metadataValue") is None:
            continue
        row = int(rng.get("startIndex", 0)) + 1
        out.setdefault(int(rng.get("sheetId", 0)), {}).setdefault(
            row, Tag(int(meta["metadataId"]), row, str(meta["metadataValue"]))
        )
    return out


@dataclass
class Repair:
    """An id cell the sync rewrites because the row's metadata says otherwise."""

    tab: str
    row: int
    was: Value
    now: str | None  # None: a copy, given a fresh id

    def __str__(self) -> str:
        if self.now is None:
            return f"{self.tab} row {self.row}: a copy of the row with id {self.was!r}; it gets an id of its own."
        was = "a blank id" if self.was in (None, "") else f"the id {self.was!r}"
        return f"{self.tab} row {self.row}: had {was} but is the row {self.now!r} (moved, edited or sorted); repaired."


def identified(tab: str, grid: Grid, tags: dict[int, Tag]) -> tuple[Grid, list[Repair]]:
    """``grid`` with every id cell as the metadata has it (a missing id column is added at the
    end), and the cells that changed. Rows with no data keep no id: a cleared row is gone."""
    if not grid or not tags:
        return grid, []
    header = list(grid[0])
    col = next((i for i, h in enumerate(header) if header_key(h) == KEY), None)
    out = [list(line) for line in grid]
    if col is None:
        col = len(header)
        out[0] = [*header, KEY]
    tagged = {t.key for t in tags.values()}
    repairs: list[Repair] = []
    for r, line in enumerate(out[1:], start=2):
        if not any(_filled(v) for i, v in enumerate(line) if i != col):
            continue
        while len(line) <= col:
            line.append(None)
        cell = line[col]
        text = None if cell is None else str(cell).strip() or None
        tag = tags.get(r)
        if tag is not None and text != tag.key:
            repairs.append(Repair(tab, r, cell, tag.key))
            line[col] = tag.key
        elif tag is None and text is not None and text in tagged:
            repairs.append(Repair(tab, r, cell, None))
            line[col] = None
    return out, repairs


def as_read(grid: Grid, read: Grid) -> Grid:
    """``grid`` (keyed from :func:`identified`'s output) with its id column back to what the sheet
    shows, so the repaired ids are written; an id column that was only added here goes again."""
    if not grid:
        return grid
    col = next((i for i, h in enumerate(grid[0]) if header_key(h) == KEY), None)
    if col is None:
        return grid
    had = bool(read) and col < len(read[0]) and header_key(read[0][col]) == KEY
    out = []
    for r, line in enumerate(grid):
        line = list(line)
        if not had:
            del line[col : col + 1]
        elif col < len(line):
            shown = read[r] if r < len(read) else []
            line[col] = shown[col] if col < len(shown) else None
        out.append(line)
    return out


def keys_by_row(grid: Grid) -> dict[int, str]:
    """Row -> id of a grid the sync is about to write (header = row 1)."""
    if not grid:
        return {}
    col = next((i for i, h in enumerate(grid[0]) if header_key(h) == KEY), None)
    if col is None:
        return {}
    return {r: str(line[col]) for r, line in enumerate(grid[1:], start=2) if col < len(line) and _filled(line[col])}


def _filled(value: Any) -> bool:
    return value is not None and value != ""


def tag_requests(sheet_id: int, wanted: dict[int, str], tags: dict[int, Tag]) -> list[dict[str, Any]]:
    """Create the metadata rows lack and correct the metadata that holds another id.

    ``wanted`` is row -> id after the structural request's deletions and growth; ``tags``
    are the tags as they will sit then (deletions already applied).
    """
    out: list[dict[str, Any]] = []
    for row, key in sorted(wanted.items()):
        tag = tags.get(row)
        if tag is not None and tag.key == key:
            continue
        if tag is not None:
            lookup = {"developerMetadataLookup": {"metadataId": tag.metadata_id}}
            out.append({"deleteDeveloperMetadata": {"dataFilter": lookup}})
        out.append(
            {
                "createDeveloperMetadata": {
                    "developerMetadata": {
                        "metadataKey": ROW_KEY,
                        "metadataValue": key,
                        "location": {
                            "dimensionRange": {
                                "sheetId": sheet_id,
                                "dimension": "ROWS",
                                "startIndex": row - 1,
                                "endIndex": row,
                            }
                        },
                        "visibility": "DOCUMENT",
                    }
                }
            }
        )
    return out


def row_filter(sheet_id: int, key: str) -> dict[str, Any]:
    """The DataFilter of the one row of tab ``sheet_id`` tagged ``key``, wherever it is by now."""
    return {
        "developerMetadataLookup": {
            "metadataKey": ROW_KEY,
            "metadataValue": key,
            "locationType": "ROW",
            "metadataLocation": {"sheetId": sheet_id},
            "locationMatchingStrategy": "INTERSECTING_LOCATION",
        }
    }


def by_identity(
    sheet_id: int, keys: dict[int, str], cells: list[tuple[int, int, Value]], encode: Callable[[Value], Any]
) -> tuple[list[dict[str, Any]], list[tuple[int, int, Value]]]:
    """The cells of tagged rows as ``values:batchUpdateByDataFilter`` items, one per row (its
    untouched cells JSON null, which Sheets skips), and the cells left to write by position
    (the header row)."""
    rows: dict[int, dict[int, Any]] = {}
    rest: list[tuple[int, int, Value]] = []
    for r, c, v in cells:
        if r >= 2 and r in keys:
            rows.setdefault(r, {})[c] = encode(v)
        else:
            rest.append((r, c, v))
    items = [
        {
            "dataFilter": row_filter(sheet_id, keys[r]),
            "majorDimension": "ROWS",
            "values": [[line.get(c) for c in range(1, max(line) + 1)]],
        }
        for r, line in sorted(rows.items())
    ]
    return items, rest


def missed(sent: list[dict[str, Any]], answer: dict[str, Any]) -> set[str]:
    """The ids of rows a filtered write found nowhere: deleted in the sheet since the re-read."""
    hit = {
        str(r.get("dataFilter", {}).get("developerMetadataLookup", {}).get("metadataValue"))
        for r in answer.get("responses", [])
        if r.get("updatedRows") or r.get("updatedCells") or r.get("updatedRange")
    }
    return {str(item["dataFilter"]["developerMetadataLookup"]["metadataValue"]) for item in sent} - hit


def after_deletions(tags: dict[int, Tag], deleted: tuple[int, ...]) -> dict[int, Tag]:
    """Where the tags sit once ``deleted`` rows (1-based, before deleting) are gone."""
    gone = sorted(deleted)
    out: dict[int, Tag] = {}
    for row, tag in tags.items():
        if row in deleted:
            continue
        shift = sum(1 for d in gone if d < row)
        out[row - shift] = Tag(tag.metadata_id, row - shift, tag.key)
    return out
