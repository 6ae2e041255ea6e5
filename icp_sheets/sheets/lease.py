"""One writer at a time: a lease on the spreadsheet, held while a sync or refresh writes.

Google Sheets has no locks, so two syncs (or a sync and a refresh) started together would
each plan on what they read and then overwrite each other. Before its first write a command
takes a lease: developer metadata on the spreadsheet itself (key ``icp_lease``) saying who
holds it, since when and until when. Creating metadata cannot fail on a race, so the lease is
checked after it is created: if any other live lease is there, ours is deleted again and the
command refuses (or waits, with ``--wait``). The holder re-reads the sheet before writing, so
whatever the previous holder wrote is merged, not overwritten. The lease is deleted when the
command ends; one left by a crash expires after :data:`TTL` and is then ignored, and removed
by the next holder; one left by a process of this machine that is gone is taken over at once.

Costs three requests for a command that writes (create, check, release) and none for one that
finds nothing to write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_URL

from icp_sheets.core.problems import Code
from icp_sheets.sheets.client import Connection, explain_api_error
from icp_sheets.sheets.http import OutcomeUnknown, SheetsError

LEASE_KEY = "icp_lease"
MACHINE = hashlib.sha256(f"{socket.gethostname()}:{os.getuid() if hasattr(os, 'getuid') else 0}".encode()).hexdigest()[
    :16
]
REQUESTS = 3  # what holding the lease costs a command that writes: create, check, release
TTL = dt.timedelta(minutes=10)
POLL_SECONDS = 5.0
LANDING_WAITS = (1.0, 2.0, 4.0, 8.0)  # how long a request whose answer was lost is given to show it landed
LOOKUP = {"developerMetadataLookup": {"metadataKey": LEASE_KEY, "locationType": "SPREADSHEET"}}

Clock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LeaseHeld(SheetsError):
    """Another sync or refresh is writing to the sheet; nothing was written."""

    code = Code.SHEETS_BUSY


@dataclass(frozen=True)
class Lease:
    """One lease as the spreadsheet's metadata holds it."""

    metadata_id: int
    holder: str  # who, as people read it: the command and the credential
    token: str  # tells our own lease from another with the same holder
    since: dt.datetime
    until: dt.datetime
    waited: bool = field(default=False, compare=False)  # another writer held the sheet first
    expired: tuple[int, ...] = field(default=(), compare=False)  # crashed commands' leases, removed with ours
    step: str | None = field(default=None, compare=False)  # the last structural request known to have landed
    machine: str = field(default="", compare=False)  # which machine holds it (a hash, not its name)
    pid: int = field(default=0, compare=False)
    kept: bool = field(default=False, compare=False)  # held on purpose after its holder ended (:class:`Unsettled`)

    def live(self, now: dt.datetime) -> bool:
        return self.until > now and not self.orphaned()

    def orphaned(self) -> bool:
        """Left by a process of this machine that is gone (killed, crashed): no need to wait for it."""
        if self.kept or self.machine != MACHINE or self.pid in (0, os.getpid()):
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False  # it runs, as another user
        return False

    def __str__(self) -> str:
        since = self.since.strftime("%H:%M:%S UTC")
        until = self.until.strftime("%H:%M:%S UTC")
        return f"{self.holder}, since {since} (until {until} at the latest)"


def _value(holder: str, token: str, since: dt.datetime, **more: Any) -> str:
    until = (since + TTL).isoformat()
    data = {"holder": holder, "token": token, "since": since.isoformat(), "until": until, "machine": MACHINE}
    return json.dumps({**data, "pid": os.getpid(), **more}, sort_keys=True)


def _parse(meta: dict[str, Any]) -> Lease | None:
    """A lease from its metadata resource; one written by something else is no lease of ours."""
    try:
        data = json.loads(str(meta.get("metadataValue", "")))
        return Lease(
            int(meta["metadataId"]),
            str(data["holder"]),
            str(data["token"]),
            dt.datetime.fromisoformat(data["since"]),
            dt.datetime.fromisoformat(data["until"]),
            step=None if data.get("step") is None else str(data["step"]),
            machine=str(data.get("machine", "")),
            pid=int(data.get("pid", 0)),
            kept=bool(data.get("kept", False)),
        )
    except (KeyError, TypeError, ValueError):
        return None


def leases(conn: Connection) -> list[Lease]:
    """Every lease on the spreadsheet, in one ``developerMetadata:search``."""
    answer = conn.http.request(
        "post", SPREADSHEET_URL % conn.key + "/developerMetadata:search", json={"dataFilters": [LOOKUP]}
    ).json()
    found = (_parse(m.get("developerMetadata", {})) for m in answer.get("matchedDeveloperMetadata", []))
    return [lease for lease in found if lease is not None]


def _create(conn: Connection, holder: str, now: dt.datetime) -> str:
    """Our lease on the spreadsheet; returns its token."""
    token = secrets.token_hex(8)
    request = {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": LEASE_KEY,
                "metadataValue": _value(holder, token, now),
                "location": {"spreadsheet": True},
                "visibility": "DOCUMENT",
            }
        }
    }
    conn.http.batch_update(conn.key, {"requests": [request]})
    return token


def _delete(conn: Connection, *metadata_ids: int) -> None:
    """Leases gone in one request: ours, and those of crashed commands that expired."""
    requests = [
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": i}}}}
        for i in metadata_ids
    ]
    conn.http.batch_update(conn.key, {"requests": requests})


