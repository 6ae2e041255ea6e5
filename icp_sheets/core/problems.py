"""Problems with input, as data.

Reading a workbook or an accounts file never stops at the first mistake: every
problem becomes a :class:`Problem` with a stable code, the place a person can
find in their sheet (tab, row, column), the offending value and a message that
ends with the fix. Front-ends render the same objects as a table (CLI), a short
cell message (Excel) or a report (Google sync).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, ClassVar


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # worth knowing, nothing to fix (a default in force)


class Code(StrEnum):
    """Stable problem codes; the values are part of the public interface."""

    MISSING_TAB = "missing-tab"
    MISSING_HEADER = "missing-header"
    MISSING_COLUMN = "missing-column"
    AMBIGUOUS_COLUMN = "ambiguous-column"
    AMBIGUOUS_FORMAT = "ambiguous-format"
    COLUMN_SUMMARY = "column-summary"
    RAGGED_ROWS = "ragged-rows"
    HOW_READ = "how-read"
    UNKNOWN_CONDITION = "unknown-condition"
    BAD_CONDITION = "bad-condition"
    UNREADABLE_NUMBER = "unreadable-number"
    UNREADABLE_DATE = "unreadable-date"
    UNKNOWN_VALUE = "unknown-value"
    REQUIRED_CELL = "required-cell"
    UNKNOWN_SETTING = "unknown-setting"
    MISSING_SETTING = "missing-setting"
    DEFAULT_SETTING = "default-setting"
    DUPLICATE = "duplicate"
    BAD_THRESHOLDS = "bad-thresholds"
    BAD_GRADES = "bad-grades"
    BAND_GAP = "band-gap"
    BAND_OVERLAP = "band-overlap"
    UNREACHABLE_BAND = "unreachable-band"
    TOO_MANY_COLUMNS = "too-many-columns"
    STALE_REVIEW = "stale-review"
    UNREACHABLE_TIER = "unreachable-tier"
    UNREADABLE_FILE = "unreadable-file"
    REFUSED_WRITE = "refused-write"
    CANNOT_WRITE = "cannot-write"
    BAD_MODEL_TEXT = "bad-model-text"
    MODEL_CELL_TOO_BIG = "model-cell-too-big"
    FLOOR_ABOVE_POINTS = "floor-above-points"
    DUPLICATE_ROW = "duplicate-row"
    MISSING_ACTION = "missing-action"
    BAD_ARGUMENT = "bad-argument"
    ERROR_INPUT = "error-input"
    BAD_LAYOUT = "bad-layout"
    NOT_ENOUGH_EVIDENCE = "not-enough-evidence"
    SHEETS_REFUSED = "sheets-refused"
    SHEETS_UNAVAILABLE = "sheets-unavailable"
    SHEETS_BUSY = "sheets-busy"
    SYNC_CONFLICTS = "sync-conflicts"
    SYNC_GUARDED = "sync-guarded"
    SQL_DIFFERENCE = "sql-difference"
    UNMATCHED_CONTACT = "unmatched-contact"


CODE_HELP: dict[Code, str] = {
    Code.MISSING_TAB: "A tab the model needs is not in the workbook.",
    Code.MISSING_HEADER: "A tab lacks a header the model needs.",
    Code.MISSING_COLUMN: "The accounts lack a column the model scores.",
    Code.AMBIGUOUS_COLUMN: "Two headers of the accounts could be the same model column.",
    Code.AMBIGUOUS_FORMAT: (
        "A column's own values leave its day/month order or its decimal separator open; said once per "
        "column, with the Format to set on the Columns tab."
    ),
    Code.COLUMN_SUMMARY: "After scoring: how many cells of a column were unreadable or blank, with examples.",
    Code.RAGGED_ROWS: "Rows of a CSV have more or fewer cells than its header; each is kept and reported by line.",
    Code.HOW_READ: "How a file was read: its encoding and delimiter, the tab, the header row, accounts or contacts.",
    Code.UNKNOWN_CONDITION: "A condition does not start with a known word.",
    Code.BAD_CONDITION: "A known condition is written incompletely or with bad numbers.",
    Code.UNREADABLE_NUMBER: "A cell that must hold a number holds something else.",
    Code.UNREADABLE_DATE: "A cell that must hold a date holds something else.",
    Code.UNKNOWN_VALUE: "A cell holds a value outside its drop-down list.",
    Code.REQUIRED_CELL: "A cell that must be filled in is blank.",
    Code.UNKNOWN_SETTING: "The Settings tab names a setting the model does not know.",
    Code.MISSING_SETTING: "A setting scoring cannot do without (a tier threshold) is blank or has no row.",
    Code.DEFAULT_SETTING: "An optional setting is blank, so its default is used (listed by check).",
    Code.DUPLICATE: "The same name is used twice where names must be unique.",
    Code.BAD_THRESHOLDS: "Tier thresholds are in the wrong order.",
    Code.BAD_GRADES: "A tier list on the Grades tab or a cell of the Matrix tab cannot be used (order, count, names).",
    Code.BAND_GAP: "Numbers between two bands of a column score nothing.",
    Code.BAND_OVERLAP: "Two bands of a column overlap; only the upper row counts.",
    Code.UNREACHABLE_BAND: "A band can never count because the rows above catch everything.",
    Code.TOO_MANY_COLUMNS: "The model scores more columns than a focused ICP needs.",
    Code.STALE_REVIEW: "The ICP has not been reviewed for a long time.",
    Code.UNREACHABLE_TIER: "No account can reach a tier with these points and thresholds.",
    Code.UNREADABLE_FILE: "A file cannot be opened or is not a table.",
    Code.REFUSED_WRITE: "The output would replace an input (or an existing file without --force).",
    Code.CANNOT_WRITE: "The output cannot be written: no such folder, read-only, open in Excel, disk full.",
    Code.BAD_MODEL_TEXT: "The text form of a model (an Excel model cell) is damaged.",
    Code.MODEL_CELL_TOO_BIG: "The model would not fit the one Excel cell =ICP_MODEL() returns (32,767 characters).",
    Code.FLOOR_ABOVE_POINTS: "A signal's decay floor is above its own points, so it scores the floor all window long.",
    Code.DUPLICATE_ROW: "An ICP or Signals row repeats an earlier one: a copied signal counts twice.",
    Code.MISSING_ACTION: "A priority cell (A1…C3) has no action, so reps landing there see no next step.",
    Code.BAD_ARGUMENT: "An Excel function was given a range or value it cannot use (the cell shows #VALUE!).",
    Code.ERROR_INPUT: "A cell an Excel function needs shows an error itself (the cell shows #N/A).",
    Code.BAD_LAYOUT: "A table's columns cannot be referenced safely by the live Excel formulas.",
    Code.NOT_ENOUGH_EVIDENCE: "`learn` has too few best or worst customers to propose rules from.",
    Code.SHEETS_REFUSED: "Google Sheets, or the credentials for it, refused what the sync or refresh needed.",
    Code.SHEETS_UNAVAILABLE: "Google Sheets kept failing after the allowed retries; nothing was half-written.",
    Code.SHEETS_BUSY: "Another sync or refresh holds the sheet's lease while it writes; nothing was written.",
    Code.SYNC_CONFLICTS: "The sync finished but cells changed on both sides were left for a person to decide.",
    Code.SYNC_GUARDED: "A sync would delete many rows, or a tab or the icp_id column is missing; nothing was written.",
    Code.UNMATCHED_CONTACT: (
        "Contacts whose Domain (or e-mail domain, or Settings › Contacts key) no account has, or is blank; they "
        "are kept, and their icp_account says so."
    ),
    Code.SQL_DIFFERENCE: "`icp-sheets sql`: a kind of cell this model reads that SQL reads differently from the core.",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located the way a person finds it."""

    code: Code
    message: str
    tab: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    severity: Severity = Severity.ERROR

    @property
    def location(self) -> str:
        parts = []
        if self.tab:
            parts.append(self.tab if self.row is None else f"{self.tab} row {self.row}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(self.column)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.message}" if where else self.message


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def actionable(problems: Iterable[Problem]) -> list[Problem]:
    """Errors and warnings: everything but notes."""
    return [p for p in problems if p.severity is not Severity.INFO]


class Exit(IntEnum):
    """The command's exit codes; :data:`EXIT_OF` picks one for every problem code."""

    DONE = 0
    CANNOT_GO_ON = 1  # a service or the network failed (or a bug): try again later
    BAD_INPUT = 2  # bad input or a refused write: fix what the message says and rerun
    CONFLICTS = 3  # a sync finished with conflicts left for a person


EXIT_HELP: dict[Exit, str] = {
    Exit.DONE: "Done (warnings may have been printed).",
    Exit.CANNOT_GO_ON: "Cannot go on: Google Sheets or the network failed (nothing was half-written; try again "
    "later), or an unexpected error (a bug: rerun with --debug and report it).",
    Exit.BAD_INPUT: "Bad input or a refused write: fix what the message says and rerun. Also click's usage errors.",
    Exit.CONFLICTS: "A sync finished with conflicts left; rerun with --prefer or edit one side.",
}

# Every code not listed here is bad input (exit 2).
EXIT_OF: dict[Code, Exit] = {
    Code.SHEETS_REFUSED: Exit.CANNOT_GO_ON,
    Code.SHEETS_UNAVAILABLE: Exit.CANNOT_GO_ON,
    Code.SHEETS_BUSY: Exit.CANNOT_GO_ON,
    Code.SYNC_CONFLICTS: Exit.CONFLICTS,
}


class IcpError(Exception):
    """The one error family for "cannot go on"; carries every problem found.

    A subclass raised with just a message gets its ``code``; the exit code follows from the
    first error's code (:data:`EXIT_OF`), so it is chosen in one place.
    """

    code: ClassVar[Code] = Code.BAD_ARGUMENT

    def __init__(self, problems: str | Problem | Iterable[Problem]) -> None:
        if isinstance(problems, str):
            problems = Problem(self.code, problems)
        self.problems = (problems,) if isinstance(problems, Problem) else tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def exit_code(self) -> Exit:
        first = next(iter(errors(self.problems) or self.problems), None)
        return Exit.BAD_INPUT if first is None else EXIT_OF.get(first.code, Exit.BAD_INPUT)
