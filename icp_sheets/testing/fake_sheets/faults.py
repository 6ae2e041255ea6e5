"""Misbehaving on purpose: faults injected into requests, and hooks that act as a person between them."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from icp_sheets.core.values import whole
from icp_sheets.testing.fake_sheets.model import ApiError

if TYPE_CHECKING:
    from icp_sheets.testing.fake_sheets.store import Store

_MESSAGES = {
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per "
    "minute per user' of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
}


@dataclass
class Fault:
    """Misbehaviour for the next ``times`` requests to ``endpoint`` (None = any endpoint).

    kind: ``429`` (with ``retry_after`` seconds or without), ``500``, ``drop`` (connection closed
    before the request is applied), ``drop-after`` (applied, then closed: the answer is lost),
    ``slow`` (answer after ``delay`` seconds), ``html-502`` / ``html-503`` (a front end's HTML error
    page instead of Google's JSON, before the request is applied), ``truncated`` (applied, then the
    answer is cut off mid-body under its full Content-Length).

    The 429 and 500 bodies are Google's JSON error bodies as recorded; the HTML pages and the cut-off
    body are written from what Google's front ends send when they fail (an HTML page with the status,
    ``text/html``), not from a recording.
    """

    kind: str
    endpoint: str | None = None
    times: int = 1
    retry_after: float | None = None
    delay: float = 0.0


@dataclass
class Hook:
    """Run ``action(store)`` right after the ``after``-th request to ``endpoint`` is served."""

    endpoint: str
    after: int
    action: Callable[[Store], None]
    done: bool = False


def take(faults: list[Fault], endpoint: str) -> Fault | None:
    """The first fault still due for this endpoint, counted down."""
    for fault in faults:
        if fault.times > 0 and fault.endpoint in (None, endpoint):
            fault.times -= 1
            return fault
    return None


def run_hooks(hooks: list[Hook], served: Counter[str], endpoint: str, store: Store) -> None:
    """Count a served request and run the hooks now due (each once), under the store's lock."""
    served[endpoint] += 1
    for hook in hooks:
        if not hook.done and hook.endpoint == endpoint and served[endpoint] >= hook.after:
            hook.done = True
            with store.lock:
                hook.action(store)


class Connection(Protocol):
    """The side of the HTTP exchange a fault acts on."""

    def send(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None: ...

    def drop(self) -> None: ...

    def send_bytes(
        self,
        status: int,
        data: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = ...,
        cut: int | None = None,
    ) -> None: ...


def _slow(fault: Fault, conn: Connection) -> bool:
    time.sleep(fault.delay)
    return True


def _drop(fault: Fault, conn: Connection) -> bool:
    conn.drop()
    return False


def _refuse(fault: Fault, conn: Connection) -> bool:
    code = int(fault.kind)
    headers = {"Retry-After": str(whole(float(fault.retry_after)))} if fault.retry_after is not None else {}
    conn.send(code, ApiError(code, _MESSAGES[code]).body(), headers)
    return False


_HTML = (
    "<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error {code} (Server Error)!!1</title>"
    "<p><b>{code}.</b> <ins>That's an error.</ins><p>The server encountered a temporary error and could "
    "not complete your request.<p>Please try again in 30 seconds. <ins>That's all we know.</ins></html>\n"
)


def _html(fault: Fault, conn: Connection) -> bool:
    code = int(fault.kind.removeprefix("html-"))
    conn.send_bytes(code, _HTML.format(code=code).encode(), content_type="text/html; charset=UTF-8")
    return False


# What a fault does before the request is applied; False: the exchange ends there.
_BEFORE: dict[str, Callable[[Fault, Connection], bool]] = {
    "slow": _slow,
    "drop": _drop,
    "429": _refuse,
    "500": _refuse,
    "html-502": _html,
    "html-503": _html,
}


def before(fault: Fault | None, conn: Connection) -> bool:
    """Misbehave before the request is applied; True when the request is to be applied and answered."""
    if fault is None or fault.kind not in _BEFORE:
        return True
    return _BEFORE[fault.kind](fault, conn)


def answer(fault: Fault | None, conn: Connection, status: int, body: Any) -> None:
    """Send the answer, lose it once the request is applied (``drop-after``) or cut it short (``truncated``)."""
    if fault is not None and fault.kind == "drop-after":
        conn.drop()
    elif fault is not None and fault.kind == "truncated":
        data = json.dumps(body, ensure_ascii=False, indent=2).encode()
        conn.send_bytes(status, data, cut=len(data) // 2)
    else:
        conn.send(status, body)
