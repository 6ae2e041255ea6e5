"""Google Sheets sync and refresh at 10,000 accounts × 15 columns, against the fake server.

    .venv/bin/python bench/bench_sheets.py [--rows 10000]

Prints, for each step, the Sheets API requests it used and its wall time. The
fake server runs in this process on 127.0.0.1, so the times are the tool's own
work (reading and saving the workbook, merging, encoding) plus local HTTP, not
Google's latency. Targets: at most 5 requests and under 5 s per step.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from icp_sheets.example import ACCOUNT_COLUMNS, example_accounts
from icp_sheets.io import layout
from icp_sheets.io.template import write_template
from icp_sheets.sheets.client import connect
from icp_sheets.sheets.refresh import refresh
from icp_sheets.sheets.sync import Mode, sync
from icp_sheets.testing.fake_sheets import FakeSheets

EXTRA = ("Owner", "Source", "Country", "Notes")  # 11 ICP columns + 4 = 15 typed columns
KEY = "bench"


def build(path: Path, rows: int) -> None:
    """The template with ``rows`` accounts: the example ones over and over, plus 4 more columns."""
    rng = random.Random(42)
    examples = example_accounts()
    accounts = [{**examples[i % len(examples)], "Company": f"{examples[i % len(examples)]['Company']} {i}",
                 **dict(zip(EXTRA, (rng.choice(["Ana", "Ben", "Chen"]), "import", "US", f"note {i}"),
                            strict=True))} for i in range(rows)]
    write_template(path, accounts=accounts)


def step(name: str, fake: FakeSheets, action: Callable[[], Any]) -> None:
    fake.reset_counts()
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    counts = ", ".join(f"{k} {v}" for k, v in sorted(fake.counts.items()))
    print(f"{name:<34} {fake.total:>2} requests  {seconds:6.2f} s   ({counts})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeSheets() as fake:
        path = Path(tmp) / "bench.xlsx"
        build(path, args.rows)
        fake.store.create("Bench", spreadsheet_id=KEY)
        conn = connect(KEY, api_url=fake.url)
        print(f"{args.rows:,} accounts × {len(ACCOUNT_COLUMNS) + len(EXTRA)} typed columns "
              f"(+ {len(layout.RESULT_COLUMNS)} result columns)")
        step("sync push (first, creates tabs)", fake, lambda: sync(path, conn, Mode.PUSH))
        step("refresh (scores every row)", fake, lambda: refresh(conn))
        step("sync both (pulls the scores)", fake, lambda: sync(path, conn))

        def edit_both() -> None:
            wb = openpyxl.load_workbook(path)
            ws = wb[layout.ACCOUNTS]
            for r in range(2, args.rows + 2, max(1, args.rows // 50)):
                ws.cell(row=r, column=len(ACCOUNT_COLUMNS) + 4, value=f"edited in Excel {r}")
            wb.save(path)
            for r in range(3, args.rows + 2, max(1, args.rows // 50)):
                fake.store.type_in(KEY, layout.ACCOUNTS, f"E{r}", "Europe")

        edit_both()
        step("sync both (50 + 50 edits)", fake, lambda: sync(path, conn))
        step("refresh (50 rows changed)", fake, lambda: refresh(conn))
        step("sync both (pulls the new scores)", fake, lambda: sync(path, conn))
        step("sync both (nothing to do)", fake, lambda: sync(path, conn))


if __name__ == "__main__":
    main()
