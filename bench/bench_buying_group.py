"""Benchmark: 100,000 contacts matched to 100,000 accounts for the buying group.

The accounts are the synthetic ones with unique domains written as exports write them
(scheme, 'www.', case, a path); a tenth of the contacts carry only an e-mail, a twentieth
name no account, one in fifty repeats an earlier e-mail. Prints the time to match the
contacts to personas and to build the buying group (keys, counts, roles, priorities), and
peak memory.

    python bench/bench_buying_group.py [--accounts 100000] [--contacts 100000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
TITLES = ["VP Sales", "Chief Revenue Officer", "RevOps Manager", "Sales Enablement Lead", "Head of IT", "CISO",
          "Account Executive", "Marketing Manager", "Salesforce Admin", "SVP, Sales"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import synthetic

    from icp_sheets.core import buying_group as _bg

    buying_group = _bg.buying_group
    from icp_sheets.core.personas import match_personas
    from icp_sheets.core.scoring import score
    from icp_sheets.example import example_model

    model = example_model()
    accounts = synthetic.accounts(args.accounts)
    domains = np.array([f"account{i}.example" for i in range(args.accounts)], dtype=object)
    accounts["Domain"] = "https://www." + pd.Series(domains).str.upper() + "/about"
    results = score(model, accounts)
    rng = np.random.default_rng(16)
    owner = rng.integers(0, args.accounts, args.contacts)
    people = np.arange(args.contacts)
    people[rng.random(args.contacts) < 0.02] = 0  # the same e-mail again
    own = pd.Series(domains[owner])
    own[rng.random(args.contacts) < 0.05] = "nobody.example"
    contacts = pd.DataFrame(
        {
            "Name": [f"Person {i}" for i in range(args.contacts)],
            "Title": np.array(TITLES, dtype=object)[rng.integers(0, len(TITLES), args.contacts)],
            "Domain": own.where(rng.random(args.contacts) >= 0.1, ""),
            "Email": "p" + pd.Series(people).astype(str) + "@" + own,
        }
    )
    buying_group(
        model, accounts.head(1000), results.head(1000), contacts.head(1000), match_personas(model, contacts.head(1000))
    )
    start = time.perf_counter()
    personas = match_personas(model, contacts)
    matching = time.perf_counter() - start
    start = time.perf_counter()
    group = buying_group(model, accounts, results, contacts, personas)
    grouping = time.perf_counter() - start
    assert group.matched > 0.9 * args.contacts and group.unmatched > 0
    assert int(group.accounts["icp_contacts"].sum()) < group.matched  # the repeated e-mails count once
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.contacts:,} contacts × {args.accounts:,} accounts: personas in {matching:.2f} s, buying group in "
        f"{grouping:.2f} s ({args.contacts / grouping:,.0f} contacts/s; {group.matched:,} matched, "
        f"{group.unmatched:,} to no account); total {matching + grouping:.2f} s; peak memory {peak:,.0f} MB"
    )


if __name__ == "__main__":
    main()
