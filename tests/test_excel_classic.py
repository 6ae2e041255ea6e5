"""The classic Windows add-in's call path, run as far as it runs off Windows.

xlwings' classic machinery (``xlwings.udfs``) needs pywin32 only to talk to
Excel; its decorators, its VBA generator and the conversion steps of
``call_udf`` (each argument through ``conversion.read``, the answer through
``conversion.write``) are plain Python. A subprocess stubs the COM modules,
decorates the functions with ``xlwings.udfs`` as the add-in does, and calls
them the way ``call_udf`` does. What VBA then does with the answer is Excel's
part and cannot run here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO
from excel_support import model_ranges

from icp_sheets.example import ACCOUNT_COLUMNS, example_accounts

CLASSIC = r"""
import io, json, sys, types

for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["win32com.client"].Dispatch = lambda *args: None

import xlwings
import xlwings.udfs as udfs
from xlwings import conversion

xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret  # what Windows imports
xlwings.engines.engines_by_name["excel"] = object()  # the COM engine: named by call_udf's reads, unused by "raw"
import icp_sheets.excel.functions as functions


def call_udf(name, *args):
    # the conversion steps of xlwings.udfs.call_udf, without the COM caller
    func = getattr(functions, name)
    info = func.__xlfunc__
    values = [conversion.read(None, a, info["args"][i]["options"]) for i, a in enumerate(args)]
    return conversion.write(func(*values), None, info["ret"]["options"])


class Workbook:
    Name = "icp.xlsm"


vba = io.StringIO()
udfs.generate_vba_wrapper("icp_sheets.excel.functions", functions, vba, Workbook())
request = json.loads(sys.stdin.read())
model = call_udf("icp_model", *request["model"])
row, rows = request["row"], request["rows"]
print(json.dumps({
    "office_js": functions.OFFICE_JS,
    "vba": vba.getvalue(),
    "model": model,
    "score": call_udf("icp_score", model, request["headers"], row),
    "tier_block": call_udf("icp_tier", model, request["headers"], rows),
    "why": call_udf("icp_why", model, request["headers"], row),
    "broken": call_udf("icp_score", model, request["headers"], request["broken"]),
    "broken_why": call_udf("icp_why", model, request["headers"], request["broken"]),
    "angle": call_udf("icp_angle", model, "VP Sales"),
}, default=str))
"""


def desktop(value: object) -> object:
    """What desktop Excel hands a raw argument: floats for numbers, '' for empty cells."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return "" if value is None else str(value) if not isinstance(value, float | str) else value


@pytest.fixture(scope="module")
def classic() -> dict[str, object]:
    accounts = example_accounts()[:3]
    rows = [[desktop(a[c]) for c in ACCOUNT_COLUMNS] for a in accounts]
    broken = [list(rows[0])]
    broken[0][ACCOUNT_COLUMNS.index("Employees")] = -2146826246  # #N/A, as COM reports it
    request = {
        "model": model_ranges(),
        "headers": [list(ACCOUNT_COLUMNS)],
        "row": [rows[0]],
        "rows": rows,
        "broken": broken,
    }
    done = subprocess.run(
        [sys.executable, "-c", CLASSIC],
        input=json.dumps(request, default=str),
        cwd=REPO,
        env={"PATH": "", "XLWINGS_LICENSE_KEY": "noncommercial"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_classic_add_in_gets_vba_wrappers_for_every_function(classic: dict[str, object]) -> None:
    assert classic["office_js"] is False
    vba = str(classic["vba"])
    assert "Function icp_score(model, headers, Optional rows, Optional as_of)" in vba
    assert (
        "Function icp_model(criteria, anti_icp, signals, settings, "
        "Optional personas, Optional headers, Optional date_system, Optional columns, Optional grades, "
        "Optional matrix, Optional overrides)" in vba
    )


def test_one_row_answers_with_a_plain_value_never_a_1x1_array(classic: dict[str, object]) -> None:
    """xlwings issue #456: strings over 255 characters in an array show #VALUE! in VBA."""
    assert isinstance(classic["model"], str) and str(classic["model"]).startswith("ICP2 ")
    assert len(str(classic["model"])) > 255
    assert isinstance(classic["score"], float)
    assert isinstance(classic["why"], str) and isinstance(classic["angle"], str)


def test_a_block_still_spills_as_a_column(classic: dict[str, object]) -> None:
    block = classic["tier_block"]
    assert isinstance(block, list) and len(block) == 3 and all(len(row) == 1 for row in block)


def test_an_error_cell_gives_the_reason_as_text_on_the_classic_add_in(classic: dict[str, object]) -> None:
    """The VBA wrapper cannot pass an Excel error value on (xlwings issue #776): the reason shows.

    The wrapper xlwings generates returns what Python returns, and on a failure the error's
    description as text, so text is what any error path ends as there."""
    assert "failed:\n    icp_score = Err.Description" in str(classic["vba"])
    assert classic["broken"] == "#ICP! 'Employees' is #N/A in this row; fix that cell or the formula behind it"
    assert classic["broken_why"] == "#N/A: 'Employees' is #N/A in this row; fix that cell or the formula behind it"
