"""Fit in SQL as :mod:`icp_sheets.core.fit` computes it: band sets, groups, caps, the 0–100 scale.

A band set without AND conditions is evaluated in its column's frame of distinct values (as
before groups existed). A band set with AND conditions needs two columns at once: each row's
match, points and why are computed in the column frames and the first match is picked in the
frame of distinct combinations, where the groups, their caps and the scale are applied too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlglot import exp

from icp_sheets.core.band_ranges import shown
from icp_sheets.core.conditions import Condition, Reads, fmt_number
from icp_sheets.core.matching import and_words
from icp_sheets.core.models import Criterion, IcpModel, Scale
from icp_sheets.core.reach import PERCENT, best_fit, best_timing
from icp_sheets.sql import build as b
from icp_sheets.sql import text
from icp_sheets.sql.cells import Cell
from icp_sheets.sql.frame import Frame
from icp_sheets.sql.reasons import FIT, Reason, reason, reason_order

Out = Callable[[str, str], exp.Column]  # (model column, output name) → its column in the results frame


@dataclass(frozen=True)
class BandSet:
    """One band set's outputs in its column's frame (``fit``, ``why``) or, with ANDs, per row."""

    bands: tuple[Criterion, ...]
    tag: str  # '' for a column's first band set: the names the SQL had before groups
    anded: bool


def unknown_words(bands: Sequence[Criterion], cell: Cell, column: str) -> tuple[exp.Expr, exp.Expr]:
    """matching.unknown_words: (the cell cannot be read by these bands, the why saying so)."""
    reads = {c.condition.kind.reads for c in bands}
    unknown: list[exp.Expr] = [cell.blank]
    if Reads.NUMBER in reads:
        unknown.append(exp.Is(this=cell.number, expression=exp.null()))
    if Reads.BOOL in reads:
        unknown.append(exp.LT(this=cell.truth, expression=b.num(0)))
    return b.any_of(*unknown), b.concat(f"{column} ", cell.unreadable_words)


def _label(c: Criterion, condition: Condition, column: str, cell: Cell, tag: str) -> exp.Expr:
    """matching.label: the words for ``condition`` (the range the band covers), then its AND."""
    said = condition.kind.sql_label(condition, column, cell, c.points, tag)
    return b.concat(said, and_words(c)) if c.and_condition is not None else said


def column_outputs(band_set: BandSet, frame: Frame, cell: Cell, column: str) -> list[str]:
    """Add the band set's values to its column's frame; the names the results frame reads."""
    bands, tag = band_set.bands, band_set.tag
    if band_set.anded:
        names = []
        for i, (c, said) in enumerate(zip(bands, shown(bands), strict=True)):
            frame.add(f"m{tag}_{i}", b.true(c.condition.kind.sql(c.condition, cell)))
            frame.add(f"p{tag}_{i}", b.double(c.condition.kind.sql_points(c.condition, c.points, cell)))
            frame.add(f"l{tag}_{i}", _label(c, said, column, cell, f"b{tag}_{i}"))
            names += [f"m{tag}_{i}", f"p{tag}_{i}", f"l{tag}_{i}"]
        unknown, unknown_why = unknown_words(bands, cell, column)
        frame.add(f"u{tag}", b.case([(unknown, unknown_why)], b.lit("")))
        return [*names, f"u{tag}"]
    matched = [(b.true(c.condition.kind.sql(c.condition, cell)), b.num(i)) for i, c in enumerate(bands)]
    band = frame.add(f"band{tag}", b.case(matched, b.num(-1)))
    points = [
        (exp.EQ(this=band, expression=b.num(i)), c.condition.kind.sql_points(c.condition, c.points, cell))
        for i, c in enumerate(bands)
    ]
    fit = frame.add(f"fit{tag}", b.double(b.case(points, b.num(0))))
    counted = exp.GTE(this=band, expression=b.num(0))
    points_shown = text.fmt_points(frame, f"fit{tag}_pt", fit)
    labels = [
        (
            exp.EQ(this=band, expression=b.num(i)),
            b.concat(_label(c, said, column, cell, f"b{tag}{'_' if tag else ''}{i}"), " (", points_shown, ")"),
        )
        for i, (c, said) in enumerate(zip(bands, shown(bands), strict=True))
    ]
    unknown, unknown_why = unknown_words(bands, cell, column)
    frame.add(f"fit_why{tag}", b.case([*labels, (unknown, unknown_why)], b.lit("")))
    reason_order(frame, f"fit{tag}", b.case([(counted, fit)]), FIT)
    return [f"fit{tag}", f"fit_why{tag}", f"fit{tag}_grp", f"fit{tag}_key"]


def and_outputs(band_set: BandSet, frame: Frame, cell: Cell, column: str) -> list[str]:
    """Add the AND conditions on ``column`` of an anded band set to that column's frame."""
    names = []
    for i, c in enumerate(band_set.bands):
        if c.and_condition is not None and c.and_column == column:
            frame.add(f"a{band_set.tag}_{i}", b.true(c.and_condition.kind.sql(c.and_condition, cell)))
            names.append(f"a{band_set.tag}_{i}")
    return names


