"""The package as a user installs it: no extras, a fresh environment, the demo runs.

The core and the command line must not need the Sheets (gspread) or Excel
(xlwings) extras; this installs a copy of the source without them and runs
``icp-sheets demo`` from an empty folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_package_installs_without_extras_and_runs_the_demo(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(REPO / "icp_sheets", source / "icp_sheets", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(source)], capture_output=True, text=True, timeout=900
    )
    assert install.returncode == 0, install.stderr
    for extra in ("gspread", "xlwings"):
        found = subprocess.run([str(python), "-c", f"import {extra}"], capture_output=True, text=True)
        assert found.returncode != 0, f"{extra} was installed without its extra"
    work = tmp_path / "work"
    work.mkdir()
    demo = subprocess.run(
        [str(python.with_name("icp-sheets")), "demo"], cwd=work, capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, demo.stderr
    assert (work / "icp_demo.xlsx").stat().st_size > 0
    assert "Pursue" in demo.stdout
