"""Benchmark: learn and validate on 100,000 rows, in the core and end to end.

Run with ``.venv/bin/python bench/bench_learn.py [ROWS]``. Prints seconds for the
core functions and for the installed commands on CSV files (reading, scoring,
writing the workbook), plus the addressable-market check on the same number of
accounts. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import accounts

from icp_sheets.evidence.learn import learn
from icp_sheets.evidence.market import market_check
from icp_sheets.evidence.validate import validate
from icp_sheets.example import AS_OF, example_model
from icp_sheets.io.template import write_template
from icp_sheets.testing.planted import customers, opportunities


def timed(label: str, run: object) -> object:
    start = time.perf_counter()
    result = run()  # type: ignore[operator]
    print(f"{label:<44}{time.perf_counter() - start:7.2f} s")
    return result


def main(rows: int) -> None:
    half = rows // 2
    quarter = rows // 4
    crm = customers(half, rows - half, seed=1)
    opps = opportunities({"pursue": quarter, "late": quarter, "nurture": quarter, "dq": rows - 3 * quarter}, seed=1)
    universe = accounts(rows)
    model = example_model()
    print(f"{rows:,} rows on {sys.platform}, Python {sys.version.split()[0]}")
    report = timed("learn (core)", lambda: learn(crm))
    print("  proposed:", ", ".join(f"{e.column} {e.condition.text()}" for e in (*report.criteria, *report.anti)))  # type: ignore[attr-defined]
    timed("validate (core, scored as of creation dates)", lambda: validate(model, opps, today=AS_OF))
    timed("market_check (core)", lambda: market_check(model, universe))
    command = Path(sys.executable).with_name("icp-sheets")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_template(folder / "icp.xlsx")
        crm.to_csv(folder / "customers.csv", index=False)
        opps.drop(columns="Group").to_csv(folder / "outcomes.csv", index=False)
        for name, args in (("learn", ["customers.csv"]), ("validate", ["outcomes.csv"])):
            timed(
                f"icp-sheets {name} (CSV → xlsx, end to end)",
                lambda n=name, a=args: subprocess.run(
                    [str(command), n, "icp.xlsx", *a], cwd=folder, check=True, capture_output=True
                ),
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
