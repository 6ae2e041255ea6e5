"""Replacing the workbook on disk the way its owner expects, or not at all.

The sync rewrites a file a person also has open in Excel. So the new version is written
beside it and swapped in only when the file is still the one the sync read (Excel saving
meanwhile stops the sync with nothing overwritten); the swap keeps the file's permissions,
goes through a symbolic link to the real file, keeps hard links (by copying into the same
file), refuses a read-only file up front, keeps the previous version as ``NAME.bak.xlsx``
(one generation) and leaves no temporary file behind on any exit the process survives. A
killed process leaves at most one hidden ``.NAME.icp-sync.xlsx``, which the next save reuses.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from icp_sheets.sheets.http import SheetsError


@dataclass(frozen=True)
class Stamp:
    """What a file was when the sync read it: a change by anyone else shows in one of these."""

    mtime_ns: int
    size: int
    digest: str

    @classmethod
    def of(cls, path: Path) -> Stamp:
        info = path.stat()
        return cls(info.st_mtime_ns, info.st_size, hashlib.sha256(path.read_bytes()).hexdigest())


class WorkbookChanged(SheetsError):
    """The workbook was saved by someone else (Excel) while the sync ran; it was not overwritten."""


def backup_of(path: Path) -> Path:
    """``icp.xlsx`` → ``icp.bak.xlsx``, beside the real file."""
    real = path.resolve()
    return real.with_name(f"{real.stem}.bak{real.suffix}")


def temp_of(path: Path) -> Path:
    real = path.resolve()
    return real.with_name(f".{real.stem}.icp-sync{real.suffix}")


def check_writable(path: Path) -> None:
    """Refuse before anything is written anywhere, rather than after the sheet already changed."""
    real = path.resolve()
    marked = not stat.S_IMODE(real.stat().st_mode) & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if marked or not os.access(real, os.W_OK):  # marked read-only counts even for an administrator
        raise SheetsError(
            f"{path.name} is read-only; make it writable (or sync a copy) and run the sync again. Nothing was written."
        )
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise SheetsError(
            f"The folder of {path.name} is not writable, so the sync cannot save beside it; move the workbook "
            f"to a folder you can write to. Nothing was written."
        )


def replace(path: Path, write: Callable[[Path], None], read_as: Stamp) -> None:
    """Write the new version with ``write(temp)`` and swap it in for ``path`` (see the module docstring)."""
    real = path.resolve()
    temp = temp_of(real)
    try:
        write(temp)
        os.chmod(temp, stat.S_IMODE(real.stat().st_mode))
        _flush(temp)
        if Stamp.of(real) != read_as:
            raise WorkbookChanged(
                f"{path.name} changed while syncing (saved in Excel?); it was not overwritten. Run the sync "
                f"again: it merges what was saved."
            )
        in_place = real.stat().st_nlink > 1  # hard-linked: every link must see the new version
        _keep_previous(real, in_place)
        if in_place:
            shutil.copyfile(temp, real)
        else:
            os.replace(temp, real)
    except OSError as exc:
        raise SheetsError(
            f"Could not save {path.name} ({exc.strerror or type(exc).__name__}); is it open in Excel? Close it "
            f"and run the sync again."
        ) from None
    finally:
        temp.unlink(missing_ok=True)


def _keep_previous(real: Path, in_place: bool) -> None:
    """The version being replaced becomes ``NAME.bak.xlsx``: a link to it when the swap is a
    rename (free), a copy when the file is rewritten in place."""
    backup = backup_of(real)
    backup.unlink(missing_ok=True)
    if not in_place:
        try:
            os.link(real, backup)
            return
        except OSError:
            pass  # a file system without hard links
    shutil.copy2(real, backup)


def _flush(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
