"""The fake Sheets server against Google's real answers.

gspread's own recordings of real Google traffic (MIT licence) sit beside the
repository in ``shared/gspread-cassettes``; they are read from there, never
copied in. Each recording is replayed request by request against the fake: a
Drive "create file" becomes an empty spreadsheet with the recorded key, and
every Sheets request the fake implements is sent to it and its answer compared
with Google's (status, error status, ranges, values, counts, tab properties).
A recording stops at the first request the fake does not implement (merging
cells, formats...), since the two would no longer hold the same spreadsheet.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from icp_sheets.testing.fake_sheets import FakeSheets

CASSETTES = Path(__file__).resolve().parents[1].parent / "shared" / "gspread-cassettes"
SHEETS = "https://sheets.googleapis.com"
DRIVE_CREATE = re.compile(r"^https://www\.googleapis\.com/drive/v3/files\?")
SUPPORTED_REQUESTS = {
    "addSheet",
    "deleteSheet",
    "updateSheetProperties",
    "updateSpreadsheetProperties",
    "addProtectedRange",
    "deleteProtectedRange",
    "setDataValidation",
    "insertDimension",
    "deleteDimension",
    "appendDimension",
    "sortRange",
}
# Sheet properties the fake keeps; others (tab colours, gridlines, right-to-left...) it does not.
SHEET_FIELDS = ("title", "index", "sheetType", "hidden")
GRID_FIELDS = ("rowCount", "columnCount", "frozenRowCount")

# On a laptop without the recordings these tests skip; on CI (CI set) a missing folder fails them.
pytestmark = pytest.mark.skipif(
    not CASSETTES.is_dir() and not os.environ.get("CI"),
    reason=f"the recorded Google traffic is not here ({CASSETTES.name} is expected beside the repository, in shared/)",
)


def test_the_recordings_are_there() -> None:
    assert sorted(CASSETTES.glob("*.json")), f"no recordings in ../shared/{CASSETTES.name}: CI must have them"


@dataclass
class Replay:
    compared: int = 0
    stopped: str | None = None
    mismatches: list[str] = field(default_factory=list)
    endpoints: set[str] = field(default_factory=set)


def _recordings(path: Path) -> list[list[dict[str, Any]]]:
    """One file may hold several recordings back to back: split them at each Drive create."""
    out: list[list[dict[str, Any]]] = []
    for interaction in json.loads(path.read_text(encoding="utf-8"))["interactions"]:
        if interaction["request"]["method"] == "POST" and DRIVE_CREATE.match(interaction["request"]["uri"]):
            out.append([])
        if out:
            out[-1].append(interaction)
    return out


def _body(interaction: dict[str, Any], side: str) -> Any:
    raw = interaction[side]["body"]
    text = raw.get("string", "") if isinstance(raw, dict) else raw
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _endpoint(method: str, path: str, body: Any) -> str | None:
    """The fake's name for a recorded request, or None when the fake does not implement it."""
    path, _, query = path.partition("?")
    path = path.split("/v4/spreadsheets", 1)[1]
    if method == "GET" and re.fullmatch(r"/[^/:]+", path):
        return None if "fields=" in query else "spreadsheets.get"  # field masks: notes, colours...
    if method == "POST" and path.endswith(":batchUpdate") and "/values" not in path:
        kinds = {next(iter(r)) for r in (body or {}).get("requests", [])}
        return "spreadsheets.batchUpdate" if kinds <= SUPPORTED_REQUESTS else None
    for pattern, name in (
        (r"/values:batchGet", "values.batchGet"),
        (r"/values:batchUpdate", "values.batchUpdate"),
        (r"/values:batchClear", "values.batchClear"),
        (r"/values/.+:append", "values.append"),
        (r"/values/.+:clear", "values.clear"),
    ):
        if method in ("GET", "POST") and re.search(pattern + "$", path):
            return name
    if "/values/" in path and method in ("GET", "PUT"):
        return "values.get" if method == "GET" else "values.update"
    return None


def _map_ids(value: Any, ids: dict[int, int]) -> Any:
    """Google's and the fake's random sheet and protected-range ids, translated."""
    if isinstance(value, dict):
        return {
            k: (ids.get(v, v) if k in ("sheetId", "protectedRangeId") and isinstance(v, int) else _map_ids(v, ids))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_map_ids(v, ids) for v in value]
    return value


