"""Cell reading: numbers as text, dates in several forms, yes/no, blanks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from icp_sheets.core.values import (
    DateError,
    NumberStyle,
    is_blank,
    norm_text,
    number_style,
    parse_bool,
    parse_date,
    parse_number,
    split_list,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (150, 150.0), (150.0, 150.0), ("150", 150.0), (" 150 ", 150.0), ("150.0", 150.0), ("1,200", 1200.0),
        ("1 200", 1200.0), ("$1,200", 1200.0), ("10k", 10_000.0), ("1.5M", 1_500_000.0), ("-3", -3.0),
        ("1,000+", 1000.0), ("51-200", 125.5), ("51 – 200 employees", 125.5), (np.int64(7), 7.0),
    ],
)  # fmt: skip
def test_numbers_people_type_are_read(cell: object, expected: float) -> None:
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["n/a", "lots", "", None, float("nan"), True, "12 apples", "200-50", "1,2,3"])
def test_cells_that_are_not_numbers_give_none(cell: object) -> None:
    assert parse_number(cell) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-10-01", dt.date(2026, 10, 1)), ("2026-10-01T09:30:00", dt.date(2026, 10, 1)),
        (dt.datetime(2026, 10, 1, 13, 0), dt.date(2026, 10, 1)), (dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
        (46296, dt.date(2026, 10, 1)), (46296.0, dt.date(2026, 10, 1)), ("46296", dt.date(2026, 10, 1)),
        ("31/10/2026", dt.date(2026, 10, 31)), ("10/31/2026", dt.date(2026, 10, 31)),
        ("31.10.2026", dt.date(2026, 10, 31)), ("1 Oct 2026", dt.date(2026, 10, 1)),
        ("October 1, 2026", dt.date(2026, 10, 1)), (np.datetime64("2026-10-01"), dt.date(2026, 10, 1)),
        ("2026-03-04T10:00:00Z", dt.date(2026, 3, 4)), ("2026-03-04 10:00:00+01:00", dt.date(2026, 3, 4)),
        ("4 Mar 2026", dt.date(2026, 3, 4)), ("March 4, 2026", dt.date(2026, 3, 4)),
    ],
)  # fmt: skip
def test_dates_in_every_usual_form(cell: object, expected: dt.date) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["03/04/2026", "03.04.2026"])
def test_ambiguous_day_month_is_refused_with_both_readings(cell: str) -> None:
    """Dots follow the slash rule: '03.04.2026' is 3 April in Germany, and a US export can write it too."""
    with pytest.raises(DateError) as caught:
        parse_date(cell)
    message = str(caught.value)
    assert "03 Apr 2026" in message and "04 Mar 2026" in message and "2026-03-04" in message


@pytest.mark.parametrize("cell", ["soon", "2026-13-01", 12, "31/02/2026", True, "2026-03-31garbage", "2026-03-31 x"])
def test_unreadable_dates_raise(cell: object) -> None:
    with pytest.raises(DateError):
        parse_date(cell)


@pytest.mark.parametrize("cell", [None, "", "   ", "n/a", "N/A", "-", float("nan"), "#N/A"])
def test_blank_and_no_data_markers(cell: object) -> None:
    assert is_blank(cell)
    assert parse_date(cell) is None


def test_yes_no_and_text_keys() -> None:
    assert [parse_bool(v) for v in ("Yes", "y", "TRUE", 1, "x", "no", "0", False, "maybe", None)] == [
        True, True, True, True, True, False, False, False, None, None]  # fmt: skip
    assert norm_text("  Series   B ") == norm_text("series b") == "series b"
    assert norm_text(2024.0) == "2024"
    assert split_list("Salesforce, HubSpot;Gong\nSlack,, ") == ["Salesforce", "HubSpot", "Gong", "Slack"]


@pytest.mark.parametrize(
    ("cell", "number", "style"),
    [
        ("51-200", 125.5, NumberStyle.MIDPOINT), ("10,001+", 10_001.0, NumberStyle.LOWER_BOUND),
        ("$10M-$50M", 30e6, NumberStyle.MIDPOINT), ("$5 mil. - $10 mil.", 7.5e6, NumberStyle.MIDPOINT),
        ("$10M to $50M", 30e6, NumberStyle.MIDPOINT), ("12.5M", 12.5e6, NumberStyle.SCALED),
        ("€5,000,000", 5e6, None), ("$1 bil. - $5 bil.", 3e9, NumberStyle.MIDPOINT),
        ("10,001+ employees", 10_001.0, NumberStyle.LOWER_BOUND), ("$10 million", 10e6, NumberStyle.SCALED),
        ("1,200", 1200.0, None), ("150", 150.0, None),
    ],
)  # fmt: skip
def test_vendor_bands_read_to_one_documented_number(cell: str, number: float, style: NumberStyle | None) -> None:
    assert parse_number(cell) == number
    assert number_style(cell) is style
