"""One writer at a time: the sheet's lease refuses a second sync or refresh while one writes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from sheets_support import KEY, drop_third_account

from icp_sheets.cli import cli
from icp_sheets.core.names import ACCOUNTS
from icp_sheets.sheets.client import Connection, connect
from icp_sheets.sheets.lease import LEASE_KEY, TTL, LeaseHeld, Unsettled, leases, release, take
from icp_sheets.sheets.refresh import refresh
from icp_sheets.sheets.sync import Mode, sync
from icp_sheets.testing.fake_sheets import FakeSheets

OTHER = "icp-sheets sync as a teammate (process 4242)"


def other_conn(fake: FakeSheets) -> Connection:
    """A second command's own connection, as another process would have."""
    connection = connect(KEY, api_url=fake.url, base_wait=0.0)
    connection.http.sleep = lambda _s: None
    return connection


def edit_employees(path: Path, company: str, value: int) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[ACCOUNTS]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == company)
    row[header.index("Employees")].value = value
    wb.save(path)


def sheet_state(fake: FakeSheets) -> dict[str, list[list[Any]]]:
    return {s.title: fake.store.grid(KEY, s.title) for s in fake.store.spreadsheets[KEY].sheets}


def lease_metadata(fake: FakeSheets) -> list[Any]:
    return [m for m in fake.store.spreadsheets[KEY].developer_metadata.values() if m.key == LEASE_KEY]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_sync_stops_before_writing_while_another_command_holds_the_lease(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    held = take(other_conn(fake), OTHER)
    edit_employees(pushed, "Harbor & Finch", 95)
    before_wb, before_sheet = digest(pushed), sheet_state(fake)
    with pytest.raises(LeaseHeld) as caught:
        sync(pushed, conn)
    assert "a teammate" in str(caught.value) and "--wait" in str(caught.value)
    assert digest(pushed) == before_wb and sheet_state(fake) == before_sheet
    assert [m.metadata_id for m in lease_metadata(fake)] == [held.metadata_id]  # ours was taken back
    assert release(other_conn(fake), held) is None
    report = sync(pushed, conn)
    assert report.wrote and lease_metadata(fake) == []
    assert 95 in next(r for r in fake.store.grid(KEY, ACCOUNTS) if r[0] == "Harbor & Finch")


def test_reading_and_nothing_to_write_need_no_lease(pushed: Path, fake: FakeSheets, conn: Connection) -> None:
    take(other_conn(fake), OTHER)
    fake.reset_counts()
    assert all(t.empty for t in sync(pushed, conn).tabs)
    assert all(t.empty for t in sync(pushed, conn, Mode.STATUS).tabs)
    assert "spreadsheets.batchUpdate" not in fake.counts


def test_a_lease_left_by_a_crash_expires_and_is_removed_by_the_next_holder(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=11)
    take(other_conn(fake), OTHER, clock=lambda: long_ago)  # never released: the process died
    edit_employees(pushed, "Harbor & Finch", 96)
    assert sync(pushed, conn).wrote
    assert lease_metadata(fake) == []


def test_of_two_commands_taking_the_lease_at_once_none_writes(fake: FakeSheets, conn: Connection) -> None:
    def teammate_takes_it_too(store: Any) -> None:
        now = dt.datetime.now(dt.UTC)
        value = json.dumps(
            {"holder": "teammate", "token": "t", "since": now.isoformat(), "until": (now + TTL).isoformat()}
        )
        meta = {
            "metadataKey": LEASE_KEY,
            "metadataValue": value,
            "location": {"spreadsheet": True},
            "visibility": "DOCUMENT",
        }
        store.batch_update(store.spreadsheets[KEY], [{"createDeveloperMetadata": {"developerMetadata": meta}}])

    fake.on("spreadsheets.batchUpdate", after=1, action=teammate_takes_it_too)  # right after ours is made
    with pytest.raises(LeaseHeld, match="teammate"):
        take(conn, "me")
    assert [lease.holder for lease in leases(conn)] == ["teammate"]


def test_wait_takes_the_lease_once_the_holder_lets_go(fake: FakeSheets, conn: Connection) -> None:
    other = other_conn(fake)
    held = take(other, OTHER)
    naps: list[float] = []

    def holder_finishes(seconds: float) -> None:
        naps.append(seconds)
        release(other, held)

    lease = take(conn, "me", wait=60, sleep=holder_finishes)
    assert lease.waited and len(naps) == 1 and [x.holder for x in leases(conn)] == ["me"]
    with pytest.raises(LeaseHeld):
        take(other, OTHER, wait=0)


def test_a_refresh_started_during_a_sync_refuses_and_the_sync_ends_whole(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    edit_employees(pushed, "Harbor & Finch", 97)
    fake.inject("slow", "values.batchUpdateByDataFilter", delay=1.5)  # the sync's write takes a while
    done: list[Any] = []
    runner = threading.Thread(target=lambda: done.append(sync(pushed, conn)))
    runner.start()
    deadline = time.monotonic() + 10
    while not lease_metadata(fake) and time.monotonic() < deadline:
        time.sleep(0.02)
    fake.store.type_in(KEY, ACCOUNTS, "B2", "changed-by-a-person.example")  # so the refresh has work
    with pytest.raises(LeaseHeld):
        refresh(other_conn(fake))
    runner.join(timeout=30)
    assert done and done[0].wrote and lease_metadata(fake) == []
    assert refresh(other_conn(fake)).accounts > 0


def test_the_command_line_says_who_holds_the_sheet_and_exits_1(pushed: Path, fake: FakeSheets) -> None:
    take(other_conn(fake), OTHER)
    edit_employees(pushed, "Harbor & Finch", 98)
    result = CliRunner().invoke(cli, ["sync", str(pushed), "--api-url", fake.url])
    assert result.exit_code == 1, result.output
    assert "Another sync or refresh is writing" in result.output and "Traceback" not in result.output


def test_a_structural_request_that_lands_after_its_answer_was_lost_is_seen_to_land(
    pushed: Path, fake: FakeSheets, conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("icp_sheets.sheets.lease.LANDING_WAITS", (0.5, 1.0, 1.0, 2.0))
    before = [r[0] for r in fake.store.grid(KEY, ACCOUNTS)[1:]]
    gone = drop_third_account(pushed)
    conn.http.set_timeout((10, 0.4))  # the answer to the slow request never arrives in time
    fake.on("values.batchGet", after=2, action=lambda _s: fake.inject("slow", "spreadsheets.batchUpdate", delay=1.2))
    report = sync(pushed, conn)  # after the re-read: the structural request is the slow one
    assert report.wrote
    after = [r[0] for r in fake.store.grid(KEY, ACCOUNTS)[1:]]
    assert after == [c for c in before if c != gone]  # deleted once, nothing else
    assert lease_metadata(fake) == []


def test_a_structural_request_of_unknown_fate_keeps_the_sheet_reserved_and_the_workbook_as_it_was(
    pushed: Path, fake: FakeSheets, conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("icp_sheets.sheets.lease.LANDING_WAITS", (0.1,))
    drop_third_account(pushed)
    saved = digest(pushed)
    fake.on("values.batchGet", after=2, action=lambda _s: fake.inject("drop", "spreadsheets.batchUpdate"))
    with pytest.raises(Unsettled, match="reserved for this sync until"):
        sync(pushed, conn)
    assert digest(pushed) == saved and len(lease_metadata(fake)) == 1
    with pytest.raises(LeaseHeld):  # nobody acts on a sheet that request may still change
        sync(pushed, other_conn(fake))


KILL_AT = [  # the request after which the sync is killed: before, during and after its sheet writes
    ("developerMetadata.search", 1),
    ("spreadsheets.batchUpdate", 2),  # the structural request, applied
    ("values.batchUpdateByDataFilter", 1),  # the cells, applied; the workbook not yet saved
]


@pytest.mark.parametrize("endpoint,nth", KILL_AT)
def test_a_sync_killed_at_a_request_boundary_loses_and_duplicates_nothing_and_the_next_one_runs(
    pushed: Path, fake: FakeSheets, endpoint: str, nth: int
) -> None:
    edit_employees(pushed, "Harbor & Finch", 99)
    book = openpyxl.load_workbook(pushed)
    book[ACCOUNTS].append(["Killed Midway Ltd", "killed.example"])
    book.save(pushed)
    command = [str(Path(sys.executable).with_name("icp-sheets")), "sync", str(pushed), "--api-url", fake.url]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fake.on(endpoint, after=nth, action=lambda _s: os.kill(proc.pid, signal.SIGKILL))
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    edit_employees(pushed, "Quillstone Health", 77)  # the user goes on working, then syncs again
    assert sync(pushed, other_conn(fake)).wrote  # a killed process's lease does not block it
    sync(pushed, other_conn(fake))
    sheet = [r[0] for r in fake.store.grid(KEY, ACCOUNTS)[1:] if r and r[0]]
    book_rows = [r[0] for r in openpyxl.load_workbook(pushed)[ACCOUNTS].iter_rows(min_row=2, values_only=True) if r[0]]
    assert sorted(sheet) == sorted(book_rows) and len(sheet) == len(set(sheet))
    assert sheet.count("Killed Midway Ltd") == 1
    for name, value in (("Harbor & Finch", 99), ("Quillstone Health", 77)):
        assert value in next(r for r in fake.store.grid(KEY, ACCOUNTS) if r[0] == name)