def _compare(endpoint: str, want: Any, got: Any) -> list[str]:
    problems: list[str] = []

    def check(label: str, a: Any, b: Any) -> None:
        if a != b:
            problems.append(f"{endpoint} {label}: Google {a!r}, fake {b!r}")

    if endpoint in ("values.get",):
        for key in ("range", "majorDimension", "values"):
            check(key, want.get(key), got.get(key))
    elif endpoint == "values.batchGet":
        check("ranges", len(want["valueRanges"]), len(got.get("valueRanges", [])))
        for w, g in zip(want["valueRanges"], got.get("valueRanges", []), strict=False):
            for key in ("range", "majorDimension", "values"):
                check(key, w.get(key), g.get(key))
    elif endpoint in ("values.update", "values.append", "values.clear", "values.batchClear", "values.batchUpdate"):
        check("answer", want, got)
    elif endpoint == "spreadsheets.get":
        check("spreadsheetId", want["spreadsheetId"], got.get("spreadsheetId"))
        check("title", want["properties"]["title"], got["properties"]["title"])
        check(
            "tabs",
            [s["properties"]["title"] for s in want["sheets"]],
            [s["properties"]["title"] for s in got["sheets"]],
        )
        for w, g in zip(want["sheets"], got["sheets"], strict=False):
            wp, gp = w["properties"], g["properties"]
            check("sheet", {k: wp.get(k) for k in SHEET_FIELDS}, {k: gp.get(k) for k in SHEET_FIELDS})
            check(
                "grid",
                {k: wp["gridProperties"].get(k) for k in GRID_FIELDS},
                {k: gp["gridProperties"].get(k) for k in GRID_FIELDS},
            )
            check(
                "protected ranges",
                [(p["range"], p.get("warningOnly")) for p in w.get("protectedRanges", [])],
                [(p["range"], p.get("warningOnly")) for p in g.get("protectedRanges", [])],
            )
    elif endpoint == "spreadsheets.batchUpdate":
        check("replies", len(want["replies"]), len(got["replies"]))
        for w, g in zip(want["replies"], got["replies"], strict=False):
            if "addSheet" in w:
                wp, gp = w["addSheet"]["properties"], g["addSheet"]["properties"]
                check("addSheet", {k: wp.get(k) for k in SHEET_FIELDS}, {k: gp.get(k) for k in SHEET_FIELDS})
            elif "addProtectedRange" in w:
                wp, gp = w["addProtectedRange"]["protectedRange"], g["addProtectedRange"]["protectedRange"]
                check("protected range", (wp["range"], wp.get("warningOnly")), (gp["range"], gp.get("warningOnly")))
            else:
                check("reply", w, g)
    return problems


def replay(fake: FakeSheets, recording: list[dict[str, Any]]) -> Replay:
    result = Replay()
    ids: dict[int, int] = {0: 0}  # Google's sheetId -> the fake's
    back: dict[int, int] = {0: 0}
    for interaction in recording:
        request = interaction["request"]
        uri, method = request["uri"], request["method"]
        if DRIVE_CREATE.match(uri) and method == "POST":
            created = _body(interaction, "response")
            fake.store.create(created["name"], spreadsheet_id=created["id"])
            continue
        if not uri.startswith(SHEETS):
            if method not in ("GET", "DELETE"):  # a Drive import or copy changes the file
                result.stopped = f"Drive {method}"
                break
            continue  # Drive metadata, permissions, deletion: not the fake's business
        body = _body(interaction, "request")
        parts = urlsplit(uri)
        key = parts.path.split("/v4/spreadsheets/", 1)[-1].split("/")[0].split(":")[0]
        if key not in fake.store.spreadsheets:
            if interaction["response"]["status"]["code"] != 403:
                result.stopped = "a spreadsheet made outside the recording"
                break
            fake.store.create("Not shared", spreadsheet_id=key, private=True)
        endpoint = _endpoint(method, f"{parts.path}?{parts.query}", body)
        if endpoint is None:
            result.stopped = f"{method} {parts.path.rsplit('/', 1)[-1]}"
            break
        answer = requests.request(
            method, fake.url + uri[len(SHEETS) :], json=_map_ids(body, ids) if body is not None else None, timeout=10
        )
        want_status = interaction["response"]["status"]["code"]
        want, got = _body(interaction, "response"), answer.json()
        result.compared += 1
        result.endpoints.add(endpoint)
        if answer.status_code != want_status:
            result.mismatches.append(
                f"{endpoint} status: Google {want_status}, fake {answer.status_code} "
                f"({got.get('error', {}).get('message')})"
            )
            break
        if want_status >= 400:
            if want["error"]["status"] != got["error"]["status"]:
                result.mismatches.append(f"{endpoint} error: Google {want['error']}, fake {got['error']}")
            continue
        if endpoint == "spreadsheets.batchUpdate":
            for w, g in zip(want["replies"], got["replies"], strict=False):
                for kind, inner, name in (
                    ("addSheet", "properties", "sheetId"),
                    ("addProtectedRange", "protectedRange", "protectedRangeId"),
                ):
                    if kind in w:
                        ids[w[kind][inner][name]] = g[kind][inner][name]
                        back[g[kind][inner][name]] = w[kind][inner][name]
        result.mismatches.extend(_compare(endpoint, want, _map_ids(got, back)))
    return result


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSheets]:
    with FakeSheets() as server:
        yield server


