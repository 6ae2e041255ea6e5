"""The xlwings Lite bundle works with nothing but what Pyodide ships.

The bundle's ``main.py`` runs in a subprocess, from an empty folder, behind an
import blocker: icp_sheets may only come from the zip inside main.py, and the
only third-party packages importable are pandas, numpy, pydantic, xlwings and
what their metadata says they need under Pyodide. The functions are listed and
called through xlwings' own Office.js entry points, with the bodies its
JavaScript client posts, and must equal ``icp-sheets score`` on the template.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import REPO, TEMPLATE
from excel_support import call_body, cells, model_ranges
from packaging.requirements import Requirement

from icp_sheets.core.names import CONTACT_RESULT_COLUMNS, RESULT_COLUMNS
from icp_sheets.excel.lite import bundled_files, main_py, requirements_txt, write_lite

PYODIDE_MARKERS = {"sys_platform": "emscripten", "platform_system": "Emscripten", "extra": ""}
ALLOWED = ("pandas", "numpy", "pydantic", "xlwings")
MODEL = "<the ICP_MODEL result>"  # the runner puts the first call's answer where this stands

RUNNER = r'''
import asyncio, importlib.abc, importlib.machinery, json, site, sys, types

allowed = set(json.loads(sys.argv[3]))
installed = tuple(site.getsitepackages())  # where third-party packages live; the standard library is elsewhere


class Blocker(importlib.abc.MetaPathFinder):
    """Only the standard library, the allowed packages and icp_sheets from a zip on sys.path."""

    def find_spec(self, name, path=None, target=None):
        if "." in name or name in allowed:
            return None
        if name == "icp_sheets":
            spec = importlib.machinery.PathFinder.find_spec(name, [p for p in sys.path if p.endswith(".zip")])
            if spec is None:
                raise ImportError("icp_sheets must come from the bundle")
            return spec
        found = importlib.machinery.PathFinder.find_spec(name)
        if found is not None and str(found.origin or "").startswith(installed):
            raise ImportError(f"blocked: {name} is not available in this environment")
        return None


before = set(sys.modules)  # what site imported at start-up (path hooks), before the blocker
sys.meta_path.insert(0, Blocker())
for name in [n for n in sys.modules if n.partition(".")[0] == "icp_sheets"]:
    del sys.modules[name]
main_path, calls_path = sys.argv[1], sys.argv[2]
main = types.ModuleType("main")
main.__file__ = main_path
sys.modules["main"] = main
exec(compile(open(main_path, encoding="utf-8").read(), main_path, "exec"), main.__dict__)

import xlwings.server as server

meta = server.custom_functions_meta(main)
answers = []
model = None
for body in json.load(open(calls_path, encoding="utf-8")):
    body["args"] = [[[model]] if a == [[sys.argv[4]]] else a for a in body["args"]]
    answers.append(asyncio.run(server.custom_functions_call(body, main)))
    if model is None:
        model = answers[0][0][0]
files = [str(getattr(m, "__file__", "")) for n, m in list(sys.modules.items()) if n not in before]
tops = {f.removeprefix(d).lstrip("/").split("/")[0] for f in files for d in installed if f.startswith(d)}
third_party = sorted(top.removesuffix(".py") for top in tops)
print(json.dumps({
    "functions": sorted(f["name"] for f in meta["functions"]),
    "scripts": sorted(s["function_name"] for s in server.custom_scripts_meta(main)),
    "icp_sheets_from": sys.modules["icp_sheets"].__file__,
    "imported": third_party,
    "answers": answers,
}, default=str))
'''


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyodide_closure(roots: tuple[str, ...]) -> set[str]:
    """The distributions ``roots`` need under Pyodide, by their own metadata (markers evaluated for it)."""
    needed: set[str] = set()
    todo = [_normal(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(PYODIDE_MARKERS):
                todo.append(_normal(requirement.name))
    return needed


def importable_names(distributions: set[str]) -> list[str]:
    """Top-level import names those distributions provide in this environment."""
    provided = importlib.metadata.packages_distributions()
    return sorted(top for top, dists in provided.items() if {_normal(d) for d in dists} & distributions)


# ---------------------------------------------------------------- generated files


def test_addin_lite_is_what_the_command_writes(tmp_path: Path) -> None:
    """addin/lite/ is generated: `icp-sheets excel lite addin/lite` after changing the package."""
    write_lite(tmp_path)
    committed = REPO / "addin" / "lite"
    assert (committed / "requirements.txt").read_text() == (tmp_path / "requirements.txt").read_text()
    fresh, shipped = (tmp_path / "main.py").read_text(), (committed / "main.py").read_text()
    assert bundled_files(shipped) == bundled_files(fresh), "stale: run icp-sheets excel lite addin/lite"
    payload = re.compile(r"_BUNDLE = \(\n.*?\n\)\n", re.S)
    assert payload.sub("", shipped) == payload.sub("", fresh), "stale: run icp-sheets excel lite addin/lite"


def test_requirements_name_only_packages_pyodide_ships() -> None:
    packages = [line for line in requirements_txt().splitlines() if line and not line.startswith("#")]
    assert packages == ["xlwings", "numpy", "pandas", "pydantic"]
    hosted = requirements_txt("https://example.org/icp_sheets-0.1.0-py3-none-any.whl").splitlines()
    assert hosted[-1] == "https://example.org/icp_sheets-0.1.0-py3-none-any.whl"


def test_the_bundle_holds_the_pure_python_modules_and_no_command_line_code() -> None:
    files = bundled_files(main_py())
    assert "icp_sheets/excel/functions.py" in files and "icp_sheets/core/scoring.py" in files
    assert all(name.endswith(".py") for name in files)
    assert not [n for n in files if n.startswith(("icp_sheets/cli/", "icp_sheets/sheets/"))]
    sources = b"\n".join(files.values())
    for package in (b"openpyxl", b"python_calamine", b"click", b"rich", b"pyarrow"):
        assert not re.search(rb"^(import|from) " + package + rb"\b", sources, re.M), package
    assert files["icp_sheets/excel/values.py"] == (REPO / "icp_sheets" / "excel" / "values.py").read_bytes()


def test_the_wheel_form_is_a_few_lines_of_imports() -> None:
    text = main_py("https://example.org/icp_sheets-0.1.0-py3-none-any.whl")
    assert bundled_files(text) == {}
    assert len(text.splitlines()) < 30 and "from icp_sheets.excel.functions import" in text


def test_the_command_writes_both_files(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("icp-sheets")
    done = subprocess.run([str(command), "excel", "lite", str(tmp_path / "lite")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "lite").iterdir()) == ["main.py", "requirements.txt"]
    bad = subprocess.run(
        [str(command), "excel", "lite", str(tmp_path / "w"), "--wheel-url", "icp.whl"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "https://" in bad.stderr


# ---------------------------------------------------------------- the bundle, run as Lite runs it


@pytest.fixture(scope="module")
def template_inputs() -> dict[str, Any]:
    from icp_sheets.io.model_reader import load_model
    from icp_sheets.io.tables import read_workbook

    if not TEMPLATE.exists():
        pytest.skip("templates/icp_template.xlsx is not generated yet")
    model, _ = load_model(TEMPLATE)
    tabs = read_workbook(TEMPLATE)
    accounts = tabs["Accounts"].frame
    inputs = [c for c in accounts.columns if c not in RESULT_COLUMNS]
    contacts = tabs["Contacts"].frame
    return {
        "model": model_ranges(model),
        "headers": inputs,
        "rows": cells(accounts[inputs]),
        "contacts": [[[v] for v in cells(contacts[[name]])] for name in ("Title", "Department", "Seniority")],
    }


def run_bundle(
    tmp_path: Path, calls: list[dict[str, Any]], python: Path | None = None, allowed: list[str] | None = None
) -> dict[str, Any]:
    """Write the bundle and run its main.py behind the import blocker; the runner's JSON answer."""
    work = tmp_path / "empty"
    work.mkdir()
    write_lite(tmp_path / "lite")
    (tmp_path / "calls.json").write_text(json.dumps(calls, default=str))
    (tmp_path / "runner.py").write_text(RUNNER)
    allowed = allowed if allowed is not None else importable_names(pyodide_closure(ALLOWED))
    env = {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial", "PATH": "", "TMPDIR": str(tmp_path)}
    command = [str(python or sys.executable), "-I", str(tmp_path / "runner.py"), str(tmp_path / "lite" / "main.py")]
    command += [str(tmp_path / "calls.json"), json.dumps(allowed), MODEL]
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["icp_sheets_from"].startswith(str(tmp_path)) and ".zip" in result["icp_sheets_from"]
    assert set(result["imported"]) <= set(allowed), "only Pyodide's packages were imported"
    assert {"pandas", "numpy", "pydantic", "xlwings"} <= set(result["imported"])
    return result


ACCOUNT_CALLS = [f"icp_{c.removeprefix('icp_')}" for c in RESULT_COLUMNS]


def template_calls(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Office.js bodies: the model, every function over the template's blocks, then each on one row."""
    import xlwings

    version = xlwings.__version__
    calls = [call_body("icp_model", inputs["model"], version)]
    calls += [call_body(f, [MODEL, inputs["headers"], inputs["rows"]], version) for f in ACCOUNT_CALLS]
    calls += [call_body(f, [MODEL, *inputs["contacts"]], version) for f in CONTACT_RESULT_COLUMNS]
    calls += [call_body(f, [MODEL, inputs["headers"], inputs["rows"][:1]], version) for f in ACCOUNT_CALLS]
    return calls


def check_template(result: dict[str, Any], template_scored_by_cli: dict[str, pd.DataFrame]) -> None:
    """Every function registered, and every answer equal to what `icp-sheets score` wrote."""
    functions = ["ICP_MODEL", *(f.upper() for f in ACCOUNT_CALLS + list(CONTACT_RESULT_COLUMNS))]
    assert result["functions"] == sorted(functions)
    assert result["scripts"] == ["icp_live_formulas", "icp_score_now"]
    answers = result["answers"]
    assert answers[0][0][0].startswith("ICP2 ")
    scored, contacts = template_scored_by_cli["Accounts"], template_scored_by_cli["Contacts"]
    blocks = dict(zip(ACCOUNT_CALLS + list(CONTACT_RESULT_COLUMNS), answers[1:], strict=False))
    for column in RESULT_COLUMNS:
        cli = ["" if pd.isna(v) else v for v in scored[column]]
        assert [v for [v] in blocks[f"icp_{column.removeprefix('icp_')}"]] == cli, column
    for column in CONTACT_RESULT_COLUMNS:
        assert [v for [v] in blocks[column]] == ["" if pd.isna(v) else v for v in contacts[column]], column
    ones = answers[1 + len(ACCOUNT_CALLS) + len(CONTACT_RESULT_COLUMNS) :]
    for column, one in zip(RESULT_COLUMNS, ones, strict=True):
        first = scored[column].iloc[0]
        assert one == [["" if pd.isna(first) else first]], column


def test_the_bundle_registers_and_scores_the_template_like_the_cli(
    tmp_path: Path, template_inputs: dict[str, Any], template_scored_by_cli: dict[str, pd.DataFrame]
) -> None:
    check_template(run_bundle(tmp_path, template_calls(template_inputs)), template_scored_by_cli)


# ---------------------------------------------------------------- Pyodide's own versions, in fresh environments

# The versions Pyodide ships (pyodide-lock.json of the npm package pyodide 0.27.8 and 0.29.5). xlwings is
# not in Pyodide: xlwings Lite installs it from PyPI, so it is pinned to the version the project tests with.
PYODIDE_PINS = {
    "0.27.8": {"numpy": "2.0.2", "pandas": "2.2.3", "pydantic": "2.10.5", "pydantic-core": "2.27.2"},
    "0.29.5": {"numpy": "2.2.5", "pandas": "2.3.3", "pydantic": "2.12.5", "pydantic-core": "2.41.5"},
}


@pytest.mark.slow
@pytest.mark.parametrize("pyodide", sorted(PYODIDE_PINS))
def test_the_bundle_scores_like_the_cli_with_pyodides_own_versions(
    pyodide: str, tmp_path: Path, template_inputs: dict[str, Any], template_scored_by_cli: dict[str, pd.DataFrame]
) -> None:
    """A fresh virtual environment holding only those versions (and what they need), no icp-sheets."""
    import venv

    import xlwings

    pins = {**PYODIDE_PINS[pyodide], "xlwings": xlwings.__version__}
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", *(f"{n}=={v}" for n, v in pins.items())]
    done = subprocess.run(install, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    frozen = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True).stdout
    installed = {_normal(line.split("==")[0]): line.split("==")[1] for line in frozen.split()}
    assert {n: installed[_normal(n)] for n in pins} == pins and "icp-sheets" not in installed
    site = next((env_dir / "lib").glob("python*/site-packages"))
    allowed = sorted(p.name.removesuffix(".py") for p in site.iterdir() if not p.name.endswith((".dist-info", ".pth")))
    check_template(run_bundle(tmp_path, template_calls(template_inputs), python, allowed), template_scored_by_cli)
