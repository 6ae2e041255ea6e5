"""Contacts to personas: titles written a hundred ways land on the right person."""

from __future__ import annotations

import pandas as pd
import pytest

from icp_sheets.core.models import IcpModel, Persona, Role
from icp_sheets.core.personas import match_persona, match_personas, title_words
from icp_sheets.core.problems import IcpError
from icp_sheets.example import example_contacts


@pytest.mark.parametrize(
    ("title", "persona"),
    [
        ("VP Sales", "Sales leader"), ("Vice President of Sales", "Sales leader"), ("SVP, Sales", "Sales leader"),
        ("Chief Revenue Officer", "Sales leader"), ("CRO", "Sales leader"), ("Head of Sales EMEA", "Sales leader"),
        ("RevOps Lead", "RevOps champion"), ("Sr. Sales Ops Analyst", "RevOps champion"),
        ("Director, Sales Enablement", "RevOps champion"), ("Salesforce Admin", "CRM gatekeeper"),
        ("Head of IT", "CRM gatekeeper"), ("CISO", "CRM gatekeeper"),
        ("Account Executive", None), ("Marketing Manager", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_titles(model: IcpModel, title: str | None, persona: str | None) -> None:
    found = match_persona(model, title)
    assert (found.name if found else None) == persona


def test_specific_keyword_wins_then_department_then_seniority(model: IcpModel) -> None:
    assert match_persona(model, "Head of Sales Operations").name == "RevOps champion"  # type: ignore[union-attr]
    personas = (
        Persona(name="Sales manager", role=Role.USER, title_keywords=("Manager",), department="Sales"),
        Persona(name="IT manager", role=Role.USER, title_keywords=("Manager",), department="IT", seniority="Senior"),
        Persona(
            name="Senior sales manager",
            role=Role.USER,
            title_keywords=("Manager",),
            department="Sales",
            seniority="Senior",
        ),
    )
    tied = IcpModel(personas=personas)
    assert match_persona(tied, "Manager").name == "Sales manager"  # type: ignore[union-attr]
    assert match_persona(tied, "Manager", " it ").name == "IT manager"  # type: ignore[union-attr]
    assert match_persona(tied, "Manager", "Sales", "senior").name == "Senior sales manager"  # type: ignore[union-attr]


def test_words_are_normalised() -> None:
    assert title_words("V.P. of Sales & Marketing") == ("vp", "sales", "marketing")


def test_match_personas_fills_three_columns_and_keeps_the_index(model: IcpModel) -> None:
    contacts = pd.DataFrame(example_contacts(), index=range(100, 112))
    result = match_personas(model, contacts)
    assert list(result.columns) == ["icp_persona", "icp_role", "icp_angle"]
    assert list(result.index) == list(contacts.index)
    assert result.loc[100].tolist()[:2] == ["Sales leader", "economic buyer"]
    assert result.loc[107].tolist() == ["", "", ""]  # Account Executive


def test_contacts_without_a_title_column(model: IcpModel) -> None:
    with pytest.raises(IcpError, match="no 'Title' column"):
        match_personas(model, pd.DataFrame({"Name": ["A"]}))
