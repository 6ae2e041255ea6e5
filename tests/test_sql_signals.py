"""Every kind of signal through the SQL, against the core, on DuckDB: dates, days ago, counts,
'Counts when' gates, forever windows, floors at any age, events dated after the as-of day."""

from __future__ import annotations

import pandas as pd
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from sql_support import mismatches, run_duckdb
from test_sql_kinds import AS_OF, POOLS, _days

from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.gates import parse_gate
from icp_sheets.core.models import Criterion, IcpModel, Settings, Signal, SignalReads
from icp_sheets.core.scoring import score
from icp_sheets.sql import compile_model, to_sql

EXTRA: dict[str, list[str | None]] = {
    "Age": ["0", "1", "12", "45", "2.5", "-10", "-1", "400", "", "soon", None, "10,000"],
    "Roles": ["0", "1", "2.5", "8", "9", "30", "-1", "-20", "", "many", None],
    "Flag": ["true", "false", "", "maybe", "yes", None],
    "Funded": [*_days(0, 1, 30, 400, -3, -1), "", "someday"],
}  # fmt: skip
GATES = ["Flag is true", "Flag is false", "Seats at least 5", "Stage one of Series A, Series B", "Partner is true"]


def _accounts(n: int, step: int) -> pd.DataFrame:
    pools = POOLS | EXTRA
    return pd.DataFrame(
        {c: [p[(i * step + j) % len(p)] for i in range(n)] for j, (c, p) in enumerate(pools.items())}, dtype=object
    )


def _signal(i: int, kind: str, points: float, window: int | None, decay: str, gate: str | None, ahead: bool) -> Signal:
    gated = parse_gate(gate) if gate else None
    if kind == "per unit":
        cap = None if window is None else float(window % 7)
        return Signal(
            name=f"S{i}", date_column="Roles", points=points, reads=SignalReads.PER_UNIT, cap=cap, counts_when=gated
        )
    if decay == "linear" and window is None:
        decay = "none"
    return Signal(
        name=f"S{i}",
        date_column="Age" if kind == "days ago" else "Funded",
        points=points,
        window_days=window,
        decay=Decay.parse(decay),
        reads=SignalReads.DAYS_AGO if kind == "days ago" else SignalReads.DATE,
        counts_when=gated,
        count_ahead=ahead,
    )


signals = st.lists(
    st.tuples(
        st.sampled_from(["date", "days ago", "per unit"]),
        st.sampled_from([-1.0, 0.5, 2.0, 4.2, 30.0]),
        st.one_of(st.none(), st.integers(0, 500)),
        st.sampled_from(["none", "linear", "half-life 45 days", "half-life 45 days, floor 1.5"]),
        st.one_of(st.none(), st.sampled_from(GATES)),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(signals, st.integers(1, 12))
def test_random_signals_score_the_same_in_duckdb(
    rows: list[tuple[str, float, int | None, str, str | None, bool]], step: int
) -> None:
    model = IcpModel(
        settings=Settings(timing_1_at=20, timing_2_at=2, middle_tier_at=-100, top_tier_at=10, fit_a_at=2, fit_b_at=1),
        criteria=(Criterion(column="Employees", condition=parse_condition("at least 100"), points=1),),
        signals=tuple(_signal(i, *row) for i, row in enumerate(rows)),
    )
    accounts = _accounts(48, step)
    sql = to_sql(compile_model(model, headers=list(accounts.columns), as_of=AS_OF).query, "duckdb", pretty=False)
    assert mismatches(score(model, accounts, AS_OF), run_duckdb(sql, accounts)) == []


def test_each_signal_kind_scores_the_same_in_duckdb() -> None:
    """One model with every kind at once, so no kind depends on hypothesis drawing it."""
    model = IcpModel(
        settings=Settings(timing_1_at=20, timing_2_at=2, middle_tier_at=-100, top_tier_at=10, fit_a_at=2, fit_b_at=1),
        criteria=(Criterion(column="Employees", condition=parse_condition("at least 100"), points=1),),
        signals=(
            _signal(0, "per unit", 4.2, 35 * 7 + 5, "none", None, False),
            _signal(1, "days ago", 30.0, None, "half-life 45 days, floor 1.5", None, True),
            _signal(2, "days ago", 14.0, None, "half-life 45 days, floor 1", "Flag is true", False),
            _signal(3, "date", 2.0, 60, "linear", "Partner is true", False),
            _signal(4, "date", 1.0, None, "none", None, False),
        ),
    )
    accounts = _accounts(60, 5)
    want = score(model, accounts, AS_OF)
    assert want["icp_why"].str.contains("ignored: dated after the as-of day").any()
    assert want["icp_why"].str.contains("in 10 days").any()
    assert want["icp_data_gaps"].str.contains("Roles unreadable").any()
    sql = to_sql(compile_model(model, headers=list(accounts.columns), as_of=AS_OF).query, "duckdb", pretty=False)
    assert mismatches(want, run_duckdb(sql, accounts)) == []
