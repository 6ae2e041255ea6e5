"""What an outcome cell means: good (won, best, retained…), bad (lost, churned…) or unknown.

`learn` and `validate` both read an outcome column typed by people, so the
words are matched the same way (case- and space-insensitive, through
:func:`values.norm_text`) and the mapping can be changed in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.names import find_column
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.values import norm_text

GOOD_WORDS = (
    "best", "won", "closed won", "win", "good", "retained", "expanded", "renewed", "customer",
    "replied", "meeting", "meeting booked", "booked", "converted", "yes",
)  # fmt: skip
BAD_WORDS = (
    "worst", "churned", "churn", "lost", "closed lost", "bad", "cancelled", "canceled",
    "no reply", "no meeting", "not converted", "unresponsive", "no",
)  # fmt: skip
OUTCOME_HEADERS = ("Outcome", "Result", "Status", "Stage")


@dataclass(frozen=True)
class OutcomeMap:
    """Which outcome words count as good and which as bad; anything else is left out."""

    good: frozenset[str] = frozenset(GOOD_WORDS)
    bad: frozenset[str] = frozenset(BAD_WORDS)

    @classmethod
    def of(cls, good: Iterable[str] | None = None, bad: Iterable[str] | None = None) -> OutcomeMap:
        """A map from the words people give; None keeps the defaults."""
        return cls(
            frozenset(norm_text(w) for w in good) if good else frozenset(GOOD_WORDS),
            frozenset(norm_text(w) for w in bad) if bad else frozenset(BAD_WORDS),
        )


@dataclass(frozen=True)
class Outcomes:
    """An outcome column read into two masks, plus the words nobody mapped."""

    good: pd.Series
    bad: pd.Series
    unknown: dict[str, int]

    @property
    def labelled(self) -> pd.Series:
        return self.good | self.bad

    def unknown_note(self) -> str | None:
        """One line naming the outcome words that were left out, or None."""
        if not self.unknown:
            return None
        words = ", ".join(f"'{w}' ({n})" for w, n in list(self.unknown.items())[:6])
        return f"Outcomes left out (neither good nor bad): {words}; map them with --good/--bad."


def read_outcomes(column: pd.Series, mapping: OutcomeMap) -> Outcomes:
    """Good/bad masks for an outcome column; blank cells are neither and are not reported."""
    keys = text_keys(column)
    good, bad = keys.isin(mapping.good), keys.isin(mapping.bad)
    rest = keys[~(good | bad) & keys.ne("")]
    return Outcomes(good, bad, {str(k): int(n) for k, n in rest.value_counts().items()})


def text_keys(column: pd.Series) -> pd.Series:
    """:func:`values.norm_text` of every cell, computed once per distinct value."""
    values = ColumnValues(column)
    return pd.Series(values.per_row(values.text), index=column.index)


def find_header(columns: Iterable[object], names: Iterable[str]) -> str | None:
    """The first of ``names`` the headers hold (matched as :func:`find_column` does)."""
    columns = list(columns)
    return next((found for name in names if (found := find_column(columns, name))), None)


def outcome_column(frame: pd.DataFrame, name: str | None = None) -> str:
    """The outcome column: ``name`` or the first of Outcome/Result/Status/Stage; IcpError if none."""
    wanted = (name,) if name else OUTCOME_HEADERS
    found = find_header(frame.columns, wanted)
    if found is None:
        shown = ", ".join(map(str, frame.columns))
        raise IcpError(Problem(
            Code.MISSING_COLUMN,
            f"no outcome column: looked for {' / '.join(wanted)} among {shown}; add an Outcome column "
            "(best/worst, won/lost…) or name yours with --outcome-column",
            column=name,
        ))  # fmt: skip
    return found
