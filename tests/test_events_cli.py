"""The Events log through `icp-sheets score`: a file given with --events, or the workbook's Events tab."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd

from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.models import Criterion, IcpModel, Settings, Signal, SignalReads
from icp_sheets.io.template import write_template

AS_OF = dt.date(2026, 3, 1)
COMMAND = Path(sys.executable).with_name("icp-sheets")


def _workbook(path: Path) -> None:
    model = IcpModel(
        settings=Settings(as_of=AS_OF, middle_tier_at=0, top_tier_at=3, timing_1_at=3, timing_2_at=1),
        criteria=(Criterion(column="Employees", condition=parse_condition("at least 10"), points=1),),
        signals=(
            Signal(
                name="Pricing page",
                date_column="Pricing page",
                points=2,
                window_days=14,
                reads=SignalReads.EVENT,
                decay=Decay.parse("half-life 7 days"),
                max_events=2,
            ),
        ),
    )
    accounts = pd.DataFrame({"Domain": ["a.com", "b.com", "c.com"], "Employees": [50, 50, 5]})
    write_template(path, model, accounts, pd.DataFrame({"title": []}))


def _events() -> pd.DataFrame:
    days = [0, 7, 3, 20, -1]
    return pd.DataFrame(
        {
            "Domain": ["A.com", "a.com", "b.com", "b.com", "c.com"],
            "Event": ["Pricing page", "pricing_page", "Pricing Page", "Pricing page", "Pricing page"],
            "Date": [(AS_OF - dt.timedelta(days=d)).isoformat() for d in days],
        }
    )


def _run(*args: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(COMMAND), *map(str, args)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def test_an_events_file_scores_the_accounts_it_names(tmp_path: Path) -> None:
    workbook, events, out = tmp_path / "model.xlsx", tmp_path / "events.csv", tmp_path / "out.csv"
    _workbook(workbook)
    _events().to_csv(events, index=False)
    accounts = tmp_path / "accounts.csv"
    pd.DataFrame({"Domain": ["a.com", "b.com", "c.com"], "Employees": [50, 50, 5]}).to_csv(accounts, index=False)
    _run("score", workbook, accounts, "--events", events, "-o", out)
    scored = pd.read_csv(out, keep_default_na=False)
    assert scored["icp_timing"].round(6).tolist() == [3.0, round(2 * 0.5 ** (3 / 7), 6), 0.0]
    assert scored["icp_why"].tolist()[2] == "Pricing page ignored: dated after the as-of day"


def test_the_workbooks_events_tab_is_the_log_by_default(tmp_path: Path) -> None:
    workbook, out = tmp_path / "model.xlsx", tmp_path / "scored.xlsx"
    _workbook(workbook)
    book = openpyxl.load_workbook(workbook)
    sheet = book.create_sheet("Events")
    frame = _events()
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    book.save(workbook)
    _run("score", workbook, "-o", out, "--sort", "input")
    scored = pd.read_excel(out, sheet_name="Accounts", engine="calamine")
    assert scored["icp_timing"].round(6).tolist() == [3.0, round(2 * 0.5 ** (3 / 7), 6), 0.0]


def test_an_event_signal_without_a_log_stops_with_one_line(tmp_path: Path) -> None:
    workbook = tmp_path / "model.xlsx"
    _workbook(workbook)
    done = subprocess.run([str(COMMAND), "score", workbook, "-o", tmp_path / "x.xlsx"], capture_output=True, text=True)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "add an Events tab to the workbook or pass --events FILE" in done.stderr
