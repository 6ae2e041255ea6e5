"""The why column joins the same texts whether a few rows are joined row by row or many at once."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_sheets.core import explain
from icp_sheets.core.explain import SEPARATOR, Explainer

# Labels that repeat, say nothing, or repeat what a leading part said ("Check: X blank" then "X blank").
LABELS = st.sampled_from(["", "+1 Fintech", "+2 Employees 50–200", "X blank", "Check: X blank", "−1 Zoho"])
part = st.tuples(st.booleans(), st.lists(LABELS, min_size=1, max_size=4))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 6), st.lists(part, max_size=6), st.data())
def test_row_by_row_joins_what_the_vectorised_join_joins(
    rows: int, parts: list[tuple[bool, list[str]]], data: st.DataObject
) -> None:
    explainer = Explainer(rows)
    for leads, labels in parts:
        codes = np.array(data.draw(st.lists(st.integers(0, len(labels) - 1), min_size=rows, max_size=rows)))
        (explainer.lead if leads else explainer.add)(codes, labels)
    by_row = _texts(*explainer.coded())
    by_row_up_to, explain.BY_ROW = explain.BY_ROW, 0
    try:
        vectorised = _texts(*explainer.coded())
    finally:
        explain.BY_ROW = by_row_up_to
    assert by_row == vectorised
    assert all(text == "" or not text.endswith(SEPARATOR) for text in by_row)


def _texts(codes: np.ndarray, distinct: np.ndarray) -> list[str]:
    assert len(set(distinct.tolist())) == len(distinct)  # the why's categories must be unique
    return [distinct[c] for c in codes.tolist()]
