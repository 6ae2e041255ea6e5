"""What `score` and `check` say about reading an accounts file: --tab, --columns, --why and the notes."""

from __future__ import annotations

import click

from icp_sheets.cli.app import report
from icp_sheets.core.explain import Why
from icp_sheets.core.models import IcpModel
from icp_sheets.io.accounts import AccountsFile

tab_option = click.option(
    "--tab", help="The workbook tab holding the accounts. Default: the first tab that has the model's columns."
)
columns_option = click.option(
    "--columns", is_flag=True, help="Print how each model column was found among the file's headers."
)
why_option = click.option(
    "--why",
    "why",
    type=click.Choice([w.value for w in Why]),
    default=Why.SHORT.value,
    show_default=True,
    help="short: icp_why says what decided the score (disqualification, timing, fit; largest points first) and "
    "icp_data_gaps lists blank or unreadable cells and rules worth nothing; full: icp_why says all of it.",
)


def show_read(model: IcpModel, read: AccountsFile, *, columns: bool) -> None:
    """Notes on how the file was read (encoding, tab, header row, accounts or contacts); with
    ``columns``, one line per model column saying which header it was found under."""
    report(read.notes(), notes=True)
    if columns:
        for line in read.match.lines(model.required_columns()):
            click.echo(f"  {line}")
