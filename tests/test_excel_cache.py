"""The per-row results cache: N rows × 8 result formulas cost N scorings in any calculation order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from excel_support import call_body, model_ranges, office_js_runtime, serial

from icp_sheets.core.names import RESULT_COLUMNS
from icp_sheets.example import ACCOUNT_COLUMNS, AS_OF, example_accounts
from icp_sheets.excel.row_cache import ENTRY_OVERHEAD, RowCache

FUNCTIONS = [f"icp_{c.removeprefix('icp_')}" for c in RESULT_COLUMNS]


@pytest.fixture(scope="module")
def lite() -> Any:
    """The functions as xlwings Lite loads them, called through xlwings' Office.js entry point."""
    with office_js_runtime() as (module, server):
        import xlwings

        def call(name: str, *args: Any) -> Any:
            body = call_body(name, list(args), xlwings.__version__)
            return asyncio.run(server.custom_functions_call(body, module))

        model = call("icp_model", *model_ranges())[0][0]
        yield module, call, model


def rows(n: int) -> list[list[Any]]:
    """n distinct account rows (the example's accounts, each company named apart)."""
    accounts = example_accounts()
    return [
        [f"{a['Company']} {i}" if c == "Company" else a[c] for c in ACCOUNT_COLUMNS]
        for i, a in ((i, accounts[i % len(accounts)]) for i in range(n))
    ]


def scorings(module: Any) -> int:
    return int(module.CACHE.misses)


@pytest.mark.parametrize("order", ["row", "column"])
def test_eight_formulas_per_row_cost_one_scoring_per_row_in_either_order(lite: Any, order: str) -> None:
    module, call, model = lite
    module.CACHE.clear()
    data = rows(40)
    cells = [(f, row) for row in data for f in FUNCTIONS]
    if order == "column":
        cells = [(f, row) for f in FUNCTIONS for row in data]
    answers = {(f, tuple(map(str, row))): call(f, model, list(ACCOUNT_COLUMNS), [row]) for f, row in cells}
    assert scorings(module) == 40
    block = {f: call(f, model, list(ACCOUNT_COLUMNS), data) for f in FUNCTIONS}
    assert scorings(module) == 40, "a block of rows already seen is all lookups"
    for f in FUNCTIONS:
        assert [[v] for [[v]] in (answers[(f, tuple(map(str, row)))] for row in data)] == block[f]


def test_an_edited_row_costs_one_scoring(lite: Any) -> None:
    module, call, model = lite
    module.CACHE.clear()
    data = rows(30)
    call("icp_score", model, list(ACCOUNT_COLUMNS), data)
    data[7][ACCOUNT_COLUMNS.index("Employees")] = 5000
    call("icp_score", model, list(ACCOUNT_COLUMNS), data)
    assert scorings(module) == 31


def test_rows_whose_column_decides_their_reading_answer_alike_in_any_calculation_order(lite: Any) -> None:
    """'03/11/2026' alone could be either day; beside '25/10/2026' its column says day/month. A row
    formula and a block formula may read it differently, but neither answer depends on which Excel
    calculated first: such calls are read whole and never cached."""
    module, call, model = lite
    data = rows(2)
    dated = ACCOUNT_COLUMNS.index("Last funding date")
    data[0][dated], data[1][dated] = "03/11/2026", "25/10/2026"
    answers: dict[str, str] = {}
    for first in ("row", "block"):
        module.CACHE.clear()
        for which in (first, "block" if first == "row" else "row"):
            answer = call("icp_data_gaps", model, list(ACCOUNT_COLUMNS), data if which == "block" else data[:1])
            answers.setdefault(which, answer[0][0])
            assert answer[0][0] == answers[which], (first, which)
        assert len(module.CACHE) == 0
    assert "Last funding date unreadable ('03/11/2026')" in answers["row"]
    assert "Last funding date" not in answers["block"]  # read as a date, so no gap
    why = call("icp_why", model, list(ACCOUNT_COLUMNS), data)
    assert "Funding round" in why[0][0]


def test_a_whole_column_argument_costs_and_spills_only_the_used_rows(lite: Any) -> None:
    module, call, model = lite
    module.CACHE.clear()
    data = rows(12)
    whole = [list(ACCOUNT_COLUMNS), *data, *([[None] * len(ACCOUNT_COLUMNS)] * 20_000)]
    spilled = call("icp_tier", model, whole)
    assert len(spilled) == 12 and scorings(module) == 12
    assert module.CACHE.size < 12 * 4_000, "a few KB per used row, nothing for the empty ones"


def test_an_as_of_column_as_long_as_a_whole_column_argument_is_trimmed_alike(lite: Any) -> None:
    _, call, model = lite
    data = rows(3)
    tail = [[None] * len(ACCOUNT_COLUMNS)] * 100
    days = [[serial(AS_OF)]] * 3 + [[None]] * 100
    assert len(call("icp_fit", model, [list(ACCOUNT_COLUMNS)], [*data, *tail], days)) == 3


def test_the_cache_is_bounded_by_its_estimated_size_oldest_out_first() -> None:
    cache = RowCache(limit_bytes=10 * (ENTRY_OVERHEAD + 100))
    for i in range(50):
        cache.put(("model", i), ("x" * 50,), ("y" * 34,))
    assert cache.size <= cache.limit_bytes and len(cache) < 50
    assert cache.get(("model", 49)) == ("y" * 34,) and cache.get(("model", 0)) is None
    assert cache.misses == 50
