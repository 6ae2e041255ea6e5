"""One request of a ``spreadsheets:batchUpdate``, as its handler sees it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from icp_sheets.testing.fake_sheets.model import ApiError, Spreadsheet

Reply = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One request of a batch: its kind and body, its index (Google's messages name it), the spreadsheet."""

    book: Spreadsheet
    kind: str
    body: dict[str, Any]
    index: int
    new_id: Callable[[], int]  # the store's random ids, for new tabs, protected ranges and metadata

    def refuse(self, message: str) -> ApiError:
        return ApiError(400, f"Invalid requests[{self.index}].{self.kind}: {message}")


Handler = Callable[[Step], Reply]
