"""Invariants that must hold for any cell a spreadsheet can hold."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
import pytest
from conftest import cells
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icp_sheets.core.models import DISQUALIFIED
from icp_sheets.core.names import ICP
from icp_sheets.core.problems import IcpError
from icp_sheets.core.scoring import score
from icp_sheets.example import ACCOUNT_COLUMNS, AS_OF, example_model
from icp_sheets.io import layout
from icp_sheets.io.model_reader import read_model
from icp_sheets.io.tables import table_from_values

MODEL = example_model()
# Cells that would start a formula if they led the why: a value's reason quotes them.
formula_like = st.sampled_from(["=Series B", "+HubSpot", "-", "@Zoho", "=North America", " -Salesforce"])
rows = st.lists(st.fixed_dictionaries({c: cells | formula_like for c in ACCOUNT_COLUMNS}), min_size=1, max_size=8)
# The signed points after each reason in icp_why ("Employees 50–200 (+2) · Pipedrive (−1)"), read independently.
POINTS = re.compile(r"\(([+−]\d+(?:\.\d+)?)\)(?= · |$)")
SIGNAL_NAMES = tuple(s.name for s in MODEL.signals)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(rows)
def test_scoring_never_crashes_and_the_why_adds_up_to_the_score_and_the_tier(records: list[dict[str, Any]]) -> None:
    result = score(MODEL, pd.DataFrame(records, dtype=object))
    assert len(result) == len(records)
    s = MODEL.settings
    columns = (result.icp_score, result.icp_why, result.icp_tier, result.icp_dq, result.icp_data_gaps)
    for total, why, tier, dq, gaps in zip(*columns, strict=True):
        listed = [float(m.replace("−", "-")) for m in POINTS.findall(str(why))]
        # The example model has no cap on the total; a per-unit cap shows as the capped points of its reason.
        assert total == pytest.approx(sum(listed), abs=0.005 * len(listed) + 1e-9), why
        assert not str(why).startswith(("+", "-", "=", "@")), why
        assert all(p == 0 for p in _points(gaps)), gaps
        _assert_why_order(str(why), str(dq))
        expected = (
            s.top_tier if total >= s.top_tier_at else s.middle_tier if total >= s.middle_tier_at else DISQUALIFIED
        )
        assert tier == (DISQUALIFIED if dq else expected), (total, why, dq)


def _points(text: object) -> list[float]:
    return [float(m.replace("−", "-")) for m in POINTS.findall(str(text))]


def _assert_why_order(why: str, dq: str) -> None:
    """A disqualification first, then timing, then fit, each group with its largest points first."""
    items = [item for item in why.split(" · ") if item]
    if dq:
        assert items[0] == f"Disqualified: {dq}", why
    scored = [item for item in items if POINTS.search(item)]
    timing = [item.startswith(SIGNAL_NAMES) for item in scored]
    assert timing == sorted(timing, reverse=True), why
    for group in (True, False):
        points = [_points(item)[0] for item, t in zip(scored, timing, strict=True) if t is group]
        assert points == sorted(points, reverse=True) and 0 not in points, why


@FAST
@given(rows, st.integers(0, 60), st.sampled_from([s.date_column for s in MODEL.signals]))
def test_a_signal_inside_its_window_never_lowers_a_score(records: list[dict[str, Any]], age: int, column: str) -> None:
    before = score(MODEL, pd.DataFrame(records, dtype=object))
    window = next(s.window_days for s in MODEL.signals if s.date_column == column)
    assert window is not None  # the Example ICP's signals all have a window
    for record in records:
        record[column] = AS_OF - dt.timedelta(days=min(age, window))
    after = score(MODEL, pd.DataFrame(records, dtype=object))
    assert (after.icp_score >= before.icp_score).all()


@FAST
@given(rows, st.integers(1001, 10**7))
def test_an_anti_icp_match_always_disqualifies(records: list[dict[str, Any]], employees: int) -> None:
    for record in records:
        record["Employees"] = employees
    result = score(MODEL, pd.DataFrame(records, dtype=object))
    assert (result.icp_tier == "Disqualified").all()
    assert (result.icp_priority == "DQ").all()


@FAST
@given(st.lists(st.lists(cells, min_size=5, max_size=5), min_size=1, max_size=6))
def test_reading_a_model_never_crashes(icp_rows: list[list[Any]]) -> None:
    tables = {
        tab: table_from_values(tab, [layout.TABS[tab].headers, *rows]) for tab, rows in layout.model_rows(MODEL).items()
    }
    tables[ICP] = table_from_values(ICP, [layout.TABS[ICP].headers, *icp_rows])
    try:
        model, _ = read_model(tables)
    except IcpError as exc:
        assert exc.problems and all(p.tab == ICP for p in exc.problems)
        assert all(p.row for p in exc.problems if p.column)  # a cell problem names its row
    else:
        assert model.criteria or model.signals  # an engagement-only model needs no ICP row
