"""Day/month order and decimal separator decided once per column; one note per column, never per cell."""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icp_sheets.core.column_formats import decided_by_values
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.formats import AccountColumn, ReadAs
from icp_sheets.core.problems import Code, Problem, Severity
from icp_sheets.core.scoring import score
from icp_sheets.example import example_accounts, example_model

MODEL = example_model()


def _values(cells: list[object], read_as: ReadAs | None = None) -> ColumnValues:
    return ColumnValues(pd.Series(cells, dtype=object), spec=AccountColumn(name="Col", read_as=read_as))


def _days(values: ColumnValues) -> list[dt.date | None]:
    epoch = dt.date(1970, 1, 1)
    days = values.per_row(values.day_numbers)
    return [None if np.isnan(d) else epoch + dt.timedelta(days=int(d)) for d in days]


@pytest.mark.parametrize(
    ("cells", "order"),
    [
        (["03/04/2026", "25/03/2026"], "day/month"),
        (["03/04/2026", "03/25/2026"], "month/day"),
        (["03.04.2026", "13.04.2026"], "day/month"),
    ],
)
def test_one_date_past_day_12_decides_the_whole_column(cells: list[object], order: str) -> None:
    values = _values(cells)
    first = _days(values)[0]
    assert first == (dt.date(2026, 4, 3) if order == "day/month" else dt.date(2026, 3, 4))
    assert values.notes == []


def test_a_column_that_stays_open_refuses_once_naming_the_column_and_the_format() -> None:
    values = _values(["03/04/2026", "05/06/2026", "03/04/2026", "2026-01-02", None])
    assert _days(values) == [None, None, None, dt.date(2026, 1, 2), None]
    (note,) = values.notes
    assert (note.code, note.column, note.severity) == (Code.AMBIGUOUS_FORMAT, "Col", Severity.WARNING)
    assert "'03/04/2026', '05/06/2026'" in note.message and "Set Format to 'day/month' or 'month/day'" in note.message


@pytest.mark.parametrize(("read_as", "expected"), [(ReadAs.MONTH_DAY, 3), (ReadAs.DAY_MONTH, 4)])
def test_format_decides_the_order(read_as: ReadAs, expected: int) -> None:
    values = _values(["03/04/2026", "05/06/2026"], read_as)
    assert [d.month for d in _days(values) if d] == [expected, 6 if expected == 5 else expected + 2]
    assert values.notes == []


def test_format_wins_over_the_values_and_a_date_it_cannot_be_is_unreadable() -> None:
    values = _values(["03/04/2026", "03/25/2026"], ReadAs.DAY_MONTH)
    assert _days(values) == [dt.date(2026, 4, 3), None]


def test_a_column_mixing_both_orders_reads_the_proven_ones_and_says_so() -> None:
    values = _values(["25/03/2026", "03/25/2026", "03/04/2026"])
    assert _days(values) == [dt.date(2026, 3, 25), dt.date(2026, 3, 25), None]
    (note,) = values.notes
    assert "mixes day/month dates ('25/03/2026') and month/day dates ('03/25/2026')" in note.message


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1.200", "1.250,5"], [1200.0, 1250.5]),
        (["1.200", "12,5"], [1200.0, 12.5]),
        (["12.500.000,00", "€5.000.000"], [12_500_000.0, 5_000_000.0]),
        (["1.200", "12.5"], [1.2, 12.5]),
        (["1,200", "85"], [1200.0, 85.0]),
    ],
)
def test_the_decimal_separator_is_decided_by_the_column(cells: list[object], expected: list[float]) -> None:
    values = _values(cells)
    assert values.per_row(values.numbers).tolist() == expected
    assert values.notes == []


def test_a_column_of_only_1_200_is_read_with_a_point_and_warned_once() -> None:
    values = _values(["1.200", "2.500", "1.200", "85"])
    assert values.per_row(values.numbers).tolist() == [1.2, 2.5, 1.2, 85.0]
    (note,) = values.notes
    assert note.column == "Col" and "read with a decimal point ('1.200' is 1.2)" in note.message
    assert "set Format to 'decimal comma' for 'Col'" in note.message
    values = _values(["1.200", "2.500"], ReadAs.DECIMAL_COMMA)
    assert values.per_row(values.numbers).tolist() == [1200.0, 2500.0] and values.notes == []


def _salesforce_dates(n: int, seed: int) -> tuple[list[str], list[dt.date]]:
    """US-ordered dates as a Salesforce report writes them: most with a day above 12, some not."""
    rng = random.Random(seed)
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300)) for _ in range(n)]
    return [f"{d.month:02d}/{d.day:02d}/{d.year}" for d in days], days


