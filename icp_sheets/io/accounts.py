"""An export read for one model: which header is which model column, and accounts or contacts.

The reader finds the header row and the tab by the model's columns; the column
matcher (:mod:`icp_sheets.core.columns`) says how each was found. A file is read as
contacts only when it has a ``Title`` column and none of the model's columns; any
other file that lacks a required column is the missing-column error. Either way the
command says which it did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from icp_sheets.core.columns import ColumnMatch, match_columns
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import find_column
from icp_sheets.core.problems import Code, Problem, Severity
from icp_sheets.io.exports import Export, HeaderScore, read_export
from icp_sheets.io.tables import Table, dates_in_1900


@dataclass(frozen=True)
class AccountsFile:
    """An export, how its columns were found, and whether it is a contact list."""

    export: Export
    match: ColumnMatch
    contacts: bool
    has_title: bool
    dates: tuple[str, ...] = ()  # the model's signal date columns

    @property
    def name(self) -> str:
        return self.export.table.name

    def notes(self) -> list[Problem]:
        what = (
            "read as contacts: it has a Title column and none of the model's columns"
            if self.contacts
            else "read as accounts; its Title column is matched to personas too"
            if self.has_title
            else ""
        )
        said = [Problem(Code.HOW_READ, what, tab=self.name, severity=Severity.INFO)] if what else []
        optional = [] if self.contacts else [p for p in self.match.problems if p.severity is Severity.WARNING]
        return [*self.export.notes, *said, *optional]

    def scoring_frame(self) -> pd.DataFrame:
        """The non-blank rows of the model's columns, under the model's names (the core's input)."""
        frame = self.export.table.frame
        found = self.match.found
        picked = frame.iloc[:, [f.position for f in found.values()]]
        picked.columns = list(found)
        picked = dates_in_1900(self.export.table, picked, self.dates)
        blank = self.export.blank
        return picked.loc[~blank] if blank.any() else picked


def read_accounts(model: IcpModel, path: Path, tab: str | None = None) -> AccountsFile:
    """Read ``path`` for ``model``: header row and tab by its columns, every column matched."""
    needed = model.required_columns()
    export = read_export(path, tab=tab, score=header_score(model), wanted=len(needed))
    match = match_columns(model, export.headers, tab=export.table.name)
    has_title = find_column(export.table.frame.columns, "Title") is not None
    dates = tuple(s.date_column for s in model.signals)
    return AccountsFile(export, match, has_title and not match.found, has_title, dates)


def header_score(model: IcpModel) -> HeaderScore:
    """How many of the model's columns a row of headers holds: the header row is the best one."""

    def score(row: Sequence[object]) -> int:
        return len(match_columns(model, ["" if c is None else str(c) for c in row]).found)

    return score


def signal_dates_in_1900(model: IcpModel, table: Table) -> pd.DataFrame:
    """A workbook tab's accounts with the plain day numbers of its signal date columns counted in
    the 1900 system (a 1904 workbook's General-formatted dates), under whichever header each was
    found; the table keeps its cells."""
    found = match_columns(model, list(table.frame.columns)).found
    headers = [found[s.date_column].header for s in model.signals if s.date_column in found]
    return dates_in_1900(table, table.frame, headers)
