"""Progress on stderr for long jobs, drawn only when stderr is a terminal (nothing else is written).

Batch jobs over files (score, check, learn, validate) get a bar of stages for big inputs; the sync
and the refresh get a bar that moves with every request to Google Sheets, whatever the size, since
each request waits on the network. The jobs only call back (a stage's name, a request's method and
URL); drawing stays here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from icp_sheets.jobs import Stage

RequestHook = Callable[[str, str], None]  # as icp_sheets.sheets.http has it; that module needs gspread


def bar_console() -> Console:
    """stderr for the bars: a terminal only when it is one (a CI log with FORCE_COLOR set gets no bar)."""
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        tty = bool(isatty is not None and isatty())
    except ValueError:  # closed
        tty = False
    return Console(stderr=True, force_terminal=tty)


BIG_FILE_BYTES = 5_000_000  # about 50,000 rows of a typical export
STAGES = ("Reading", "Scoring", "Writing")


@contextmanager
def stages(source: Path | None, console: Console, names: Sequence[str] = STAGES) -> Iterator[Stage]:
    """Yield a callback the batch job calls at each of ``names``; it draws a bar when it is worth it
    (``source`` is big and stderr a terminal)."""
    big = source is not None and source.exists() and source.stat().st_size >= BIG_FILE_BYTES
    if not (big and console.is_terminal):
        yield lambda _: None
        return
    with Progress(
        TextColumn("{task.description:<8}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task(names[0], total=len(names))

        def advance(name: str) -> None:
            done = names.index(name) if name in names else 0
            bar.update(task, description=name, completed=done)

        yield advance


@contextmanager
def requests(what: str, console: Console, expected: int = 0) -> Iterator[RequestHook | None]:
    """Yield a hook the sync or refresh calls at each request it sends (None off a terminal): the
    bar counts them, against ``expected`` when known, and names the last one."""
    if not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn() if expected else TextColumn("{task.completed} requests"),
        TextColumn("{task.fields[last]}", style="dim"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=expected or None, last="")

        def sent(method: str, url: str) -> None:
            bar.update(task, advance=1, last=f"{method} {_short(url)}")

        yield sent


def _short(url: str) -> str:
    """A request's URL without host and spreadsheet key: 'values:batchGet', 'developerMetadata:search'."""
    path = urlsplit(url).path
    return path.rsplit("/", 1)[-1] or path
