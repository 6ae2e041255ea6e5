"""`icp-sheets schema`: the JSON schema of the ICP model, generated from core.models."""

from __future__ import annotations

import json

import click

from icp_sheets.cli.app import cli
from icp_sheets.core.models import IcpModel


@cli.command()
def schema() -> None:
    """Print the JSON schema of the ICP model (the model cell's and model files' JSON), with every
    field's description, to validate or generate models with other tools."""
    click.echo(json.dumps(IcpModel.model_json_schema(), indent=2, ensure_ascii=False))
