"""`icp-sheets demo`: the whole job on the Example ICP, with no input and no network."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd
from rich.console import Console

from icp_sheets.cli.app import cli
from icp_sheets.cli.ranked import print_ranked
from icp_sheets.core.ranking import Sort
from icp_sheets.core.scoring import score
from icp_sheets.example import example_accounts, example_model
from icp_sheets.jobs import write_example_workbook


def _free_name(path: Path) -> Path:
    """``path``, or ``name (2).xlsx`` … when it exists: a demo never overwrites a file someone edited."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("icp_demo.xlsx"),
    show_default=True,
    help="Where to write the scored example workbook.",
)
@click.option(
    "--sort",
    type=click.Choice([s.value for s in Sort]),
    default=Sort.PRIORITY.value,
    show_default=True,
    help="Order of the printed list: priority (A1, A2 … C3, then score), score, or input.",
)
def demo(output: Path, sort: str) -> None:
    """Score the template's example accounts, print them ranked, and write the scored workbook
    (the template itself, its Accounts tab in the template's order)."""
    model = example_model()
    accounts = pd.DataFrame(example_accounts())
    results = score(model, accounts)
    console = Console()
    console.print(
        f"[bold]{model.settings.model_name}[/]: {len(accounts)} example accounts, signals as of {model.settings.as_of}"
    )
    print_ranked(pd.concat([accounts, results], axis=1), console, sort=Sort(sort))
    target = _free_name(output)
    write_example_workbook(target, pipeline=True)
    console.print(
        f"Wrote [bold]{target}[/]: the template with these scores in its Accounts tab and a Pipeline tab. "
        "Next: icp-sheets new my_icp.xlsx"
    )
