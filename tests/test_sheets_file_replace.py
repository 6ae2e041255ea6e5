"""The workbook side of a sync on disk: permissions, links, backups, a save by Excel meanwhile."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sheets_support import KEY

from icp_sheets.core.names import ACCOUNTS
from icp_sheets.sheets import sync as sync_module
from icp_sheets.sheets.client import Connection
from icp_sheets.sheets.file_replace import WorkbookChanged, backup_of
from icp_sheets.sheets.http import SheetsError
from icp_sheets.sheets.sync import sync
from icp_sheets.testing.fake_sheets import FakeSheets


def edit(path: Path, value: str) -> None:
    """Region of the first account, as a person saving in Excel would change it."""
    book = openpyxl.load_workbook(path)
    book[ACCOUNTS].cell(row=2, column=5, value=value)
    book.save(path)


def region(path: Path) -> object:
    return openpyxl.load_workbook(path)[ACCOUNTS].cell(row=2, column=5).value


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in {"icp.xlsx", "icp.bak.xlsx", "real"})


def test_a_save_keeps_mode_and_the_previous_version_and_leaves_nothing_else(pushed: Path, conn: Connection) -> None:
    os.chmod(pushed, 0o664)
    edit(pushed, "Nordics")
    edited = pushed.read_bytes()
    sync(pushed, conn)
    assert stat.S_IMODE(pushed.stat().st_mode) == 0o664
    assert backup_of(pushed).read_bytes() == edited != pushed.read_bytes()
    assert leftovers(pushed.parent) == []


def test_a_symlink_stays_a_link_and_a_hard_link_sees_the_new_version(
    pushed: Path, conn: Connection, tmp_path: Path
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = real / "team.xlsx"
    pushed.rename(target)
    pushed.symlink_to(target)
    twin = real / "twin.xlsx"
    os.link(target, twin)
    edit(target, "Iberia")
    sync(pushed, conn)
    assert pushed.is_symlink() and pushed.resolve() == target
    assert os.path.samefile(target, twin) and region(twin) == "Iberia"
    assert (real / "team.bak.xlsx").exists()
    assert sorted(p.name for p in real.iterdir()) == ["team.bak.xlsx", "team.xlsx", "twin.xlsx"]


def test_a_read_only_workbook_is_refused_before_the_sheet_is_written(
    pushed: Path, fake: FakeSheets, conn: Connection
) -> None:
    edit(pushed, "Baltics")
    os.chmod(pushed, 0o444)
    before = fake.store.grid(KEY, ACCOUNTS)
    with pytest.raises(SheetsError, match="read-only"):
        sync(pushed, conn)
    assert fake.store.grid(KEY, ACCOUNTS) == before


@pytest.mark.parametrize("when", ["before the workbook is loaded", "while the new version is written"])
def test_excel_saving_during_the_sync_is_not_overwritten(
    pushed: Path, conn: Connection, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    edit(pushed, "Balkans")
    if when == "before the workbook is loaded":
        original = sync_module.write_sheet

        def excel_saves_after_the_sheet_write(*args: Any) -> sync_module.Written:
            written = original(*args)
            edit(pushed, "Typed in Excel meanwhile")
            return written

        monkeypatch.setattr(sync_module, "write_sheet", excel_saves_after_the_sheet_write)
    else:
        save = openpyxl.Workbook.save

        def excel_saves_during_ours(book: openpyxl.Workbook, target: str) -> None:
            save(book, target)
            if Path(target) != pushed:
                edit(pushed, "Typed in Excel meanwhile")

        monkeypatch.setattr(openpyxl.Workbook, "save", excel_saves_during_ours)
    with pytest.raises(WorkbookChanged, match="changed while syncing"):
        sync(pushed, conn)
    assert region(pushed) == "Typed in Excel meanwhile"
    assert leftovers(pushed.parent) == []
    monkeypatch.undo()
    sync(pushed, conn)  # the next sync merges what Excel saved
    assert region(pushed) == "Typed in Excel meanwhile"


def test_a_killed_save_leaves_at_most_one_hidden_file_that_the_next_save_reuses(
    pushed: Path, conn: Connection, fake: FakeSheets
) -> None:
    edit(pushed, "Alps")
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "import openpyxl\n"
        "from icp_sheets.sheets.client import connect\n"
        "from icp_sheets.sheets.sync import sync\n"
        "def die(self, target): Path(target).write_bytes(b'half'); os._exit(9)\n"
        "openpyxl.Workbook.save = die\n"
        f"sync(Path(sys.argv[1]), connect({KEY!r}, api_url={fake.url!r}))\n"
    )
    before = pushed.read_bytes()
    done = subprocess.run([sys.executable, "-c", script, str(pushed)], capture_output=True, check=False)
    assert done.returncode == 9, done.stderr
    assert pushed.read_bytes() == before
    assert leftovers(pushed.parent) == [".icp.icp-sync.xlsx"]
    sync(pushed, conn)
    assert leftovers(pushed.parent) == [] and region(pushed) == "Alps"
