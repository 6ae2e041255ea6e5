"""Docs that cannot drift: the reference is generated from the code, and the README names every command."""

from __future__ import annotations

import re

from icp_sheets.cli import cli
from tests.conftest import REPO
from tools.gen_docs import TARGET, reference


def test_reference_is_current() -> None:
    assert TARGET.read_text(encoding="utf-8") == reference(), "run: python -m tools.gen_docs"


def test_readme_names_every_command_and_no_other() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`icp-sheets ([a-z]+)", readme))
    assert named == set(cli.commands)
