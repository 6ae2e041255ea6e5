"""The retry layer against the fake server: capped, jittered, honours Retry-After, careful with writes."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

import pytest
import requests
from gspread.exceptions import APIError
from requests.adapters import HTTPAdapter

from icp_sheets.sheets.client import connect
from icp_sheets.sheets.http import RetryingHTTPClient, SheetsUnavailable, safe_to_repeat
from icp_sheets.testing.fake_sheets import FakeSheets

KEY = "retry-sheet"


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets() as server:
        server.store.create("Retry", spreadsheet_id=KEY)
        yield server


def client(fake: FakeSheets, attempts: int = 4) -> tuple[RetryingHTTPClient, list[float]]:
    waits: list[float] = []
    conn = connect(KEY, api_url=fake.url, attempts=attempts)
    conn.http.sleep = waits.append
    conn.http.rng = random.Random(1)
    return conn.http, waits


def test_429_with_retry_after_waits_exactly_that_long(fake: FakeSheets) -> None:
    fake.inject("429", "spreadsheets.get", times=2, retry_after=7)
    http, waits = client(fake)
    assert http.fetch_sheet_metadata(KEY)["spreadsheetId"] == KEY
    assert waits == [7.0, 7.0]
    assert fake.counts["spreadsheets.get"] == 3


def test_429_without_retry_after_backs_off_exponentially_with_jitter(fake: FakeSheets) -> None:
    fake.inject("429", "values.get", times=3)
    http, waits = client(fake)
    http.values_get(KEY, "Sheet1!A1")
    assert len(waits) == 3
    for attempt, wait in enumerate(waits):
        assert 0 <= wait <= http.base * 2**attempt


def test_gives_up_after_the_cap_with_a_clear_error(fake: FakeSheets) -> None:
    fake.inject("500", "values.get", times=10)
    http, waits = client(fake, attempts=3)
    with pytest.raises(SheetsUnavailable, match=r"HTTP 500 .* on 3 attempts in a row.*Run the command again"):
        http.values_get(KEY, "Sheet1!A1")
    assert fake.counts["values.get"] == 3
    assert len(waits) == 2


def test_a_dropped_connection_is_retried_for_a_read(fake: FakeSheets) -> None:
    fake.inject("drop", "values.batchGet")
    http, _ = client(fake)
    answer = http.values_batch_get(KEY, ["Sheet1"])
    assert answer["valueRanges"][0]["range"] == "Sheet1!A1:Z1000"
    assert fake.counts["values.batchGet"] == 2


def test_an_unclear_structural_write_is_never_repeated(fake: FakeSheets) -> None:
    fake.inject("drop-after", "spreadsheets.batchUpdate")
    http, _ = client(fake)
    with pytest.raises(SheetsUnavailable, match="not repeated"):
        http.batch_update(KEY, {"requests": [{"addSheet": {"properties": {"title": "Once"}}}]})
    assert fake.counts["spreadsheets.batchUpdate"] == 1
    titles = [s.title for s in fake.store.spreadsheets[KEY].sheets]
    assert titles.count("Once") == 1


def test_a_500_on_append_is_not_repeated_but_a_429_is(fake: FakeSheets) -> None:
    http, _ = client(fake)
    fake.inject("500", "values.append")
    with pytest.raises(APIError):
        http.values_append(KEY, "Sheet1", params={"valueInputOption": "RAW"}, body={"values": [["a"]]})
    fake.inject("429", "values.append")
    http.values_append(KEY, "Sheet1", params={"valueInputOption": "RAW"}, body={"values": [["a"]]})
    assert fake.store.grid(KEY, "Sheet1") == [["a"]]


def test_client_errors_are_not_retried(fake: FakeSheets) -> None:
    http, waits = client(fake)
    with pytest.raises(APIError):
        http.values_get(KEY, "No such tab!A1")
    assert waits == [] and fake.counts["values.get"] == 1


def test_slow_answers_still_arrive_and_are_not_asked_again(fake: FakeSheets) -> None:
    fake.inject("slow", "values.get", delay=0.3)
    http, waits = client(fake)
    assert http.values_get(KEY, "Sheet1!A1")["range"] == "Sheet1!A1"
    assert waits == [] and fake.counts["values.get"] == 1


@pytest.mark.parametrize(
    ("method", "url", "safe"),
    [
        ("GET", "https://sheets.googleapis.com/v4/spreadsheets/k", True),
        ("PUT", "https://sheets.googleapis.com/v4/spreadsheets/k/values/A1", True),
        ("POST", "https://sheets.googleapis.com/v4/spreadsheets/k/values:batchUpdate", True),
        ("POST", "https://sheets.googleapis.com/v4/spreadsheets/k/values/Sheet1:clear", True),
        ("POST", "https://sheets.googleapis.com/v4/spreadsheets/k/values/Sheet1:append", False),
        ("POST", "https://sheets.googleapis.com/v4/spreadsheets/k:batchUpdate", False),
        ("POST", "https://sheets.googleapis.com/v4/spreadsheets", False),
    ],
)
def test_which_requests_are_safe_to_repeat(method: str, url: str, safe: bool) -> None:
    assert safe_to_repeat(method, url) is safe


def test_a_retry_after_longer_than_the_cap_gives_up_at_once(fake: FakeSheets) -> None:
    fake.inject("429", "values.get", times=5, retry_after=3600)
    http, waits = client(fake)
    with pytest.raises(SheetsUnavailable, match="on 1 attempt in a row"):
        http.values_get(KEY, "Sheet1!A1")
    assert waits == []


# ----------------------------------------------------------------------------- answers the fake cannot give yet


class Scripted(HTTPAdapter):
    """A transport that answers from a script: (status, content type, body) or an exception to raise."""

    def __init__(self, script: list[tuple[int, str, bytes] | Exception]) -> None:
        super().__init__()
        self.script = script
        self.sent = 0

    def send(self, request: requests.PreparedRequest, *args: object, **kwargs: object) -> requests.Response:
        step = self.script[min(self.sent, len(self.script) - 1)]
        self.sent += 1
        if isinstance(step, Exception):
            raise step
        response = requests.Response()
        response.status_code, response.url, response.request = step[0], request.url or "", request
        response.headers["Content-Type"] = step[1]
        response._content = step[2]
        return response


HTML_502 = (502, "text/html", b"<!DOCTYPE html><html><title>Error 502 (Server Error)!!1</title></html>")
OK = (200, "application/json", b'{"range": "Sheet1!A1", "majorDimension": "ROWS"}')


def scripted(script: list[tuple[int, str, bytes] | Exception]) -> tuple[RetryingHTTPClient, Scripted]:
    session = requests.Session()
    adapter = Scripted(script)
    session.mount("https://", adapter)
    http = RetryingHTTPClient(None, session, attempts=3, sleep=lambda _s: None)
    return http, adapter


def test_a_5xx_with_an_html_body_is_retried_on_its_status() -> None:
    http, adapter = scripted([HTML_502, (503, "text/html", b"<html>unavailable</html>"), OK])
    assert http.values_get(KEY, "Sheet1!A1")["range"] == "Sheet1!A1"
    assert adapter.sent == 3


def test_giving_up_on_html_5xx_names_the_status_not_the_page() -> None:
    http, _ = scripted([HTML_502])
    with pytest.raises(SheetsUnavailable, match=r"answered HTTP 502 on 3 attempts") as info:
        http.values_get(KEY, "Sheet1!A1")
    assert "DOCTYPE" not in str(info.value) and "-1" not in str(info.value)


def test_a_body_cut_short_is_retried_for_a_read_and_not_for_an_append() -> None:
    cut = requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(12 bytes read)")
    http, adapter = scripted([cut, OK])
    assert http.values_get(KEY, "Sheet1!A1")["range"] == "Sheet1!A1"
    assert adapter.sent == 2
    http, adapter = scripted([cut, OK])
    with pytest.raises(SheetsUnavailable, match="may or may not have been applied"):
        http.values_append(KEY, "Sheet1!A1", params={"valueInputOption": "RAW"}, body={"values": [[1]]})
    assert adapter.sent == 1


def test_a_connection_reset_is_retried_for_a_fixed_range_write() -> None:
    http, adapter = scripted([requests.ConnectionError("Connection reset by peer"), OK])
    http.values_batch_update(KEY, {"valueInputOption": "RAW", "data": []})
    assert adapter.sent == 2


def test_an_html_5xx_on_a_structural_write_is_not_repeated_and_reads_plainly() -> None:
    from icp_sheets.sheets.client import Connection, explain_api_error

    http, adapter = scripted([HTML_502])
    with pytest.raises(APIError) as info:
        http.batch_update(KEY, {"requests": []})
    assert adapter.sent == 1
    assert str(explain_api_error(info.value, Connection(http, KEY))) == "Google Sheets refused the request (HTTP 502)."


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("You are trying to edit a protected cell or object. Please contact the spreadsheet owner.", "protected range"),
        ("The caller does not have permission", "is not shared with these credentials"),
    ],
)
def test_a_403_is_told_apart_by_its_message(message: str, says: str) -> None:
    from icp_sheets.sheets.client import Connection, explain_api_error

    body = json.dumps({"error": {"code": 403, "message": message, "status": "PERMISSION_DENIED"}}).encode()
    http, _ = scripted([(403, "application/json", body)])
    with pytest.raises(APIError) as info:
        http.values_batch_update(KEY, {"valueInputOption": "RAW", "data": []})
    assert says in str(explain_api_error(info.value, Connection(http, KEY, "bot@example.iam.gserviceaccount.com")))
