"""Excel functions through xlwings' Office.js entry point, in the orders Excel calculates them.

Figures: eight result formulas per account row (one row per call, as the Lite
script writes them) in row order and in column order, for 1,000 and 10,000
rows, from a cold cache; one edited row among cached ones; a 10,000-row block;
a whole-column argument (``A1:K1048576``) holding 1,000 used rows.
Targets (issue 11): column order within 1.2× of row order; one changed row under
2 ms median with the model cached; a 10,000-row block under 200 ms.
Run: ``.venv/bin/python bench/bench_excel.py [rows ...]``. Not a test.
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

from icp_sheets.core.names import ANTI_ICP, ICP, PERSONAS, RESULT_COLUMNS, SETTINGS, SIGNALS
from icp_sheets.example import example_model
from icp_sheets.excel import functions as excel
from icp_sheets.io.layout import TABS, model_rows

EPOCH = pd.Timestamp(1899, 12, 30)
FUNCTIONS = [f"icp_{c.removeprefix('icp_')}" for c in RESULT_COLUMNS]
WHOLE_COLUMN = 1_048_575  # data rows of A2:K1048576
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


def clock(function: Any) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one run (CPU time shows the cost when the machine is busy)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def eight_formulas(model: str, headers: list[str], data: list[list[Any]], order: str) -> None:
    cells = [(f, row) for row in data for f in FUNCTIONS]
    if order == "column":
        cells = [(f, row) for f in FUNCTIONS for row in data]
    for function, row in cells:
        call(function, [[model]], [headers], [row])


def main(sizes: list[int]) -> None:
    rows = model_rows(example_model())
    ranges = [[[*TABS[tab].headers]] + rows[tab] for tab in (ICP, ANTI_ICP, SIGNALS, SETTINGS, PERSONAS)]
    model = call("icp_model", *ranges)[0][0]
    for n in sizes:
        headers, data = office_js_rows(n)
        times = {}
        for order in ("row", "column"):
            excel.CACHE.clear()
            times[order] = clock(lambda h=headers, d=data, o=order: eight_formulas(model, h, d, o))
            print(
                f"{n:>6,} rows x 8 formulas, {order:<6} order: wall {times[order][0] / 1000:7.2f} s, "
                f"CPU {times[order][1] / 1000:7.2f} s, {excel.CACHE.misses:,} scorings"
            )
        print(f"{'':>6} column / row order, CPU: {times['column'][1] / times['row'][1]:.2f}x  (target <= 1.2x)")

    headers, data = office_js_rows(10_000)
    excel.CACHE.clear()
    call("icp_score", [[model]], [headers], data)  # everything cached, as after a first calculation
    edits = []
    for i in range(300):
        row = list(data[i])
        row[headers.index("Employees")] = 10_000 + i  # a row the cache has not seen
        edits.append(clock(lambda row=row: call("icp_score", [[model]], [headers], [row])))
    report("one edited row, model cached", edits, 2)
    cold = []
    for _ in range(7):
        excel.CACHE.clear()
        cold.append(clock(lambda: call("icp_score", [[model]], [headers], data)))
    report("10,000-row block, cache cold", cold, 200)
    report("10,000-row block, cached", [clock(lambda: call("icp_why", [[model]], [headers], data))] * 1, 200)

    used = data[:1_000]
    whole = [headers, *used, *([[None] * len(headers)] * (WHOLE_COLUMN - len(used)))]
    excel.CACHE.clear()
    wall, cpu = clock(lambda: call("icp_tier", [[model]], whole))
    spilled = len(call("icp_tier", [[model]], whole))
    print(
        f"whole-column argument, 1,000 used of {WHOLE_COLUMN:,} rows: wall {wall:7.1f} ms, CPU {cpu:7.1f} ms; "
        f"spills {spilled:,} rows; cache {excel.CACHE.size / 1e6:.1f} MB estimated"
    )


def report(what: str, times: list[tuple[float, float]], target: float) -> None:
    wall, cpu = [w for w, _ in times], [c for _, c in times]
    print(
        f"{what:<32} wall median {statistics.median(wall):8.2f} ms, best {min(wall):8.2f} ms; "
        f"CPU median {statistics.median(cpu):8.2f} ms  (target < {target} ms)"
    )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000])
