"""Progress on stderr for long jobs: a bar of stages that shows only on a terminal and big inputs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from icp_sheets.jobs import Stage

BIG_FILE_BYTES = 5_000_000  # about 50,000 rows of a typical export
STAGES = ("Reading", "Scoring", "Writing")


@contextmanager
def stages(source: Path, console: Console) -> Iterator[Stage]:
    """Yield a callback the batch job calls at each stage; it draws a bar when it is worth it."""
    big = source.exists() and source.stat().st_size >= BIG_FILE_BYTES
    if not (big and console.is_terminal):
        yield lambda _: None
        return
    with Progress(
        TextColumn("{task.description:<8}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task(STAGES[0], total=len(STAGES))

        def advance(name: str) -> None:
            done = STAGES.index(name) if name in STAGES else 0
            bar.update(task, description=name, completed=done)

        yield advance
