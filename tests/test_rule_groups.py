"""Rule groups, AND conditions, caps and the 0–100 scale: HubSpot- and Apollo-style models typed as
their users would, read from a workbook, scored against hand-computed results, and the same in SQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from sql_support import mismatches, run_duckdb

from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.models import Criterion, IcpModel, Scale, Settings
from icp_sheets.core.names import ANTI_ICP, ICP, PERSONAS, SETTINGS, SIGNALS
from icp_sheets.core.problems import IcpError
from icp_sheets.core.reach import best_fit, best_timing
from icp_sheets.core.scoring import score
from icp_sheets.io import layout
from icp_sheets.io.model_reader import load_model, read_model
from icp_sheets.io.tables import Table, table_from_values
from icp_sheets.io.template import write_template
from icp_sheets.sql import compile_model, to_sql

AS_OF = dt.date(2026, 6, 1)
N = None  # a blank cell

# Column · Condition · Points · Layer · Note · Group · Cap · And column · And condition
HUBSPOT_ICP = [
    ["Employees", "between 50 and 249", 30, N, N, "Company size", 40, N, N],
    ["Employees", "between 250 and 999", 40, N, N, "Company size", N, N, N],
    ["Revenue", "at least 10M", 20, N, N, "Company size", N, N, N],
    ["Industry", "one of Software, SaaS", 30, N, N, "Industry", 30, N, N],
    ["Industry", "is Fintech", 20, N, N, "Industry", N, N, N],
    ["Title", "mentions any of VP, Head of, Director", 25, N, N, "Persona", 40, N, N],
    ["Department", "is Sales", 20, N, N, "Persona", N, N, N],
    ["Title", "mentions any of Student, Intern", -15, N, N, "Negative", -20, N, N],
    ["Email", "mentions any of gmail, yahoo", -10, N, N, "Negative", N, N, N],
]
HUBSPOT_SIGNALS = [
    ["Pricing page", "Pricing visit", 30, 30, "linear"],
    ["Demo request", "Demo", 50, 60, "half-life 15 days"],
]
HUBSPOT_SETTINGS = Settings(
    as_of=AS_OF,
    fit_cap=100,
    timing_cap=60,
    top_tier_at=100,
    middle_tier_at=20,
    fit_a_at=70,
    fit_b_at=40,
    timing_1_at=40,
    timing_2_at=15,
)

APOLLO_ICP = [
    ["Employees", "between 11 and 50", 10, N, N, N, N, N, N],
    ["Employees", "between 51 and 200", 20, N, N, N, N, N, N],
    ["Employees", "between 201 and 500", 15, N, N, N, N, N, N],
    ["Title", "mentions any of Product", 10, N, N, "Product", N, N, N],
    ["Title", "mentions any of Manager", 15, N, N, "Manager", N, N, N],
    ["Title", "mentions any of Director", 20, N, N, "Director", N, N, N],
    ["Industry", "is Software", 10, N, N, N, N, "Employees", "between 51 and 200"],
    ["Industry", "is Software", 5, N, N, N, N, N, N],
]
APOLLO_SETTINGS = Settings(
    as_of=AS_OF,
    scale=Scale.PERCENT,
    top_tier_at=60,
    middle_tier_at=20,
    fit_a_at=60,
    fit_b_at=30,
    timing_1_at=50,
    timing_2_at=20,
)


def _tables(icp: list[list[Any]], signals: list[list[Any]], settings: Settings) -> dict[str, Table]:
    rows = layout.model_rows(IcpModel(settings=settings))
    rows |= {ICP: icp, SIGNALS: signals, ANTI_ICP: [], PERSONAS: []}
    return {tab: table_from_values(tab, [layout.TABS[tab].headers, *r]) for tab, r in rows.items()}


def _workbook(tmp_path: Path, icp: list[list[Any]], signals: list[list[Any]], settings: Settings) -> IcpModel:
    """The model as typed, written into the template and read back from the file."""
    typed, _ = read_model(_tables(icp, signals, settings))
    path = tmp_path / "model.xlsx"
    write_template(path, typed, accounts=[], contacts=[])
    model, _ = load_model(path)
    assert model == typed
    return model


def _days(n: int) -> str:
    return (AS_OF - dt.timedelta(days=n)).isoformat()


HUBSPOT_ACCOUNTS = pd.DataFrame(
    [
        ["120", "20M", "Software", "VP Sales", "Sales", "ann@acme.com", _days(0), _days(15)],
        ["300", "1M", "Fintech", "Marketing Intern", "Marketing", "x@gmail.com", N, N],
        ["20", N, "Retail", "Head of Student Success", N, N, _days(10), _days(2)],
    ],
    columns=["Employees", "Revenue", "Industry", "Title", "Department", "Email", "Pricing visit", "Demo"],
    dtype=object,
)


def test_hubspot_style_groups_caps_total_limit_and_decay(tmp_path: Path) -> None:
    model = _workbook(tmp_path, HUBSPOT_ICP, HUBSPOT_SIGNALS, HUBSPOT_SETTINGS)
    results = score(model, HUBSPOT_ACCOUNTS)
    # 1: size 30+20 held at 40, industry 30, persona 25+20 held at 40: 110, held at the total limit of 100;
    #    pricing today 30 + demo one half-life ago 25 = 55.
    # 2: size 40, industry 20, persona 0, negative −15−10 held at −20: 40; no events.
    # 3: persona 25 ('Head of'), negative −15 ('Student'): 10; pricing 30×(1−10/30) = 20 and demo
    #    50×0.5^(2/15) = 45.59 add to 65.59, held at the timing cap of 60.
    assert results["icp_fit"].tolist() == [100, 40, 10]
    assert results["icp_timing"].tolist() == pytest.approx([55, 0, 60])
    assert results["icp_priority"].tolist() == ["A1", "B3", "C1"]
    assert results["icp_tier"].tolist() == ["Pursue", "Nurture", "Nurture"]
    why = results["icp_why"].tolist()
    assert why[0] == (
        "Pricing page today (+30) · Demo request 15 days ago (+25) · Employees 50–249 (+30) · Software (+30)"
        " · Title mentions VP (+25) · Revenue 10,000,000+ ('20M' read as 20,000,000) (+20) · Sales (+20)"
        " · Persona 45 capped at 40 (−5) · Company size 50 capped at 40 (−10) · fit 110 capped at 100 (−10)"
    )
    assert "Negative -25 capped at -20 (+5)" in why[1]
    assert "timing 65.59 capped at 60 (−5.59)" in why[2]


APOLLO_ACCOUNTS = pd.DataFrame(
    [
        ["120", "Senior Product Manager", "Software"],
        ["30", "Product Director", "Software"],
        ["5000", "Engineer", "Retail"],
        ["300", "Production Manager", "software"],
    ],
    columns=["Employees", "Title", "Industry"],
    dtype=object,
)


def test_apollo_style_exclusive_ranges_and_additive_title_keywords_on_0_to_100(tmp_path: Path) -> None:
    model = _workbook(tmp_path, APOLLO_ICP, [], APOLLO_SETTINGS)
    assert best_fit(model) == 20 + 10 + 15 + 20 + 10  # what 100 means here
    results = score(model, APOLLO_ACCOUNTS)
    # 1: 20 (51–200) + 10 Product + 15 Manager + 10 (Software and 51–200) = 55 of 75.
    # 2: 10 (11–50) + 10 Product + 20 Director + 5 (Software, too small for the AND) = 45 of 75.
    # 3: nothing. 4: 15 (201–500) + 15 Manager ('Production' is not 'Product') + 5 = 35 of 75.
    assert results["icp_fit"].tolist() == pytest.approx([55 / 75 * 100, 60, 0, 35 / 75 * 100])
    assert results["icp_score"].tolist() == results["icp_fit"].tolist()
    assert results["icp_priority"].tolist() == ["A3", "A3", "DQ", "B3"]
    assert results["icp_why"][0] == (
        "Employees 51–200 (+20) · Title mentions Manager (+15) · Title mentions Product (+10)"
        " · Software and Employees between 51 and 200 (+10)"
    )


@pytest.mark.parametrize(
    ("model_rows", "signals", "model_settings", "accounts"),
    [
        (HUBSPOT_ICP, HUBSPOT_SIGNALS, HUBSPOT_SETTINGS, HUBSPOT_ACCOUNTS),
        (APOLLO_ICP, [], APOLLO_SETTINGS, APOLLO_ACCOUNTS),
    ],
)
def test_the_golden_models_score_the_same_in_duckdb(
    model_rows: list[list[Any]], signals: list[list[Any]], model_settings: Settings, accounts: pd.DataFrame
) -> None:
    model, _ = read_model(_tables(model_rows, signals, model_settings))
    sql = to_sql(compile_model(model, headers=list(accounts.columns)).query, "duckdb", pretty=False)
    assert mismatches(score(model, accounts), run_duckdb(sql, accounts)) == []


def _problems(icp: list[list[Any]], model_settings: Settings = APOLLO_SETTINGS) -> list[tuple[Any, ...]]:
    with pytest.raises(IcpError) as caught:
        read_model(_tables(icp, [], model_settings))
    return [(p.tab, p.row, p.column, p.code.value) for p in caught.value.problems]


def test_two_caps_for_one_group_and_half_an_and_are_refused_with_their_cells() -> None:
    icp = [
        ["Title", "mentions VP", 5, N, N, "Persona", 10, N, N],
        ["Department", "is Sales", 5, N, N, "persona", 20, N, N],
        ["Industry", "is Software", 5, N, N, N, N, "Employees", N],
        ["Industry", "is Fintech", 5, N, N, N, N, "Employees", "biggish"],
    ]
    assert _problems(icp) == [
        (ICP, 3, "Cap", "bad-thresholds"),
        (ICP, 4, "And condition", "required-cell"),
        (ICP, 5, "And condition", "unknown-condition"),
    ]


def test_0_to_100_needs_a_most_points_so_an_uncapped_per_unit_is_refused() -> None:
    assert _problems([["Seats", "per unit", 1, N, N, N, N, N, N]]) == [(SETTINGS, None, "Scale", "bad-thresholds")]


# Properties: caps hold and the 0–100 scale stays in range, whatever the rows and cells.
COLUMNS = {
    "Size": ["between 1 and 50", "between 51 and 500", "at least 501", "per unit up to 30", "any other value"],
    "Title": ["mentions any of VP, Head", "mentions all of Product, Manager", "mentions Sales", "is blank"],
    "Kind": ["is Software", "one of Fintech, SaaS", "is not Retail", "any other value"],
}
CELLS: dict[str, list[str | None]] = {
    "Size": ["10", "120", "800", "", "lots", "51-200", "5k"],
    "Title": ["VP Sales", "Product Manager", "Head of Sales Product", "", None, "Manager"],
    "Kind": ["Software", "saas", "Retail", "", "Fintech"],
}
GROUPS = ["", "A", "B", "C"]
POINTS = st.sampled_from([-20.0, -5.0, -1.5, 0.0, 2.0, 7.5, 10.0, 25.0])
CAPS = st.sampled_from([None, -10.0, -1.0, 5.0, 12.5, 40.0])


@st.composite
def grouped_models(draw: st.DrawFn, scale: Scale = Scale.POINTS) -> IcpModel:
    rows = draw(st.lists(st.tuples(st.sampled_from(list(COLUMNS)), st.integers(0, 9), POINTS), min_size=1, max_size=8))
    group_of = draw(st.lists(st.sampled_from(GROUPS), min_size=len(rows), max_size=len(rows)))
    caps = {g: draw(CAPS) for g in GROUPS}
    ands = draw(st.lists(st.sampled_from([None, *COLUMNS]), min_size=len(rows), max_size=len(rows)))
    criteria = []
    for (column, i, points), group, other in zip(rows, group_of, ands, strict=True):
        also = COLUMNS[other][i % len(COLUMNS[other])] if other else None
        criteria.append(
            Criterion(
                column=column,
                condition=parse_condition(COLUMNS[column][i % len(COLUMNS[column])]),
                points=points,
                group=group,
                cap=caps[group],
                and_column=other or "",
                and_condition=parse_condition(also) if also else None,
            )
        )
    return IcpModel(
        settings=Settings(fit_cap=draw(st.sampled_from([None, 0.0, 15.0, 60.0])), scale=scale, as_of=AS_OF),
        criteria=tuple(criteria),
    )


def _cells(step: int) -> pd.DataFrame:
    return pd.DataFrame(
        {c: [p[(i * step + j) % len(p)] for i in range(30)] for j, (c, p) in enumerate(CELLS.items())}, dtype=object
    )


def _group_points(model: IcpModel, key: str, accounts: pd.DataFrame) -> pd.Series:
    """The fit one group gives alone (the model's other rows left out, no fit cap)."""
    rows = tuple(c for c in model.criteria if c.group_key() == key)
    alone = model.model_copy(update={"criteria": rows, "settings": Settings(as_of=AS_OF)})
    return score(alone, accounts)["icp_fit"]


@settings(max_examples=25, deadline=None)
@given(grouped_models(), st.integers(1, 7))
def test_no_group_cap_and_no_fit_cap_is_ever_exceeded(model: IcpModel, step: int) -> None:
    accounts = _cells(step)
    fit = score(model, accounts)["icp_fit"]
    assert (fit <= best_fit(model) + 1e-9).all()
    if model.settings.fit_cap is not None:
        assert (fit <= model.settings.fit_cap).all()
    for key, cap in model.group_caps().items():
        points = _group_points(model, key, accounts)
        assert (points <= cap).all() if cap >= 0 else (points >= cap).all()


@settings(max_examples=25, deadline=None)
@given(grouped_models(Scale.PERCENT), st.integers(1, 7))
def test_the_0_to_100_scale_stays_within_0_and_100(model: IcpModel, step: int) -> None:
    if best_fit(model) + best_timing(model) <= 0:
        with pytest.raises(IcpError):
            score(model, _cells(step))
        return
    results = score(model, _cells(step))
    for column in ("icp_fit", "icp_timing", "icp_score"):
        assert results[column].between(0, 100).all()


@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(grouped_models(), st.sampled_from(list(Scale)), st.integers(1, 7))
def test_random_grouped_models_score_the_same_in_duckdb(model: IcpModel, scale: Scale, step: int) -> None:
    model = model.model_copy(update={"settings": model.settings.model_copy(update={"scale": scale})})
    if scale is Scale.PERCENT and best_fit(model) <= 0:
        return
    accounts = _cells(step)
    sql = to_sql(compile_model(model, headers=list(accounts.columns)).query, "duckdb", pretty=False)
    assert mismatches(score(model, accounts), run_duckdb(sql, accounts)) == []


def test_a_first_match_band_is_explained_by_the_range_it_covers() -> None:
    bands = [("below 50", 0.5), ("below 250", 2), ("below 1000", 1), ("any other value", 0)]
    model = IcpModel(
        settings=Settings(as_of=AS_OF, middle_tier_at=0, top_tier_at=1),
        criteria=tuple(Criterion(column="Employees", condition=parse_condition(c), points=p) for c, p in bands),
    )
    accounts = pd.DataFrame({"Employees": ["10", "120", "249", "600", "5000"]}, dtype=object)
    results = score(model, accounts)
    assert results["icp_why"].tolist()[:4] == [
        "Employees below 50 (+0.5)",
        "Employees 50–249 (+2)",
        "Employees 50–249 (+2)",
        "Employees 250–999 (+1)",
    ]
    sql = to_sql(compile_model(model, headers=["Employees"]).query, "duckdb", pretty=False)
    assert mismatches(results, run_duckdb(sql, accounts)) == []
