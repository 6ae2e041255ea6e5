"""`icp-sheets learn` and `icp-sheets validate`: build the ICP from evidence, then check it against outcomes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from icp_sheets.cli import progress
from icp_sheets.cli.app import cli, report
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.values import split_list
from icp_sheets.evidence.learn import LearnRules, learn
from icp_sheets.evidence.outcomes import OutcomeMap
from icp_sheets.evidence.validate import validate
from icp_sheets.io.files import replacing
from icp_sheets.io.model_reader import load_model
from icp_sheets.io.tables import read_table
from icp_sheets.io.validation_tab import TAB, save_validation
from icp_sheets.io.workbook_edit import write_proposals
from icp_sheets.jobs import check_output

_PATH = click.Path(path_type=Path, dir_okay=False)
_F = TypeVar("_F", bound=Callable[..., Any])


def _outcome_options(command: _F) -> _F:
    """The options both commands share: where the table is and what its outcome words mean."""
    for option in reversed(
        [
            click.option("--tab", help="Read this tab when the table is an .xlsx workbook (default: the first)."),
            click.option(
                "--outcome-column", help="Header of the outcome column (default: Outcome, Result, Status or Stage)."
            ),
            click.option(
                "--good",
                help="Outcome words that count as good, comma-separated (default: best, won, "
                "retained, expanded, replied, meeting booked, …).",
            ),
            click.option(
                "--bad",
                help="Outcome words that count as bad, comma-separated (default: worst, churned, lost, no reply, …).",
            ),
            click.option("-o", "--output", type=_PATH, help="The .xlsx to write."),
            click.option("--force", is_flag=True, help="Replace OUTPUT if it exists."),
        ]
    ):
        command = option(command)
    return command


@contextmanager
def _in_table(name: str) -> Iterator[None]:
    """Problems about columns name the table they are about."""
    try:
        yield
    except IcpError as exc:
        raise IcpError([replace(p, tab=p.tab or name) for p in exc.problems]) from None


def _mapping(good: str | None, bad: str | None) -> OutcomeMap:
    return OutcomeMap.of(split_list(good) if good else None, split_list(bad) if bad else None)


def _target(
    workbook: Path, output: Path | None, kind: str, table: Path, *, force: bool, in_place: bool = False
) -> Path:
    target = workbook if in_place else output or workbook.with_name(f"{workbook.stem}.{kind}.xlsx")
    check_output(workbook, target, force=force, in_place=in_place, inputs=[table])
    if target.suffix.casefold() != ".xlsx":
        raise IcpError(Problem(Code.UNREADABLE_FILE, "must be an .xlsx workbook", tab=str(target)))
    return target


@cli.command("learn")
@click.argument("workbook", type=_PATH)
@click.argument("customers", type=_PATH)
@_outcome_options
@click.option(
    "--min-best",
    type=click.IntRange(2),
    default=LearnRules.min_best,
    show_default=True,
    help="Fewest best (and worst) customers to learn from.",
)
@click.option("--ignore", help="Columns never to profile, comma-separated (e.g. 'Owner, Notes').")
def learn_command(
    workbook: Path,
    customers: Path,
    tab: str | None,
    outcome_column: str | None,
    good: str | None,
    bad: str | None,
    output: Path | None,
    force: bool,
    min_best: int,
    ignore: str | None,
) -> None:
    """Propose ICP and Anti-ICP rows from CUSTOMERS (.csv/.xlsx with an Outcome column).

    What the best customers share and the worst do not becomes ordinary rows
    appended to the ICP and Anti-ICP tabs of a copy of WORKBOOK (default:
    WORKBOOK.learned.xlsx), each marked 'proposed' with its evidence. WORKBOOK itself is
    never changed. With too few customers, or no real contrast, nothing is proposed and
    the exit code is 2.
    """
    if output is not None and output.resolve() == workbook.resolve():
        raise IcpError(
            Problem(
                Code.UNREADABLE_FILE,
                "is the workbook itself; learn writes its proposals to a new workbook, so choose another -o",
                tab=str(output),
            )
        )
    target = _target(workbook, output, "learned", customers, force=force)
    with progress.stages(customers, progress.bar_console(), ("Reading", "Learning")) as stage:
        stage("Reading")
        table = read_table(customers, tab)
        rules = LearnRules(min_best=min_best, min_worst=min_best)
        stage("Learning")
        with _in_table(table.name):
            found = learn(
                table.frame,
                outcome=outcome_column,
                outcomes=_mapping(good, bad),
                rules=rules,
                exclude=split_list(ignore),
            )
    for line in found.lines():
        click.echo(line)
    if found.refusal:
        raise IcpError(
            Problem(Code.NOT_ENOUGH_EVIDENCE, "nothing proposed; the lines above say why and what to add", table.name)
        )
    with replacing(target) as partial:
        written = write_proposals(workbook, partial, found)
    for line in written.lines():
        click.echo(line, err=True)
    click.echo(f"Wrote {target}", err=True)


@cli.command("validate")
@click.argument("workbook", type=_PATH)
@click.argument("outcomes", type=_PATH)
@_outcome_options
@click.option(
    "--created-column",
    help="Header of the creation date each row is scored as of (default: found "
    "from Created date, Created, Created on, …).",
)
@click.option("--no-created", is_flag=True, help="Score every row as of the model's date instead.")
@click.option("--in-place", is_flag=True, help=f"Write the {TAB} tab into WORKBOOK itself.")
def validate_command(
    workbook: Path,
    outcomes: Path,
    tab: str | None,
    outcome_column: str | None,
    good: str | None,
    bad: str | None,
    output: Path | None,
    force: bool,
    created_column: str | None,
    no_created: bool,
    in_place: bool,
) -> None:
    """Check the ICP in WORKBOOK against OUTCOMES (won/lost deals, replies, meetings).

    Each row is scored as of its creation date, then conversion and lift are reported
    by tier, priority cell and score band. The results go to a Validation tab (table,
    chart, run history) in a copy of WORKBOOK (default: WORKBOOK.validated.xlsx), or in
    WORKBOOK itself with --in-place; only that tab is replaced.
    """
    if output is not None and in_place:
        raise click.UsageError("use either -o or --in-place, not both")
    target = _target(workbook, output, "validated", outcomes, force=force, in_place=in_place)
    model, warnings = load_model(workbook)
    report(warnings)
    with progress.stages(outcomes, progress.bar_console(), ("Reading", "Scoring")) as stage:
        stage("Reading")
        table = read_table(outcomes, tab)
        frame = table.frame.set_axis(table.rows)  # lists name the sheet row people can find
        created: str | bool = False if no_created else created_column or True
        mapping = _mapping(good, bad)

        def scored(previous: Any) -> Any:
            stage("Scoring")
            return validate(model, frame, outcome=outcome_column, created=created, mapping=mapping, previous=previous)

        with _in_table(table.name), replacing(target) as partial:
            result = save_validation(workbook, partial, scored)
    for line in result.lines():
        click.echo(line)
    click.echo(f"Wrote the {TAB} tab → {target}", err=True)
