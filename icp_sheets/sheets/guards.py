"""Guards against mass change: a sync that would delete much stops before writing anything.

A renamed or deleted tab, a deleted ``icp_id`` column or a select-all-and-Delete in the shared
sheet all look, to a three-way merge, like a person deleting rows on purpose, and the merge would
carry the deletion to the other side. Deletions that large are rarely meant, so the sync lists
them and asks for ``--allow-delete`` (or the tab or column restored) before it touches either side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.values import is_empty
from icp_sheets.sheets.merge import Side, Value

DELETE_LIMIT_SETTING = "Sync deletion limit"
DEFAULT_LIMIT_ROWS = 10
DEFAULT_LIMIT_SHARE = 0.2
SHOWN = 5  # rows named in a message; the rest are counted


class Why(StrEnum):
    MISSING_TAB = "missing-tab"
    MISSING_IDS = "missing-ids"
    TOO_MANY = "too-many"


@dataclass(frozen=True)
class Guard:
    """One reason the sync stopped: the tab, the side that lost it, the rows the other side would lose."""

    why: Why
    tab: str
    side: Side  # where the tab, the column or the rows went missing
    deletes: tuple[str, ...]  # labels of the rows the sync would delete on the other side
    limit: int = 0
    renamed_to: str | None = None

    def __str__(self) -> str:
        where = "the Google Sheet" if self.side is Side.SHEET else "the workbook"
        other = "the workbook" if self.side is Side.SHEET else "the Google Sheet"
        rows = f"{len(self.deletes)} row{'s' if len(self.deletes) != 1 else ''}"
        named = names(self.deletes)
        if self.why is Why.MISSING_TAB:
            found = (
                f"it was renamed {self.renamed_to!r} there: rename it back to {self.tab!r}"
                if self.renamed_to
                else "restore it (File › Version history) or undo its deletion"
            )
            return (
                f"{self.tab} is missing from {where}, so the sync would delete its {rows} from {other} "
                f"({named}); {found}, or pass --allow-delete to delete them."
            )
        if self.why is Why.MISSING_IDS:
            return (
                f"{self.tab} in {where} has no icp_id column, so rows cannot be told apart and the sync would "
                f"delete or duplicate {rows} ({named}); undo the column's deletion, or pass --allow-delete to "
                f"pair rows by content."
            )
        return (
            f"{self.tab}: rows were deleted in {where}, so the sync would delete {rows} from {other} ({named}), "
            f"more than the limit of {self.limit}; check that was meant and pass --allow-delete, or set "
            f"Settings › {DELETE_LIMIT_SETTING}."
        )


def names(labels: tuple[str, ...]) -> str:
    """A few rows by name and a count of the rest: a list a person reads to the end."""
    shown = ", ".join(repr(x) for x in labels[:SHOWN])
    return shown + (f" and {len(labels) - SHOWN} more" if len(labels) > SHOWN else "")


class SyncGuarded(IcpError):
    """The sync would delete more than a person likely meant; nothing was written."""

    code = Code.SYNC_GUARDED

    def __init__(self, guards: list[Guard]) -> None:
        super().__init__([Problem(Code.SYNC_GUARDED, str(g), tab=g.tab) for g in guards])
        self.guards = guards


def deletion_limit(setting: Value, rows_before: int) -> int:
    """Rows one sync may delete from a tab: the local setting, else 10 or 20 % of the tab, the larger.

    A setting that is not a whole number of zero or more stops the sync rather than guess.
    """
    if is_empty(setting):
        return max(DEFAULT_LIMIT_ROWS, math.ceil(DEFAULT_LIMIT_SHARE * rows_before))
    try:
        number = float(str(setting).strip())
    except ValueError:
        number = -1.0
    if number < 0 or not number.is_integer():
        raise IcpError(
            Problem(
                Code.UNREADABLE_NUMBER,
                f"{DELETE_LIMIT_SETTING} must be a whole number of rows (0 or more), not {setting!r}; "
                f"leave it blank for 10 rows or 20% of a tab.",
                tab="Settings",
                column=DELETE_LIMIT_SETTING,
                value=setting,
            )
        )
    return int(number)
