"""`icp-sheets new`: a fresh template workbook with the Example ICP to overwrite."""

from __future__ import annotations

from pathlib import Path

import click

from icp_sheets.cli.app import cli
from icp_sheets.jobs import write_example_workbook


@cli.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def new(path: Path, force: bool) -> None:
    """Write a fresh ICP template workbook to PATH (.xlsx)."""
    if path.suffix.casefold() != ".xlsx":
        raise click.BadParameter("the template is an Excel workbook; give a path ending in .xlsx", param_hint="PATH")
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; pass --force to replace it, or choose another name.")
    write_example_workbook(path)
    click.echo(f"Wrote {path}. Open it, read the 'Start here' tab, then replace the example with your ICP.")
