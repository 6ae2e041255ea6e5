"""Benchmark: 1,000,000 accounts scored with an Events log of 10,000,000 events.

The model is the Example ICP plus three signals that read the log (per-occurrence points with
a half-life, a cap by Max events, and 'at least 2 in the last 14 days'). Prints the time to
match the log to the accounts (keys, event names, dates) and to score, and peak memory.

    python bench/bench_events.py [--rows 1000000] [--events 10000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import synthetic

    from icp_sheets.core.decays import Decay
    from icp_sheets.core.events import read_log
    from icp_sheets.core.models import Signal, SignalReads
    from icp_sheets.core.scoring import score
    from icp_sheets.example import example_model

    base = example_model()
    as_of = base.settings.as_of or dt.date.today()
    signals = (
        Signal(name="Pricing page", date_column="Pricing page", points=0.5, window_days=30,
               reads=SignalReads.EVENT, decay=Decay.parse("half-life 7 days"), max_events=5),
        Signal(name="2+ demo requests", date_column="Demo request", points=1, window_days=14,
               reads=SignalReads.EVENT, at_least=2),
        Signal(name="Webinar", date_column="Webinar", points=0.25, reads=SignalReads.EVENT,
               decay=Decay.parse("half-life 30 days, floor 0.05")),
    )  # fmt: skip
    model = base.model_copy(update={"signals": (*base.signals, *signals)})
    accounts = synthetic.accounts(args.rows)
    accounts["Domain"] = [f"account{i}.example" for i in range(args.rows)]  # unique keys
    rng = np.random.default_rng(15)
    owner = rng.integers(0, args.rows, args.events)
    days = pd.date_range(as_of - dt.timedelta(days=400), as_of + dt.timedelta(days=5)).strftime("%Y-%m-%d")
    names = np.array(["Pricing page", "Demo request", "Webinar", "Newsletter"], dtype=object)
    log = pd.DataFrame(
        {
            "Domain": accounts["Domain"].to_numpy()[owner],
            "Event": names[rng.integers(0, len(names), args.events)],
            "Date": np.asarray(days, dtype=object)[rng.integers(0, len(days), args.events)],
        }
    )
    score(model, accounts.head(1000), events=log.head(10_000))  # warm imports and caches
    start = time.perf_counter()
    matched = read_log(log, accounts)
    matching = time.perf_counter() - start
    start = time.perf_counter()
    result = score(model, accounts, events=matched)
    scoring = time.perf_counter() - start
    assert len(result) == args.rows and (result["icp_timing"] > 0).any()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.rows:,} accounts × {args.events:,} events: log matched in {matching:.2f} s, scored in "
        f"{scoring:.2f} s ({args.rows / scoring:,.0f} accounts/s, {args.events / scoring:,.0f} events/s); "
        f"total {matching + scoring:.2f} s; peak memory {peak:,.0f} MB"
    )


if __name__ == "__main__":
    main()
