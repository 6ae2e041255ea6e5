"""The HTTP side: a threading server on 127.0.0.1 that routes each request by table to its handler."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import Counter
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from icp_sheets.testing.fake_sheets import batch_update, developer_metadata, faults, metadata, values
from icp_sheets.testing.fake_sheets.faults import Fault, Hook
from icp_sheets.testing.fake_sheets.model import ApiError
from icp_sheets.testing.fake_sheets.routes import Call, Route, find
from icp_sheets.testing.fake_sheets.store import Store

ROUTES: list[Route] = [*metadata.ROUTES, *batch_update.ROUTES, *values.ROUTES, *developer_metadata.ROUTES]


class FakeSheets:
    """The server: ``with FakeSheets() as fake: ... fake.url`` or ``fake.start()`` / ``fake.stop()``."""

    def __init__(self, port: int = 0, tokens: dict[str, str] | None = None) -> None:
        """``tokens`` maps bearer tokens to the users they name; with it, a request without a
        valid token is refused with 401 and protected ranges are enforced per user."""
        self.tokens = tokens
        self.store = Store()
        self.counts: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []  # (endpoint, path) of every request that reached us
        self.faults: list[Fault] = []
        self.hooks: list[Hook] = []
        self._served: Counter[str] = Counter()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeSheets:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSheets:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ test controls

    def inject(
        self,
        kind: str,
        endpoint: str | None = None,
        *,
        times: int = 1,
        retry_after: float | None = None,
        delay: float = 0.0,
    ) -> None:
        self.faults.append(Fault(kind, endpoint, times, retry_after, delay))

    def on(self, endpoint: str, after: int, action: Callable[[Store], None]) -> None:
        self.hooks.append(Hook(endpoint, after, action))

    def reset_counts(self) -> None:
        self.counts.clear()
        self.log.clear()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    # ------------------------------------------------------------------ dispatch

    def endpoint(self, method: str, path: str) -> str:
        """The endpoint a request is counted under ("unknown" when no route takes it)."""
        found = find(ROUTES, method, path)
        return found[0].endpoint if found else "unknown"

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, user: str | None = None
    ) -> tuple[str, Any]:
        """The endpoint and the answer of one request, applied atomically."""
        found = find(ROUTES, method, path)
        if found is None:
            raise ApiError(404, f"Method not found: {method} {path}")
        route, args = found
        with self.store.lock:
            return route.endpoint, route.handler(Call(self.store, args, query, body, user))

    def caller(self, authorization: str | None) -> str | None:
        """The user a request's bearer token names; 401 as Google answers a missing or unknown token.

        Written from the Sheets API v4 reference (UNAUTHENTICATED); the recordings hold no 401."""
        if self.tokens is None:
            return None
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(
                401,
                "Request is missing required authentication credential. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential.",
            )
        if token not in self.tokens:
            raise ApiError(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                "cookie or other valid authentication credential.",
            )
        return self.tokens[token]

    def answer(
        self, method: str, path: str, query: dict[str, list[str]], raw: bytes, authorization: str | None = None
    ) -> tuple[int, Any]:
        """The status and JSON answer of one request; Google's error body for what it refuses."""
        try:
            user = self.caller(authorization)
            return 200, self.handle(method, path, query, json.loads(raw) if raw else None, user)[1]
        except ApiError as exc:
            return exc.code, exc.body()
        except (ValueError, KeyError, TypeError) as exc:
            return 400, ApiError(400, f"Invalid JSON payload received. {exc}").body()


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeSheets
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self, method: str) -> None:
        fake = self.server_fake
        parts = urlsplit(self.path)
        path = unquote(parts.path) if "/values/" not in parts.path else parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        endpoint = fake.endpoint(method, path)
        fake.counts[endpoint] += 1
        fake.log.append((endpoint, parts.path))
        fault = faults.take(fake.faults, endpoint)
        if not faults.before(fault, self):
            return
        status, answer = fake.answer(method, path, query, raw, self.headers.get("Authorization"))
        faults.answer(fault, self, status, answer)
        if status == 200:
            faults.run_hooks(fake.hooks, fake._served, endpoint, fake.store)

    def send(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
        self.send_bytes(status, json.dumps(answer, ensure_ascii=False, indent=2).encode(), headers)

    def send_bytes(
        self,
        status: int,
        data: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json; charset=UTF-8",
        cut: int | None = None,
    ) -> None:
        """An answer; ``cut`` sends only that many bytes of it under the full Content-Length, then hangs up."""
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data if cut is None else data[:cut])
        if cut is not None:
            self.wfile.flush()
            self.drop()

    def drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")
