"""The Excel functions, called the way Excel calls them.

Office.js runtimes (xlwings Lite, xlwings Server) are exercised through
xlwings' own entry point, ``xlwings.server.custom_functions_call``, with the
request body its JavaScript client sends. The classic desktop add-in calls the
Python functions with values already converted by xlwings, so those tests call
the functions directly with desktop-shaped values.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
from conftest import REPO as ROOT
from conftest import TEMPLATE
from excel_support import call_body, cells, model_ranges, office_js, office_js_runtime, optional_ranges, serial

from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import DATA_TABS, MODEL_TABS, RESULT_COLUMNS, START
from icp_sheets.core.scoring import score, score_rows
from icp_sheets.example import ACCOUNT_COLUMNS, AS_OF, example_accounts, example_model

VALUE_ERROR = {"type": "Error", "errorType": "Value"}  # what Office.js takes as #VALUE!
NA_ERROR = {"type": "Error", "errorType": "NotAvailable"}  # and as #N/A
ACCOUNT_FUNCTIONS = {f"icp_{name.removeprefix('icp_')}": name for name in RESULT_COLUMNS}
CONTACT_FUNCTIONS = ("icp_persona", "icp_role", "icp_angle")


@pytest.fixture(scope="module")
def excel() -> Any:
    """``icp_sheets.excel.functions`` as an Office.js runtime loads it."""
    with office_js_runtime() as (module, server):
        yield _Runtime(module, server)


class _Runtime:
    def __init__(self, module: ModuleType, server: ModuleType) -> None:
        self.module = module
        self.server = server

    def call(self, name: str, *args: Any) -> Any:
        """What xlwings' JavaScript client posts for one formula: every argument a 2-D list."""
        import xlwings

        body = call_body(name, list(args), xlwings.__version__)
        return asyncio.run(self.server.custom_functions_call(body, self.module))

    def value(self, name: str, *args: Any) -> Any:
        """The single cell value Excel shows for a one-cell result."""
        result = self.call(name, *args)
        assert len(result) == 1 and len(result[0]) == 1, result
        return result[0][0]


@pytest.fixture(scope="module")
def model_cell(excel: _Runtime) -> str:
    return str(excel.value("icp_model", *model_ranges()))


def account_rows(accounts: list[dict[str, object]]) -> list[list[object]]:
    return [[a[c] for c in ACCOUNT_COLUMNS] for a in accounts]


def expected_results(accounts: list[dict[str, object]]) -> pd.DataFrame:
    return score(example_model(), pd.DataFrame(accounts, columns=list(ACCOUNT_COLUMNS), dtype=object))


# ---------------------------------------------------------------- registration


def test_every_function_is_registered_with_its_arguments(excel: _Runtime) -> None:
    meta = excel.server.custom_functions_meta(excel.module)
    functions = {f["name"]: f for f in meta["functions"]}
    assert set(functions) == {
        "ICP_MODEL",
        *(n.upper() for n in ACCOUNT_FUNCTIONS),
        *(n.upper() for n in CONTACT_FUNCTIONS),
    }

    def arguments(name: str) -> list[tuple[str, bool]]:
        return [(p["name"], p.get("optional", False)) for p in functions[name]["parameters"]]

    assert arguments("ICP_MODEL") == [
        ("criteria", False),
        ("anti_icp", False),
        ("signals", False),
        ("settings", False),
        ("personas", True),
        ("headers", True),
        ("date_system", True),
        ("columns", True),
        ("grades", True),
        ("matrix", True),
        ("overrides", True),
    ]
    for name in ACCOUNT_FUNCTIONS:
        assert arguments(name.upper()) == [("model", False), ("headers", False), ("rows", True), ("as_of", True)]
    for name in CONTACT_FUNCTIONS:
        assert arguments(name.upper()) == [
            ("model", False),
            ("title", False),
            ("department", True),
            ("seniority", True),
        ]
    for function in functions.values():
        assert not function["description"].startswith("Python function"), function["name"]
        assert all(not p["description"].startswith("Positional") for p in function["parameters"])


