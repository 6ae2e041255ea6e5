"""`icp-sheets score`: score an accounts file, or the workbook's own tabs, into a new file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from icp_sheets.cli import progress
from icp_sheets.cli.app import cli, report
from icp_sheets.cli.reading import columns_option, show_read, tab_option, why_option
from icp_sheets.core.explain import Why
from icp_sheets.core.ranking import Sort
from icp_sheets.io.csv_out import CsvOptions
from icp_sheets.io.model_reader import load_model
from icp_sheets.jobs import ScoreRun, score_accounts_file, score_workbook
from icp_sheets.sql.engine import Engine


def summary(run: ScoreRun) -> str:
    parts = []
    if run.rows:
        counts = ", ".join(f"{n:,} {tier}" for tier, n in run.tier_counts().items())
        engine = " with DuckDB" if run.engine == "duckdb" else ""
        parts.append(f"Scored {run.rows:,} accounts{engine} ({counts})")
    if run.flagged:
        parts.append(f"{run.flagged:,} to check: an Anti-ICP cell could not be read (icp_why says 'Check:')")
    if run.contacts:
        parts.append(f"matched {run.contacts:,} contacts to personas")
    if run.grouped:
        unmatched = f" ({run.unmatched:,} matched no account: icp_account says so)" if run.unmatched else ""
        parts.append(f"{run.contacts - run.unmatched:,} contacts to their accounts{unmatched}")
    text = "; ".join(parts) or "Nothing to score"
    also = f" and {run.contacts_output}" if run.contacts_output else ""
    return f"{text} → {run.output}{also}"


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("accounts", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write: .csv, .xlsx or .parquet. Default: INPUT.scored.csv/.xlsx/.parquet beside the input.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Count signals back from this day (YYYY-MM-DD) instead of the workbook's as-of date or today.",
)
@click.option(
    "--sort",
    type=click.Choice([s.value for s in Sort]),
    help="Row order: priority (A1, A2 … C3, then score; disqualified last), score (highest first; "
    "disqualified last), prospecting (as priority, but in each cell the accounts whose contacts miss the most "
    "buying-group roles first; needs contacts) or input (as read). Default: priority for .xlsx, input for .csv "
    "(so it joins back to the source row by row) and for --in-place. Reordered rows keep their input row in "
    "icp_input_row.",
)
@click.option(
    "--engine",
    type=click.Choice([e.value for e in Engine]),
    default=Engine.AUTO.value,
    show_default=True,
    help="Who scores ACCOUNTS: pandas (in memory, the fastest), duckdb (the `icp-sheets sql` query run by "
    "DuckDB on the .csv/.parquet file itself: the same output in input order, memory bounded near 2 GB, "
    "about twice as long) or auto (DuckDB when pandas would need over half the machine's memory, about "
    "8 times the file's size, and DuckDB reads the file exactly as pandas does).",
)
@why_option
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--in-place", is_flag=True, help="Write the results into WORKBOOK itself (only without ACCOUNTS).")
@tab_option
@columns_option
@click.option(
    "--events",
    type=click.Path(path_type=Path, dir_okay=False),
    help="An Events log (.csv/.xlsx: the account key such as Domain, Event, Date, optional Value) for "
    "Signals rows that read 'event'. Default: the workbook's Events tab.",
)
@click.option(
    "--contacts",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A contact list (.csv/.xlsx with Title and Domain or Email) matched to ACCOUNTS: the accounts get "
    "icp_buying_group and icp_contacts; the contacts their persona and their account's icp_priority, icp_tier "
    "and icp_score, written as the Contacts tab of an .xlsx OUTPUT or as CONTACTS.scored.csv beside OUTPUT. "
    "Without ACCOUNTS, the workbook's Contacts tab is used.",
)
@click.option("--no-bom", is_flag=True, help="CSV output without the UTF-8 byte order mark Excel needs on Windows.")
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab", "|"]),
    default=",",
    show_default=True,
    help="CSV output delimiter (';' for Excel set to a European locale).",
)
def score(
    workbook: Path,
    accounts: Path | None,
    output: Path | None,
    as_of: dt.datetime | None,
    sort: str | None,
    engine: str,
    why: str,
    force: bool,
    in_place: bool,
    tab: str | None,
    columns: bool,
    events: Path | None,
    contacts: Path | None,
    no_bom: bool,
    delimiter: str,
) -> None:
    """Score ACCOUNTS (.csv/.xlsx) with the ICP in WORKBOOK; without ACCOUNTS, the workbook's own tabs.

    The output keeps every input column and row and adds icp_score, icp_fit, icp_timing,
    icp_tier, icp_priority, icp_dq, icp_why, icp_action and icp_data_gaps; contacts (a Title column) get
    icp_persona, icp_role and icp_angle. With contacts (--contacts or the Contacts tab), accounts get
    icp_buying_group and icp_contacts, and contacts icp_account, icp_priority, icp_tier and icp_score.
    Inputs are never changed unless you pass --in-place.
    Every input cell is written back as it was read; CSV output gets a UTF-8 BOM (--no-bom drops it).
    """
    day = as_of.date() if as_of else None
    order = Sort(sort) if sort else None
    console = progress.bar_console()
    with progress.stages(accounts or workbook, console) as stage:
        if accounts is None:
            if contacts is not None:
                raise click.UsageError("--contacts goes with ACCOUNTS; without it the workbook's Contacts tab is used.")
            run = score_workbook(
                workbook,
                output,
                as_of=day,
                force=force,
                in_place=in_place,
                stage=stage,
                sort=order,
                why=Why(why),
                events=events,
            )
        else:
            if in_place:
                raise click.UsageError("--in-place only applies to a workbook's own tabs; use -o for ACCOUNTS.")
            model, warnings = load_model(workbook)
            options = CsvOptions(bom=not no_bom, delimiter="\t" if delimiter == "tab" else delimiter)
            run = score_accounts_file(
                model,
                accounts,
                output,
                as_of=day,
                force=force,
                stage=stage,
                inputs=[workbook],
                tab=tab,
                csv_options=options,
                sort=order,
                engine=Engine(engine),
                why=Why(why),
                on_read=lambda read: show_read(model, read, columns=columns),
                events=events,
                contacts=contacts,
            )
            run.warnings = [*warnings, *run.warnings]
    report(run.warnings)
    report(run.notes, notes=columns)
    click.echo(summary(run), err=True)
