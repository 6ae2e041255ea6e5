"""Row deletions checked after they happen, and put right when someone moved rows meanwhile.

The Sheets API deletes rows only by position (``deleteDimension``), and the positions come
from the re-read right before the write. A row inserted, deleted or sorted in between by a
person shifts them, and the deletion hits a neighbour: an account nobody meant to delete,
which the next sync would then delete from the workbook too. So after a structural request
that deleted rows, the sync reads the rows' metadata once more (it moves with the rows) and
checks that every row meant to stay is still there and every row meant to go is gone. Rows
meant to stay that vanished are written back at the end of the tab, with their metadata and
every cell as the sync meant it (see :func:`slipped` for which), rows meant to go that are still
there are deleted where they are now, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from icp_sheets.sheets.identity import Tag, row_filter, tag_requests
from icp_sheets.sheets.merge import Value


@dataclass(frozen=True)
class Planned:
    """What a tab's structural request meant to do with its rows."""

    tab: str
    gone: dict[str, int]  # id -> row (as re-read) of the rows meant to be deleted
    kept: dict[str, list[Value]]  # id -> the whole row as the sheet should hold it, for rows that stay
    rows: dict[str, int]  # id -> row (as re-read) of the rows that stay


@dataclass(frozen=True)
class Slipped:
    """A deletion that hit the wrong rows: the rows hit (restored) and those meant to go (deleted now)."""

    tab: str
    restored: tuple[str, ...]  # ids of rows deleted by mistake, written back
    deleted: tuple[str, ...]  # ids of rows meant to go, deleted where they are now

    def __str__(self) -> str:
        out = []
        if self.restored:
            n = len(self.restored)
            out.append(
                f"{n} row{'s' if n != 1 else ''} nobody meant to delete vanished as the sync deleted rows (rows "
                f"moved in the sheet meanwhile shifted the deletion); put back at the end of the tab"
                f"{' (if someone deleted it on purpose meanwhile, delete it again)' if n == 1 else ''}"
                f"{' (if someone deleted one on purpose meanwhile, delete it again)' if n > 1 else ''}"
            )
        if self.deleted:
            out.append(f"{len(self.deleted)} row{'s' if len(self.deleted) != 1 else ''} meant to go deleted now")
        return f"{self.tab}: repaired a shifted deletion: " + "; ".join(out) + "."


def slipped(planned: Sequence[Planned], after: dict[str, dict[int, Tag]]) -> list[Slipped]:
    """The tabs whose deletions hit other rows than meant, judged by the row metadata read ``after``.

    Each deletion removes exactly one row. For each row meant to go that is still there, one
    deletion hit another row: the missing row nearest to where it sat is put back. A deletion
    whose row is gone may still have hit a neighbour (a person deleted the very row meanwhile):
    a missing row next to where it sat (as close as there were deletions) is put back too. Any
    other missing row a person deleted, and it stays deleted.
    """
    out = []
    for plan in planned:
        present = {tag.key for tag in after.get(plan.tab, {}).values()}
        survivors = tuple(key for key in plan.gone if key in present)
        missing = {key: plan.rows[key] for key in plan.kept if key not in present}
        if not missing and not survivors:
            continue
        hit: list[str] = []
        near = len(plan.gone)  # a deletion shifted by a person's insert or deletion lands this close
        spots = [(plan.gone[k], True) for k in survivors]  # still there: that deletion surely hit another
        spots += [(r, False) for k, r in plan.gone.items() if k not in present]
        for meant, certain in spots:
            pool = {k: r for k, r in missing.items() if certain or abs(r - meant) <= near}
            nearest = min(pool, key=lambda k: (abs(pool[k] - meant), pool[k]), default=None)
            if nearest is not None:
                hit.append(nearest)
                del missing[nearest]
        out.append(Slipped(plan.tab, tuple(hit), survivors))
    return out


def repair_requests(
    found: Sequence[Slipped], sheet_ids: dict[str, int], after: dict[str, dict[int, Tag]]
) -> list[dict[str, Any]]:
    """One structural request's worth: delete the survivors, add rows for the restored ones, tag them."""
    out: list[dict[str, Any]] = []
    for fix in found:
        sheet_id, tags = sheet_ids[fix.tab], after.get(fix.tab, {})
        doomed = sorted((row for row, tag in tags.items() if tag.key in fix.deleted), reverse=True)
        out.extend(
            {
                "deleteDimension": {
                    "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row}
                }
            }
            for row in doomed
        )
        if not fix.restored:
            continue
        bottom = max((row for row in tags if row not in doomed), default=1)  # the last row that stays
        last = bottom - sum(1 for row in doomed if row < bottom)  # where it sits once the survivors are gone
        rng = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": last, "endIndex": last + len(fix.restored)}
        out.append({"insertDimension": {"range": rng, "inheritFromBefore": True}})
        out.extend(tag_requests(sheet_id, {last + 1 + i: key for i, key in enumerate(fix.restored)}, {}))
    return out


def restored_rows(
    found: Sequence[Slipped],
    planned: Sequence[Planned],
    sheet_ids: dict[str, int],
    encode: Callable[[Value], Any],
) -> list[dict[str, Any]]:
    """The restored rows' cells, every one, as ``values:batchUpdateByDataFilter`` items."""
    rows = {plan.tab: plan.kept for plan in planned}
    return [
        {
            "dataFilter": row_filter(sheet_ids[fix.tab], key),
            "majorDimension": "ROWS",
            "values": [[encode(v) for v in rows[fix.tab][key]]],
        }
        for fix in found
        for key in fix.restored
    ]
