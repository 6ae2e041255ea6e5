"""The spreadsheets the fake holds, behind one lock, and what tests do to them directly."""

from __future__ import annotations

import random
import string
import threading
from typing import Any

from icp_sheets.sheets.a1 import GridRange
from icp_sheets.testing.fake_sheets import batch_update, locales, ranges
from icp_sheets.testing.fake_sheets.model import ApiError, Sheet, Spreadsheet


class Store:
    """All spreadsheets, behind one lock; every method is one atomic API operation."""

    # The value operations, for tests to drive directly (the endpoints in ``values`` use them too).
    read = staticmethod(ranges.read)
    write = staticmethod(ranges.write)
    clear = staticmethod(ranges.clear)
    append = staticmethod(ranges.append)

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self._rng = random.Random(7)  # the same ids on every run

    def new_id(self) -> str:
        return "".join(self._rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(44))

    def _sheet_id(self) -> int:
        return self._rng.randrange(1, 2**31 - 1)

    def create(
        self,
        title: str = "Untitled spreadsheet",
        spreadsheet_id: str | None = None,
        sheets: list[dict[str, Any]] | None = None,
        private: bool = False,
        *,
        locale: str = "en_US",
        time_zone: str = "Etc/GMT",
        owner: str | None = None,
    ) -> Spreadsheet:
        """A new spreadsheet; ``locale`` (en_US, en_GB, de_DE) decides how typed text is read and
        values are shown, ``time_zone`` the day TODAY() sees, ``owner`` who may edit every range."""
        with self.lock:
            sid = spreadsheet_id or self.new_id()
            locales.locale(locale)  # refuse a locale the fake does not know
            book = Spreadsheet(sid, title, private=private, locale=locale, time_zone=time_zone, owner=owner)
            for props in sheets or [{"title": "Sheet1", "sheetId": 0}]:
                grid = props.get("gridProperties", {})
                sheet_id = props.get("sheetId", self._sheet_id() if book.sheets else 0)  # Google: first is 0
                book.sheets.append(
                    Sheet(
                        sheet_id,
                        props.get("title", f"Sheet{len(book.sheets) + 1}"),
                        grid.get("rowCount", 1000),
                        grid.get("columnCount", 26),
                    )
                )
            self.spreadsheets[sid] = book
            return book

    def get(self, spreadsheet_id: str) -> Spreadsheet:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.")
        if book.private:
            raise ApiError(403, "The caller does not have permission")
        return book

    def batch_update(self, book: Spreadsheet, requests: list[dict[str, Any]]) -> dict[str, Any]:
        return batch_update.apply(book, requests, self._sheet_id)

    # ------------------------------------------------------------------ a person at the keyboard

    def type_in(self, spreadsheet_id: str, tab: str, a1: str, value: Any) -> None:
        """Edit one cell as a person typing in the browser (USER_ENTERED), bypassing counters."""
        with self.lock:
            book = self.spreadsheets[spreadsheet_id]
            sheet = book.sheet(tab)
            self.write(book, GridRange(sheet.title).a1() + "!" + a1, [[value]], user_entered=True)

    def grid(self, spreadsheet_id: str, tab: str, value_option: str = "FORMULA") -> list[list[Any]]:
        """The tab as lists of rows (trimmed), for assertions."""
        with self.lock:
            book = self.spreadsheets[spreadsheet_id]
            values: list[list[Any]] = self.read(
                book, GridRange(tab).a1(), value_option=value_option, date_option="FORMATTED_STRING"
            ).get("values", [])
            return values
