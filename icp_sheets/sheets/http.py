"""Google-specific HTTP in one place: retries with a cap, and the base-URL redirect.

gspread 6.2.1's ``BackOffHTTPClient`` retries forever on the same schedule and
repeats any request, including ones that may already have been applied. This
client instead:

* tries at most ``attempts`` times, waiting ``base * 2**n`` seconds with full
  jitter, capped at ``max_wait``, or exactly what ``Retry-After`` asks for;
* decides on the HTTP status, never the body: a 502 whose body is Google's HTML
  error page is a 502 (gspread reports such an answer as code -1);
* repeats a request refused with 429 (Google applied nothing), and repeats a
  request that hit a 5xx, a broken connection or a body cut short only when repeating it cannot
  do harm: reads, and writes of fixed values to fixed ranges (``values.update``,
  ``values:batchUpdate``, clears). Appends, ``spreadsheets:batchUpdate`` (new
  tabs, protections) and creations are never repeated after an unclear outcome;
* gives up with :class:`SheetsUnavailable`, a message that says what happened
  and what to do.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from requests.adapters import HTTPAdapter

from icp_sheets.core.problems import Code, IcpError

GOOGLE_SHEETS_URL = "https://sheets.googleapis.com"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_IDEMPOTENT_POST = re.compile(
    r"/values(:batchUpdate|:batchUpdateByDataFilter|:batchClear|:batchGet|/[^/]+:clear)$|/developerMetadata:search$"
)


class SheetsError(IcpError):
    """The sync or refresh cannot go on; the message says what to do. Nothing was half-written."""

    code = Code.SHEETS_REFUSED


class SheetsUnavailable(SheetsError):
    """Google kept refusing or failing after the allowed attempts."""

    code = Code.SHEETS_UNAVAILABLE


class OutcomeUnknown(SheetsUnavailable):
    """The connection broke during a request that is not safe to repeat: it may or may not have been applied."""


BROKEN = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def status_of(err: APIError) -> int:
    """The HTTP status of a refused request: the response's, whatever its body held."""
    response = getattr(err, "response", None)
    return int(response.status_code) if response is not None else int(err.code)


def message_of(err: APIError) -> str:
    """Google's error message, or nothing when the body was not Google's JSON (an HTML page)."""
    message = str(err.error.get("message", "")) if isinstance(err.error, dict) else ""
    return "" if err.code == -1 or message.lstrip().startswith("<") else message


def safe_to_repeat(method: str, url: str) -> bool:
    """True when sending the request twice leaves the sheet as sending it once."""
    method = method.upper()
    path = url.split("?", 1)[0]
    if method == "GET":
        return True
    if method == "PUT":
        return "/values/" in path  # values.update: fixed values to a fixed range
    return method == "POST" and bool(_IDEMPOTENT_POST.search(path))


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """The server's ``Retry-After`` (seconds or an HTTP date), if any."""
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


RequestHook = Callable[[str, str], None]  # (method, URL) of each request as it is sent, retries included


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with a bounded, careful retry policy (see the module docstring)."""

    attempts = 5
    base = 1.0
    max_wait = 32.0
    max_retry_after = 120.0

    def __init__(
        self,
        auth: Any = None,
        session: requests.Session | None = None,
        *,
        attempts: int | None = None,
        base: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(auth, session)
        if attempts is not None:
            self.attempts = attempts
        if base is not None:
            self.base = base
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.sent = 0  # requests sent, retries included
        self.on_request: RequestHook | None = None  # told of each request as it is sent

    @contextmanager
    def reporting(self, hook: RequestHook | None) -> Iterator[None]:
        """Tell ``hook`` of every request sent inside the block (a progress bar counts them)."""
        before = self.on_request
        self.on_request = hook or before
        try:
            yield
        finally:
            self.on_request = before

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max_wait, base * 2**attempt)]."""
        return self.rng.uniform(0, min(self.max_wait, self.base * 2**attempt))

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
        repeatable = safe_to_repeat(method, endpoint)
        last = ""
        waited = 0.0
        tries = 0
        while True:
            tries += 1
            self.sent += 1
            if self.on_request is not None:
                self.on_request(method.upper(), endpoint)
            try:
                return super().request(method, endpoint, *args, **kwargs)
            except APIError as err:
                code = status_of(err)
                if code not in RETRY_STATUS or (code != 429 and not repeatable):
                    raise
                wait = retry_after_seconds(err.response)
                last = f"HTTP {code} ({message_of(err)})".replace(" ()", "")
            except BROKEN as err:
                if not repeatable:
                    raise OutcomeUnknown(
                        f"The connection to Google Sheets broke during a {method.upper()} that may or may "
                        f"not have been applied, so it was not repeated ({type(err).__name__}). Run the "
                        f"command again: it starts by reading what the sheet holds now."
                    ) from err
                wait = None
                last = f"a broken connection ({type(err).__name__})"
            if wait is None:
                wait = self.backoff(tries - 1)
            if tries >= self.attempts or wait > self.max_retry_after:
                break
            waited += wait
            self.sleep(wait)
        raise SheetsUnavailable(
            f"Google Sheets answered {last} on {tries} attempt{'s' if tries > 1 else ''} in a row; gave up "
            f"after {waited:.0f} s of "
            f"waiting. Run the command again in a minute (Google allows 60 reads and 60 writes per "
            f"minute per user); the sync starts by reading what the sheet holds now."
        )


class RedirectAdapter(HTTPAdapter):
    """Sends requests meant for Google's Sheets API to another base URL (the fake server)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if request.url and request.url.startswith(GOOGLE_SHEETS_URL):
            request.url = self.base_url + request.url[len(GOOGLE_SHEETS_URL) :]
        return super().send(request, *args, **kwargs)


def redirect(session: requests.Session, base_url: str) -> requests.Session:
    """Mount :class:`RedirectAdapter` so gspread's unmodified URLs reach ``base_url``."""
    session.mount(GOOGLE_SHEETS_URL + "/", RedirectAdapter(base_url))
    return session
