"""Routing by table: each API module lists its (HTTP method, path pattern, endpoint, handler) rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from icp_sheets.testing.fake_sheets.model import Spreadsheet
    from icp_sheets.testing.fake_sheets.store import Store

BOOK = r"^/v4/spreadsheets/(?P<id>[^/:]+)"  # the start of every path about one spreadsheet


@dataclass(frozen=True)
class Call:
    """One request as a handler sees it: the store, the path's named parts, the query and the JSON body."""

    store: Store
    args: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    user: str | None = None  # whom the bearer token names; None: tokens are not checked (the owner)

    def book(self) -> Spreadsheet:
        return self.store.get(unquote(self.args["id"]))

    def range(self) -> str:
        return unquote(self.args["range"])

    def param(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[0]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    endpoint: str  # the name requests are counted, logged, faulted and hooked by
    handler: Callable[[Call], Any]


def route(method: str, pattern: str, endpoint: str, handler: Callable[[Call], Any]) -> Route:
    return Route(method, re.compile(pattern), endpoint, handler)


def find(routes: Sequence[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The first route for this method whose pattern matches the path, and the path's named parts."""
    for r in routes:
        m = r.pattern.match(path) if r.method == method else None
        if m:
            return r, m.groupdict()
    return None
