"""The ranked table a rep reads: best accounts first (core.ranking), disqualified last, with the why."""

from __future__ import annotations

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.models import DISQUALIFIED
from icp_sheets.core.names import find_column
from icp_sheets.core.ranking import Sort, rank_order

_TIER_STYLE = {DISQUALIFIED: "red"}


def _points(value: float) -> str:
    return fmt_number(round(float(value), 2))


def print_ranked(
    frame: pd.DataFrame, console: Console, *, sort: Sort = Sort.PRIORITY, limit: int | None = None
) -> None:
    """One account per row in ``sort`` order; the why sits under the company name so it reads on
    an 80-column terminal."""
    name = find_column(frame.columns, "Company") or str(frame.columns[0])
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", expand=True, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(f"{name} · why", ratio=1)
    table.add_column("Score (fit+timing)", justify="right", no_wrap=True)
    table.add_column("Tier", no_wrap=True)
    rows = frame.iloc[rank_order(frame, sort)]
    for rank, (_, row) in enumerate((rows.head(limit) if limit else rows).iterrows(), start=1):
        tier = str(row["icp_tier"])
        account = Text(str(row[name]), style="bold")
        account.append("\n" + str(row["icp_why"]), style="dim")
        score = f"{_points(row['icp_score'])} ({_points(row['icp_fit'])}+{_points(row['icp_timing'])})"
        label = tier if tier == DISQUALIFIED else f"{tier} {row['icp_priority']}"
        table.add_row(str(rank), account, score, Text(label, style=_TIER_STYLE.get(tier, "green")), end_section=True)
    console.print(table)
