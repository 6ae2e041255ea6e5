"""`icp-sheets check`: is the model usable, and what would a reviewer warn about?"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from icp_sheets.cli import progress
from icp_sheets.cli.app import cli, report
from icp_sheets.cli.reading import columns_option, show_read, tab_option
from icp_sheets.core.checks import check_model
from icp_sheets.core.problems import IcpError, Severity, actionable, errors
from icp_sheets.core.scoring import score
from icp_sheets.evidence.market import market_check
from icp_sheets.excel.values import CELL_LIMIT, cell_size, size_problem
from icp_sheets.io.accounts import read_accounts
from icp_sheets.io.model_reader import load_model


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("accounts", required=False, type=click.Path(path_type=Path, dir_okay=False))
@tab_option
@columns_option
def check(workbook: Path, accounts: Path | None, tab: str | None, columns: bool) -> None:
    """Validate the ICP in WORKBOOK; with ACCOUNTS, count accounts per tier and the addressable market.

    ACCOUNTS may be a whole universe (every company in a region): the market check says how many
    pass the Anti-ICP and reach the floor on fit alone, and warns under 200 or over 50,000.
    Exit code 0 when the model is usable (warnings allowed), 2 when it is not or when `score`
    would refuse ACCOUNTS (the same message, from the same column resolution).
    """
    model, warnings = load_model(workbook)
    warnings += check_model(model)
    size = cell_size(model)
    if size > CELL_LIMIT:  # fine for the CLI, but =ICP_MODEL() in Excel would fail
        warnings.append(dataclasses.replace(size_problem(model, None, size), severity=Severity.WARNING))
    counts, market, contacts = None, None, None
    if accounts is not None:
        with progress.stages(accounts, progress.bar_console(), progress.STAGES[:2]) as stage:
            stage(progress.STAGES[0])
            try:
                read = read_accounts(model, accounts, tab)
                show_read(model, read, columns=columns)
                if not read.contacts and not read.match.ok:
                    raise IcpError(errors(read.match.problems))
            except IcpError:
                report(warnings, notes=True)  # the model's own warnings, then what `score` would stop on
                raise
            if read.contacts:
                contacts = int((~read.export.blank).sum())
            else:
                stage(progress.STAGES[1])
                frame = read.scoring_frame()
                counts = score(model, frame, notes=warnings)["icp_tier"].value_counts(sort=False)
                market = market_check(model, frame)
    report(warnings, notes=True)
    count = len(actionable(warnings))
    s = model.settings
    click.echo(
        f"{s.model_name} v{s.model_version}: {len(model.criteria)} criteria on "
        f"{len(model.scored_columns())} columns, {len(model.disqualifiers)} disqualifiers, "
        f"{len(model.signals)} signals, {len(model.personas)} personas. "
        f"{'Usable' if not count else f'Usable, with {count} warning(s)'}."
    )
    if contacts is not None:
        click.echo(f"  {accounts}: {contacts:,} contacts (a Title column and no account columns): matched to personas")
    if counts is not None:
        total = int(counts.sum())
        for tier, n in counts.items():
            click.echo(f"  {tier:<14}{int(n):>10,}  {n / total:6.1%}" if total else f"  {tier}: 0")
    if market is not None:
        click.echo("\n".join(market.lines()))