def _cassettes() -> list[Path]:
    return sorted(CASSETTES.glob("*.json")) if CASSETTES.is_dir() else []


@pytest.mark.parametrize("path", _cassettes(), ids=lambda p: p.stem)
def test_the_fake_answers_like_google(fake: FakeSheets, path: Path) -> None:
    for recording in _recordings(path):
        result = replay(fake, recording)
        assert result.mismatches == [], "\n".join(result.mismatches)


def test_the_replay_covers_every_endpoint_the_project_uses(fake: FakeSheets) -> None:
    seen: set[str] = set()
    compared = 0
    for path in _cassettes():
        for recording in _recordings(path):
            result = replay(fake, recording)
            seen |= result.endpoints
            compared += result.compared
    assert {
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "values.get",
        "values.batchGet",
        "values.update",
        "values.batchUpdate",
        "values.append",
        "values.clear",
        "values.batchClear",
    } <= seen
    assert compared > 500


def test_empty_ranges_have_no_values_and_ranges_come_back_normalised(fake: FakeSheets) -> None:
    fake.store.create("Shapes", spreadsheet_id="shapes")
    base = f"{fake.url}/v4/spreadsheets/shapes/values"
    requests.put(
        f"{base}/Sheet1!B2",
        params={"valueInputOption": "RAW"},
        json={"values": [["x", "", None], [], ["y"]]},
        timeout=10,
    )
    assert requests.get(f"{base}/Sheet1!D5:E6", timeout=10).json() == {
        "range": "Sheet1!D5:E6",
        "majorDimension": "ROWS",
    }
    got = requests.get(f"{base}/'Sheet1'!A:C", timeout=10).json()
    assert got["range"] == "Sheet1!A1:C1000"
    assert got["values"] == [[], ["", "x"], [], ["", "y"]]
    error = requests.get(f"{base}/Nope!A1", timeout=10)
    assert error.status_code == 400 and error.json()["error"]["status"] == "INVALID_ARGUMENT"
    too_far = requests.put(
        f"{base}/Sheet1!A1001", params={"valueInputOption": "RAW"}, json={"values": [["x"]]}, timeout=10
    )
    assert "exceeds grid limits" in too_far.json()["error"]["message"]


def test_request_counting_and_the_person_hook(fake: FakeSheets) -> None:
    fake.store.create("Hooks", spreadsheet_id="hooks")
    fake.reset_counts()
    fake.on("values.get", after=1, action=lambda store: store.type_in("hooks", "Sheet1", "A1", "typed"))
    url = f"{fake.url}/v4/spreadsheets/hooks/values/Sheet1!A1"
    assert "values" not in requests.get(url, timeout=10).json()
    assert requests.get(url, timeout=10).json()["values"] == [["typed"]]
    assert fake.counts["values.get"] == 2


def test_create_answers_with_the_new_spreadsheet(fake: FakeSheets) -> None:
    answer = requests.post(
        f"{fake.url}/v4/spreadsheets",
        timeout=10,
        json={"properties": {"title": "Made here"}, "sheets": [{"properties": {"title": "Accounts"}}]},
    ).json()
    assert answer["properties"]["title"] == "Made here"
    assert [s["properties"]["title"] for s in answer["sheets"]] == ["Accounts"]
    assert answer["spreadsheetUrl"].endswith(f"/d/{answer['spreadsheetId']}/edit")
    got = requests.get(f"{fake.url}/v4/spreadsheets/{answer['spreadsheetId']}", timeout=10).json()
    assert got["sheets"][0]["properties"]["gridProperties"] == {"rowCount": 1000, "columnCount": 26}


# --------------------------------------------------------------------------- issue 12: identity, not position
# Written from the Sheets API v4 reference (spreadsheets.developerMetadata, DataFilter, batchUpdate requests);
# the recordings hold no developer metadata, so these say what the reference says, not what was recorded.