def take(
    conn: Connection,
    holder: str,
    *,
    wait: float = 0.0,
    clock: Clock = _now,
    sleep: Callable[[float], None] = time.sleep,
) -> Lease:
    """Hold the spreadsheet's lease, or raise :class:`LeaseHeld` naming who holds it.

    Our lease is created first and checked after: if any other live lease is there, ours is
    deleted again, so of two commands started at the same moment neither writes (never both),
    whatever their clocks say. With ``wait`` (seconds), the leases are polled every
    :data:`POLL_SECONDS` until none is live, then taken, or until ``wait`` runs out.
    """
    deadline = time.monotonic() + wait
    waited = False
    found: list[Lease] = []  # what the last search showed; nothing yet, so try at once
    try:
        while True:
            now = clock()
            others = [lease for lease in found if lease.live(now)]
            if not others:
                token = _create(conn, holder, now)
                found = leases(conn)
                mine = next((lease for lease in found if lease.token == token), None)
                others = [lease for lease in found if lease.live(now) and lease is not mine]
                expired = tuple(lease.metadata_id for lease in found if not lease.live(now))
                if mine is not None and not others:
                    return replace(mine, waited=waited, expired=expired)
                if mine is not None:
                    _delete(conn, mine.metadata_id)
            if time.monotonic() + POLL_SECONDS > deadline:
                break
            sleep(POLL_SECONDS + secrets.randbelow(1000) / 1000)  # jitter: two waiters do not meet again
            waited = True
            found = leases(conn)
    except APIError as err:
        raise explain_api_error(err, conn) from None
    held = min(others, key=lambda lease: lease.since, default=None)
    raise LeaseHeld(
        f"Another sync or refresh is writing to this Google Sheet{f' ({held})' if held else ''}; nothing was "
        f"written. "
        f"Run the command again when it is done, or pass --wait to wait for it. A lease left by a "
        f"crash expires {int(TTL.total_seconds() // 60)} minutes after it was taken."
    )


def mark(lease: Lease, step: str) -> dict[str, Any]:
    """A request that writes ``step`` into our lease: sent inside a structural ``batchUpdate``,
    which Google applies whole or not at all, it shows afterwards whether that request landed."""
    return _update(lease, step=step)


def _update(lease: Lease, **more: Any) -> dict[str, Any]:
    return {
        "updateDeveloperMetadata": {
            "dataFilters": [{"developerMetadataLookup": {"metadataId": lease.metadata_id}}],
            "developerMetadata": {"metadataValue": _value(lease.holder, lease.token, lease.since, **more)},
            "fields": "metadataValue",
        }
    }


def landed(conn: Connection, lease: Lease, step: str, *, sleep: Callable[[float], None] = time.sleep) -> bool:
    """Whether the request carrying :func:`mark` ``step`` was applied, asked again while it may land late."""
    for wait in (0.0, *LANDING_WAITS):
        sleep(wait)
        try:
            if any(found.metadata_id == lease.metadata_id and found.step == step for found in leases(conn)):
                return True
        except (APIError, SheetsError):
            continue
    return False


class Unsettled(OutcomeUnknown):
    """A structural request whose outcome stayed unknown: the lease is kept until it expires, so no
    other sync or refresh plans on a sheet that request may still change."""

    def __init__(self, lease: Lease) -> None:
        super().__init__(
            f"The connection to Google Sheets broke while rows and tabs were being changed, and after "
            f"{int(sum(LANDING_WAITS))} s of checking it is still unknown whether Google applied that request. "
            f"Nothing was saved to the workbook. The sheet stays reserved for this sync until "
            f"{lease.until.strftime('%H:%M UTC')}, so no sync or refresh acts while that request may still "
            f"land; run the sync again after that: it starts by reading what the sheet holds then."
        )


def release(conn: Connection, lease: Lease) -> str | None:
    """Delete our lease, or say why it stays (it then expires by itself; nothing else is left undone)."""
    try:
        _delete(conn, lease.metadata_id, *lease.expired)
    except (APIError, SheetsError):
        return (
            f"The sheet's lease could not be removed; other syncs wait for it until "
            f"{lease.until.strftime('%H:%M UTC')} at the latest."
        )
    return None


def holder_name(command: str, conn: Connection) -> str:
    """Who holds a lease, as the person who meets it reads it (no host or user name of this machine)."""
    who = conn.identity or "an icp-sheets user"
    return f"icp-sheets {command} as {who} (process {os.getpid()})"


class Writer:
    """The lease of one command, taken only once it has something to write (:meth:`ensure`)."""

    def __init__(self, conn: Connection, command: str, wait: float = 0.0) -> None:
        self.conn, self.command, self.wait = conn, command, wait
        self.lease: Lease | None = None
        self.warning: str | None = None  # set when the lease could not be released

    def ensure(self) -> bool:
        """Hold the lease; True when another writer held it first, so what was read is stale."""
        if self.lease is not None:
            return False
        self.lease = take(self.conn, holder_name(self.command, self.conn), wait=self.wait)
        return self.lease.waited


@contextmanager
def writer(conn: Connection, command: str, *, wait: float = 0.0) -> Iterator[Writer]:
    """A :class:`Writer` whose lease, if it took one, is released however the block ends."""
    held = Writer(conn, command, wait)
    keep = False
    try:
        yield held
    except Unsettled:
        keep = True  # a request may still land: hold the sheet until the lease expires
        if held.lease is not None:
            with contextlib.suppress(APIError, SheetsError):  # unmarked, it is taken over once we are gone
                conn.http.batch_update(conn.key, {"requests": [_update(held.lease, kept=True)]})
        raise
    finally:
        if held.lease is not None and not keep:
            held.warning = release(conn, held.lease)
