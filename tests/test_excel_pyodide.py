"""The model cell in real Pyodide (WebAssembly under node), as far as this machine allows.

What runs: the npm ``pyodide`` package's interpreter (Python 3.14, Pyodide 314), the pure
icp-sheets modules taken out of the Lite bundle's ``main.py``, PyPI's WebAssembly build of
pydantic-core (``cp314-pyemscripten_2026_0``) and pure pydantic. In there the model cell made
on CPython is decoded (zlib, base64, JSON) and validated as an ``IcpModel`` by pydantic, and must
equal the model it was made from. numpy and pandas are stand-ins here, only so the modules import:
Pyodide loads its own builds of them from its CDN, which this machine cannot reach, and neither
PyPI nor npm has them, so scoring itself is not run under WebAssembly.

Set up (once; the test is skipped, saying so, without these):
    npm install pyodide@314.0.8        # ICP_PYODIDE = node_modules/pyodide
    pip download --no-deps -d WHEELS pydantic==2.14.4 typing-extensions annotated-types typing-inspection
    # and into WHEELS, from PyPI's file list of pydantic-core 2.50.5 (the version pydantic 2.14.4 pins):
    # pydantic_core-2.50.5-cp314-cp314-pyemscripten_2026_0_wasm32.whl      ICP_PYODIDE_WHEELS = WHEELS
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from icp_sheets.example import ACCOUNT_COLUMNS, example_model
from icp_sheets.excel.lite import bundled_files, main_py
from icp_sheets.excel.values import for_scoring, model_to_cell

PYODIDE = os.environ.get("ICP_PYODIDE", "")
WHEELS = os.environ.get("ICP_PYODIDE_WHEELS", "")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (
            shutil.which("node")
            and Path(PYODIDE, "pyodide.mjs").is_file()
            and list(Path(WHEELS or ".").glob("pydantic_core-*wasm32.whl"))
        ),
        reason="needs node, ICP_PYODIDE (the npm pyodide 314 package folder) and ICP_PYODIDE_WHEELS (pydantic and "
        "PyPI's wasm32 pydantic-core wheels); see the module docstring",
    ),
]

RUNNER = """
const { loadPyodide } = await import(process.argv[2]);
const pyodide = await loadPyodide();
pyodide.mountNodeFS("/work", process.argv[3]);
const out = pyodide.runPython(`
import sys, types, json
sys.path[:0] = ["/work/site", "/work/bundle"]
class _StandIn(types.ModuleType):  # numpy and pandas: not loadable here, never called while validating
    def __getattr__(self, name):
        return type(name, (), {})
for _name in ("numpy", "pandas"):
    sys.modules[_name] = _StandIn(_name)
import base64, zlib
from icp_sheets.core.models import IcpModel
text = open("/work/cell.txt").read()
envelope = json.loads(zlib.decompress(base64.urlsafe_b64decode(text.rsplit("#", 1)[1])))
model = IcpModel.model_validate(envelope["model"])
import pydantic_core
json.dumps({"model": model.to_text(), "headers": envelope["headers"], "python": sys.version.split()[0],
            "platform": sys.platform, "pydantic_core": pydantic_core.__version__})
`);
console.log(out);
"""


def test_the_model_cell_decodes_and_validates_in_real_pyodide(tmp_path: Path) -> None:
    work = tmp_path / "work"
    for wheel in Path(WHEELS).glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(work / "site")
    for name, data in bundled_files(main_py()).items():
        (work / "bundle" / name).parent.mkdir(parents=True, exist_ok=True)
        (work / "bundle" / name).write_bytes(data)
    model = example_model()
    (work / "cell.txt").write_text(model_to_cell(model, ACCOUNT_COLUMNS))
    (tmp_path / "run.mjs").write_text(RUNNER)
    done = subprocess.run(
        ["node", str(tmp_path / "run.mjs"), str(Path(PYODIDE, "pyodide.mjs").resolve()), str(work)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["platform"] == "emscripten" and found["python"].startswith("3.14")
    assert found["model"] == for_scoring(model).to_text()
    assert tuple(found["headers"]) == tuple(ACCOUNT_COLUMNS)
