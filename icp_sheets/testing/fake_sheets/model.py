"""What the fake keeps: spreadsheets, their tabs and cells, and Google's error answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
}


class ApiError(Exception):
    """An error answered with Google's error body."""

    def __init__(self, code: int, message: str, status: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or _STATUS.get(code, "UNKNOWN")

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


@dataclass
class Cell:
    """What a cell holds: a value, or a formula (whose value is computed on read)."""

    value: Any = None  # str | int | float | bool
    formula: str | None = None
    kind: str | None = None  # the number format Google gave it: NUMBER, CURRENCY, PERCENT, DATE, TIME, DATE_TIME
    iso: bool = False  # a date typed ISO is shown ISO
    decimals: int = 0  # digits after the decimal separator as typed, kept when shown

    @property
    def is_date(self) -> bool:
        """A date, time or date-time: what ``dateTimeRenderOption`` applies to."""
        return self.kind in ("DATE", "TIME", "DATE_TIME")


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = 1000
    cols: int = 26
    hidden: bool = False
    frozen_rows: int = 0
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    protected: list[dict[str, Any]] = field(default_factory=list)
    validation: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)

    def properties(self, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        return props


@dataclass(frozen=True)
class Place:
    """Where developer metadata sits: the spreadsheet, a tab, or one row or column of a tab (0-based)."""

    sheet_id: int | None = None  # None: the spreadsheet
    dimension: str | None = None  # "ROWS" or "COLUMNS"; None: the whole tab
    index: int = 0

    @property
    def location_type(self) -> str:
        if self.sheet_id is None:
            return "SPREADSHEET"
        return {None: "SHEET", "ROWS": "ROW", "COLUMNS": "COLUMN"}[self.dimension]

    def location(self) -> dict[str, Any]:
        """The DeveloperMetadataLocation Google answers."""
        out: dict[str, Any] = {"locationType": self.location_type}
        if self.sheet_id is None:
            out["spreadsheet"] = True
        elif self.dimension is None:
            out["sheetId"] = self.sheet_id
        else:
            out["dimensionRange"] = {
                "sheetId": self.sheet_id,
                "dimension": self.dimension,
                "startIndex": self.index,
                "endIndex": self.index + 1,
            }
        return out

    def intersects(self, other: Place) -> bool:
        """Google's INTERSECTING_LOCATION: a row meets every column of its tab, a tab all it holds."""
        if self.sheet_id is None or other.sheet_id is None:
            return True
        if self.sheet_id != other.sheet_id:
            return False
        if self.dimension is None or other.dimension is None or self.dimension != other.dimension:
            return True
        return self.index == other.index


@dataclass
class DeveloperMetadata:
    metadata_id: int
    key: str
    value: str | None
    visibility: str  # DOCUMENT or PROJECT
    place: Place

    def resource(self) -> dict[str, Any]:
        out: dict[str, Any] = {"metadataId": self.metadata_id, "metadataKey": self.key}
        if self.value is not None:
            out["metadataValue"] = self.value
        out.update(location=self.place.location(), visibility=self.visibility)
        return out


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    private: bool = False  # answers 403, like a sheet not shared with the caller
    developer_metadata: dict[int, DeveloperMetadata] = field(default_factory=dict)
    locale: str = "en_US"  # how typed text is parsed and values are shown (:mod:`.locales`)
    time_zone: str = "Etc/GMT"  # the day TODAY() and NOW() see
    owner: str | None = None  # who may edit every protected range (the creator's identity)

    def sheet(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise ApiError(400, f"Unable to parse range: {title}")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise ApiError(400, f"Invalid requests[0]: No grid with id: {sheet_id}")
