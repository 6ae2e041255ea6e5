"""Ids the sheet already has but the workbook may not: a crash between the two writes loses none.

The sync writes the sheet first and the workbook second. A row new in the workbook gets its
``icp_id`` in the sheet at once, but in the workbook only when the workbook is saved; a crash,
a failed save or Excel saving meanwhile in between left the sheet's copy with an id and the
workbook's without, and an edit to that row before the next sync made it look new: a duplicate
on both sides. So before the sheet write the sync notes, beside the workbook, each such row
(its row number, its content as read and as the sheet will hold it, and its id); the next sync
gives the id back to the row that lost it, and takes the noted content as the row's base so an
edit made since counts as an edit. A successful save removes the note.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icp_sheets.sheets.http import SheetsError
from icp_sheets.sheets.merge import Row, row_from_json, row_to_json, same

VERSION = 1


@dataclass(frozen=True)
class Pending:
    """A workbook row whose id the sheet gets before the workbook does."""

    key: str
    row: int  # its row in the workbook tab when the sync read it
    read: Row  # its cells as the sync read them from the workbook
    agreed: Row  # its cells as the sheet holds them after the write

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "row": self.row, "read": row_to_json(self.read), "agreed": row_to_json(self.agreed)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pending:
        return cls(str(data["key"]), int(data["row"]), row_from_json(data["read"]), row_from_json(data["agreed"]))


def path_of(workbook: Path) -> Path:
    real = workbook.resolve()
    return real.with_name(f".{real.stem}.icp-sync-journal.json")


def note(workbook: Path, sheet: str, pending: dict[str, list[Pending]]) -> None:
    """Write the note (atomically, on disk before the sheet write) or remove it when there is nothing to note."""
    if not any(pending.values()):
        clear(workbook)
        return
    data = {
        "version": VERSION,
        "sheet": sheet,
        "tabs": {
            tab: [
                {"key": p.key, "row": p.row, "read": row_to_json(p.read), "agreed": row_to_json(p.agreed)} for p in rows
            ]
            for tab, rows in pending.items()
            if rows
        },
    }
    target = path_of(workbook)
    temp = target.with_name(target.name + ".tmp")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise SheetsError(
            f"Could not write {target.name} beside {workbook.name} ({exc.strerror or type(exc).__name__}); "
            f"nothing was written. Free some disk space or check the folder's permissions, and run the sync again."
        ) from None


def read(workbook: Path, sheet: str) -> dict[str, list[Pending]]:
    """The note a sync with ``sheet`` left; empty when there is none, it is damaged or for another sheet."""
    try:
        data = json.loads(path_of(workbook).read_text(encoding="utf-8"))
        if data.get("version") != VERSION or data.get("sheet") != sheet:
            return {}
        return {
            str(tab): [
                Pending(str(p["key"]), int(p["row"]), row_from_json(p["read"]), row_from_json(p["agreed"]))
                for p in rows
            ]
            for tab, rows in data["tabs"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def clear(workbook: Path) -> None:
    path_of(workbook).unlink(missing_ok=True)


def reclaim(fresh: Iterable[tuple[str, int, Row]], pending: list[Pending], columns: list[str]) -> dict[str, str]:
    """Which noted id each id-less row gets back: ``fresh`` is (new key, row number, cells) of
    the rows that had no id now. An unchanged row is found by its cells wherever it moved; an
    edited one by its row number."""
    left = {p.key: p for p in pending}
    rows = list(fresh)
    out: dict[str, str] = {}
    for key, _, cells in rows:
        match = next((p for p in left.values() if all(same(cells.get(c), p.read.get(c)) for c in columns)), None)
        if match is not None:
            out[key] = match.key
            del left[match.key]
    by_row = {p.row: p for p in left.values()}
    for key, row, _ in rows:
        if key not in out and row in by_row:
            out[key] = by_row.pop(row).key
    return out
