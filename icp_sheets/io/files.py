"""Writing the user's files safely: never a half-written file, never an input overwritten.

Every writer writes to a temporary file in the target's folder and renames it into
place only when it is complete (a rename within one folder is atomic), so a crash, a
full disk or Ctrl-C leaves the old file as it was. Problems a person can fix (a missing
folder, a read-only target, a file open in Excel) become one-line problems with the fix.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from icp_sheets.core.problems import Code, IcpError, Problem


def _refuse(code: Code, target: Path, message: str) -> IcpError:
    return IcpError(Problem(code, message, tab=str(target)))


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (also through links, or case on case-blind disks)."""
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def refuse_inputs(target: Path, inputs: Iterable[Path], *, in_place: Path | None = None) -> None:
    """An output may never be one of the inputs; only ``in_place`` (the workbook, asked for) may be."""
    for source in inputs:
        if same_file(target, source) and not (in_place is not None and same_file(source, in_place)):
            raise _refuse(
                Code.REFUSED_WRITE,
                target,
                "is an input of this run; icp-sheets never writes over an input (only --in-place writes "
                "the workbook, keeping every tab); choose another -o",
            )


def _lock_file(target: Path) -> Path:
    """Excel's owner file beside an open workbook: ~$name.xlsx."""
    return target.with_name("~$" + target.name)


def check_writable(target: Path) -> None:
    """Refuse early, with the fix, what would make the write fail."""
    folder = target.parent
    if not folder.is_dir():
        raise _refuse(
            Code.CANNOT_WRITE, target, f"its folder '{folder}' does not exist; create it or choose another -o"
        )
    if _lock_file(target).exists():
        raise _refuse(Code.CANNOT_WRITE, target, "is open in Excel; close it there and run again")
    if target.exists() and not os.access(target, os.W_OK):
        raise _refuse(Code.CANNOT_WRITE, target, "is read-only; make it writable or choose another -o")
    if not os.access(folder, os.W_OK):
        raise _refuse(Code.CANNOT_WRITE, target, f"its folder '{folder}' is read-only; choose another -o")


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; when the block ends without error it becomes ``target``."""
    check_writable(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".partial{target.suffix}", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        os.chmod(partial, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _refuse(Code.CANNOT_WRITE, target, _os_words(exc)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _os_words(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full; the old file is unchanged; free some space and run again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "cannot be written (read-only, or open in another program); close it or choose another -o"
    return f"cannot be written ({exc.strerror or exc}); the old file is unchanged"
