"""Benchmark: score 1,000,000 synthetic accounts with the Example ICP.

Prints rows per second and peak memory for the core (a DataFrame in, results
with the why text out) and for CSV → CSV end to end through `icp-sheets score`.
Each measurement runs in a fresh process so its peak memory is its own.

    python bench/bench_score.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _core(rows: int) -> None:
    sys.path.insert(0, str(HERE))
    import synthetic

    from icp_sheets.core.scoring import score
    from icp_sheets.example import example_model

    frame = synthetic.accounts(rows)
    model = example_model()
    score(model, frame.head(1000))  # warm imports and caches
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        result = score(model, frame)
        best = min(best, time.perf_counter() - start)
    assert len(result) == rows and result["icp_why"].notna().all()
    print(f"{best:.3f}")


def _child(*args: str) -> tuple[str, float]:
    """Run a child process; return its output and its peak resident memory in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return done.stdout.strip(), max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--core-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.core_only:
        _core(args.core_only)
        return
    rows = args.rows
    seconds, core_mb = _child(sys.executable, __file__, "--core-only", str(rows))
    print(
        f"core: {rows:,} accounts scored with why text in {float(seconds):.2f} s "
        f"= {rows / float(seconds):,.0f} accounts/s (best of 3); peak memory {core_mb:,.0f} MB"
    )

    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "accounts.csv", Path(folder) / "scored.csv"
        workbook = Path(folder) / "icp.xlsx"
        sys.path.insert(0, str(HERE))
        import synthetic

        synthetic.write_csv(str(source), rows)
        command = Path(sys.executable).with_name("icp-sheets")
        subprocess.run([str(command), "new", str(workbook)], check=True, capture_output=True)
        start = time.perf_counter()
        _, e2e_mb = _child(str(command), "score", str(workbook), str(source), "-o", str(target))
        elapsed = time.perf_counter() - start
        size = source.stat().st_size / 1e6
        print(
            f"csv → csv: {rows:,} rows ({size:,.0f} MB) through `icp-sheets score` in {elapsed:.2f} s "
            f"= {rows / elapsed:,.0f} rows/s; peak memory {e2e_mb:,.0f} MB"
        )


if __name__ == "__main__":
    main()