def _book(fake: FakeSheets, key: str, rows: list[list[Any]]) -> str:
    """A spreadsheet whose Sheet1 holds the rows (RAW), with its base URL."""
    fake.store.create(key, spreadsheet_id=key)
    base = f"{fake.url}/v4/spreadsheets/{key}"
    requests.put(f"{base}/values/Sheet1!A1", params={"valueInputOption": "RAW"}, json={"values": rows}, timeout=10)
    return base


def _batch(base: str, *reqs: dict[str, Any]) -> requests.Response:
    return requests.post(f"{base}:batchUpdate", json={"requests": list(reqs)}, timeout=10)


def _tag_row(index: int, value: str, key: str = "icp_id") -> dict[str, Any]:
    """createDeveloperMetadata on one row (0-based) of Sheet1."""
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": key,
                "metadataValue": value,
                "visibility": "DOCUMENT",
                "location": {
                    "dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": index, "endIndex": index + 1}
                },
            }
        }
    }


def _rows_of(base: str, key: str = "icp_id") -> dict[str, int]:
    """Each metadata value of the key and the 0-based row it sits on now, by search."""
    found = requests.post(
        f"{base}/developerMetadata:search",
        json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": key}}]},
        timeout=10,
    ).json()
    return {
        m["developerMetadata"]["metadataValue"]: m["developerMetadata"]["location"]["dimensionRange"]["startIndex"]
        for m in found.get("matchedDeveloperMetadata", [])
    }


def _dimension(request: str, start: int, end: int, dimension: str = "ROWS") -> dict[str, Any]:
    return {request: {"range": {"sheetId": 0, "dimension": dimension, "startIndex": start, "endIndex": end}}}


def test_row_metadata_is_created_found_and_read_back(fake: FakeSheets) -> None:
    base = _book(fake, "meta-create", [["id", "name"], ["a", "Acme"], ["b", "Beta"]])
    created = _batch(base, _tag_row(1, "a"), _tag_row(2, "b")).json()["replies"]
    made = created[0]["createDeveloperMetadata"]["developerMetadata"]
    assert made["metadataKey"] == "icp_id" and made["visibility"] == "DOCUMENT" and made["metadataId"] > 0
    assert made["location"] == {
        "locationType": "ROW",
        "dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2},
    }
    assert requests.get(f"{base}/developerMetadata/{made['metadataId']}", timeout=10).json() == made
    assert requests.get(f"{base}/developerMetadata/1", timeout=10).status_code == 404
    assert _rows_of(base) == {"a": 1, "b": 2}
    by_value = requests.post(
        f"{base}/developerMetadata:search",
        json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "icp_id", "metadataValue": "b"}}]},
        timeout=10,
    ).json()["matchedDeveloperMetadata"]
    assert [m["developerMetadata"]["metadataValue"] for m in by_value] == ["b"]
    by_range = requests.post(
        f"{base}/developerMetadata:search", json={"dataFilters": [{"a1Range": "Sheet1!A3:B3"}]}, timeout=10
    ).json()["matchedDeveloperMetadata"]
    assert [m["developerMetadata"]["metadataValue"] for m in by_range] == ["b"]
    nothing = requests.post(
        f"{base}/developerMetadata:search",
        json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "other"}}]},
        timeout=10,
    )
    assert nothing.json() == {}


def test_creating_metadata_is_refused_without_a_key_or_on_many_rows_and_the_batch_undone(fake: FakeSheets) -> None:
    base = _book(fake, "meta-refused", [["id"], ["a"]])
    no_key = _tag_row(1, "a", key="")
    two_rows = _tag_row(1, "a")
    two_rows["createDeveloperMetadata"]["developerMetadata"]["location"]["dimensionRange"]["endIndex"] = 3
    for bad in (no_key, two_rows):
        answer = _batch(base, _tag_row(0, "header"), bad)
        assert answer.status_code == 400, answer.json()
        assert answer.json()["error"]["message"].startswith("Invalid requests[1].createDeveloperMetadata:")
    assert _rows_of(base) == {}  # the first request of each batch was undone too