def test_a_us_dated_export_loses_no_date_and_scores_like_iso() -> None:
    canonical = pd.DataFrame(example_accounts())
    n = len(canonical)
    us, days = _salesforce_dates(n, seed=7)
    assert any(d.day <= 12 for d in days) and any(d.day > 12 for d in days)
    iso, export = canonical.copy(), canonical.copy()
    iso["Last funding date"] = [d.isoformat() for d in days]
    export["Last funding date"] = us
    notes: list[Problem] = []
    expected = score(MODEL, iso)
    got = score(MODEL, export, notes=notes)
    assert got["icp_score"].tolist() == expected["icp_score"].tolist()
    assert not [p for p in notes if p.column == "Last funding date"]


def test_the_summary_counts_cells_per_column_with_the_first_examples() -> None:
    frame = pd.DataFrame(example_accounts())
    frame["Employees"] = frame["Employees"].astype(object)
    frame.loc[0:3, "Employees"] = ["lots", "n/a", "≈200", "lots"]
    frame.loc[4, "Last funding date"] = "2026-03-31garbage"
    notes: list[Problem] = []
    score(MODEL, frame, notes=notes)
    by_column = {p.column: p for p in notes if p.code is Code.COLUMN_SUMMARY}
    assert by_column["Employees"].message.startswith("3 unreadable ('lots', '≈200'), ")
    assert "blank ('n/a')" in by_column["Employees"].message
    assert by_column["Last funding date"].message.startswith("1 unreadable ('2026-03-31garbage')")
    assert by_column["Employees"].severity is Severity.WARNING
    (blanks,) = [p for p in notes if p.code is Code.COLUMN_SUMMARY and p.column is None]
    assert blanks.severity is Severity.INFO and "Tech stack 2" in blanks.message


def test_score_prints_the_summary_and_one_note_per_open_column(tmp_path: Path) -> None:
    workbook, accounts = tmp_path / "icp.xlsx", tmp_path / "accounts.csv"
    command = Path(sys.executable).with_name("icp-sheets")
    subprocess.run([str(command), "new", str(workbook)], check=True, capture_output=True)
    frame = pd.DataFrame(example_accounts())
    frame["Employees"] = frame["Employees"].astype(object)
    frame.loc[0:2, "Employees"] = ["lots", "n/a", "≈200"]
    frame["Leader hired date"] = ["03/04/2026" if i % 3 else "" for i in range(len(frame))]
    frame.to_csv(accounts, index=False)
    done = subprocess.run(
        [str(command), "score", str(workbook), str(accounts), "-o", str(tmp_path / "out.csv")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    checked = subprocess.run([str(command), "check", str(workbook), str(accounts)], capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stderr.count("for 'Leader hired date' on the Columns tab") == 1
    blanks = 1 + list(pd.DataFrame(example_accounts())["Employees"]).count("n/a")
    assert f"warning: Employees: 2 unreadable ('lots', '≈200'), {blanks} blank ('n/a')" in done.stderr
    assert done.stderr.count("Set Format to 'day/month' or 'month/day' for 'Leader hired date'") == 1


def test_the_why_says_how_a_band_was_read() -> None:
    frame = pd.DataFrame(example_accounts()).head(3)
    frame["Employees"] = ["51-200", "201-500 employees", "11-50"]
    results = score(MODEL, frame)
    why = results["icp_why"].tolist()
    assert "Employees 50–200 ('51-200' read as 125.5, the midpoint) (+2)" in why[0]
    assert "Employees 201–500 ('201-500 employees' read as 350.5, the midpoint) (+1)" in why[1]
    assert "Employees below 50 ('11-50' read as 30.5, the midpoint) (+0)" in results["icp_data_gaps"][2]
    assert "Employees" not in why[2]


@given(st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)), min_size=1, max_size=30), st.booleans())
def test_any_date_column_is_read_exactly_or_refused_once(days: list[dt.date], us: bool) -> None:
    cells = [f"{d.month:02d}/{d.day:02d}/{d.year}" if us else f"{d.day:02d}/{d.month:02d}/{d.year}" for d in days]
    values = _values(list(cells))
    proven = any(d.day > 12 for d in days)
    open_ = [d for d in days if d.day != d.month]
    if proven:
        assert _days(values) == days and values.notes == []
    else:
        assert _days(values) == [d if d.day == d.month else None for d in days]
        assert len(values.notes) == (1 if open_ else 0)


@pytest.mark.parametrize(
    ("values", "read_as", "decided"),
    [
        (["03/11/2026", 45000.0], None, True),
        (["1.200"], None, True),
        (["12,5"], None, True),
        (["Software", 120.0, dt.date(2026, 1, 1), "1,200 staff"], None, False),
        (["03/11/2026"], ReadAs.DAY_MONTH, False),
    ],
)
def test_a_column_says_when_its_values_decide_how_it_reads(values: list[object], read_as: Any, decided: bool) -> None:
    assert decided_by_values(values, read_as) is decided
