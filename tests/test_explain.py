"""The why and the data gaps read the same whether a few rows are combined row by row or many at once."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_sheets.core import explain
from icp_sheets.core.explain import SEPARATOR, Explained, Explainer, Why

# Labels that repeat, say nothing, or repeat what a leading part said ("Check: X blank" then "X blank"),
# with points (NaN: a note such as "X blank").
LABELS = st.sampled_from(
    [
        ("", 0.0),
        ("Fintech", 1.0),
        ("Employees 50–200", 2.0),
        ("X blank", np.nan),
        ("Check: X blank", np.nan),
        ("Note: Check: X blank", np.nan),
        ("Zoho", -1.0),
        ("Region other", 0.0),
    ]
)
part = st.tuples(st.sampled_from(["lead", "timing", "fit"]), st.lists(LABELS, min_size=1, max_size=4))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 8), st.lists(part, max_size=7), st.sampled_from(list(Why)), st.data())
def test_row_by_row_combines_what_the_vectorised_path_combines(
    rows: int, parts: list[tuple[str, list[tuple[str, float]]]], why: Why, data: st.DataObject
) -> None:
    explainer = Explainer(rows)
    for kind, labelled in parts:
        codes = np.array(data.draw(st.lists(st.integers(0, len(labelled) - 1), min_size=rows, max_size=rows)))
        labels = [text for text, _ in labelled]
        if kind == "lead":
            explainer.lead(codes, labels)
        else:
            kept = data.draw(st.lists(st.booleans(), min_size=len(labels), max_size=len(labels)))
            explainer.add(codes, labels, [points for _, points in labelled], timing=kind == "timing", kept=kept)
    by_row = _texts(explainer.coded(why))
    by_row_up_to, explain.BY_ROW = explain.BY_ROW, 0
    try:
        vectorised = _texts(explainer.coded(why))
    finally:
        explain.BY_ROW = by_row_up_to
    assert by_row == vectorised
    for why_text, gaps in zip(*by_row, strict=True):
        assert all(text == "" or not text.endswith(SEPARATOR) for text in (why_text, gaps))
        assert "(+0)" not in why_text or why is Why.FULL  # a zero-point reason is a gap in the short why
        assert not why_text.startswith(("+", "-", "=", "@"))


def _texts(explained: Explained) -> tuple[list[str], list[str]]:
    columns = []
    for codes, distinct in (explained.why, explained.gaps):
        assert len(set(distinct.tolist())) == len(distinct)  # categories must be unique
        columns.append([distinct[c] for c in codes.tolist()])
    return columns[0], columns[1]
