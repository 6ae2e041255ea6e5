"""Protected ranges enforced per identity: who may write which cells.

Written from the Sheets API v4 reference (``ProtectedRange``: ``editors`` lists the users who may edit
a range; ``warningOnly`` ranges only warn, so writes go through; ``unprotectedRanges`` carve holes in
a protected tab), not from a recording: the recordings add protected ranges but never write into one.
The caller is the user its bearer token names (:class:`~.server.FakeSheets` ``tokens``); without
tokens every caller is the owner, who may edit every range, as Google lets the owner do. The refusal
carries the message Google's web editor shows for a protected cell, with status PERMISSION_DENIED.
"""

from __future__ import annotations

from typing import Any

from icp_sheets.testing.fake_sheets.model import ApiError, Sheet, Spreadsheet

Box = tuple[int, int, int, int]
PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove "
    "protection if you need to edit."
)


def _box(sheet: Sheet, rng: dict[str, Any]) -> Box:
    return (
        rng.get("startRowIndex", 0) + 1,
        rng.get("startColumnIndex", 0) + 1,
        rng.get("endRowIndex", sheet.rows),
        rng.get("endColumnIndex", sheet.cols),
    )


def _meets(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _inside(a: Box, b: Box) -> bool:
    return b[0] <= a[0] and a[2] <= b[2] and b[1] <= a[1] and a[3] <= b[3]


def may_edit(book: Spreadsheet, protected: dict[str, Any], user: str | None) -> bool:
    if protected.get("warningOnly") or user is None or user == book.owner:
        return True
    return user in protected.get("editors", {}).get("users", [])


def check_editable(book: Spreadsheet, sheet: Sheet, box: Box, user: str | None) -> None:
    """Refuse a write into ``box`` that a protected range keeps ``user`` from."""
    for protected in sheet.protected:
        if may_edit(book, protected, user):
            continue
        holes = [_box(sheet, r) for r in protected.get("unprotectedRanges", [])]
        if _meets(box, _box(sheet, protected["range"])) and not any(_inside(box, h) for h in holes):
            raise ApiError(403, PROTECTED_MESSAGE)
