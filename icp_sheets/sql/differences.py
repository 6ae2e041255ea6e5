"""What the SQL reads differently from the core, said for the cells this model reads.

Each difference is a warning (code ``sql-difference``) naming the columns it can touch, so
``icp-sheets sql`` says before the query runs where a warehouse may disagree with
``icp-sheets score``. docs/sql.md explains each one.
"""

from __future__ import annotations

from icp_sheets.core.conditions import Reads
from icp_sheets.core.formats import ReadAs
from icp_sheets.core.models import IcpModel, SignalReads
from icp_sheets.core.problems import Code, Problem, Severity

_NUMBERS = (
    "numbers: a range written with 'to' needs spaces around it ('10 to 20'), digits other than 0-9 and "
    "numbers beyond 10^15 are not read as the core reads them, and the why writes fractions of a million "
    "and more, or below 0.0001, without an exponent"
)
_TEXT = (
    "text: case is folded with LOWER (the core's casefold also turns 'ß' into 'ss'), and symbols other "
    "than ASCII punctuation and common quotes and dashes count in comparisons"
)
_DATES = (
    "dates: the time after an ISO date is checked for its shape only; ISO week dates are not read; a cell "
    "listing several dates ('2026-02-28; 2026-02-16') is unreadable in the SQL, while the core counts each date"
)
_SPACES = "spaces: only spaces, tabs, line breaks and no-break spaces are trimmed"
_TYPED = (
    "a column the warehouse types as numbers, booleans or timestamps is read from the engine's text for it "
    "(a DOUBLE 3 is '3.0'); keep the model's columns as text, as the CLI reads files, for identical results"
)
_NOTES = (
    "the SQL reads ambiguous dates and decimals as the core does, but cannot print the core's notes "
    "(ambiguous-format, column-summary); run `icp-sheets check` or `score` on an export to see them"
)
_COMMA = "'decimal comma' on a column the warehouse types as numbers reads the engine's text, with its decimal point"


def differences(model: IcpModel, guessed_headers: bool) -> list[Problem]:
    """The warnings that apply to ``model``; ``guessed_headers`` when the table's columns were not given."""
    reads: dict[Reads, list[str]] = {}
    used = [(c.column, c.condition) for c in model.criteria] + [(d.column, d.condition) for d in model.disqualifiers]
    for column, condition in used:
        reads.setdefault(condition.kind.reads, []).append(column)
    found: list[tuple[str, list[str]]] = []
    if Reads.NUMBER in reads:
        found.append((_NUMBERS, reads[Reads.NUMBER]))
    texts = reads.get(Reads.TEXT, []) + reads.get(Reads.ITEMS, []) + reads.get(Reads.WORDS, [])
    if texts:
        found.append((_TEXT, texts))
    if model.signals:
        dated = [s.date_column for s in model.signals if s.reads is SignalReads.DATE]
        if dated:
            found.append((_DATES, dated))
    every = model.required_columns()
    found.append((_SPACES, every))
    found.append((_TYPED, every))
    found.append((_NOTES, every))
    commas = [c.name for c in model.columns if c.read_as is ReadAs.DECIMAL_COMMA]
    if commas:
        found.append((_COMMA, commas))
    problems = [
        Problem(Code.SQL_DIFFERENCE, message, column=", ".join(dict.fromkeys(columns)), severity=Severity.WARNING)
        for message, columns in found
    ]
    if guessed_headers:
        problems.append(
            Problem(
                Code.SQL_DIFFERENCE,
                "the table's columns are taken to be named as in the model (the workbook has no Accounts header)",
                severity=Severity.WARNING,
            )
        )
    return problems
