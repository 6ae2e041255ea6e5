"""Google Sheets sync and refresh at 10,000 accounts × 15 columns, against the fake server.

    .venv/bin/python bench/bench_sheets.py [--rows 10000]

Prints, for each step, the Sheets API requests it used and its wall time. The
fake server runs in its own process on 127.0.0.1, standing in for Google, so the
times are the tool's work (reading and saving the workbook, merging, encoding)
plus the fake's answers over local HTTP, without Google's network latency.
Targets: the request budget in docs/sheets.md (5, plus 3 for the lease when writing to the sheet)
and under 5 s per step.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import requests

from icp_sheets.core.names import ACCOUNTS, RESULT_COLUMNS
from icp_sheets.example import ACCOUNT_COLUMNS, example_accounts
from icp_sheets.io.template import write_template
from icp_sheets.sheets.client import Connection, connect
from icp_sheets.sheets.refresh import refresh
from icp_sheets.sheets.sync import Mode, sync

EXTRA = ("Owner", "Source", "Country", "Notes")  # 11 ICP columns + 4 = 15 typed columns
KEY = "bench"


def build(path: Path, rows: int) -> None:
    """The template with ``rows`` accounts: the example ones over and over, plus 4 more columns."""
    rng = random.Random(42)
    examples = example_accounts()
    accounts = [
        {
            **examples[i % len(examples)],
            "Company": f"{examples[i % len(examples)]['Company']} {i}",
            **dict(zip(EXTRA, (rng.choice(["Ana", "Ben", "Chen"]), "import", "US", f"note {i}"), strict=True)),
        }
        for i in range(rows)
    ]
    write_template(path, accounts=accounts)


def step(name: str, conn: Connection, action: Callable[[], Any]) -> None:
    sent = conn.http.sent
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{name:<34} {conn.http.sent - sent:>2} requests  {seconds:6.2f} s")


@contextmanager
def fake_server() -> Iterator[str]:
    """The fake in its own process, as Google would be: its work is not the tool's wall time."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "icp_sheets.testing.fake_sheets", "--port", "0", "--create", KEY],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().split(" on ", 1)[1].split()[0]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fake_server() as url:
        path = Path(tmp) / "bench.xlsx"
        build(path, args.rows)
        conn = connect(KEY, api_url=url)
        print(
            f"{args.rows:,} accounts × {len(ACCOUNT_COLUMNS) + len(EXTRA)} typed columns "
            f"(+ {len(RESULT_COLUMNS)} result columns)"
        )
        step("sync push (first, creates tabs)", conn, lambda: sync(path, conn, Mode.PUSH))
        step("refresh (scores every row)", conn, lambda: refresh(conn))
        step("sync both (pulls the scores)", conn, lambda: sync(path, conn))

        every = max(1, args.rows // 50)
        wb = openpyxl.load_workbook(path)  # 50 edits in Excel...
        for r in range(2, args.rows + 2, every):
            wb[ACCOUNTS].cell(row=r, column=len(ACCOUNT_COLUMNS) + 4, value=f"edited in Excel {r}")
        wb.save(path)
        requests.post(
            f"{url}/v4/spreadsheets/{KEY}/values:batchUpdate",
            timeout=60,
            json={  # ...50 in Sheets
                "valueInputOption": "USER_ENTERED",
                "data": [{"range": f"{ACCOUNTS}!E{r}", "values": [["Europe"]]} for r in range(3, args.rows + 2, every)],
            },
        )
        step("sync both (50 + 50 edits)", conn, lambda: sync(path, conn))
        step("refresh (50 rows changed)", conn, lambda: refresh(conn))
        step("sync both (pulls the new scores)", conn, lambda: sync(path, conn))
        step("sync both (nothing to do)", conn, lambda: sync(path, conn))


if __name__ == "__main__":
    main()
