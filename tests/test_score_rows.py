"""``score_rows`` (the pandas-free path the Excel functions take) gives exactly what ``score`` gives.

Random rows of the template's model: each cell is one of the template's own
account values for that column (so bands, Anti-ICP rows and signal windows are
hit) or any value a spreadsheet cell can hold.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
from conftest import TEMPLATE, cells, same_results
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from icp_sheets.core.distinct import factorize, objects
from icp_sheets.core.names import RESULT_COLUMNS, without_results
from icp_sheets.core.scoring import score, score_rows
from icp_sheets.io.model_reader import load_model
from icp_sheets.io.tables import read_xlsx_sheets

MODEL = load_model(TEMPLATE)[0]
ACCOUNTS = without_results(next(iter(read_xlsx_sheets(TEMPLATE, ["Accounts"]).values())).frame)
HEADERS = list(ACCOUNTS.columns)
AS_OF = MODEL.settings.as_of or dt.date.today()


def _cell(header: str) -> st.SearchStrategy[Any]:
    seen = [None if pd.isna(v) else v for v in ACCOUNTS[header]]
    return st.one_of(st.sampled_from(seen), cells)


rows = st.lists(st.tuples(*(_cell(h) for h in HEADERS)), min_size=1, max_size=4)
days = st.dates(AS_OF - dt.timedelta(days=30), AS_OF + dt.timedelta(days=30))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _through_pandas(records: list[tuple[Any, ...]], as_of: Any) -> list[tuple[Any, ...]]:
    frame = pd.DataFrame([list(r) for r in records], columns=HEADERS, dtype=object)
    on = pd.Series(as_of, index=frame.index) if isinstance(as_of, list) else as_of
    results = score(MODEL, frame, on)
    return list(zip(*(results[name].tolist() for name in RESULT_COLUMNS), strict=True))


@FAST
@given(rows, st.one_of(st.none(), days))
def test_rows_score_exactly_as_the_pandas_path_scores_them(records: list[tuple[Any, ...]], as_of: Any) -> None:
    assert same_results(score_rows(MODEL, HEADERS, records, as_of), _through_pandas(records, as_of))


@FAST
@given(rows, st.data())
def test_a_day_per_row_scores_as_a_series_of_days_does(records: list[tuple[Any, ...]], data: st.DataObject) -> None:
    on = data.draw(st.lists(days, min_size=len(records), max_size=len(records)))
    assert same_results(score_rows(MODEL, HEADERS, records, on), _through_pandas(records, on))


# Text whose reading its column decides (day/month order, decimal comma: core.column_formats) can by
# design read otherwise alone than among other rows; every other cell must read the same.
DECIDED_BY_COLUMN = re.compile(r"\d[.,/]\d")


@FAST
@given(rows)
def test_one_row_alone_scores_as_it_does_among_others(records: list[tuple[Any, ...]]) -> None:
    assume(not any(isinstance(c, str) and DECIDED_BY_COLUMN.search(c) for record in records for c in record))
    together = score_rows(MODEL, HEADERS, records)
    assert same_results([r for record in records for r in score_rows(MODEL, HEADERS, [record])], together)


def test_a_block_too_big_for_the_small_path_scores_alike() -> None:
    """Over 512 distinct values the column reader switches to pandas' factorize: still the same."""
    block = [tuple(r) for r in ACCOUNTS.astype(object).where(ACCOUNTS.notna(), None).itertuples(index=False)] * 20
    block = [(*r[:3], 10 * i, *r[4:]) for i, r in enumerate(block)]  # 600 distinct employee counts
    fast = score_rows(MODEL, HEADERS, block)
    assert {r[RESULT_COLUMNS.index("icp_tier")] for r in fast} >= {MODEL.settings.top_tier, "Disqualified"}
    assert same_results(fast, _through_pandas(block, None))


def test_a_yes_no_cell_is_never_the_number_it_equals_in_python() -> None:
    """True == 1 and False == 0 in Python (and to pandas' factorize); as cells they differ, in a
    few rows and in a block big enough for pandas alike. Found by the test above."""
    cells = [0, False, 1, True, 1.0, None, "x"]
    for block in (cells, cells * 100):
        codes, distinct = factorize(objects(block))
        read = [distinct[c] for c in codes]
        assert [type(v) is bool for v in read] == [type(v) is bool for v in block]
        assert [v == w for v, w in zip(read, block, strict=True) if w is not None] == [True] * (len(block) // 7 * 6)
