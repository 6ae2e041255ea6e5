"""Benchmark: `icp-sheets score` with the pandas and the DuckDB engine, and the plain query.

For each size, CSV → CSV and Parquet → Parquet, it times in fresh processes (so each peak
memory is its own): `score --engine pandas`, `score --engine duckdb`, and the query that
`icp-sheets sql` prints run by DuckDB alone (`COPY (query) TO file`, no formula guard, DuckDB's
own number format), then prints seconds, peak memory and the ratios.

    python bench/bench_engines.py [--rows 1000000 10000000] [--skip-pandas-above 0]
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
CLI = [str(Path(sys.executable).with_name("icp-sheets"))]


def _plain(workbook: str, source: str, target: str) -> None:
    """The compiled query alone, as a warehouse would run it: DuckDB reads and writes the file."""
    import duckdb

    from icp_sheets.sql.workbook import workbook_sql

    query = workbook_sql(Path(workbook), table="accounts")[0].strip().rstrip(";")
    con = duckdb.connect(config={"memory_limit": "1GB"})
    read = f"read_parquet('{source}')" if source.endswith(".parquet") else f"read_csv('{source}', all_varchar = true)"
    con.execute(f"CREATE VIEW accounts AS SELECT * FROM {read}")
    form = "(FORMAT parquet)" if target.endswith(".parquet") else "(HEADER)"
    con.execute(f"COPY ({query}) TO '{target}' {form}")


def _measure(args: list[str]) -> None:
    """Run ``args`` and print its seconds and peak memory: in a process of its own, the children's
    peak is that one command's."""
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def _timed(args: list[str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one command."""
    done = subprocess.run([sys.executable, __file__, "--measure", *args], check=True, capture_output=True, text=True)
    seconds, peak = done.stdout.split()
    return float(seconds), float(peak)


def _inputs(folder: Path, rows: int) -> tuple[Path, Path]:
    sys.path.insert(0, str(HERE))
    import synthetic

    csv, parquet = folder / f"accounts_{rows}.csv", folder / f"accounts_{rows}.parquet"
    chunk = 1_000_000
    with csv.open("w", encoding="utf-8") as sink:
        for start in range(0, rows, chunk):
            part = synthetic.accounts(min(chunk, rows - start), seed=start)
            part.to_csv(sink, index=False, header=start == 0)
    import duckdb

    duckdb.sql(f"COPY (SELECT * FROM read_csv('{csv}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)")
    return csv, parquet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--skip-pandas-above", type=int, default=0, help="no pandas run above this many rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        workbook = folder / "icp.xlsx"
        subprocess.run([*CLI, "new", str(workbook)], check=True, capture_output=True)
        for rows in args.rows:
            csv, parquet = _inputs(folder, rows)
            for source, suffix in ((csv, ".csv"), (parquet, ".parquet")):
                out = folder / f"out{suffix}"
                times: dict[str, tuple[float, float]] = {}
                score = [*CLI, "score", str(workbook), str(source), "-o", str(out), "--force"]
                if not args.skip_pandas_above or rows <= args.skip_pandas_above:
                    times["pandas engine"] = _timed([*score, "--engine", "pandas"])
                times["duckdb engine"] = _timed([*score, "--engine", "duckdb"])
                times["plain DuckDB query"] = _timed(
                    [sys.executable, __file__, "--plain", str(workbook), str(source), str(out)]
                )
                plain = times["plain DuckDB query"][0]
                for name, (seconds, peak) in times.items():
                    print(
                        f"{rows:>11,} rows {suffix[1:]:>7} → {suffix[1:]:<7} {name:<19} {seconds:7.2f} s "
                        f"{peak:7.0f} MB peak  {seconds / plain:5.2f}× the plain query"
                    )
            csv.unlink()
            parquet.unlink()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:  # one timed command, run by _timed
        _measure(sys.argv[2:])
    elif sys.argv[1:2] == ["--plain"]:  # the plain query, run by _timed
        _plain(*sys.argv[2:5])
    else:
        main()
