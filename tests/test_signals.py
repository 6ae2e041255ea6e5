"""Signals beyond one date column: gates, days ago, counts, forever windows, several dates per
cell, Max events, At least, the Events log, and events dated after the as-of day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.gates import parse_gate
from icp_sheets.core.models import Criterion, IcpModel, Settings, Signal, SignalReads
from icp_sheets.core.problems import IcpError, errors
from icp_sheets.core.scoring import score

AS_OF = dt.date(2026, 3, 1)


def _model(*signals: Signal) -> IcpModel:
    return IcpModel(
        settings=Settings(middle_tier_at=-100, top_tier_at=0, as_of=AS_OF),
        criteria=(Criterion(column="Domain", condition=parse_condition("is nobody"), points=0),),  # says nothing
        signals=signals,
    )


def _score(model: IcpModel, rows: list[dict[str, Any]], events: pd.DataFrame | None = None) -> pd.DataFrame:
    return score(model, pd.DataFrame(rows, dtype=object), events=events)


def _ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


def test_a_gate_switches_a_signal_off_and_a_true_flag_without_a_day_is_worth_nothing() -> None:
    signal = Signal(
        name="Expansion",
        date_column="Days",
        points=14,
        reads=SignalReads.DAYS_AGO,
        decay=Decay.parse("half-life 45 days, floor 1"),
        counts_when=parse_gate("Expanding is true"),
    )
    got = _score(
        _model(signal),
        [
            {"Domain": "a", "Days": 45, "Expanding": "yes"},
            {"Domain": "b", "Days": 45, "Expanding": "no"},
            {"Domain": "c", "Days": None, "Expanding": "true"},
            {"Domain": "d", "Days": 5000, "Expanding": "true"},
        ],
    )
    assert got["icp_timing"].tolist() == [7.0, 0.0, 0.0, 1.0]
    assert got["icp_why"].tolist()[0] == "Expansion 45 days ago (+7)"
    assert got["icp_why"].tolist()[3] == "Expansion 5000 days ago (+1)"  # the floor holds at any age


def test_a_count_gives_points_per_unit_up_to_its_cap() -> None:
    signal = Signal(name="Hiring", date_column="Open roles", points=12, reads=SignalReads.PER_UNIT, cap=100)
    got = _score(_model(signal), [{"Domain": "a", "Open roles": n} for n in (0, 1, 8, 9, 2.5, None, "lots")])
    assert got["icp_timing"].tolist() == [0, 12, 96, 100, 30, 0, 0]
    assert got["icp_why"].tolist()[1:4] == ["Hiring 1 × 12 (+12)", "Hiring 8 × 12 (+96)", "Hiring 9 × 12 (+100)"]
    assert got["icp_data_gaps"].tolist()[6] == "Open roles unreadable ('lots')"


def test_several_dates_in_one_cell_each_count_and_max_events_keeps_the_latest() -> None:
    every = Signal(name="Webinar", date_column="Attended", points=2, window_days=30)
    capped = every.model_copy(update={"name": "Webinar (2)", "max_events": 2})
    cell = f"{_ago(1)}; {_ago(10)}\n{_ago(20)}; {_ago(40)}"
    got = _score(_model(every, capped), [{"Domain": "a", "Attended": cell}, {"Domain": "b", "Attended": _ago(3)}])
    assert got["icp_timing"].tolist() == [6 + 4, 2 + 2]
    assert got["icp_why"][0] == (
        "Webinar ×3, latest 1 day ago (+6) · Webinar (2) ×3 (the latest 2 count), latest 1 day ago (+4)"
    )


def test_a_cell_with_a_date_that_cannot_be_read_is_unreadable_not_its_first_date() -> None:
    signal = Signal(name="Funding", date_column="Funded", points=2, window_days=30)
    got = _score(_model(signal), [{"Domain": "a", "Funded": f"{_ago(1)}; someday"}])
    assert got["icp_timing"].tolist() == [0]
    assert got["icp_data_gaps"][0] == f"Funded unreadable ('{_ago(1)}; someday')"


def test_events_after_the_as_of_day_are_ignored_and_said() -> None:
    signal = Signal(name="Funding", date_column="Funded", points=2)
    cells = [_ago(-5), f"{_ago(-5)}; {_ago(-9)}; {_ago(2)}"]
    got = _score(_model(signal), [{"Domain": d, "Funded": c} for d, c in zip("ab", cells, strict=True)])
    assert got["icp_timing"].tolist() == [0, 2]
    assert got["icp_why"].tolist() == [
        "Funding ignored: dated after the as-of day",
        "Funding 2 days ago (+2) · Funding ×2 ignored: dated after the as-of day",
    ]


def _log(*rows: tuple[str, str, str] | tuple[str, str, str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame([r if len(r) == 4 else (*r, None) for r in rows], columns=["domain", "Event", "Date", "Value"])
    return frame


def test_the_events_log_counts_per_occurrence_with_decay_and_a_cap() -> None:
    visits = Signal(
        name="Pricing page",
        date_column="pricing_page",
        points=3,
        window_days=30,
        reads=SignalReads.EVENT,
        decay=Decay.parse("half-life 10 days"),
        max_events=3,
    )
    log = _log(
        ("A.com", "Pricing page", _ago(0)),
        ("a.com", "pricing page", _ago(10), 2),
        ("a.com", "Pricing page", _ago(31)),
        ("a.com", "Demo", _ago(1)),
        ("b.com", "Pricing page", _ago(-2)),
        ("nobody.com", "Pricing page", _ago(1)),
    )
    notes: list[Any] = []
    got = score(_model(visits), pd.DataFrame({"Domain": ["a.com", "b.com", "c.com"]}), events=log, notes=notes)
    assert got["icp_timing"].tolist() == [3 + 1.5 + 1.5, 0, 0]
    assert got["icp_why"].tolist() == [
        "Pricing page ×3, latest today (+6)",
        "Pricing page ignored: dated after the as-of day",
        "",
    ]
    assert [n.code.value for n in notes if n.tab == "Events"] == ["unknown-value"]


def test_at_least_n_events_in_the_window_count_once() -> None:
    twice = Signal(
        name="2+ pricing visits",
        date_column="Pricing page",
        points=5,
        window_days=14,
        reads=SignalReads.EVENT,
        at_least=2,
    )
    log = _log(
        ("a.com", "Pricing page", _ago(1)),
        ("a.com", "Pricing page", _ago(13)),
        ("b.com", "Pricing page", _ago(1)),
        ("b.com", "Pricing page", _ago(15)),
    )
    got = score(_model(twice), pd.DataFrame({"Domain": ["a.com", "b.com"]}), events=log)
    assert got["icp_timing"].tolist() == [5, 0]
    assert got["icp_why"].tolist() == ["2+ pricing visits ×2, latest 1 day ago (+5)", ""]
    assert got["icp_data_gaps"].tolist() == ["", "2+ pricing visits ×1, 2 needed (+0)"]


def test_an_event_signal_without_a_log_stops_with_what_to_do() -> None:
    signal = Signal(name="Visits", date_column="Pricing page", points=1, reads=SignalReads.EVENT)
    with pytest.raises(IcpError, match="add an Events tab"):
        _score(_model(signal), [{"Domain": "a"}])


def test_a_log_without_a_key_column_says_so() -> None:
    signal = Signal(name="Visits", date_column="Pricing page", points=1, reads=SignalReads.EVENT)
    log = pd.DataFrame({"Company": ["a"], "Event": ["Pricing page"], "Date": [_ago(1)]})
    with pytest.raises(IcpError, match="named like an Accounts column"):
        _score(_model(signal), [{"Domain": "a"}], events=log)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reads": SignalReads.PER_UNIT, "window_days": 30}, "leave Window and Decay blank"),
        ({"cap": 3}, "only a 'per unit' signal takes a cap"),
        ({"reads": SignalReads.DAYS_AGO, "max_events": 2}, "'Max events' and 'At least' count events"),
        ({"decay": Decay.parse("linear")}, "give the window in days"),
    ],
)
def test_signal_options_that_contradict_each_other_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Signal(name="S", date_column="D", points=1, **fields)


def test_the_signals_tab_reads_every_option_and_reports_every_bad_cell() -> None:
    from icp_sheets.core.names import SIGNALS
    from icp_sheets.io import layout
    from icp_sheets.io.model_reader import read_model
    from icp_sheets.io.tables import table_from_values
    from tools.peer_toolkit import peer_model

    model = peer_model()
    rows = [list(r) for r in layout.model_rows(model)[SIGNALS]]
    tables = {
        tab: table_from_values(tab, [layout.TABS[tab].headers, *r]) for tab, r in layout.model_rows(model).items()
    }
    assert read_model(tables)[0].signals == model.signals
    rows[0][5] = "per unit up to lots"  # row 2: Reads
    rows[1][6] = "expansion_signal"  # row 3: Counts when without a condition
    rows[2][7] = "1.5"  # row 4: Max events
    rows[3][9] = "sometimes"  # row 5: Dated after as-of
    tables[SIGNALS] = table_from_values(SIGNALS, [layout.TABS[SIGNALS].headers, *rows])
    with pytest.raises(IcpError) as caught:
        read_model(tables)
    assert [(p.tab, p.row, p.column, p.code.value) for p in errors(caught.value.problems)] == [
        ("Signals", 2, "Reads", "unreadable-number"),
        ("Signals", 3, "Counts when", "unknown-condition"),
        ("Signals", 4, "Max events", "unreadable-number"),
        ("Signals", 5, "Dated after as-of", "unknown-value"),
    ]