CLI_ONLY = ["pyarrow", "openpyxl", "python-calamine", "click", "rich"]  # distribution names


def test_the_functions_module_imports_nothing_pyodide_lacks() -> None:
    """xlwings Lite runs in Pyodide: none of the command line's packages on the functions path."""
    blocked = [name.replace("-", "_") for name in CLI_ONLY]
    code = (
        f"import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"
        "import icp_sheets.excel.functions\n"
        f"assert not [m for m in {blocked!r} if sys.modules.get(m) is not None]\n"
    )
    env = {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial", "PATH": ""}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_emscripten_install_does_not_pull_the_command_lines_packages() -> None:
    """pip and micropip evaluate these markers: under Pyodide the CLI-only packages are skipped."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(line) for line in project["dependencies"]]
    pyodide = {"sys_platform": "emscripten", "platform_system": "Emscripten"}
    pulled = {r.name for r in requirements if r.marker is None or r.marker.evaluate(pyodide)}
    assert pulled == {"pandas", "numpy", "pydantic"}
    assert {r.name for r in requirements if r.marker is None or r.marker.evaluate()} >= set(CLI_ONLY)


# ---------------------------------------------------------------- the model cell


def test_icp_model_returns_the_model_in_one_cell(excel: _Runtime, model_cell: str) -> None:
    from icp_sheets.excel.values import model_from_cell

    assert model_cell.startswith("ICP2 Example ICP")
    assert len(model_cell) <= 32_767
    read = model_from_cell(model_cell)
    example = example_model()
    assert read.criteria == tuple(c.model_copy(update={"note": ""}) for c in example.criteria)
    assert read.signals == example.signals and read.personas == example.personas
    assert read.settings.actions == example.settings.actions and read.settings.as_of == example.settings.as_of


def test_icp_model_is_read_once_per_distinct_range_contents(excel: _Runtime, model_cell: str) -> None:
    reads = excel.module._read_model_cached.cache_info().misses
    assert excel.value("icp_model", *model_ranges()) == model_cell
    assert excel.module._read_model_cached.cache_info().misses == reads


def test_a_bad_model_range_says_where_in_one_cell_and_scores_pass_it_on(excel: _Runtime) -> None:
    ranges = model_ranges()
    ranges[0][1] = ["Employees", "between 50", 2, "firmographic", ""]
    shown = excel.value("icp_model", *ranges)
    assert shown == VALUE_ERROR, "a real #VALUE! error, so IFERROR and ISERROR see it"
    in_a_cell = {"type": "Error", "basicValue": "#VALUE!", "errorType": "Value"}  # how Office.js passes it on
    row = account_rows(example_accounts()[:1])
    assert excel.value("icp_score", in_a_cell, list(ACCOUNT_COLUMNS), row) == VALUE_ERROR
    why = excel.value("icp_why", in_a_cell, list(ACCOUNT_COLUMNS), row)
    assert why.startswith("#VALUE!: the model cell shows #VALUE!") and "ICP_MODEL said: ICP row 2, Condition:" in why
    assert "\n" not in why and "Traceback" not in why


# ---------------------------------------------------------------- accounts


@pytest.mark.parametrize("function", list(ACCOUNT_FUNCTIONS))
def test_a_block_of_rows_spills_one_result_per_row_equal_to_the_core(
    excel: _Runtime, model_cell: str, function: str
) -> None:
    accounts = example_accounts()
    spilled = excel.call(function, model_cell, list(ACCOUNT_COLUMNS), account_rows(accounts))
    expected = expected_results(accounts)[ACCOUNT_FUNCTIONS[function]]
    assert spilled == [[v] for v in expected]


def test_every_account_scored_one_row_at_a_time_equals_the_core(excel: _Runtime, model_cell: str) -> None:
    accounts = example_accounts()
    expected = expected_results(accounts)
    for i, row in enumerate(account_rows(accounts)):
        for function, column in ACCOUNT_FUNCTIONS.items():
            assert excel.value(function, model_cell, list(ACCOUNT_COLUMNS), [row]) == expected[column][i], (
                function,
                accounts[i]["Company"],
            )


def test_a_whole_table_with_headers_works_without_a_separate_header_argument(excel: _Runtime, model_cell: str) -> None:
    accounts = example_accounts()
    spilled = excel.call("icp_tier", model_cell, [list(ACCOUNT_COLUMNS), *account_rows(accounts)])
    assert spilled == [[v] for v in expected_results(accounts)["icp_tier"]]


def test_blank_rows_in_a_block_stay_blank_and_keep_the_others_in_place(excel: _Runtime, model_cell: str) -> None:
    accounts = example_accounts()[:2]
    rows = account_rows(accounts)
    spilled = excel.call("icp_score", model_cell, list(ACCOUNT_COLUMNS), [rows[0], [None] * 11, rows[1]])
    expected = expected_results(accounts)["icp_score"]
    assert spilled == [[expected[0]], [""], [expected[1]]]


def test_the_template_accounts_score_the_same_in_excel_the_core_and_the_cli(
    excel: _Runtime, template_scored_by_cli: dict[str, pd.DataFrame]
) -> None:
    from icp_sheets.io.model_reader import load_model

    model, _ = load_model(TEMPLATE)
    scored = template_scored_by_cli["Accounts"]
    inputs = [c for c in scored.columns if c not in RESULT_COLUMNS]
    cell = excel.module.model_from_ranges(*model_ranges(model))[1]
    core = score(model, scored[inputs])
    for function, column in ACCOUNT_FUNCTIONS.items():
        spilled = [v for [v] in excel.call(function, cell, inputs, cells(scored[inputs]))]
        assert spilled == list(core[column]), function
        assert spilled == ["" if pd.isna(v) else v for v in scored[column]], function


def test_a_model_with_grades_a_matrix_and_overrides_scores_the_same_in_excel_the_core_and_the_cli(
    excel: _Runtime, tmp_path: Path
) -> None:
    from madkudu_support import ACCOUNTS, tables

    from icp_sheets.io.model_reader import load_model, read_model
    from icp_sheets.io.tables import read_workbook
    from icp_sheets.io.template import write_template

    typed, _ = read_model(tables())
    path, out = tmp_path / "madkudu.xlsx", tmp_path / "scored.xlsx"
    write_template(path, typed, accounts=ACCOUNTS, contacts=[])
    command = Path(sys.executable).with_name("icp-sheets")
    done = subprocess.run(
        [str(command), "score", str(path), "-o", str(out), "--sort", "input"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    scored = read_workbook(out)["Accounts"].frame
    model, _ = load_model(path)
    cell = excel.value("icp_model", *model_ranges(model), None, None, *optional_ranges(model))
    inputs = list(ACCOUNTS.columns)
    core = score(model, scored[inputs])
    assert set(core["icp_priority"]) >= {"A", "C", "E", "DQ"} and core["icp_why"].str.startswith("Override").any()
    for function, column in ACCOUNT_FUNCTIONS.items():
        spilled = [v for [v] in excel.call(function, cell, inputs, cells(scored[inputs]))]
        assert spilled == list(core[column]), function
        cli = ["" if pd.isna(v) else v for v in scored[column]]
        # The CLI's numbers come back from its file, which keeps 16 significant digits (as Excel does).
        assert spilled == (pytest.approx(cli, rel=1e-15) if column in ("icp_score", "icp_fit", "icp_timing") else cli)
    # Without the optional tabs the cell grades with the Settings' A/B/C × 1/2/3: the tabs are what differ.
    plain = excel.value("icp_model", *model_ranges(model))
    assert [v for [v] in excel.call("icp_priority", plain, inputs, cells(scored[inputs]))] != list(core["icp_priority"])


def test_the_template_contacts_match_the_same_personas_in_excel_and_the_cli(
    excel: _Runtime, template_scored_by_cli: dict[str, pd.DataFrame]
) -> None:
    from icp_sheets.io.model_reader import load_model

    model, _ = load_model(TEMPLATE)
    contacts = template_scored_by_cli["Contacts"]
    cell = excel.module.model_from_ranges(*model_ranges(model))[1]
    columns = [[[v] for v in contacts[name]] for name in ("Title", "Department", "Seniority")]
    for function in CONTACT_FUNCTIONS:
        spilled = [v for [v] in excel.call(function, cell, *columns)]
        assert spilled == ["" if pd.isna(v) else v for v in contacts[function]], function


def test_a_missing_column_is_named_in_the_cell(excel: _Runtime, model_cell: str) -> None:
    headers = [c for c in ACCOUNT_COLUMNS if c != "Employees"]
    rows = [[a[c] for c in headers] for a in example_accounts()[:3]]
    assert excel.value("icp_score", model_cell, headers, rows) == VALUE_ERROR
    assert excel.value("icp_why", model_cell, headers, rows) == "#VALUE!: missing column 'Employees'"


def test_a_wrong_shaped_range_or_a_missing_model_gets_a_short_message(excel: _Runtime, model_cell: str) -> None:
    row = account_rows(example_accounts()[:1])[0]
    assert excel.value("icp_fit", model_cell, list(ACCOUNT_COLUMNS), [[*row, "extra"]]) == VALUE_ERROR
    too_wide = excel.value("icp_why", model_cell, list(ACCOUNT_COLUMNS), [[*row, "extra"]])
    assert too_wide == (
        "#VALUE!: 11 headers but the rows are 12 cells wide; pass the header row and the rows of the same columns"
    )
    assert excel.value("icp_fit", None, list(ACCOUNT_COLUMNS), [row]) == VALUE_ERROR
    assert excel.value("icp_why", None, list(ACCOUNT_COLUMNS), [row]).startswith("#VALUE!: no model")


def test_unreadable_cells_only_touch_their_own_row(excel: _Runtime, model_cell: str) -> None:
    accounts = example_accounts()[:3]
    accounts[1] = {**accounts[1], "Employees": "lots", "Last funding date": "soonish"}
    spilled = excel.call("icp_why", model_cell, list(ACCOUNT_COLUMNS), account_rows(accounts))
    expected = expected_results(accounts)["icp_why"]
    assert spilled == [[v] for v in expected]
    assert "unreadable" in spilled[1][0] and "unreadable" not in spilled[0][0] + spilled[2][0]


def test_a_row_that_breaks_the_core_spoils_only_its_own_cell(
    excel: _Runtime, model_cell: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fragile(model: IcpModel, header: list[str], rows: list[list[Any]], as_of: Any = None) -> list[tuple[Any, ...]]:
        if any(row[header.index("Company")] == "Harbor & Finch" for row in rows):
            raise RuntimeError("cannot score Harbor & Finch")
        return score_rows(model, header, rows, as_of)

    monkeypatch.setattr(excel.module, "score_rows", fragile)
    excel.module.CACHE.clear()
    accounts = example_accounts()[:3]
    spilled = excel.call("icp_tier", model_cell, list(ACCOUNT_COLUMNS), account_rows(accounts))
    expected = expected_results(accounts)["icp_tier"]
    assert spilled == [[expected[0]], [VALUE_ERROR], [expected[2]]]
    why = excel.call("icp_why", model_cell, list(ACCOUNT_COLUMNS), account_rows(accounts))
    assert why[1] == ["#VALUE!: cannot score Harbor & Finch"]
    excel.module.CACHE.clear()  # the other tests' rows were scored by the fragile core


def test_as_of_moves_the_day_signals_count_back_from(excel: _Runtime, model_cell: str) -> None:
    accounts = example_accounts()
    rows = account_rows(accounts)
    fit = excel.call("icp_fit", model_cell, list(ACCOUNT_COLUMNS), rows)
    long_after = serial(AS_OF + dt.timedelta(days=365))
    later = excel.call("icp_score", model_cell, list(ACCOUNT_COLUMNS), rows, long_after)
    assert later == fit, "a year later no signal is inside its window"
    same_day = excel.call("icp_score", model_cell, list(ACCOUNT_COLUMNS), rows, serial(AS_OF))
    assert same_day == excel.call("icp_score", model_cell, list(ACCOUNT_COLUMNS), rows)


def test_as_of_may_give_each_row_its_own_day(excel: _Runtime, model_cell: str) -> None:
    accounts = example_accounts()[:2]  # Brightlane: funding 12 days and hiring 20 days before AS_OF
    per_row = [[serial(AS_OF)], [serial(AS_OF + dt.timedelta(days=365))]]
    timing = excel.call("icp_timing", model_cell, list(ACCOUNT_COLUMNS), account_rows(accounts), per_row)
    assert timing[0][0] == expected_results(accounts[:1])["icp_timing"][0] == 2.0
    assert timing[1][0] == 0.0


# ---------------------------------------------------------------- desktop Excel (classic add-in)


def desktop(value: object) -> object:
    """What the classic add-in hands Python: floats for whole numbers, datetimes, '' or 0 for empty."""
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, int):
        return float(value)
    return "" if value is None else value


def test_desktop_values_score_the_same_as_the_core(excel: _Runtime, model_cell: str) -> None:
    accounts = example_accounts()
    rows = [[desktop(v) for v in row] for row in account_rows(accounts)]
    date_columns = [ACCOUNT_COLUMNS.index(c) for c in ACCOUNT_COLUMNS if c.endswith("date")]
    for row in rows[::2]:  # a formula pointing at an empty date cell shows 0
        for i in date_columns:
            row[i] = 0.0 if row[i] == "" else row[i]
    expected = expected_results(accounts)
    for function, column in ACCOUNT_FUNCTIONS.items():
        got = getattr(excel.module, function)(model_cell, [list(ACCOUNT_COLUMNS)], rows)
        assert got == [[v] for v in expected[column]], function
    one = excel.module.icp_priority(model_cell, [list(ACCOUNT_COLUMNS)], rows[:1], dt.datetime(2026, 11, 16))
    assert one == [[expected["icp_priority"][0]]]


def test_an_error_cell_in_a_scored_column_makes_that_row_not_available(excel: _Runtime, model_cell: str) -> None:
    """Desktop sends raw COM values (tuples, #N/A as Windows' error code), Office.js error objects."""
    not_available = -2146826246
    accounts = example_accounts()[:3]
    rows = tuple(tuple(desktop(v) for v in row) for row in account_rows(accounts))
    broken = list(rows[1])
    broken[ACCOUNT_COLUMNS.index("Employees")] = not_available
    table = (tuple(ACCOUNT_COLUMNS), rows[0], tuple(broken), rows[2])
    expected = expected_results(accounts)
    why = excel.module.icp_why(model_cell, table)
    assert why[0] == [expected["icp_why"][0]] and why[2] == [expected["icp_why"][2]]
    assert why[1] == ["#N/A: 'Employees' is #N/A in this row; fix that cell or the formula behind it"]
    assert excel.module.icp_score(model_cell, table)[1] == [NA_ERROR]
    na = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    office = account_rows(accounts)
    office[0][ACCOUNT_COLUMNS.index("Employees")] = na
    assert excel.call("icp_fit", model_cell, list(ACCOUNT_COLUMNS), office)[0] == [NA_ERROR]


def test_an_error_cell_in_a_column_the_model_does_not_use_is_ignored(excel: _Runtime, model_cell: str) -> None:
    accounts = example_accounts()[:2]
    rows = account_rows(accounts)
    rows[0][ACCOUNT_COLUMNS.index("Domain")] = {"type": "Error", "basicValue": "#REF!", "errorType": "Ref"}
    spilled = excel.call("icp_score", model_cell, list(ACCOUNT_COLUMNS), rows)
    assert spilled == [[v] for v in expected_results(accounts)["icp_score"]]


# ---------------------------------------------------------------- contacts


def test_persona_role_and_angle_match_the_core_one_title_or_a_column(excel: _Runtime, model_cell: str) -> None:
    from icp_sheets.core.personas import match_persona

    model = example_model()
    titles = ["VP Sales", "Revenue Operations Manager", "Salesforce Administrator", "Marketing Manager"]
    for title in titles:
        persona = match_persona(model, title)
        assert excel.value("icp_persona", model_cell, title) == (persona.name if persona else "")
        assert excel.value("icp_role", model_cell, title) == (persona.role.value if persona else "")
        assert excel.value("icp_angle", model_cell, title) == (persona.angle if persona else "")
    column = excel.call("icp_persona", model_cell, [[t] for t in titles], [["Sales"]] * 4)
    expected = [match_persona(model, t, "Sales") for t in titles]
    assert column == [[p.name if p else ""] for p in expected]


def test_a_model_without_personas_matches_nobody(excel: _Runtime) -> None:
    cell = excel.value("icp_model", *model_ranges(personas=False))
    assert excel.value("icp_persona", cell, "VP Sales") == ""
    assert excel.value("icp_role", cell, "VP Sales", "Sales", "VP") == ""


# ---------------------------------------------------------------- the xlwings Lite scripts


def lite_book(excel: _Runtime) -> Any:
    """The template as xlwings Lite hands it to a script: xlwings' own remote Book built from the
    JSON its Office.js client sends (values with dates as ISO text, tables with their addresses)."""
    import openpyxl
    import xlwings

    def sent(value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.isoformat() + ".000Z"
        return "" if value is None else value

    workbook = openpyxl.load_workbook(TEMPLATE)
    sheets = []
    for ws in workbook.worksheets:
        tables = []
        for name, ref in ws.tables.items():
            first, last = ws[ref][0][0], ws[ref][-1][-1]
            header_end = ws[ref][0][-1].coordinate
            tables.append(
                {
                    "name": name,
                    "range_address": ref,
                    "header_row_range_address": f"{first.coordinate}:{header_end}",
                    "data_body_range_address": f"{first.column_letter}{first.row + 1}:{last.coordinate}",
                    "total_row_range_address": None,
                    "show_headers": True,
                    "show_totals": False,
                    "table_style": "TableStyleMedium2",
                    "show_autofilter": True,
                }
            )
        values = [[sent(v) for v in row] for row in ws.iter_rows(values_only=True)]
        sheets.append({"name": ws.title, "values": values, "pictures": [], "tables": tables, "shapes": []})
    payload = {
        "client": "Office.js",
        "version": xlwings.__version__,
        "names": [],
        "sheets": sheets,
        "book": {"name": TEMPLATE.name, "active_sheet_index": 0, "selection": "A1"},
    }
    return xlwings.Book(json=payload)


@pytest.fixture(scope="module")
def lite_main(excel: _Runtime) -> ModuleType:
    """The Lite main.py in its hosted-wheel form, which imports the installed package (the bundled
    form swaps icp_sheets for its own copy, so it runs in a subprocess: tests/test_excel_lite.py)."""
    from icp_sheets.excel.lite import main_py

    if not TEMPLATE.exists():
        pytest.skip("templates/icp_template.xlsx is not generated yet")
    module = ModuleType("lite_main")
    exec(compile(main_py(wheel_url="https://example.org/icp.whl"), "main.py", "exec"), module.__dict__)
    return module


def run_script(excel: _Runtime, main: ModuleType, name: str) -> list[dict[str, Any]]:
    """Run a Lite script the way xlwings Lite does and return the actions it sends back to Excel."""
    import xlwings

    book = lite_book(excel)
    asyncio.run(excel.server.custom_scripts_call(main, name, typehint_to_value={xlwings.Book: book}))
    actions: list[dict[str, Any]] = book.json()["actions"]
    return actions


def column_writes(actions: list[dict[str, Any]], func: str, sheet: int) -> dict[int, list[Any]]:
    return {
        a["start_column"]: [v for [v] in a["values"]]
        for a in actions
        if a["func"] == func and a["sheet_position"] == sheet and a["column_count"] == 1 and a["start_row"] == 1
    }


def test_the_lite_main_registers_the_functions_and_two_scripts(excel: _Runtime, lite_main: ModuleType) -> None:
    functions = {f["name"] for f in excel.server.custom_functions_meta(lite_main)["functions"]}
    assert functions == {"ICP_MODEL", *(n.upper() for n in ACCOUNT_FUNCTIONS), *(n.upper() for n in CONTACT_FUNCTIONS)}
    scripts = {s["function_name"] for s in excel.server.custom_scripts_meta(lite_main)}
    assert scripts == {"icp_live_formulas", "icp_score_now"}


SHEETS = [START, *MODEL_TABS, *DATA_TABS]  # the template's tabs, by position
DATA_POSITIONS = {tab: SHEETS.index(tab) for tab in DATA_TABS}


def test_the_lite_script_makes_the_template_live(excel: _Runtime, lite_main: ModuleType) -> None:
    from icp_sheets.excel.formulas import account_formulas, contact_formulas
    from icp_sheets.io.tables import read_workbook

    actions = run_script(excel, lite_main, "icp_live_formulas")
    assert {"func": "addSheet", "args": [len(SHEETS), "Live model"]}.items() <= actions[0].items()
    model_cell = next(a for a in actions if a["func"] == "setFormula" and a["sheet_position"] == len(SHEETS))
    assert model_cell["values"] == [
        [
            "=ICP_MODEL(FitCriteria[#All], AntiICP[#All], Signals[#All], SettingsTable[#All], Personas[#All], "
            "Accounts[[#Headers],[Company]:[Tech switch date]], IF(DATE(1904,1,1)=0,1904,1900), "
            "AccountColumns[#All], Grades[#All], PriorityMatrix[#All], Overrides[#All])"
        ]
    ]
    assert any(a["func"] == "namesAdd" and a["args"] == ["ICP", "='Live model'!$A$2"] for a in actions)
    tabs = read_workbook(TEMPLATE)
    for tab, make in (("Accounts", account_formulas), ("Contacts", contact_formulas)):
        position = DATA_POSITIONS[tab]
        headers = list(tabs[tab].frame.columns)
        written = column_writes(actions, "setFormula", position)
        expected = {headers.index(h): [f] * len(tabs[tab].frame) for h, f in make(tab, headers).items()}
        assert written == expected, tab


def test_the_lite_script_scores_in_one_go_like_the_cli(
    excel: _Runtime, lite_main: ModuleType, template_scored_by_cli: dict[str, pd.DataFrame]
) -> None:
    actions = run_script(excel, lite_main, "icp_score_now")
    for tab, columns in (("Accounts", RESULT_COLUMNS), ("Contacts", CONTACT_FUNCTIONS)):
        position = DATA_POSITIONS[tab]
        scored = template_scored_by_cli[tab]
        written = column_writes(actions, "setValues", position)
        assert set(written) == {list(scored.columns).index(c) for c in columns}, tab
        for column in columns:
            cli = ["" if pd.isna(v) else v for v in scored[column]]
            typed = [f"'{v}" if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v for v in cli]
            assert written[list(scored.columns).index(column)] == typed, column


def test_a_department_column_of_the_wrong_length_is_named(excel: _Runtime, model_cell: str) -> None:
    from icp_sheets.excel.values import CellError

    shown = excel.value("icp_persona", model_cell, [["VP Sales"], ["CRO"], ["CISO"]], [["Sales"], ["IT"]])
    assert shown == VALUE_ERROR
    with pytest.raises(CellError, match="department has 2 cells for 3 titles; give one or one per title"):
        excel.module.persona_results(model_cell, [["VP Sales"], ["CRO"], ["CISO"]], [["Sales"], ["IT"]])


def test_a_model_without_an_as_of_date_counts_from_today_even_across_midnight(excel: _Runtime) -> None:
    """Today is part of the results cache key, so a recalculation the next day is not stale."""
    model = example_model()
    undated = model.model_copy(update={"settings": model.settings.model_copy(update={"as_of": None})})
    cell = excel.value("icp_model", *model_ranges(undated))
    headers, rows = [list(ACCOUNT_COLUMNS)], office_js(account_rows(example_accounts()[:1]))
    on_as_of = excel.module.results(cell, headers, rows, today=AS_OF)
    a_year_later = excel.module.results(cell, headers, rows, today=AS_OF + dt.timedelta(days=365))
    assert on_as_of.column("icp_timing") == [2.0], "funding 12 and hiring 20 days before"
    assert a_year_later.column("icp_timing") == [0.0]
