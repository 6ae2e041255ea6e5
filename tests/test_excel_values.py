"""The one place that reads what Excel sends and writes what Excel shows."""

from __future__ import annotations

import datetime as dt
import random
import string
from pathlib import Path

import pytest

from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.example import example_model
from icp_sheets.excel.values import (
    CELL_LIMIT,
    CellError,
    ErrorCell,
    Failure,
    MissingInput,
    account_rows,
    answer,
    as_of_days,
    as_typed_value,
    cell,
    cell_size,
    check_width,
    column,
    grid,
    message,
    model_from_cell,
    model_to_cell,
    read_model_cell,
    split_table,
    trim,
)

NA_FROM_OFFICE_JS = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
JAN_1_2025 = 45658  # Excel's serial number for 2025-01-01


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        (None, None),
        ("", ""),
        (NA_FROM_OFFICE_JS, ErrorCell("#N/A")),
        ({"type": "FormattedNumber", "basicValue": 45658, "numberFormat": "m/d/yyyy"}, 45658),
        (0, 0),
        (120.0, 120.0),
        (" Series B ", " Series B "),
    ],
)
def test_cell_reads_office_js_and_desktop_values(sent: object, read: object) -> None:
    assert cell(sent) == read


def test_grid_accepts_scalars_rows_and_blocks() -> None:
    assert grid(None) == ()
    assert grid("Employees") == (("Employees",),)
    assert grid(["Company", "Employees"]) == (("Company", "Employees"),)
    assert grid([["a", ""], [NA_FROM_OFFICE_JS, 3]]) == (("a", ""), (ErrorCell("#N/A"), 3))


def test_grid_reads_raw_desktop_values() -> None:
    """The classic add-in passes raw COM values: tuples, error codes, zone-aware datetimes."""
    na, div0 = -2146826246, -2146826281
    stamp = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert grid(((120.0, na), (div0, stamp))) == ((120.0, ErrorCell("#N/A")), (ErrorCell("#DIV/0!"), stamp))


def test_grid_reads_pyodide_empty_cells() -> None:
    class JsNull:  # what Pyodide >= 0.28 puts where a cell is empty
        pass

    assert grid([["a", JsNull()]]) == (("a", None),)


def test_column_flattens_a_row_or_a_column_but_not_a_block() -> None:
    assert column([["VP Sales"], ["CRO"]]) == ["VP Sales", "CRO"]
    assert column([["VP Sales", "CRO"]]) == ["VP Sales", "CRO"]
    assert column("CRO") == ["CRO"]
    with pytest.raises(CellError, match="one column"):
        column([["a", "b"], ["c", "d"]])


def test_a_table_keeps_each_row_number_and_reads_error_cells_it_holds_as_blank() -> None:
    headers, data, rows = account_rows(("Company", "Employees"), [("A", 120), (None, ""), ("C", ErrorCell())], [])
    assert headers == ["Company", "Employees"]
    assert data == [["A", 120], ["C", None]]
    assert rows == [2, 4]


def test_a_table_is_the_header_and_rows_or_one_block_or_rows_under_the_carried_header() -> None:
    assert split_table(grid([["Company", "Employees"]]), grid([["A", 1]])) == ((("Company", "Employees"),), (("A", 1),))
    assert split_table(grid([["Company", "Employees"], ["A", 120.0]]), None) == (
        (("Company", "Employees"),),
        (("A", 120.0),),
    )
    carried = ("Company", "Employees")
    assert split_table(grid([["A", 1]]), None, carried) == ((carried,), (("A", 1),))
    assert split_table(grid([list(carried), ["A", 1]]), None, carried) == ((carried,), (("A", 1),))
    with pytest.raises(CellError, match="one row"):
        split_table(grid([["Company"], ["Employees"]]), grid([["A"], ["B"]]))
    with pytest.raises(CellError, match="2 headers but the rows are 3 cells wide"):
        check_width(("Company", "Employees"), (("A", 1, 2),))


def test_trailing_empty_rows_are_trimmed_and_inner_ones_kept() -> None:
    rows = [["A", 1], [None, None], ["B", 2], *([[None, ""]] * 1000)]
    assert trim(rows) == rows[:3]
    assert trim([[None]] * 5) == []
    assert trim("CRO") == "CRO"


def test_one_value_is_plain_for_the_classic_add_in_and_1x1_for_office_js() -> None:
    assert answer([2.0], office_js=False) == 2.0
    assert answer(["x" * 300], office_js=False) == "x" * 300
    assert answer([2.0], office_js=True) == [[2.0]]
    assert answer([1.0, "B2"], office_js=False) == [[1.0], ["B2"]]
    assert answer([1.0, "B2"], office_js=True) == [[1.0], ["B2"]]


def test_failures_are_excel_errors_in_office_js_and_reasons_in_icp_why() -> None:
    value = Failure.of(CellError("no model"))
    missing = Failure.of(MissingInput("'Employees' is #N/A in this row"))
    assert value.excel(office_js=True) == {"type": "Error", "errorType": "Value"}
    assert missing.excel(office_js=True) == {"type": "Error", "errorType": "NotAvailable"}
    assert missing.excel(office_js=False) == "#ICP! 'Employees' is #N/A in this row"
    assert missing.text() == "#N/A: 'Employees' is #N/A in this row"
    assert value.text() == "#VALUE!: no model"


