"""Benchmark: write 100,000 scored synthetic accounts as a formatted xlsx (`score -o out.xlsx`).

Prints wall time, CPU time, rows per second, peak memory and file size for
``write_scored_xlsx`` alone (scoring is measured by bench_score.py).

    python bench/bench_xlsx.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent


def scored_frame(rows: int) -> tuple[pd.DataFrame, Any]:
    """``rows`` synthetic accounts with their results, and the model's settings."""
    sys.path.insert(0, str(HERE))
    import synthetic

    from icp_sheets.core.scoring import score
    from icp_sheets.example import example_model

    model = example_model()
    accounts = synthetic.accounts(rows)
    return pd.concat([accounts, score(model, accounts)], axis=1), model.settings


def measure(label: str, write: Callable[[Path], None], rows: int, columns: int) -> None:
    """Time ``write`` into a fresh file and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scored.xlsx"
        wall, cpu = time.perf_counter(), time.process_time()
        write(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = path.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label}: {rows:,} rows x {columns} columns in {wall:.2f} s wall, {cpu:.2f} s CPU "
        f"({rows / wall:,.0f} rows/s); file {size / 1e6:.1f} MB; peak memory {peak:,.0f} MB (whole process)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    from icp_sheets.core.names import RESULT_COLUMNS
    from icp_sheets.io.xlsx_writer import write_scored_xlsx

    frame, settings = scored_frame(rows)
    measure(
        "xlsx output",
        lambda path: write_scored_xlsx(path, frame, RESULT_COLUMNS, settings=settings),
        rows,
        frame.shape[1],
    )


if __name__ == "__main__":
    main()
