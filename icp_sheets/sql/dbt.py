"""`icp-sheets sql --dbt DIR`: the query as a dbt model, with a schema.yml describing its results."""

from __future__ import annotations

import json
from pathlib import Path

from icp_sheets.core.models import DISQUALIFIED, DQ_PRIORITY, IcpModel
from icp_sheets.core.names import RESULT_COLUMNS, RESULT_NOTES

MODEL = "icp_scores"
PLACEHOLDER = "icp_dbt_accounts"  # the table name the query is compiled with, then replaced by Jinja


def relation(table: str) -> str:
    """dbt's name for the accounts: ``{{ source('crm', 'accounts') }}`` for schema.table, else a ref."""
    if "." in table:
        schema, name = table.rsplit(".", 1)
        return f"{{{{ source('{schema}', '{name}') }}}}"
    return f"{{{{ ref('{table}') }}}}"


def model_sql(query: str, table: str, model: IcpModel) -> str:
    """The dbt model: a header saying where it came from, a table materialization, the query."""
    if query.count(PLACEHOLDER) != 2:  # once for the column keys, once for the rows joined back
        raise ValueError("the compiled query does not name its table where expected")
    head = (
        f"-- {model.settings.model_name}, version {model.settings.model_version}: written by `icp-sheets sql --dbt`.\n"
        "-- Regenerate it when the workbook's ICP changes; do not edit by hand.\n"
        "{{ config(materialized='table') }}\n"
    )
    return head + query.replace(PLACEHOLDER, relation(table)) + "\n"


def schema_yml(model: IcpModel) -> str:
    """schema.yml: the result columns described, with tests of the values tiers and priorities take."""
    settings = model.settings
    tests = {
        "icp_tier": [settings.top_tier, settings.middle_tier, DISQUALIFIED],
        "icp_priority": [*model.grading().priorities, DQ_PRIORITY],
    }
    lines = ["version: 2", "", "models:", f"  - name: {MODEL}", f"    description: {json.dumps(_about(model))}"]
    lines.append("    columns:")
    for column in RESULT_COLUMNS:
        lines += [f"      - name: {column}", f"        description: {json.dumps(RESULT_NOTES[column])}"]
        lines.append("        tests:")
        lines.append("          - not_null")
        if column in tests:
            values = ", ".join(json.dumps(v) for v in dict.fromkeys(tests[column]))
            lines += ["          - accepted_values:", f"              values: [{values}]"]
    return "\n".join(lines) + "\n"


def _about(model: IcpModel) -> str:
    return f"Accounts scored with the ICP '{model.settings.model_name}' (version {model.settings.model_version})."


def write_dbt(folder: Path, query: str, table: str, model: IcpModel) -> list[Path]:
    """Write models/icp_scores.sql and models/schema.yml under ``folder``; the paths written."""
    models = folder / "models"
    models.mkdir(parents=True, exist_ok=True)
    written = [models / f"{MODEL}.sql", models / "schema.yml"]
    written[0].write_text(model_sql(query, table, model), encoding="utf-8")
    written[1].write_text(schema_yml(model), encoding="utf-8")
    return written
