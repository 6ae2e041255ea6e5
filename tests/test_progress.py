"""Progress bars: drawn on a terminal, moving with each request to Google Sheets; nothing otherwise."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import TEMPLATE
from rich.console import Console

from icp_sheets.cli import cli, progress
from icp_sheets.example import example_accounts
from icp_sheets.sheets.client import Connection
from icp_sheets.sheets.refresh import refresh
from icp_sheets.sheets.sync import Mode, sync
from icp_sheets.testing.fake_sheets import FakeSheets


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=120), out


@pytest.mark.parametrize("job", ["sync", "refresh"])
def test_the_bar_advances_per_request(pushed: Path, conn: Connection, job: str) -> None:
    console, out = _terminal()
    counted: list[tuple[str, str]] = []
    with progress.requests("Syncing", console) as hook:
        assert hook is not None

        def counting(method: str, url: str) -> None:
            counted.append((method, url))
            hook(method, url)

        if job == "sync":
            sent = sync(pushed, conn, Mode.BOTH, on_request=counting).requests
        else:
            sent = refresh(conn, on_request=counting).requests
    assert len(counted) == sent > 0
    drawn = out.getvalue()
    assert "Syncing" in drawn and f"{sent} requests" in drawn  # the last frame, before it is cleared
    assert any(url.endswith(("values:batchGet", ":batchGet")) for _, url in counted)
    assert conn.http.on_request is None  # the hook is the job's only


def test_off_a_terminal_there_is_no_hook() -> None:
    with progress.requests("Syncing", Console(file=io.StringIO(), force_terminal=False)) as hook:
        assert hook is None


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch, console: Console | None = None) -> str:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    if console is not None:
        monkeypatch.setattr(progress, "bar_console", lambda: console)
    ran = CliRunner().invoke(cli, args)
    assert ran.exit_code == 0, ran.output
    return ran.output


def test_cli_sync_draws_on_a_terminal_only(pushed: Path, fake: FakeSheets, monkeypatch: pytest.MonkeyPatch) -> None:
    console, out = _terminal()
    _run(["sync", str(pushed), "--api-url", fake.url], monkeypatch, console)
    assert "requests" in out.getvalue() and "\x1b[" in out.getvalue()
    plain = _run(["sync", str(pushed), "--api-url", fake.url], monkeypatch)
    lines = plain.splitlines()
    assert lines[0] == f"Google credentials: none (requests go to {fake.url})."
    assert lines[-1].startswith("Synced icp.xlsx with the sheet in ") and lines[-1].endswith(" requests.")
    assert not any("Syncing" in line for line in lines)
    assert "\x1b" not in plain and "\r" not in plain


def test_cli_refresh_off_a_terminal_prints_only_its_lines(
    pushed: Path, fake: FakeSheets, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _run(["refresh", "--sheet", "shared-icp", "--api-url", fake.url], monkeypatch)
    assert "\x1b" not in plain and "\r" not in plain
    assert all(not line.startswith(("Refreshing", "Syncing")) for line in plain.splitlines())


@pytest.mark.parametrize("command", ["check", "score"])
def test_file_commands_draw_stages_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    accounts = tmp_path / "accounts.csv"
    pd.DataFrame(example_accounts()).to_csv(accounts, index=False)
    args = [command, str(TEMPLATE), str(accounts)] + (["-o", str(tmp_path / "out.csv")] if command == "score" else [])
    monkeypatch.setattr(progress, "BIG_FILE_BYTES", 0)
    console, out = _terminal()
    plain_console = Console(file=io.StringIO(), force_terminal=False)
    _run(args, monkeypatch, console)
    assert "Reading" in out.getvalue() or "Scoring" in out.getvalue()
    (tmp_path / "out.csv").unlink(missing_ok=True)
    _run(args, monkeypatch, plain_console)
    assert plain_console.file.getvalue() == ""  # type: ignore[attr-defined]
