"""The one place that reads what Excel sends and writes what Excel shows."""

from __future__ import annotations

import datetime as dt
import random
import string

import pytest

from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.example import example_model
from icp_sheets.excel.values import (
    CELL_LIMIT,
    CellError,
    as_of_argument,
    as_typed_value,
    block,
    cell,
    column,
    grid,
    matrix,
    message,
    model_from_cell,
    model_to_cell,
    spread,
)

NA_FROM_OFFICE_JS = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
JAN_1_2025 = 45658  # Excel's serial number for 2025-01-01


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        (None, None),
        ("", ""),
        (NA_FROM_OFFICE_JS, None),
        ({"type": "FormattedNumber", "basicValue": 45658, "numberFormat": "m/d/yyyy"}, 45658),
        (0, 0),
        (120.0, 120.0),
        (" Series B ", " Series B "),
    ],
)
def test_cell_reads_office_js_and_desktop_values(sent, read):
    assert cell(sent) == read


def test_grid_accepts_scalars_rows_and_blocks():
    assert grid(None) == ()
    assert grid("Employees") == (("Employees",),)
    assert grid(["Company", "Employees"]) == (("Company", "Employees"),)
    assert grid([["a", ""], [NA_FROM_OFFICE_JS, 3]]) == (("a", ""), (None, 3))


def test_grid_reads_raw_desktop_values():
    """The classic add-in passes raw COM values: tuples, error codes, zone-aware datetimes."""
    na, div0 = -2146826246, -2146826281
    stamp = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert grid(((120.0, na), (div0, stamp))) == ((120.0, None), (None, stamp))


def test_grid_reads_pyodide_empty_cells():
    class JsNull:  # what Pyodide >= 0.28 puts where a cell is empty
        pass

    assert grid([["a", JsNull()]]) == (("a", None),)


def test_column_flattens_a_row_or_a_column_but_not_a_block():
    assert column([["VP Sales"], ["CRO"]]) == ["VP Sales", "CRO"]
    assert column([["VP Sales", "CRO"]]) == ["VP Sales", "CRO"]
    assert column("CRO") == ["CRO"]
    with pytest.raises(CellError, match="one column"):
        column([["a", "b"], ["c", "d"]])


def test_block_keeps_each_result_next_to_its_input_row():
    accounts = block(grid([["Company", "Employees"]]), grid([["A", 120], [None, ""], ["C", 40]]))
    assert accounts.height == 3
    assert list(accounts.table.frame["Company"]) == ["A", "C"]
    assert list(accounts.positions) == [0, 2]
    assert spread(["x", "z"], accounts.height, accounts.positions) == [["x"], [""], ["z"]]


def test_block_reads_one_range_whose_first_row_is_the_header():
    accounts = block(grid([["Company", "Employees"], ["A", 120.0]]), None)
    assert accounts.height == 1
    assert accounts.table.frame.to_dict("records") == [{"Company": "A", "Employees": 120.0}]


def test_block_rejects_headers_and_rows_of_different_widths():
    with pytest.raises(CellError, match="2 headers but the rows are 3 cells wide"):
        block(grid([["Company", "Employees"]]), grid([["A", 1, 2]]))
    with pytest.raises(CellError, match="one row"):
        block(grid([["Company"], ["Employees"]]), grid([["A"], ["B"]]))


def test_spread_gives_a_scalar_for_one_row_and_blanks_for_missing_numbers():
    assert spread([2.0], 1) == 2.0
    assert spread([float("nan"), None, "B2"], 3) == [[""], [""], ["B2"]]
    assert spread([], 0) == ""


def test_zero_in_a_date_column_is_an_empty_cell_but_elsewhere_a_number():
    rows = grid([[0, 0.0], [5, JAN_1_2025]])
    accounts = block(grid([["Employees", "Last funding date"]]), rows, ["last funding date", "Not there"])
    assert accounts.table.frame["Last funding date"].tolist() == [None, JAN_1_2025]
    assert accounts.table.frame["Employees"].tolist() == [0, 5]


