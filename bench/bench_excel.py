"""Excel functions through xlwings' Office.js entry point: a 10,000-row block and one cached row.

Targets: one table-mode ``=ICP_SCORE(ICP, Accounts[#Headers], Accounts)`` over
10,000 rows under 200 ms; a single-row call with the model already parsed
under 2 ms. Run: ``.venv/bin/python bench/bench_excel.py``. Not a test.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# What xlwings Lite sets up before it loads the functions; the Office.js entry point needs a key.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd
import xlwings
from synthetic import SIGNAL_COLUMNS, accounts
from xlwings.server import custom_functions_call

from icp_sheets.example import example_model
from icp_sheets.excel import functions as excel
from icp_sheets.io.layout import ANTI_ICP, ICP, PERSONAS, SETTINGS, SIGNALS, TABS, model_rows

ROWS = 10_000
EPOCH = pd.Timestamp(1899, 12, 30)
# One event loop for every call, as in a running xlwings Lite or Server: asyncio.run would add the cost
# of creating and closing a loop (about half a millisecond) to each call.
LOOP = asyncio.new_event_loop()


def call(name: str, *args: Any) -> Any:
    body = {
        "func_name": name,
        "args": list(args),
        "caller_address": "Sheet1!A1",
        "version": xlwings.__version__,
        "runtime": "1.4",
        "client": "Office.js",
    }
    return LOOP.run_until_complete(custom_functions_call(body, excel))


def office_js_rows(n: int) -> tuple[list[str], list[list[Any]]]:
    """Synthetic accounts as Office.js sends them: None for empty cells, dates as serial numbers."""
    frame = accounts(n)
    for column in SIGNAL_COLUMNS:
        days = (pd.to_datetime(frame[column].replace("", None)) - EPOCH).dt.days
        frame[column] = days.astype(object).where(days.notna(), None)
    frame = frame.astype(object).where(frame.ne(""), None)
    return list(frame.columns), frame.to_numpy().tolist()


def timed(runs: int, function: Any) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per run (CPU time shows the cost when the machine is busy)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def main() -> None:
    rows = model_rows(example_model())
    ranges = [[[*TABS[tab].headers]] + rows[tab] for tab in (ICP, ANTI_ICP, SIGNALS, SETTINGS, PERSONAS)]
    model = call("icp_model", *ranges)[0][0]
    headers, data = office_js_rows(ROWS)

    def cold(function: str, rows: list[list[Any]]) -> None:
        excel._scored.cache_clear()  # a changed range: nothing to reuse but the parsed model
        call(function, [[model]], [headers], rows)

    report(f"ICP_SCORE over {ROWS:,} rows, block changed", timed(15, lambda: cold("icp_score", data)), 200)
    report(
        f"ICP_WHY over {ROWS:,} rows, same block", timed(15, lambda: call("icp_why", [[model]], [headers], data)), 200
    )
    report("ICP_SCORE on one row, row changed", timed(300, lambda: cold("icp_score", [data[0]])), 2)
    report("ICP_TIER on one row, same row", timed(300, lambda: call("icp_tier", [[model]], [headers], [data[0]])), 2)
    report("ICP_MODEL, ranges unchanged", timed(300, lambda: call("icp_model", *ranges)), 2)


def report(what: str, times: tuple[list[float], list[float]], target: float) -> None:
    wall, cpu = times
    print(
        f"{what:<42} wall median {statistics.median(wall):7.2f} ms, best {min(wall):7.2f} ms; "
        f"CPU median {statistics.median(cpu):7.2f} ms  (target < {target} ms)"
    )


if __name__ == "__main__":
    main()
