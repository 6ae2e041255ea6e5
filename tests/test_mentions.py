"""Keywords inside text (`mentions any of`, `mentions all of`), one spelling per column, engagement-only models."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from icp_sheets.core.conditions import ConditionError, parse_condition
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import ANTI_ICP, ICP, PERSONAS, SETTINGS, SIGNALS
from icp_sheets.core.problems import IcpError
from icp_sheets.core.scoring import score
from icp_sheets.example import example_model
from icp_sheets.io import layout
from icp_sheets.io.model_reader import read_model
from icp_sheets.io.tables import Table, table_from_values

TITLES = [
    "Senior Product Manager",
    "Production Manager",
    "VP, Product",
    "product-manager",
    "C++ developer",
    "C developer",
    "Head of Growth",
    "Head Office",
    "",
    None,
]


def _hits(condition: str) -> list[str | None]:
    values = ColumnValues(pd.Series(TITLES, dtype=object))
    return [t for t, hit in zip(TITLES, parse_condition(condition).matches(values), strict=True) if hit]


def test_mentions_any_matches_whole_words_in_any_case() -> None:
    assert _hits("mentions any of product") == ["Senior Product Manager", "VP, Product", "product-manager"]
    assert _hits("mentions any of C++, Growth") == ["C++ developer", "Head of Growth"]
    assert _hits("mentions any of C") == ["C developer"]
    assert _hits("mentions head of") == ["Head of Growth"]  # a phrase: its words in a row


def test_mentions_all_needs_every_word_in_any_order() -> None:
    assert _hits("mentions all of Manager, Product") == ["Senior Product Manager", "product-manager"]
    assert _hits("mentions all of Product, Director") == []


@pytest.mark.parametrize(("text", "says"), [("mentions any of", "needs at least one word"), ("mentions --", "no word")])
def test_a_mention_without_words_says_how_to_write_it(text: str, says: str) -> None:
    with pytest.raises(ConditionError, match=says):
        parse_condition(text)


def _tables(icp: list[list[Any]], signals: list[list[Any]] | None = None) -> dict[str, Table]:
    rows = layout.model_rows(example_model())
    rows[ICP] = icp
    rows[ANTI_ICP] = []
    rows[PERSONAS] = []
    rows[SIGNALS] = signals or []
    return {tab: table_from_values(tab, [layout.TABS[tab].headers, *r]) for tab, r in rows.items()}


def _score(model: IcpModel, titles: list[str]) -> pd.DataFrame:
    return score(model, pd.DataFrame({"Title": titles}, dtype=object), dt.date(2026, 11, 16))


def test_rows_typed_title_and_TITLE_are_one_column_of_bands() -> None:
    icp = [
        ["Title", "mentions all of VP, Product", 5, "", ""],
        ["title", "mentions any of Product", 2, "", ""],
        ["TITLE ", "any other value", 0, "", ""],
    ]
    model, _ = read_model(_tables(icp))
    assert {c.column for c in model.criteria} == {"Title"}
    results = _score(model, ["VP, Product", "Product Owner", "Engineer"])
    assert results["icp_fit"].tolist() == [5, 2, 0]  # first match only: one column, not three
    assert results["icp_why"].tolist()[:2] == ["Title mentions VP + Product (+5)", "Title mentions Product (+2)"]


def test_an_engagement_only_model_needs_no_icp_row() -> None:
    model, _ = read_model(_tables([], [["Webinar", "Title", 3, 30, "none"]]))
    assert model.criteria == ()
    results = score(model, pd.DataFrame({"Title": ["2026-11-10", ""]}, dtype=object), dt.date(2026, 11, 16))
    assert results["icp_timing"].tolist() == [3, 0]
    assert results["icp_fit"].tolist() == [0, 0]


def test_a_model_with_neither_criteria_nor_signals_is_refused() -> None:
    with pytest.raises(IcpError) as caught:
        read_model(_tables([]))
    assert [(p.tab, p.code.value) for p in caught.value.problems] == [(ICP, "required-cell")]
    assert SETTINGS not in {p.tab for p in caught.value.problems}