@pytest.mark.parametrize(
    ("sent", "day"),
    [
        ([[JAN_1_2025]], dt.date(2025, 1, 1)),
        (JAN_1_2025 + 0.75, dt.date(2025, 1, 1)),
        (dt.datetime(2025, 1, 1, 0, 0), dt.date(2025, 1, 1)),
        ("2025-01-01", dt.date(2025, 1, 1)),
        (None, None),
        (0.0, None),
        ([[""]], None),
    ],
)
def test_as_of_reads_serials_datetimes_and_text(sent, day):
    assert as_of_argument(sent, 1, dt.date(2026, 11, 16)) == day


def test_as_of_column_gives_each_row_its_day_and_fills_blanks_with_the_default():
    default = dt.date(2026, 11, 16)
    days = as_of_argument([[JAN_1_2025], [None]], 2, default)
    assert list(days) == [dt.date(2025, 1, 1), default]
    with pytest.raises(CellError, match="3 dates for 2 rows"):
        as_of_argument([[1], [2], [3]], 2, default)
    with pytest.raises(CellError, match="as_of"):
        as_of_argument("next tuesday", 1, default)


def test_messages_are_short_and_name_what_is_missing():
    missing = IcpError([Problem(Code.MISSING_COLUMN, "long text", column="Employees")])
    assert message(missing) == "#ICP! missing column 'Employees'"
    two = IcpError([Problem(Code.MISSING_COLUMN, "x", column=c) for c in ("Employees", "Region")])
    assert message(two) == "#ICP! missing columns 'Employees', 'Region'"
    many = IcpError(
        [
            Problem(Code.BAD_CONDITION, "needs two numbers", tab="ICP", row=7, column="Condition"),
            Problem(Code.REQUIRED_CELL, "is blank", tab="ICP", row=8),
        ]
    )
    assert message(many) == "#ICP! ICP row 7, Condition: needs two numbers (and 1 more problem)"
    long = message(ValueError("word " * 500))
    assert long.startswith("#ICP! word") and len(long) <= 256
    assert "\n" not in message(ValueError("two\nlines"))


def test_the_model_survives_a_cell_and_says_which_model_it_is():
    model = example_model()
    text = model_to_cell(model)
    assert text.startswith("ICP1 Example ICP: B2B sales software v1.0 #")
    assert len(text) <= CELL_LIMIT
    assert len(text) < len(model.to_text()), "compressed"
    assert model_from_cell(text) == model


def test_equal_model_texts_are_parsed_once():
    text = model_to_cell(example_model())
    assert model_from_cell(text) is model_from_cell("".join(list(text)))


def test_a_damaged_or_missing_model_cell_says_what_to_do():
    text = model_to_cell(example_model())
    with pytest.raises(IcpError) as damaged:
        model_from_cell(text[:-20])
    assert damaged.value.problems[0].code is Code.BAD_MODEL_TEXT
    with pytest.raises(CellError, match="=ICP_MODEL"):
        model_from_cell(None)
    with pytest.raises(CellError, match="=ICP_MODEL"):
        model_from_cell(42.0)
    with pytest.raises(CellError, match="recalculate"):
        model_from_cell("ICP2 Example ICP v2 #eNq")
    with pytest.raises(CellError, match=r"^missing tab 'ICP'$"):
        model_from_cell("#ICP! missing tab 'ICP'")


def test_a_model_too_big_for_a_cell_is_refused_with_the_fix():
    model = example_model()
    noise = random.Random(0)
    notes = ("".join(noise.choices(string.ascii_letters, k=2000)) for _ in range(30))
    huge = model.model_copy(
        update={
            "criteria": tuple(
                c.model_copy(update={"note": note}) for c, note in zip(model.criteria * 3, notes, strict=True)
            )
        }
    )
    with pytest.raises(IcpError, match="shorten the notes"):
        model_to_cell(huge)


def test_text_that_excel_would_read_as_a_formula_is_written_as_text():
    assert as_typed_value("+2 Employees 50–200") == "'+2 Employees 50–200"
    assert as_typed_value('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert as_typed_value("@SUM(1)") == "'@SUM(1)"
    assert as_typed_value("Pursue") == "Pursue"
    assert as_typed_value(-1.0) == -1.0
    assert as_typed_value(None) == ""


def test_every_answer_is_a_2d_list_of_plain_values():
    assert matrix(2.0) == [[2.0]]
    assert matrix(float("nan")) == [[""]]
    assert matrix([["a"], ["b"]]) == [["a"], ["b"]]
    assert matrix("") == [[""]]
