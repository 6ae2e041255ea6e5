"""The live formulas: what the Lite script writes and what docs/excel.md tells people to type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icp_sheets.core.names import CONTACT_RESULT_COLUMNS, RESULT_COLUMNS
from icp_sheets.example import ACCOUNT_COLUMNS, CONTACT_COLUMNS
from icp_sheets.excel.formulas import (
    LayoutError,
    account_formulas,
    column_ref,
    contact_formulas,
    header_ref,
    model_formula,
)

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "excel.md"
ACCOUNT_HEADERS = [*ACCOUNT_COLUMNS, *RESULT_COLUMNS]
CONTACT_HEADERS = [*CONTACT_COLUMNS, *CONTACT_RESULT_COLUMNS]
TEMPLATE_TABLES = {
    "ICP": "FitCriteria[#All]",
    "Anti-ICP": "AntiICP[#All]",
    "Signals": "Signals[#All]",
    "Settings": "SettingsTable[#All]",
    "Personas": "Personas[#All]",
}
OPTIONAL_TABLES = {
    "Columns": "AccountColumns[#All]",
    "Grades": "Grades[#All]",
    "Matrix": "PriorityMatrix[#All]",
    "Override": "Overrides[#All]",
}


def test_every_result_column_gets_its_function_over_the_account_span_only() -> None:
    made = account_formulas("Accounts", ACCOUNT_HEADERS)
    assert list(made) == list(RESULT_COLUMNS)
    assert made["icp_why"] == "=ICP_WHY(ICP, Accounts[@[Company]:[Tech switch date]])"
    long = account_formulas("Accounts", ACCOUNT_HEADERS, short=False)["icp_why"]
    assert long == (
        "=ICP_WHY(ICP, Accounts[[#Headers],[Company]:[Tech switch date]], Accounts[@[Company]:[Tech switch date]])"
    )
    assert account_formulas("Accounts", ACCOUNT_HEADERS, today=True)["icp_fit"] == (
        "=ICP_FIT(ICP, Accounts[@[Company]:[Tech switch date]], , TODAY())"
    )
    for column, formula in made.items():
        assert formula.startswith(f"={column.upper()}(ICP, ")
        assert f"[{column}]" not in formula, "a result cell must not read itself"


def test_result_columns_in_the_middle_would_be_circular_and_are_refused() -> None:
    headers = ["Company", "icp_score", "Employees"]
    with pytest.raises(LayoutError, match="after its account columns"):
        account_formulas("Accounts", headers)


def test_contacts_use_title_and_the_optional_columns_they_have() -> None:
    made = contact_formulas("Contacts", CONTACT_HEADERS)
    assert made["icp_role"] == ("=ICP_ROLE(ICP, Contacts[@[Title]], Contacts[@[Department]], Contacts[@[Seniority]])")
    title_only = contact_formulas("People", ["Name", "Job title", "icp_persona"])
    assert title_only == {"icp_persona": "=ICP_PERSONA(ICP, People[@[Job title]])"}
    with pytest.raises(LayoutError, match="Title"):
        contact_formulas("People", ["Name", "icp_persona"])


def test_special_characters_in_column_names_are_escaped() -> None:
    assert column_ref("Deals [#]") == "[Deals '['#']]"
    assert column_ref("Owner's region") == "[Owner''s region]"


def test_the_model_formula_takes_the_tabs_in_its_argument_order() -> None:
    assert model_formula(TEMPLATE_TABLES) == (
        "=ICP_MODEL(FitCriteria[#All], AntiICP[#All], Signals[#All], SettingsTable[#All], Personas[#All], , "
        "IF(DATE(1904,1,1)=0,1904,1900))"
    )
    # The optional tabs follow; a workbook without the last ones leaves them out, not blank.
    assert model_formula({**TEMPLATE_TABLES, "Grades": "Grades[#All]"}).endswith(
        "IF(DATE(1904,1,1)=0,1904,1900), , Grades[#All])"
    )


def test_the_docs_quote_exactly_the_formulas_the_code_writes() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    quoted = dict(re.findall(r"^(icp_\w+) +(=ICP_\w+\(.*\))$", docs, flags=re.MULTILINE))
    written = {**account_formulas("Accounts", ACCOUNT_HEADERS), **contact_formulas("Contacts", CONTACT_HEADERS)}
    assert quoted == written
    assert model_formula({**TEMPLATE_TABLES, **OPTIONAL_TABLES}, header_ref("Accounts", ACCOUNT_HEADERS)) in docs


def test_the_docs_list_every_function_with_its_arguments() -> None:
    import inspect

    from icp_sheets.excel import functions as excel

    docs = DOCS.read_text(encoding="utf-8")
    for name in ("icp_model", *RESULT_COLUMNS, *CONTACT_RESULT_COLUMNS):
        parameters = inspect.signature(getattr(excel, name)).parameters.values()
        shown = ", ".join(p.name if p.default is inspect.Parameter.empty else f"[{p.name}]" for p in parameters)
        assert f"`{name.upper()}({shown})`" in docs, name


def test_the_start_here_steps_cover_both_runtimes_and_every_formula() -> None:
    from icp_sheets.excel.formulas import live_steps

    tables = {
        **{tab: ref.removesuffix("[#All]") for tab, ref in TEMPLATE_TABLES.items()},
        "Accounts": "Accounts",
        "Contacts": "Contacts",
    }
    steps = dict(live_steps(tables, ACCOUNT_HEADERS, CONTACT_HEADERS))
    assert {"xlwings Lite", "Classic add-in"} <= set(steps)
    assert "icp_live_formulas" in steps["xlwings Lite"] and "icp_sheets.excel.functions" in steps["Classic add-in"]
    assert model_formula(TEMPLATE_TABLES, header_ref("Accounts", ACCOUNT_HEADERS)) in steps["Model cell"]
    assert "TODAY()" in steps["Counting from today"]
    written = {**account_formulas("Accounts", ACCOUNT_HEADERS), **contact_formulas("Contacts", CONTACT_HEADERS)}
    for column, formula in written.items():
        assert steps[column].endswith(formula), column


def test_the_template_gets_no_formulas_for_contacts_without_a_title_and_the_template_shows_none() -> None:
    from icp_sheets.excel.formulas import LayoutError, live_steps, start_here_steps
    from icp_sheets.io.template import TABLE_NAMES

    with pytest.raises(LayoutError):
        live_steps(TABLE_NAMES, ACCOUNT_HEADERS, ["Name"])
    assert start_here_steps(TABLE_NAMES, ACCOUNT_HEADERS, ["Name"]) == ()
    assert start_here_steps(TABLE_NAMES, ACCOUNT_HEADERS, CONTACT_HEADERS) == live_steps(
        TABLE_NAMES, ACCOUNT_HEADERS, CONTACT_HEADERS
    )
