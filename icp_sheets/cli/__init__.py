"""Command line: `icp-sheets`. Each command module registers itself on import."""

from icp_sheets.cli import check, demo, excel, learn, new, schema, score, sql, sync  # noqa: F401  (registers the commands)
from icp_sheets.cli.app import cli


def main() -> None:
    cli(prog_name="icp-sheets")


__all__ = ["cli", "main"]
