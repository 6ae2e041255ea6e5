"""The ranked table a rep reads: best accounts first, disqualified last, with the why."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from icp_sheets.conditions import fmt_number
from icp_sheets.models import DISQUALIFIED
from icp_sheets.tables import find_column

_TIER_STYLE = {DISQUALIFIED: "red"}


def ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered as a rep should work them: not disqualified, then score, fit, timing."""
    order = pd.DataFrame({
        "dq": (frame["icp_tier"].astype(str) == DISQUALIFIED).to_numpy(),
        "score": -frame["icp_score"].to_numpy(),
        "fit": -frame["icp_fit"].to_numpy(),
        "timing": -frame["icp_timing"].to_numpy(),
    })
    positions = order.sort_values(["dq", "score", "fit", "timing"], kind="stable").index
    return frame.iloc[positions.to_numpy()]


def print_ranked(frame: pd.DataFrame, console: Console, *, limit: int | None = None) -> None:
    name = find_column(frame.columns, "Company") or str(frame.columns[0])
    table = Table(show_lines=False, header_style="bold", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(name, no_wrap=True, max_width=26)
    for header in ("Score", "Fit", "Timing"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("Tier", no_wrap=True)
    table.add_column("Priority", no_wrap=True)
    table.add_column("Why", ratio=1)
    rows = ranked(frame)
    for rank, (_, row) in enumerate(rows.head(limit).iterrows() if limit else rows.iterrows(), start=1):
        tier = str(row["icp_tier"])
        table.add_row(str(rank), str(row[name]), fmt_number(round(row["icp_score"], 2)),
                      fmt_number(round(row["icp_fit"], 2)), fmt_number(round(row["icp_timing"], 2)),
                      f"[{_TIER_STYLE.get(tier, 'green')}]{tier}[/]", str(row["icp_priority"]), str(row["icp_why"]))
    console.print(table)
