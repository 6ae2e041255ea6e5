"""The `icp-sheets` command group and how it reports problems.

Problems go to stderr, one line each; an :class:`IcpError` stops the run with the
exit code its problem code maps to (:data:`EXIT_OF`, the one place exit codes are
chosen) and no traceback (``--debug`` shows one). Commands live in their own
modules and attach themselves to :data:`cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import click

from icp_sheets.core.problems import Exit, IcpError, Problem, Severity


class _Group(click.Group):
    """Turns IcpError and unexpected crashes into one readable line each."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IcpError as exc:
            if ctx.params.get("debug"):
                raise
            report(exc.problems)
            sys.exit(int(exc.exit_code))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
            sys.exit(130)
        except Exception as exc:  # the last line of defence: a bug, said plainly
            if ctx.params.get("debug"):
                raise
            click.echo(
                f"icp-sheets: unexpected error: {type(exc).__name__}: {exc}. Rerun with --debug for "
                "details and report it.",
                err=True,
            )
            sys.exit(int(Exit.CANNOT_GO_ON))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="icp-sheets")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug: bool) -> None:
    """Score accounts against an Ideal Customer Profile kept in a spreadsheet.

    Start with `icp-sheets demo`, then `icp-sheets new my_icp.xlsx`, fill it in, and
    `icp-sheets score my_icp.xlsx accounts.csv`.
    """


_LABELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def report(problems: Iterable[Problem], *, notes: bool = False) -> None:
    """Print problems to stderr, errors first, one per line; notes (defaults in force) only when asked."""
    shown = [p for p in problems if notes or p.severity is not Severity.INFO]
    for problem in sorted(shown, key=lambda p: list(_LABELS).index(p.severity)):
        click.echo(f"{_LABELS[problem.severity]}: {problem}", err=True)