def test_row_metadata_moves_with_its_row_on_insert_delete_and_move(fake: FakeSheets) -> None:
    base = _book(fake, "meta-move", [["id"], ["a"], ["b"], ["c"], ["d"]])
    _batch(base, *(_tag_row(i, v) for i, v in enumerate("abcd", start=1)))
    _batch(base, _dimension("insertDimension", 0, 2))  # two rows above everything
    assert _rows_of(base) == {"a": 3, "b": 4, "c": 5, "d": 6}
    _batch(base, _dimension("deleteDimension", 4, 5))  # b's row
    assert _rows_of(base) == {"a": 3, "c": 4, "d": 5}
    assert fake.store.grid("meta-move", "Sheet1") == [[], [], ["id"], ["a"], ["c"], ["d"]]
    # Google's example: destinationIndex counts before the source is taken out.
    move = {"moveDimension": {"source": _dimension("r", 3, 4)["r"]["range"], "destinationIndex": 6}}
    assert _batch(base, move).status_code == 200
    assert fake.store.grid("meta-move", "Sheet1") == [[], [], ["id"], ["c"], ["d"], ["a"]]
    assert _rows_of(base) == {"c": 3, "d": 4, "a": 5}
    move_up = {"moveDimension": {"source": _dimension("r", 5, 6)["r"]["range"], "destinationIndex": 3}}
    _batch(base, move_up)
    assert fake.store.grid("meta-move", "Sheet1") == [[], [], ["id"], ["a"], ["c"], ["d"]]
    assert _rows_of(base) == {"a": 3, "c": 4, "d": 5}


def test_row_metadata_moves_with_its_row_when_a_range_is_sorted(fake: FakeSheets) -> None:
    base = _book(fake, "meta-sort", [["name", "id"], ["Cedar", "c"], ["Acme", "a"], ["beta", "b"], ["", "blank"]])
    _batch(base, *(_tag_row(i, v) for i, v in enumerate(["c", "a", "b", "blank"], start=1)))
    sort = {
        "sortRange": {
            "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 5, "startColumnIndex": 0, "endColumnIndex": 1},
            "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}],
        }
    }
    assert _batch(base, sort).status_code == 200
    # Only column A was sorted (case ignored, blanks last): the ids in B stayed, the metadata went with A.
    assert fake.store.grid("meta-sort", "Sheet1") == [
        ["name", "id"],
        ["Cedar", "c"],
        ["beta", "a"],
        ["Acme", "b"],
        ["", "blank"],
    ]
    assert _rows_of(base) == {"c": 1, "b": 2, "a": 3, "blank": 4}


def test_values_are_read_and_written_by_the_metadata_of_their_row(fake: FakeSheets) -> None:
    base = _book(fake, "meta-values", [["id", "name"], ["a", "Acme"], ["b", "Beta"]])
    _batch(base, _tag_row(1, "a"), _tag_row(2, "b"))
    _batch(base, _dimension("insertDimension", 1, 2))  # a person inserts a row above Acme
    lookup = {"developerMetadataLookup": {"metadataKey": "icp_id", "metadataValue": "a"}}
    got = requests.post(f"{base}/values:batchGetByDataFilter", json={"dataFilters": [lookup]}, timeout=10).json()
    assert got["valueRanges"] == [
        {
            "valueRange": {"range": "Sheet1!A3:Z3", "majorDimension": "ROWS", "values": [["a", "Acme"]]},
            "dataFilters": [lookup],
        }
    ]
    wrote = requests.post(
        f"{base}/values:batchUpdateByDataFilter",
        json={"valueInputOption": "RAW", "data": [{"dataFilter": lookup, "values": [["a", "Acme Corp"]]}]},
        timeout=10,
    ).json()
    assert wrote["totalUpdatedCells"] == 2
    assert wrote["responses"] == [
        {
            "updatedRange": "Sheet1!A3:B3",
            "updatedRows": 1,
            "updatedColumns": 2,
            "updatedCells": 2,
            "dataFilter": lookup,
        }
    ]
    assert fake.store.grid("meta-values", "Sheet1") == [["id", "name"], [], ["a", "Acme Corp"], ["b", "Beta"]]
    too_long = requests.post(
        f"{base}/values:batchUpdateByDataFilter",
        json={"valueInputOption": "RAW", "data": [{"dataFilter": lookup, "values": [["x"], ["y"]]}]},
        timeout=10,
    )
    assert too_long.status_code == 400  # the row's range holds one row
    gone = {"developerMetadataLookup": {"metadataKey": "icp_id", "metadataValue": "zzz"}}
    none = requests.post(f"{base}/values:batchGetByDataFilter", json={"dataFilters": [gone]}, timeout=10).json()
    assert none == {"spreadsheetId": "meta-values"}


