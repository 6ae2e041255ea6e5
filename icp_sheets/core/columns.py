"""Which header of an export is which model column: the name, its 'Also called' names, the vendors'.

Matching goes in three rounds and stops at the first that finds the column: the model's
own name, then the Columns tab's ``Also called`` names, then the built-in vendor aliases
(:mod:`icp_sheets.core.aliases`). Headers are compared ignoring case, spacing and
punctuation (``NumberOfEmployees`` = ``Number of Employees``). Two headers found in the
same round are an error naming both, never a silent pick; a column not found gets one
"did you mean" from the headers nobody claimed.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from icp_sheets.core.aliases import VENDOR_ALIASES
from icp_sheets.core.formats import column_key
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import OVERRIDE
from icp_sheets.core.problems import Code, Problem, Severity


def _vendor_keys(entries: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """Header key -> every export writing it: 'Number of Employees' and 'NumberOfEmployees' are one key."""
    by_key: dict[str, list[str]] = {}
    for header, vendors in entries:
        by_key.setdefault(column_key(header), []).extend(vendors)
    return {key: ", ".join(dict.fromkeys(vendors)) for key, vendors in by_key.items()}


_VENDOR_KEYS = {column_key(column): _vendor_keys(entries) for column, entries in VENDOR_ALIASES.items()}


@dataclass(frozen=True)
class Found:
    """Where a model column is in the export, and by which name it was found."""

    name: str
    position: int
    header: str
    how: str  # 'same name', 'also called' (and whose name it is), or the exports whose name it is

    def line(self) -> str:
        return f"{self.name} ← '{self.header}' ({self.how})"


@dataclass
class ColumnMatch:
    """Every model column the export has, and the problems with the rest."""

    found: dict[str, Found] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)

    def positions(self) -> dict[str, int]:
        return {name: f.position for name, f in self.found.items()}

    def lines(self, names: Sequence[str]) -> list[str]:
        """How each model column was found, for ``--columns``."""
        return [self.found[n].line() if n in self.found else f"{n} ← not found" for n in names]


def _rounds(model: IcpModel, name: str) -> list[tuple[str, dict[str, str]]]:
    spec = model.column(name)
    vendors = _VENDOR_KEYS.get(column_key(name), {})
    also = {column_key(a): _also(vendors.get(column_key(a))) for a in spec.also_called}
    return [("same name", {column_key(name): "same name"}), ("also called", also), ("vendor", vendors)]


def _also(vendors: str | None) -> str:
    """An 'Also called' name that is also a vendor's says whose it is, as the vendor round would."""
    return f"also called, {vendors}" if vendors else "also called"


def match_columns(model: IcpModel, headers: Sequence[object], *, tab: str | None = None) -> ColumnMatch:
    """Find every column the model reads among ``headers`` (positions count, duplicates allowed)."""
    keys = [column_key(h) if str(h).strip() else "" for h in headers]
    match = ColumnMatch()
    missing = []
    for name in model.required_columns():
        for _, names in _rounds(model, name):
            hits = [i for i, key in enumerate(keys) if key and key in names]
            if len(hits) > 1:
                both = " and ".join(f"'{headers[i]}' (column {i + 1})" for i in hits[:2])
                match.problems.append(
                    Problem(
                        Code.AMBIGUOUS_COLUMN,
                        f"both {both} could be the column '{name}'; rename one, or name the right one in the "
                        "Columns tab's 'Also called'",
                        tab=tab,
                        column=name,
                    )
                )
                break
            if hits:
                i = hits[0]
                how = names[keys[i]]
                if how == "same name" and str(headers[i]).strip().casefold() != name.casefold():
                    how = _also(_VENDOR_KEYS.get(column_key(name), {}).get(keys[i])).replace("also called", how)
                match.found[name] = Found(name, i, str(headers[i]), how)
                break
        else:
            missing.append(name)
    claimed = {f.position for f in match.found.values()}
    free = {keys[i]: str(h) for i, h in enumerate(headers) if i not in claimed and keys[i]}
    listed = ", ".join(f"'{h}'" for h in headers) if len(headers) <= _LISTED else f"{len(headers)} columns"
    for name in missing:
        match.problems.append(_missing(model, name, free, listed or "none", tab))
    return match


_LISTED = 8  # more headers than this are counted, not listed: the fix is the 'did you mean'


def _missing(model: IcpModel, name: str, free: dict[str, str], listed: str, tab: str | None) -> Problem:
    close = difflib.get_close_matches(column_key(name), list(free), n=1, cutoff=0.6)
    hint = f"did you mean '{free[close[0]]}'? " if close else ""
    width = f"columns found: {listed}"
    if not model.column(name).required:
        return Problem(
            Code.MISSING_COLUMN,
            f"is not in the accounts ({width}); {hint}read as blank for every row, as the model "
            "says it is not required",
            tab=tab,
            column=name,
            severity=Severity.WARNING,
        )
    overriding = _only_overrides(model, name)
    if overriding is not None:  # the Override row is where the name was typed, and most likely mistyped
        return Problem(
            Code.MISSING_COLUMN,
            f"'{name}' is not a column of the accounts ({width}); {hint}fix this row's Column, or add the "
            "column to the accounts",
            tab=OVERRIDE,
            row=overriding,
            column="Column",
            value=name,
        )
    return Problem(
        Code.MISSING_COLUMN,
        f"the accounts have no column '{name}', which the model reads ({width}); {hint}rename that header to '{name}' "
        "or add it to the column's 'Also called' on the Columns tab",
        tab=tab,
        column=name,
    )


def _only_overrides(model: IcpModel, name: str) -> int | None:
    """The first Override row reading ``name`` when only Override rows read it (else None)."""
    key = column_key(name)
    rows = [o.row for o in model.overrides if column_key(o.column) == key]
    scoring = model.model_copy(update={"overrides": ()}).required_columns()
    if not rows or any(column_key(c) == key for c in scoring):
        return None
    return rows[0]