def test_zero_in_a_date_column_is_an_empty_cell_but_elsewhere_a_number() -> None:
    _, data, _ = account_rows(("Employees", "Last funding date"), [(0, 0.0), (5, JAN_1_2025)], ["last funding date"])
    assert data == [[0, None], [5, JAN_1_2025]]


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
def test_as_of_reads_serials_datetimes_and_text(sent: object, day: dt.date | None) -> None:
    assert as_of_days(sent, 1, dt.date(2026, 11, 16)) == [day or dt.date(2026, 11, 16)]


def test_as_of_column_gives_each_row_its_day_and_fills_blanks_with_the_default() -> None:
    default = dt.date(2026, 11, 16)
    assert as_of_days([[JAN_1_2025], [None]], 2, default) == [dt.date(2025, 1, 1), default]
    with pytest.raises(CellError, match="3 dates for 2 rows"):
        as_of_days([[1], [2], [3]], 2, default)
    with pytest.raises(CellError, match="as_of"):
        as_of_days("next tuesday", 1, default)
    with pytest.raises(MissingInput, match="as_of is #N/A"):
        as_of_days(NA_FROM_OFFICE_JS, 1, default)


def test_messages_are_short_and_name_what_is_missing() -> None:
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


def test_the_model_survives_a_cell_and_says_which_model_it_is() -> None:
    model = example_model()
    text = model_to_cell(model)
    assert text.startswith("ICP2 Example ICP: B2B sales software v1.0 #")
    assert len(text) <= CELL_LIMIT
    assert len(text) < len(model.to_text()), "compressed"
    read = model_from_cell(text)
    assert read.personas == model.personas and read.signals == model.signals
    assert read.disqualifiers == model.disqualifiers and read.settings.actions == model.settings.actions
    assert [c.model_copy(update={"note": ""}) for c in model.criteria] == list(read.criteria)
    assert not any(c.note for c in read.criteria) and not read.settings.narrative.company, "notes stay out"
    assert read_model_cell(text).headers is None
    assert read_model_cell(model_to_cell(model, ["Company", "Employees"])).headers == ("Company", "Employees")


def test_equal_model_texts_are_parsed_once() -> None:
    text = model_to_cell(example_model())
    assert read_model_cell(text) is read_model_cell("".join(list(text)))


def test_a_damaged_or_missing_model_cell_says_what_to_do() -> None:
    text = model_to_cell(example_model())
    with pytest.raises(IcpError) as damaged:
        model_from_cell(text[:-20])
    assert damaged.value.problems[0].code is Code.BAD_MODEL_TEXT
    with pytest.raises(CellError, match="=ICP_MODEL"):
        model_from_cell(None)
    with pytest.raises(CellError, match="=ICP_MODEL"):
        model_from_cell(42.0)
    with pytest.raises(CellError, match="recalculate"):
        model_from_cell("ICP1 Example ICP v2 #eNq")
    with pytest.raises(CellError, match="shows #VALUE!"):
        model_from_cell({"type": "Error", "basicValue": "#VALUE!", "errorType": "Value"})
    with pytest.raises(CellError, match=r"^missing tab 'ICP'$"):
        model_from_cell("#ICP! missing tab 'ICP'")


def test_a_model_too_big_for_a_cell_names_its_largest_parts_and_notes_never_count() -> None:
    model = example_model()
    noise = random.Random(0)
    words = ["".join(noise.choices(string.ascii_letters, k=2000)) for _ in range(30)]
    noted = model.model_copy(
        update={
            "criteria": tuple(c.model_copy(update={"note": w}) for c, w in zip(model.criteria, words, strict=False))
        }
    )
    assert cell_size(noted) == cell_size(model), "notes are not in the model cell"
    angled = model.model_copy(
        update={
            "personas": tuple(
                p.model_copy(update={"angle": w}) for p, w in zip(model.personas * 10, words, strict=False)
            )
        }
    )
    with pytest.raises(IcpError, match=r"shorten the largest parts .*persona angles \(Personas tab\) [\d,]+") as big:
        model_to_cell(angled)
    assert "notes" not in str(big.value)


def test_text_that_excel_would_read_as_a_formula_is_written_as_text() -> None:
    assert as_typed_value("+2 Employees 50–200") == "'+2 Employees 50–200"
    assert as_typed_value('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert as_typed_value("@SUM(1)") == "'@SUM(1)"
    assert as_typed_value("Pursue") == "Pursue"
    assert as_typed_value(-1.0) == -1.0
    assert as_typed_value(None) == ""


def test_check_warns_when_the_model_cell_would_not_fit_and_names_the_largest_part(tmp_path: Path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    from icp_sheets.io.template import write_template

    model = example_model()
    noise = random.Random(1)
    angles = ["".join(noise.choices(string.ascii_letters, k=2000)) for _ in range(30)]
    personas = tuple(
        p.model_copy(update={"angle": a, "name": f"{p.name} {i}"})
        for i, (p, a) in enumerate(zip(model.personas * 10, angles, strict=False))
    )
    write_template(tmp_path / "big.xlsx", model.model_copy(update={"personas": personas}))
    command = Path(sys.executable).with_name("icp-sheets")
    done = subprocess.run([str(command), "check", str(tmp_path / "big.xlsx")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "warning: the model cell would need" in done.stderr
    assert "persona angles (Personas tab)" in done.stderr


def test_recalculate_advice_works_in_excel_on_the_web_too() -> None:
    """Excel on the web has no Ctrl+Alt+F9; entering the formula again recalculates everywhere."""
    from icp_sheets.excel.values import CellError, read_model_cell

    with pytest.raises(CellError) as raised:
        read_model_cell("ICP1 Example ICP v1.0 #abc")
    assert "F2 then Enter" in str(raised.value) and "Ctrl+Alt" not in str(raised.value)