def test_metadata_is_updated_and_deleted_through_batch_update(fake: FakeSheets) -> None:
    base = _book(fake, "meta-update", [["id"], ["a"]])
    _batch(base, _tag_row(1, "a"))
    lookup = {"developerMetadataLookup": {"metadataKey": "icp_id", "metadataValue": "a"}}
    update = {
        "updateDeveloperMetadata": {
            "dataFilters": [lookup],
            "developerMetadata": {"metadataValue": "a2"},
            "fields": "metadataValue",
        }
    }
    reply = _batch(base, update).json()["replies"][0]["updateDeveloperMetadata"]["developerMetadata"]
    assert [m["metadataValue"] for m in reply] == ["a2"]
    assert _rows_of(base) == {"a2": 1}
    delete = {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "icp_id"}}}}
    deleted = _batch(base, delete).json()["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]
    assert [m["metadataValue"] for m in deleted] == ["a2"]
    assert _rows_of(base) == {}


def test_a_renamed_tab_keeps_its_sheet_id_and_metadata_and_a_deleted_one_takes_its_metadata(fake: FakeSheets) -> None:
    base = _book(fake, "meta-rename", [["id"]])
    added = _batch(base, {"addSheet": {"properties": {"title": "Accounts"}}}).json()
    sheet_id = added["replies"][0]["addSheet"]["properties"]["sheetId"]
    on_tab = {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": "icp_tab",
                "metadataValue": "Accounts",
                "visibility": "DOCUMENT",
                "location": {"sheetId": sheet_id},
            }
        }
    }
    _batch(base, on_tab)
    rename = {
        "updateSheetProperties": {"properties": {"sheetId": sheet_id, "title": "Accounts (Q3)"}, "fields": "title"}
    }
    _batch(base, rename)
    tabs = requests.get(base, timeout=10).json()["sheets"]
    renamed = next(s for s in tabs if s["properties"]["sheetId"] == sheet_id)
    assert renamed["properties"]["title"] == "Accounts (Q3)"
    assert [m["metadataValue"] for m in renamed["developerMetadata"]] == ["Accounts"]
    _batch(base, {"deleteSheet": {"sheetId": sheet_id}})
    search = {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "icp_tab"}}]}
    assert requests.post(f"{base}/developerMetadata:search", json=search, timeout=10).json() == {}


def test_delete_dimension_is_refused_past_the_grid_and_for_every_non_frozen_row(fake: FakeSheets) -> None:
    base = _book(fake, "meta-limits", [["id"], ["a"]])
    _batch(
        base,
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "gridProperties": {"rowCount": 3, "frozenRowCount": 1}},
                "fields": "gridProperties",
            }
        },
    )
    past = _batch(base, _dimension("deleteDimension", 2, 4))
    assert past.status_code == 400
    assert past.json()["error"]["message"] == (
        "Invalid requests[0].deleteDimension: Cannot delete a row that doesn't exist. "
        "Tried to delete row index 3 but there are only 3 rows."
    )
    every = _batch(base, _dimension("deleteDimension", 1, 3))
    assert every.status_code == 400
    assert every.json()["error"]["message"].endswith("Sorry, it is not possible to delete all non-frozen rows.")
    assert _batch(base, _dimension("deleteDimension", 2, 3)).status_code == 200
    assert fake.store.grid("meta-limits", "Sheet1") == [["id"], ["a"]]


def test_a_duplicated_tab_copies_cells_and_metadata_under_new_ids(fake: FakeSheets) -> None:
    base = _book(fake, "meta-duplicate", [["id"], ["a"]])
    _batch(base, _tag_row(1, "a"))
    copied = _batch(base, {"duplicateSheet": {"sourceSheetId": 0}}).json()["replies"][0]["duplicateSheet"]
    props = copied["properties"]
    assert props["title"] == "Copy of Sheet1" and props["index"] == 1 and props["sheetId"] != 0
    assert fake.store.grid("meta-duplicate", "Copy of Sheet1") == [["id"], ["a"]]
    found = requests.post(
        f"{base}/developerMetadata:search",
        json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "icp_id"}}]},
        timeout=10,
    ).json()["matchedDeveloperMetadata"]
    places = sorted(m["developerMetadata"]["location"]["dimensionRange"]["sheetId"] for m in found)
    assert places == sorted([0, props["sheetId"]])
    assert len({m["developerMetadata"]["metadataId"] for m in found}) == 2
    again = _batch(base, {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "Copy of Sheet1"}})
    assert again.status_code == 400 and "already exists" in again.json()["error"]["message"]
