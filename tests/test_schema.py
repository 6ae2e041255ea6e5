"""One source for every word: the model's field descriptions are the template's notes and the schema's."""

from __future__ import annotations

import json

from click.testing import CliRunner

from icp_sheets.cli import cli
from icp_sheets.core.models import Criterion, IcpModel, Narrative, Settings, describe
from icp_sheets.core.names import ICP
from icp_sheets.io.layout import SETTING_ROWS, TABS


def test_schema_prints_the_models_json_schema_with_the_template_words() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == IcpModel.model_json_schema()
    condition = printed["$defs"]["Criterion"]["properties"]["condition"]["description"]
    assert condition == describe(Criterion, "condition")
    assert condition == next(c.note for c in TABS[ICP].columns if c.header == "Condition")
    assert printed["$defs"]["Settings"]["properties"]["as_of"]["description"] == describe(Settings, "as_of")


def test_every_settings_row_note_is_the_models_description() -> None:
    for row in SETTING_ROWS:
        if row.path.startswith("actions."):  # one row per priority cell, worded from the cell
            continue
        section, _, field = row.path.rpartition(".")
        assert row.note == describe(Narrative if section == "narrative" else Settings, field), row.path
