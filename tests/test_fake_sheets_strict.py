"""The fake is as strict as Google where the project depends on it: typed values, locales, formulas,
tokens, protected ranges and the faults Google's front ends produce.

What was checked against a recording and what was written from the Sheets API v4 reference is said
in each fake module's docstring (:mod:`icp_sheets.testing.fake_sheets.locales` and the others).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from gspread.exceptions import APIError

from icp_sheets.core.values import EXCEL_EPOCH
from icp_sheets.io.template import write_template
from icp_sheets.sheets.client import connect, explain_api_error
from icp_sheets.sheets.http import SheetsError, SheetsUnavailable
from icp_sheets.sheets.sync import Mode, sync
from icp_sheets.testing.fake_sheets import FakeSheets


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets() as server:
        yield server


def typed(fake: FakeSheets, locale: str, values: list[Any], render: str = "UNFORMATTED_VALUE") -> list[Any]:
    """``values`` typed into A1, A2 … of a new spreadsheet in ``locale``, read back as ``render``."""
    key = f"typed-{locale}-{len(fake.store.spreadsheets)}"
    fake.store.create(key, spreadsheet_id=key, locale=locale)
    base = f"{fake.url}/v4/spreadsheets/{key}/values"
    rows = [[v] for v in values]
    put = requests.put(f"{base}/Sheet1!A1", params={"valueInputOption": "USER_ENTERED"}, json={"values": rows})
    assert put.status_code == 200, put.text
    got = requests.get(f"{base}/Sheet1!A1:A{len(values)}", params={"valueRenderOption": render}, timeout=10)
    return [line[0] if line else None for line in got.json()["values"]]


DAY = (dt.date(2026, 11, 4) - EXCEL_EPOCH).days


@pytest.mark.parametrize(
    ("locale", "text", "value", "shown"),
    [
        ("en_US", "$1,200", 1200, "$1,200.00"),
        ("en_US", "15%", 0.15, "15%"),
        ("en_US", "€5", 5, "$5.00"),
        ("en_US", "(100)", -100, "-100"),
        ("en_US", "2,000,000.01", 2000000.01, "2,000,000.01"),
        ("en_US", "11/4/2026", DAY, "11/4/2026"),
        ("en_US", "Nov 4, 2026", DAY, "11/4/2026"),
        ("en_US", "2026-11-04", DAY, "2026-11-04"),
        ("en_US", "12:30", 0.520833333333333, "12:30:00 PM"),
        ("en_US", "11/4/2026 13:05", DAY + (13 * 60 + 5) / 1440, "11/4/2026 1:05:00 PM"),
        ("en_US", "13/4/2026", "13/4/2026", "13/4/2026"),  # no 13th month: text
        ("en_US", "'0042", "0042", "0042"),
        ("en_US", "'=1+1", "=1+1", "=1+1"),
        ("en_GB", "04/11/2026", DAY, "04/11/2026"),
        ("en_GB", "£1,200.50", 1200.5, "£1,200.50"),
        ("en_GB", "4 Nov 2026", DAY, "04/11/2026"),
        ("de_DE", "04.11.2026", DAY, "04.11.2026"),
        ("de_DE", "1.200,5", 1200.5, "1.200,5"),
        ("de_DE", "1.200 €", 1200, "1.200,00 €"),
        ("de_DE", "12,5%", 0.125, "12,5%"),
        ("de_DE", "1234,5", 1234.5, "1234,5"),
        ("de_DE", "12:30", 0.520833333333333, "12:30:00"),
    ],
)
def test_user_entered_text_is_parsed_and_shown_in_the_spreadsheets_locale(
    fake: FakeSheets, locale: str, text: str, value: Any, shown: str
) -> None:
    got = typed(fake, locale, [text])[0]
    assert got == pytest.approx(value) if isinstance(value, float) else got == value
    assert typed(fake, locale, [text], "FORMATTED_VALUE")[0] == shown


def test_dates_are_serial_numbers_or_the_locales_text_as_asked(fake: FakeSheets) -> None:
    fake.store.create("d", spreadsheet_id="d", locale="de_DE")
    base = f"{fake.url}/v4/spreadsheets/d/values/Sheet1!A1"
    requests.put(base, params={"valueInputOption": "USER_ENTERED"}, json={"values": [["04.11.2026", "7"]]})

    def read(**params: str) -> list[Any]:
        return list(requests.get(base + ":B1", params=params, timeout=10).json()["values"][0])

    assert read(valueRenderOption="FORMULA") == [DAY, 7]  # SERIAL_NUMBER is the default, as recorded
    assert read(valueRenderOption="UNFORMATTED_VALUE", dateTimeRenderOption="FORMATTED_STRING") == ["04.11.2026", 7]
    assert read(valueRenderOption="FORMATTED_VALUE", dateTimeRenderOption="SERIAL_NUMBER") == ["04.11.2026", "7"]
    assert requests.get(f"{fake.url}/v4/spreadsheets/d", timeout=10).json()["properties"]["locale"] == "de_DE"


def test_formulas_give_value_errors_real_today_and_refuse_what_the_fake_cannot_evaluate(fake: FakeSheets) -> None:
    formulas = ["=A1*2", "=A2*2", "=TODAY()", "=NOW()", "=UPPER(A1)", '=WEBSERVICE("http://x.example")', "=1/0"]
    fake.store.create("f", spreadsheet_id="f", time_zone="Pacific/Kiritimati")
    base = f"{fake.url}/v4/spreadsheets/f/values"
    requests.put(f"{base}/Sheet1!A1", params={"valueInputOption": "RAW"}, json={"values": [["text"], ["3"]]})
    requests.put(
        f"{base}/Sheet1!B1", params={"valueInputOption": "USER_ENTERED"}, json={"values": [[f] for f in formulas]}
    )
    got = requests.get(f"{base}/Sheet1!B1:B7", params={"valueRenderOption": "UNFORMATTED_VALUE"}, timeout=10).json()
    values = [line[0] for line in got["values"]]
    today = (dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date() - EXCEL_EPOCH).days  # UTC+14
    assert values[0] == "#VALUE!" and values[1] == 6  # text that is no number; text that is one
    assert values[2] == today and today <= values[3] < today + 1
    assert values[4] == "#FAKE! cannot evaluate UPPER" and values[5] == "#NAME?" and values[6] == "#DIV/0!"
    shown = requests.get(f"{base}/Sheet1!B3", timeout=10).json()["values"][0][0]
    assert shown == f"{(EXCEL_EPOCH + dt.timedelta(days=today)):%-m/%-d/%Y}"  # a date, in en_US


# ----------------------------------------------------------------------------- who is calling


def test_a_missing_or_unknown_bearer_token_is_refused_with_401(tmp_path: Path) -> None:
    with FakeSheets(tokens={"t-ann": "ann@example.com"}) as fake:
        fake.store.create("t", spreadsheet_id="t")
        url = f"{fake.url}/v4/spreadsheets/t"
        missing = requests.get(url, timeout=10)
        assert missing.status_code == 401 and missing.json()["error"]["status"] == "UNAUTHENTICATED"
        assert "missing required authentication credential" in missing.json()["error"]["message"]
        wrong = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
        assert wrong.status_code == 401 and "invalid authentication credentials" in wrong.json()["error"]["message"]
        assert requests.get(url, headers={"Authorization": "Bearer t-ann"}, timeout=10).status_code == 200
        conn = connect("t", api_url=fake.url, base_wait=0.0)  # sends a token the fake does not know
        write_template(tmp_path / "icp.xlsx")
        with pytest.raises(SheetsError, match="refused the credentials"):
            sync(tmp_path / "icp.xlsx", conn, Mode.STATUS)


def test_protected_ranges_are_enforced_per_identity() -> None:
    tokens = {"t-owner": "owner@example.com", "t-bob": "bob@example.com", "t-eve": "eve@example.com"}
    with FakeSheets(tokens=tokens) as fake:
        book = fake.store.create("p", spreadsheet_id="p", owner="owner@example.com")
        base = f"{fake.url}/v4/spreadsheets/p"

        def as_user(token: str, a1: str) -> requests.Response:
            return requests.put(
                f"{base}/values/Sheet1!{a1}",
                params={"valueInputOption": "RAW"},
                json={"values": [["x"]]},
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )

        protect = [
            {"range": {"sheetId": 0, "endRowIndex": 2, "endColumnIndex": 2}, "editors": {"users": ["bob@example.com"]}},
            {"range": {"sheetId": 0, "startColumnIndex": 5, "endColumnIndex": 6}, "warningOnly": True},
        ]
        answer = requests.post(
            f"{base}:batchUpdate",
            json={"requests": [{"addProtectedRange": {"protectedRange": p}} for p in protect]},
            headers={"Authorization": "Bearer t-owner"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        refused = as_user("t-eve", "B2")
        assert refused.status_code == 403 and "protected cell" in refused.json()["error"]["message"]
        assert as_user("t-bob", "B2").status_code == 200  # an editor of the range
        assert as_user("t-owner", "A1").status_code == 200  # the owner edits everything
        assert as_user("t-eve", "C3").status_code == 200  # outside the range
        assert as_user("t-eve", "F9").status_code == 200  # warning only
        batch = requests.post(
            f"{base}/values:batchUpdate",
            json={
                "valueInputOption": "RAW",
                "data": [{"range": "Sheet1!D4", "values": [["y"]]}, {"range": "Sheet1!A1", "values": [["y"]]}],
            },
            headers={"Authorization": "Bearer t-eve"},
            timeout=10,
        )
        assert batch.status_code == 403 and (4, 4) not in book.sheets[0].cells  # all or nothing


def test_a_sync_into_a_range_protected_from_its_identity_says_so(tmp_path: Path) -> None:
    with FakeSheets(tokens={"fake-server": "robot@example.com"}) as fake:
        book = fake.store.create(
            "Shared", spreadsheet_id="prot", owner="owner@example.com", sheets=[{"title": "Accounts", "sheetId": 0}]
        )
        book.sheets[0].protected.append({"protectedRangeId": 1, "range": {}, "editors": {"users": []}})
        path = tmp_path / "icp.xlsx"
        write_template(path)
        conn = connect("prot", api_url=fake.url, base_wait=0.0)
        conn.identity = "robot@example.com"
        with pytest.raises(SheetsError, match=r"protected range that robot@example\.com may not edit"):
            sync(path, conn, Mode.PUSH, remember="prot")


# ----------------------------------------------------------------------------- faults of Google's front ends


@pytest.mark.parametrize("kind", ["html-502", "html-503", "truncated"])
def test_html_errors_and_bodies_cut_short_are_retried_on_a_read(fake: FakeSheets, tmp_path: Path, kind: str) -> None:
    fake.store.create("Shared", spreadsheet_id="faults")
    path = tmp_path / "icp.xlsx"
    write_template(path)
    conn = connect("faults", api_url=fake.url, base_wait=0.0)
    conn.http.sleep = lambda _s: None
    fake.inject(kind, "spreadsheets.get")
    report = sync(path, conn, Mode.PUSH, remember="faults")
    assert report.wrote and fake.counts["spreadsheets.get"] == 2


def test_an_html_error_on_a_structural_write_is_not_repeated_and_reads_plainly(fake: FakeSheets) -> None:
    fake.store.create("Shared", spreadsheet_id="once")
    conn = connect("once", api_url=fake.url, base_wait=0.0)
    fake.inject("html-502", "spreadsheets.batchUpdate")
    with pytest.raises(APIError) as info:
        conn.http.batch_update("once", {"requests": [{"addSheet": {"properties": {"title": "Once"}}}]})
    assert str(explain_api_error(info.value, conn)) == "Google Sheets refused the request (HTTP 502)."
    assert fake.counts["spreadsheets.batchUpdate"] == 1
    assert [s.title for s in fake.store.spreadsheets["once"].sheets] == ["Sheet1"]


def test_a_body_cut_short_on_a_structural_write_is_not_repeated(fake: FakeSheets) -> None:
    fake.store.create("Shared", spreadsheet_id="cut")
    conn = connect("cut", api_url=fake.url, base_wait=0.0)
    fake.inject("truncated", "spreadsheets.batchUpdate")
    with pytest.raises(SheetsUnavailable, match="not repeated"):
        conn.http.batch_update("cut", {"requests": [{"addSheet": {"properties": {"title": "Once"}}}]})
    assert fake.counts["spreadsheets.batchUpdate"] == 1
    assert [s.title for s in fake.store.spreadsheets["cut"].sheets] == ["Sheet1", "Once"]  # applied, answer lost
