"""`icp-sheets excel lite DIR`: the files an xlwings Lite user pastes, with icp-sheets inside main.py."""

from __future__ import annotations

from pathlib import Path

import click

from icp_sheets.cli.app import cli
from icp_sheets.excel.lite import write_lite


@cli.group()
def excel() -> None:
    """Files for using the ICP_ functions in Excel."""


@excel.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--wheel-url",
    metavar="URL",
    help="Install icp-sheets from this hosted wheel instead of carrying it inside main.py.",
)
def lite(directory: Path, wheel_url: str | None) -> None:
    """Write main.py and requirements.txt for the xlwings Lite editor into DIRECTORY.

    Paste both into the editor's tabs: the functions ICP_MODEL … ICP_ANGLE and the
    scripts icp_live_formulas and icp_score_now register, with no package from PyPI.
    """
    if wheel_url is not None and not wheel_url.startswith(("https://", "http://")):
        raise click.BadParameter("give the wheel's full address, starting with https://", param_hint="--wheel-url")
    for path in write_lite(directory, wheel_url):
        click.echo(f"Wrote {path}")
    click.echo("Paste requirements.txt, then main.py, into the xlwings Lite editor's tabs and save.")
