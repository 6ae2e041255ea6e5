"""Categories as CRMs write them: case, spacing, underscores, hyphens and punctuation do not count."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.models import Disqualifier, IcpModel
from icp_sheets.core.personas import match_persona
from icp_sheets.core.scoring import score
from icp_sheets.core.values import category_key


@pytest.mark.parametrize(
    ("cell", "item"),
    [("SERIES_B", "Series B"), ("Series-B", "series b"), ("GOVERNMENT_ADMINISTRATION", "Government Administration")],
)
def test_crm_spellings_are_the_same_category(cell: str, item: str) -> None:
    assert category_key(cell) == category_key(item)


def test_plus_and_hash_still_count() -> None:
    assert category_key("C++") != category_key("C") and category_key("C#") != category_key("C")


def test_an_anti_icp_row_disqualifies_the_crm_spelling(model: IcpModel, account: Callable[..., pd.DataFrame]) -> None:
    rule = Disqualifier(column="Industry", condition=parse_condition("one of Government Administration"), reason="Gov")
    model = model.model_copy(update={"disqualifiers": (rule,)})
    results = score(model, account(industry="GOVERNMENT_ADMINISTRATION", employees=100, funding_stage="SERIES_B"))
    assert results.loc[0, "icp_dq"] == "Gov"
    assert "SERIES_B (+1)" in results.loc[0, "icp_why"]  # 'one of Series A, Series B, Series C' counted


def test_is_compares_the_whole_cell_and_one_of_splits() -> None:
    whole = parse_condition("is Technology, Information and Internet")
    assert whole.items == ("Technology, Information and Internet",)
    assert parse_condition("one of Technology, Media").items == ("Technology", "Media")


def test_contains_any_of_matches_underscored_items(model: IcpModel, account: Callable[..., pd.DataFrame]) -> None:
    results = score(model, account(employees=100, tech_stack="HUB_SPOT; Gong"))
    assert "HubSpot (+2)" in results.loc[0, "icp_why"]  # the why names the ICP's own spelling
    results = score(model, account(employees=100, tech_stack="Gong; Outreach"))
    assert "HubSpot" not in results.loc[0, "icp_why"]


def test_personas_match_department_and_title_in_crm_spelling(model: IcpModel) -> None:
    persona = match_persona(model, "VP_SALES", "SALES", "VP")
    assert persona is not None and persona.name == "Sales leader"
