"""Shadowed and overlapping text bands: `is`, `one of`, `contains any of` and their negations.

A text band matches a set of non-blank values: the listed ones (`one of A, B`) or every
value but the listed ones (`not one of A, B`). With both kinds the sets stay easy to
combine, so `check` can say when the rows above (or the Anti-ICP) already catch every
value a row matches, as it does for numeric ranges.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from icp_sheets.core import names
from icp_sheets.core.conditions import Condition, Reads
from icp_sheets.core.models import Criterion, Disqualifier
from icp_sheets.core.problems import Code, Problem, Severity
from icp_sheets.core.values import category_key


@dataclass(frozen=True)
class TextSet:
    """Non-blank values: ``keys`` (normalised), or with ``rest`` every value except ``keys``."""

    keys: frozenset[str] = frozenset()
    rest: bool = False

    def __or__(self, other: TextSet) -> TextSet:
        if self.rest and other.rest:
            return TextSet(self.keys & other.keys, True)
        if self.rest or other.rest:
            excluded, listed = (self, other) if self.rest else (other, self)
            return TextSet(excluded.keys - listed.keys, True)
        return TextSet(self.keys | other.keys)

    def __and__(self, other: TextSet) -> TextSet:
        if self.rest and other.rest:
            return TextSet(self.keys | other.keys, True)
        if self.rest or other.rest:
            excluded, listed = (self, other) if self.rest else (other, self)
            return TextSet(listed.keys - excluded.keys)
        return TextSet(self.keys & other.keys)

    def covers(self, other: TextSet) -> bool:
        if other.rest:
            return self.rest and self.keys <= other.keys
        return other.keys.isdisjoint(self.keys) if self.rest else other.keys <= self.keys

    def __bool__(self) -> bool:
        return self.rest or bool(self.keys)


def text_set(condition: Condition) -> TextSet | None:
    """The values an `is` / `one of` condition (or its negation) matches; None for other words."""
    if condition.kind.reads is not Reads.TEXT:
        return None
    return TextSet(frozenset(category_key(item) for item in condition.items), condition.kind.negated)


def _warn(code: Code, message: str, row: int | None, column: str) -> Problem:
    return Problem(code, message, names.ICP, row, column, severity=Severity.WARNING)


def _listed(values: TextSet, shown: dict[str, str]) -> str:
    keys = ", ".join(f"'{shown.get(k, k)}'" for k in sorted(values.keys))
    if not values.rest:
        return keys
    return f"every value except {keys}" if keys else "every value"


def text_band_problems(bands: Sequence[Criterion], disqualifiers: Sequence[Disqualifier] = ()) -> Iterator[Problem]:
    """Rows no account can reach (caught above or disqualified) and rows partly caught above."""
    column = bands[0].column
    rules: list[Criterion | Disqualifier] = [*bands, *disqualifiers]
    shown = {category_key(item): item for rule in rules for item in rule.condition.items}
    barred = [(d, s) for d in disqualifiers if (s := text_set(d.condition)) is not None]
    blocked = TextSet()
    for _, dq_values in barred:
        blocked |= dq_values
    above: list[tuple[Criterion, TextSet]] = []
    caught = TextSet()
    for band in bands:
        values = text_set(band.condition)
        if values is None:
            yield from _contains_shadowed(band, bands, disqualifiers)
            continue
        unreachable = None
        if above and caught.covers(values):
            rows = ", ".join(str(e.row) for e, v in above if v & values)
            unreachable = f"row(s) {rows} above already catch {_listed(values, shown)}; remove it or move it up"
        elif barred and blocked.covers(values):
            rows = ", ".join(str(d.row) for d, v in barred if v & values)
            unreachable = f"Anti-ICP row(s) {rows} disqualify every account it matches; remove it"
        if unreachable:
            yield _warn(Code.UNREACHABLE_BAND, f"never counts: {unreachable}", band.row, column)
        else:
            over = [(e, shared) for e, v in above if (shared := v & values)]
            if over:  # first match counts: a band partly caught above is how bands are written
                rows = ", ".join(str(e.row) for e, _ in over)
                rest = values & TextSet(caught.keys, not caught.rest)
                yield Problem(
                    Code.BAND_OVERLAP,
                    f"counts only for {_listed(rest, shown)}; row(s) {rows} above take "
                    f"{_listed(values & caught, shown)}",
                    names.ICP,
                    band.row,
                    column,
                    severity=Severity.INFO,
                )
        above.append((band, values))
        caught |= values


def _keys(rule: Criterion | Disqualifier) -> set[str]:
    return {category_key(item) for item in rule.condition.items}


def _contains_shadowed(
    band: Criterion, bands: Sequence[Criterion], disqualifiers: Sequence[Disqualifier]
) -> Iterator[Problem]:
    """`contains any of S` after rows whose lists hold all of S; `does not contain any of T`
    after a `does not contain any of` a part of T (every cell it matches was caught)."""
    if band.condition.kind.reads is not Reads.ITEMS:
        return
    mine = _keys(band)
    earlier: list[Criterion | Disqualifier] = [*disqualifiers, *bands[: bands.index(band)]]
    lists = [r for r in earlier if r.condition.kind.reads is Reads.ITEMS]
    if not band.condition.kind.negated:
        covering = [r for r in lists if not r.condition.kind.negated and not mine.isdisjoint(_keys(r))]
        shadowed = bool(covering) and mine <= {key for r in covering for key in _keys(r)}
    else:
        covering = [r for r in lists if r.condition.kind.negated and _keys(r) <= mine]
        shadowed = bool(covering)
    if shadowed:
        where = ", ".join(f"{'Anti-ICP ' if isinstance(r, Disqualifier) else ''}row {r.row}" for r in covering)
        yield _warn(
            Code.UNREACHABLE_BAND,
            f"never counts: {where} already catch every account it matches; remove it or move it up",
            band.row,
            band.column,
        )
