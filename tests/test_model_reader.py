"""Reading the model tabs: a faithful round trip, and every problem at once with tab, row and column."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from icp_sheets.core.decays import Decay, DecayKind
from icp_sheets.core.models import IcpModel, Role
from icp_sheets.core.names import ICP, SETTINGS, SIGNALS
from icp_sheets.core.problems import Code, IcpError, Severity
from icp_sheets.io import layout
from icp_sheets.io.model_reader import read_model
from icp_sheets.io.tables import Table, table_from_values


def _tables(model: IcpModel, **edits: list[list[Any]]) -> dict[str, Table]:
    rows = layout.model_rows(model)
    for tab, new_rows in edits.items():
        rows[tab.replace("_", "-")] = new_rows
    return {tab: table_from_values(tab, [layout.TABS[tab].headers, *r]) for tab, r in rows.items()}


def _problems(model: IcpModel, **edits: list[list[Any]]) -> list[tuple[str | None, int | None, str | None, str]]:
    with pytest.raises(IcpError) as caught:
        read_model(_tables(model, **edits))
    return [(p.tab, p.row, p.column, p.code.value) for p in caught.value.problems]


def test_round_trip_gives_the_same_model(model: IcpModel) -> None:
    read, warnings = read_model(_tables(model))
    assert read == model
    assert warnings == []


def test_every_problem_at_once_with_its_place(model: IcpModel) -> None:
    icp = [list(r) for r in layout.model_rows(model)[ICP]]
    icp[0][1] = "between 50"  # row 2
    icp[1][2] = "lots"  # row 3
    icp[2][3] = "firmo"  # row 4
    icp[3][1] = "bigger than 5"  # row 5
    icp[4][0] = None  # row 6
    signals = [list(r) for r in layout.model_rows(model)[SIGNALS]]
    signals[0][3] = "2.5"  # row 2: window must be whole days
    signals[1][4] = "exponential"  # row 3
    problems = _problems(model, ICP=icp, Signals=signals)
    assert problems == [
        ("ICP", 2, "Condition", "bad-condition"),
        ("ICP", 3, "Points", "unreadable-number"),
        ("ICP", 4, "Layer", "unknown-value"),
        ("ICP", 5, "Condition", "unknown-condition"),
        ("ICP", 6, "Column", "required-cell"),
        ("Signals", 2, "Window (days)", "unreadable-number"),
        ("Signals", 3, "Decay", "unknown-value"),
    ]


def test_message_reads_like_the_issue_example(model: IcpModel) -> None:
    icp = [list(r) for r in layout.model_rows(model)[ICP]]
    icp[5][1] = "between 50"  # sheet row 7
    with pytest.raises(IcpError) as caught:
        read_model(_tables(model, ICP=icp))
    assert str(caught.value.problems[0]) == (
        "ICP row 7, Condition: 'between 50' needs two numbers, like 'between 50 and 200'"
    )


def test_missing_header_lists_the_headers_found(model: IcpModel) -> None:
    tables = _tables(model)
    tables["ICP"] = table_from_values("ICP", [["Column", "Rule", "Points"], ["Employees", "below 50", 1]])
    with pytest.raises(IcpError) as caught:
        read_model(tables)
    (problem,) = caught.value.problems
    assert (problem.code, problem.column) == (Code.MISSING_HEADER, "Condition")
    assert "'Column', 'Rule', 'Points'" in problem.message


def test_every_model_tab_must_be_there(model: IcpModel) -> None:
    with pytest.raises(IcpError) as caught:
        read_model({"Settings": _tables(model)["Settings"]})
    missing = {p.tab for p in caught.value.problems if p.code is Code.MISSING_TAB}
    assert missing == {"ICP", "Anti-ICP", "Signals", "Personas"}
    renamed = {name.lower().replace("-", "_"): table for name, table in _tables(model).items()}
    read, _ = read_model(renamed)  # tab names match in any case, '_' for '-'
    assert read == model


def test_settings_are_typed_and_checked(model: IcpModel) -> None:
    settings = [list(r) for r in layout.model_rows(model)[SETTINGS]]
    by_label = {r[0]: r for r in settings}
    by_label["As-of date"][1] = 46296  # an Excel serial date
    by_label["Top tier from score"][1] = "2.5"  # number as text
    read, _ = read_model(_tables(model, Settings=settings))
    assert read.settings.as_of == dt.date(2026, 10, 1)
    assert read.settings.top_tier_at == 2.5
    by_label["Middle tier from score"][1] = "1,5"  # a decimal comma is not guessed at
    assert _problems(model, Settings=settings) == [("Settings", 9, "Value", "unreadable-number")]
    by_label["Middle tier from score"][1] = "5"  # above the top tier
    assert _problems(model, Settings=settings) == [("Settings", None, "Value", "bad-thresholds")]


def test_unknown_settings_are_errors_and_blank_reasons_warnings(model: IcpModel) -> None:
    settings = [*layout.model_rows(model)[SETTINGS], ["Colour of the sky", "blue", ""]]
    last_row = len(settings) + 1  # below the header
    assert _problems(model, Settings=settings) == [("Settings", last_row, "Setting", "unknown-setting")]
    anti = [["Employees", "above 5000", None]]
    read, warnings = read_model(_tables(model, Anti_ICP=anti, Columns=[]))
    assert {(w.code, w.severity) for w in warnings} == {(Code.REQUIRED_CELL, Severity.WARNING)}
    assert read.disqualifiers[0].reason == "Anti-ICP: Employees above 5,000"


def test_decay_words() -> None:
    assert Decay.parse(None).kind is DecayKind.NONE
    assert Decay.parse("Linear").kind is DecayKind.LINEAR
    decay = Decay.parse("half-life 14 days, floor 0.25")
    assert (decay.kind, decay.half_life_days, decay.floor) == (DecayKind.HALF_LIFE, 14, 0.25)
    assert Decay.parse("half life 30").half_life_days == 30
    with pytest.raises(ValueError, match="half-life 30 days"):
        Decay.parse("half-life soon")


def test_persona_role_synonyms_and_keywords(model: IcpModel) -> None:
    personas = [["Buyer", "Decision maker", "VP Sales; CRO", "", "", "Lead with money"]]
    read, _ = read_model(_tables(model, Personas=personas))
    assert read.personas[0].role is Role.ECONOMIC_BUYER
    assert read.personas[0].title_keywords == ("VP Sales", "CRO")
