"""Every condition word, decay, cap and setting through the SQL, against the core, on DuckDB."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from sql_support import mismatches, run_duckdb

from icp_sheets.core.conditions import Op, parse_condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.formats import AccountColumn, ReadAs
from icp_sheets.core.models import Criterion, Disqualifier, IcpModel, Settings, Signal, WhenUnreadable
from icp_sheets.core.scoring import score
from icp_sheets.sql import compile_model, to_sql

AS_OF = dt.date(2026, 6, 1)
CRITERIA = [
    ("Employees", "between 50 and 200", 2), ("Employees", "at least 1000", -1), ("Employees", "above 500", 0.5),
    ("Employees", "at most 10", -0.25), ("Employees", "below 50", 0.1), ("Employees", "any other value", 0),
    ("Revenue", "per unit up to 3", 0.000001), ("Seats", "per unit", -0.125),
    ("Stage", "is Series A", 1), ("Stage", "one of Series B, Series C", 1.5), ("Stage", "is not Public", 0.2),
    ("Region", "not one of APAC, LATAM", 0.75), ("Region", "is blank", -0.5),
    ("Stack", "contains any of Salesforce, HubSpot", 2), ("Stack", "does not contain any of SAP, Oracle", 0.3),
    ("Partner", "is true", 1), ("Partner", "is false", -1),
    ("Notes", "is not blank", 0.05), ("Notes", "is blank", 0),
    ("Title", "mentions all of Product, Manager", 3), ("Title", "mentions any of VP, C++, Head of, [Ops]", 1.25),
]  # fmt: skip
DISQUALIFIERS = [("Employees", "above 5000", "Too big"), ("Stage", "one of Public", "Public company")]
SIGNALS = [
    ("Funding", "Funded", 2, 60, "linear"), ("Hiring", "Hired", 1.5, 90, "half-life 30 days"),
    ("Leader", "Leader", 1, 45, "half-life 10 days, floor 0.25"), ("Switch", "Switched", 0.5, 0, "none"),
    ("Again", "Funded", -1, 14, "none"),
]  # fmt: skip


def _model(when: WhenUnreadable, read_as: ReadAs | None) -> IcpModel:
    return IcpModel(
        settings=Settings(
            top_tier_at=4.5,
            middle_tier_at=1.25,
            fit_a_at=3.5,
            fit_b_at=1.5,
            timing_1_at=1.75,
            timing_2_at=0.5,
            when_unreadable=when,
            actions={"A1": "Call now", "C3": "Park"},
            top_tier="Go",
            middle_tier="Wait",
        ),
        criteria=tuple(Criterion(column=c, condition=parse_condition(t), points=p) for c, t, p in CRITERIA),
        disqualifiers=tuple(
            Disqualifier(column=c, condition=parse_condition(t), reason=r) for c, t, r in DISQUALIFIERS
        ),
        signals=tuple(
            Signal(name=n, date_column=c, points=p, window_days=w, decay=Decay.parse(d)) for n, c, p, w, d in SIGNALS
        ),
        columns=(
            AccountColumn(name="Revenue", read_as=read_as),
            AccountColumn(name="Leader", read_as=ReadAs.DAY_MONTH),
            AccountColumn(name="Notes", required=False),
        ),
    )


def _days(*ages: int) -> list[str]:
    return [(AS_OF - dt.timedelta(days=a)).isoformat() for a in ages]


POOLS: dict[str, list[str | None]] = {
    "Employees": ["120", "50", "200", "1000", "999.5", "501", "10", "9", "49", "lots", "", None, "5001", "51-200",
                  "10,001+", "2k", "n/a"],
    "Revenue": ["1.250.000", "2,5M", "1,5", "3000000", "$12.5M", "", "x", "1.000", "-2000000"],
    "Seats": ["8", "12.5", "", "many", "1"],
    "Stage": ["Series A", "series_b", "SERIES-C", "Public", "Seed", "", None, "n/a", "Series A, Series B"],
    "Region": ["North America", "APAC", "latam", "", None, "Europe", "?"],
    "Stack": ["Salesforce; SAP", "hubspot", "Oracle", "", "Zoho, Sales-Force", "SAP,HubSpot", None],
    "Partner": ["yes", "no", "Y", "0", "maybe", "", "TRUE", "✓"],
    "Funded": [*_days(0, 1, 30, 59, 60, 61, -3), "", "someday", "01/05/2026", "12/05/2026"],
    "Hired": [*_days(0, 15, 30, 45, 90, 91), "5 May 2026", "May 5, 2026", "2026/05/05", "46100", ""],
    "Leader": ["01/05/2026", "15/05/2026", "02/05/2026", *_days(0, 10, 44, 45, 46), ""],
    "Switched": [*_days(0, 1), "", "2026-06-01T23:59:59+02:00"],
    "Notes": ["call back", "", None, "n/a", " "],
    "Title": ["Senior Product Manager", "manager, product", "Production Manager", "VP Sales", "vp-sales", "C++ dev",
              "C developer", "Head of Growth", "head-of", "Ops [EU]", "", None, "n/a", "Product\\Manager", "CVP"],
}  # fmt: skip


def _accounts(n: int, step: int) -> pd.DataFrame:
    return pd.DataFrame(
        {c: [p[(i * step + j) % len(p)] for i in range(n)] for j, (c, p) in enumerate(POOLS.items())}, dtype=object
    )


@pytest.mark.parametrize(
    ("when", "read_as", "with_notes"),
    [
        (WhenUnreadable.FLAG, None, True),
        (WhenUnreadable.DISQUALIFY, ReadAs.DECIMAL_COMMA, False),
        (WhenUnreadable.FLAG, ReadAs.DECIMAL_POINT, False),
    ],
)
def test_every_condition_and_decay_scores_the_same_in_duckdb(
    when: WhenUnreadable, read_as: ReadAs | None, with_notes: bool
) -> None:
    model = _model(when, read_as)
    assert {c.condition.op for c in model.criteria} | {d.condition.op for d in model.disqualifiers} == set(Op)
    accounts = _accounts(60, 7)
    if not with_notes:
        accounts = accounts.drop(columns=["Notes"])
    want = score(model, accounts, AS_OF)
    assert len(set(want["icp_priority"])) >= 5 and want["icp_why"].str.startswith("Check: ").any() != (
        when is WhenUnreadable.DISQUALIFY
    )
    sql = to_sql(compile_model(model, headers=list(accounts.columns), as_of=AS_OF).query, "duckdb", pretty=False)
    assert mismatches(want, run_duckdb(sql, accounts)) == []


CATALOG = {
    "Employees": ["between 50 and 200", "at least 1000", "above 500", "at most 10", "below 50", "any other value",
                  "per unit up to 2", "is blank", "between 0.5 and 99.5"],
    "Revenue": ["per unit up to 3", "above 1000000", "is not blank"],
    "Stage": ["is Series A", "one of Series B, Series C", "is not Public", "not one of Seed, Public", "is blank",
              "any other value"],
    "Region": ["not one of APAC, LATAM", "is blank", "one of North America, Europe", "is not blank"],
    "Stack": ["contains any of Salesforce, HubSpot", "does not contain any of SAP, Oracle", "contains any of SAP"],
    "Partner": ["is true", "is false", "any other value"],
    "Title": ["mentions any of Product, VP", "mentions all of Product, Manager", "mentions any of Head of, C++"],
}  # fmt: skip
DATE_COLUMNS = ["Funded", "Hired", "Leader", "Switched"]
DECAYS = ["none", "linear", "half-life 30 days", "half-life 7 days, floor 0.25", "half-life 12.5 days"]
POINTS = st.sampled_from([-1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0])
criteria = st.lists(st.tuples(st.sampled_from(list(CATALOG)), st.integers(0, 8), POINTS), min_size=1, max_size=10).map(
    lambda rows: [(c, CATALOG[c][i % len(CATALOG[c])], p) for c, i, p in rows]
)
disqualifiers = st.lists(
    st.tuples(st.sampled_from(list(CATALOG)), st.integers(0, 8), st.sampled_from(["Out", "Not now"])), max_size=3
).map(lambda rows: [(c, CATALOG[c][i % len(CATALOG[c])], r) for c, i, r in rows])
signals = st.lists(
    st.tuples(st.sampled_from(DATE_COLUMNS), POINTS, st.integers(0, 120), st.sampled_from(DECAYS)), max_size=4
)
thresholds = st.lists(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0, 3.5]), min_size=6, max_size=6).map(sorted)


@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(criteria, disqualifiers, signals, thresholds, st.sampled_from(list(WhenUnreadable)), st.integers(1, 12))
def test_random_models_score_the_same_in_duckdb(
    rows: list[tuple[str, str, float]],
    rules: list[tuple[str, str, str]],
    events: list[tuple[str, float, int, str]],
    cuts: list[float],
    when: WhenUnreadable,
    step: int,
) -> None:
    model = IcpModel(
        settings=Settings(
            top_tier_at=cuts[5],
            middle_tier_at=cuts[2],
            fit_a_at=cuts[4],
            fit_b_at=cuts[1],
            timing_1_at=cuts[3],
            timing_2_at=cuts[0],
            when_unreadable=when,
        ),
        criteria=tuple(Criterion(column=c, condition=parse_condition(t), points=p) for c, t, p in rows),
        disqualifiers=tuple(Disqualifier(column=c, condition=parse_condition(t), reason=r) for c, t, r in rules),
        signals=tuple(
            Signal(name=f"Signal {i}", date_column=c, points=p, window_days=w, decay=Decay.parse(d))
            for i, (c, p, w, d) in enumerate(events)
        ),
    )
    accounts = _accounts(40, step)
    sql = to_sql(compile_model(model, headers=list(accounts.columns), as_of=AS_OF).query, "duckdb", pretty=False)
    assert mismatches(score(model, accounts, AS_OF), run_duckdb(sql, accounts)) == []
