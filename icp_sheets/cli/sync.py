"""`icp-sheets sync` and `icp-sheets refresh`: the Google Sheets front-end, over icp_sheets.sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from icp_sheets.cli import progress
from icp_sheets.cli.app import cli, report
from icp_sheets.core.problems import Code, IcpError, Problem

if TYPE_CHECKING:
    from icp_sheets.sheets.client import Connection

MODES = ("both", "push", "pull", "status")
API_URL_ENV = "ICP_SHEETS_API_URL"

_sheet_option = click.option(
    "--sheet",
    metavar="URL_OR_KEY",
    help="The Google Sheet (its URL or key). Default: the sheet the workbook last synced with. Passing "
    "another one switches the workbook to it.",
)
_credentials_option = click.option(
    "--credentials",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A service-account key or an OAuth client file (JSON). Default: $GOOGLE_APPLICATION_CREDENTIALS, "
    "then ~/.config/gspread/service_account.json.",
)
_api_option = click.option(
    "--api-url",
    envvar=API_URL_ENV,
    metavar="URL",
    help=f"Send Sheets API requests to this server instead of Google, e.g. the fake one "
    f"(python -m icp_sheets.testing.fake_sheets). Also ${API_URL_ENV}.",
)


_wait_option = click.option(
    "--wait",
    is_flag=True,
    help="When another sync or refresh is writing to the sheet, wait for it to finish (at most until its "
    "lease expires, 10 minutes) instead of stopping.",
)


def _wait_seconds(wait: bool) -> float:
    from icp_sheets.sheets.lease import POLL_SECONDS, TTL

    return TTL.total_seconds() + POLL_SECONDS if wait else 0.0


def _require_gspread() -> None:
    """The Google libraries are an optional extra: say how to get them rather than crash."""
    try:
        import google.auth  # noqa: F401
        import gspread  # noqa: F401
    except ImportError:
        raise click.ClickException("Google Sheets support is not installed: pip install 'icp-sheets[sheets]'") from None


def _connect(
    sheet: str | None, workbook: Path | None, credentials: Path | None, api_url: str | None
) -> tuple[Connection, str]:
    """The connection, and the sheet it was made for: --sheet, or the one the workbook last synced with.

    The target is never taken from a cell: the Settings row *Google Sheet* only shows it, and a
    change of target happens only when --sheet asks for it, and is said.
    """
    from icp_sheets.sheets.client import connect, sheet_key
    from icp_sheets.sheets.trust import TARGET_SETTING
    from icp_sheets.sheets.workbook_io import WorkbookSide

    remembered = shown = None
    if workbook is not None and workbook.exists():
        side = WorkbookSide(workbook)
        remembered = side.synced_sheet()
        value = side.setting(TARGET_SETTING)
        shown = str(value).strip() if value else None
    if sheet:
        if remembered and sheet_key(sheet) != remembered:
            click.echo(
                f"Switching {workbook.name if workbook else 'the workbook'} from the Google Sheet {remembered!r} "
                f"to {sheet_key(sheet)!r}, as --sheet asks: the first sync with it pairs rows and deletes nothing.",
                err=True,
            )
    elif remembered:
        if shown and sheet_key(shown) != remembered:
            raise click.UsageError(
                f"Settings › {TARGET_SETTING} says {shown!r}, but this workbook syncs with {remembered!r}; "
                f"the target changes only when you ask. Pass --sheet {shown} to switch, or --sheet "
                f"{remembered} to stay."
            )
        sheet = remembered
    else:
        hint = f" Settings › {TARGET_SETTING} says {shown!r}: pass it with --sheet if that is the one." if shown else ""
        raise click.UsageError("Which Google Sheet? Pass --sheet URL (the workbook then remembers it)." + hint)
    conn = connect(sheet, credentials=credentials, api_url=api_url)
    click.echo(f"Google credentials: {conn.credential}.", err=True)
    return conn, sheet


@cli.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True, metavar="[push|pull|status] WORKBOOK")
@_sheet_option
@click.option(
    "--prefer",
    type=click.Choice(["workbook", "sheet"]),
    help="Settle cells changed differently on both sides in favour of this side. Without it, "
    "such cells are reported and left as they are.",
)
@click.option(
    "--allow-delete",
    is_flag=True,
    help="Go on when the sync would delete more rows than Settings › Sync deletion limit allows, or when a "
    "tab or the icp_id column is missing on one side. Without it such a sync lists the rows and writes nothing.",
)
@_wait_option
@_credentials_option
@_api_option
def sync(
    args: tuple[str, ...],
    sheet: str | None,
    prefer: str | None,
    allow_delete: bool,
    wait: bool,
    credentials: Path | None,
    api_url: str | None,
) -> None:
    """Keep WORKBOOK and a shared Google Sheet in step.

    \b
      icp-sheets sync WORKBOOK --sheet URL          both ways (three-way merge)
      icp-sheets sync push WORKBOOK --sheet URL     the workbook's changes to the sheet
      icp-sheets sync pull WORKBOOK --sheet URL     the sheet's changes to the workbook
      icp-sheets sync status WORKBOOK               what would change; changes nothing

    Rows are matched by the icp_id column the tool adds, columns by header. A cell
    changed on both sides is a conflict: reported, and left alone unless you pass
    --prefer. A sync that would delete many rows, or that finds a tab or the icp_id
    column gone on one side, stops before writing and lists the rows (--allow-delete
    goes on). Only one sync or refresh writes to a sheet at a time; another one
    stops, or waits with --wait. The exit code is 3 when conflicts are left, 2 when
    the sync stopped before writing, 1 when Google Sheets fails or is busy.
    """
    _require_gspread()
    from icp_sheets.sheets.merge import Side
    from icp_sheets.sheets.sync import Mode
    from icp_sheets.sheets.sync import sync as run_sync

    if len(args) == 1:
        mode, workbook = "both", Path(args[0])
    elif len(args) == 2 and args[0] in MODES:
        mode, workbook = args[0], Path(args[1])
    else:
        raise click.UsageError(f"expected [{'|'.join(MODES[1:])}] WORKBOOK, got {' '.join(args)!r}")
    conn, used = _connect(sheet, workbook, credentials, api_url)
    with progress.requests("Syncing" if mode != "status" else "Comparing", progress.bar_console()) as sent:
        result = run_sync(
            workbook,
            conn,
            Mode(mode),
            prefer=Side(prefer) if prefer else None,
            remember=used if sheet else None,
            allow_delete=allow_delete,
            wait=_wait_seconds(wait),
            on_request=sent,
        )
    for line in result.lines():
        click.echo(line)
    verb = "Would sync" if result.mode is Mode.STATUS else ("Synced" if result.wrote else "Checked")
    click.echo(f"{verb} {workbook.name} with the sheet in {result.requests} requests.", err=True)
    if result.unresolved:
        raise IcpError(
            Problem(
                Code.SYNC_CONFLICTS,
                f"{len(result.unresolved)} conflicts left as they are; rerun with --prefer workbook or "
                f"--prefer sheet, or edit one side.",
            )
        )


@cli.command()
@click.argument("workbook", required=False, type=click.Path(path_type=Path, dir_okay=False))
@_sheet_option
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Count signals back from this day instead of the sheet's as-of date or today.",
)
@_wait_option
@_credentials_option
@_api_option
def refresh(
    workbook: Path | None,
    sheet: str | None,
    as_of: dt.datetime | None,
    wait: bool,
    credentials: Path | None,
    api_url: str | None,
) -> None:
    """Score the accounts in the Google Sheet with the ICP kept in that sheet.

    Writes only the result columns (icp_score … icp_data_gaps, and icp_persona/role/angle on
    Contacts; with contacts, icp_buying_group and icp_contacts on Accounts and each contact's
    icp_account, icp_priority, icp_tier and icp_score); columns people type in are never written.
    WORKBOOK is only used to find the sheet in its Settings when --sheet is not given.
    """
    _require_gspread()
    from icp_sheets.sheets.refresh import refresh as run_refresh

    conn, _ = _connect(sheet, workbook, credentials, api_url)
    with progress.requests("Refreshing", progress.bar_console()) as sent:
        result = run_refresh(conn, as_of=as_of.date() if as_of else None, wait=_wait_seconds(wait), on_request=sent)
    report([*result.warnings, *result.grouping])
    click.echo(result.line())