def _picked(band_set: BandSet, frame: Frame, out: Out) -> tuple[exp.Expr, Reason]:
    """(points, reason) of an anded band set: its first row whose both conditions hold."""
    tag, column = band_set.tag, band_set.bands[0].column
    tests = []
    for i, c in enumerate(band_set.bands):
        hit = out(column, f"m{tag}_{i}")
        tests.append(hit if c.and_condition is None else b.all_of(hit, out(c.and_column, f"a{tag}_{i}")))
    band = frame.add(f"band{tag}", b.case([(t, b.num(i)) for i, t in enumerate(tests)], b.num(-1)))
    chosen = [exp.EQ(this=band, expression=b.num(i)) for i in range(len(tests))]
    points = frame.add(
        f"fit{tag}", b.double(b.case([(w, out(column, f"p{tag}_{i}")) for i, w in enumerate(chosen)], b.num(0.0)))
    )
    points_shown = text.fmt_points(frame, f"fit{tag}_pt", points)
    labels = [(w, b.concat(out(column, f"l{tag}_{i}"), " (", points_shown, ")")) for i, w in enumerate(chosen)]
    why = frame.add(f"fit_why{tag}", b.case(labels, out(column, f"u{tag}")))
    reason_order(frame, f"fit{tag}", b.case([(exp.GTE(this=band, expression=b.num(0)), points)]), FIT)
    return points, reason(frame, f"fit{tag}", why)


def _held(value: exp.Expr, cap: float | None) -> exp.Expr:
    if cap is None:
        return value
    return (exp.Least if cap >= 0 else exp.Greatest)(this=value, expressions=[b.num(cap)])


def fit_sql(model: IcpModel, sets: Sequence[BandSet], frame: Frame, out: Out) -> tuple[exp.Expr, list[Reason]]:
    """Raw fit after group caps and the fit cap, and its reasons in the core's order."""
    reasons: list[Reason] = []
    groups: dict[str, tuple[str, exp.Expr]] = {}
    for band_set in sets:
        first = band_set.bands[0]
        if band_set.anded:
            points, said = _picked(band_set, frame, out)
        else:
            tag = band_set.tag
            points = out(first.column, f"fit{tag}")
            said = Reason(
                out(first.column, f"fit_why{tag}"),
                out(first.column, f"fit{tag}_grp"),
                out(first.column, f"fit{tag}_key"),
            )
        reasons.append(said)
        key = first.group_key()
        name, before = groups.get(key, (first.group.strip() or first.column, None))
        groups[key] = (name, points if before is None else exp.Add(this=before, expression=points))
    caps = model.group_caps()
    fit: exp.Expr = b.num(0.0)
    for g, (key, (name, points)) in enumerate(groups.items()):
        fit = exp.Add(this=fit, expression=capped(frame, f"g{g}", name, points, caps.get(key), reasons, FIT))
    return capped(frame, "fit", "fit", fit, model.settings.fit_cap, reasons, FIT), reasons


def capped(
    frame: Frame, tag: str, name: str, value: exp.Expr, cap: float | None, reasons: list[Reason], group: int
) -> exp.Expr:
    """``value`` held to ``cap``; its reason (fit.capped's words) appended to ``reasons``."""
    if cap is None:
        return value
    raw = frame.add(f"{tag}_raw", b.double(value))
    six = frame.add(
        f"{tag}_r6", exp.Div(this=text._half_even(exp.Mul(this=raw, expression=b.num(1e6))), expression=b.num(1e6))
    )
    two = exp.Div(this=text._half_even(exp.Mul(this=six, expression=b.num(100))), expression=b.num(100))
    bit = (exp.GT if cap >= 0 else exp.LT)(this=raw, expression=b.num(cap))
    worth = frame.add(f"{tag}_cut", b.case([(bit, exp.Sub(this=b.num(cap), expression=six))]))
    words = b.concat(
        f"{name} ",
        text.fmt_number(frame, f"{tag}_rt", two),
        f" capped at {fmt_number(cap)} (",
        text.fmt_points(frame, f"{tag}_pt", worth),
        ")",
    )
    why = frame.add(f"{tag}_why", b.case([(bit, words)], b.lit("")))
    reason_order(frame, tag, worth, group)
    reasons.append(reason(frame, tag, why))
    return _held(raw, cap)


def scaled(model: IcpModel, fit: exp.Expr, timing: exp.Expr) -> tuple[exp.Expr, exp.Expr, exp.Expr]:
    """(fit, timing, score) in the model's scale, as core.fit.scaled."""
    if model.settings.scale is Scale.POINTS:
        return fit, timing, exp.Add(this=fit, expression=timing)
    most_fit, most_timing = best_fit(model), best_timing(model)
    total = _on_scale(exp.Add(this=fit, expression=timing), most_fit + most_timing)
    return _on_scale(fit, most_fit), _on_scale(timing, most_timing), total


def _on_scale(points: exp.Expr, best: float) -> exp.Expr:
    if best <= 0:
        return b.num(0.0)
    share = exp.Mul(this=exp.Div(this=points, expression=b.num(best)), expression=b.num(PERCENT))
    return exp.Least(this=exp.Greatest(this=share, expressions=[b.num(0.0)]), expressions=[b.num(PERCENT)])
