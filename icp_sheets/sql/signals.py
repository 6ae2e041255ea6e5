"""One Signals row in SQL, as :mod:`icp_sheets.core.signals` scores it: points and why per value.

A signal's points and words live in the frame of the column it reads (a date, a days-ago
number or a count); its 'Counts when' gate is a true/false column in the gate column's
frame, applied where the row results meet (:func:`gated`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.events import AHEAD
from icp_sheets.core.models import Signal, SignalReads
from icp_sheets.sql import build as b
from icp_sheets.sql import text
from icp_sheets.sql.cells import Cell
from icp_sheets.sql.frame import Frame


@dataclass(frozen=True)
class SignalSql:
    """A signal's frame columns, the points its why shows (NULL: a note) and where the note is kept."""

    outputs: list[str]
    worth: exp.Expr
    note: exp.Expr | None = None


def signal_columns(cell: Cell, s: int, signal: Signal, today: exp.Expr) -> SignalSql:
    """Add the signal's points (``sp{s}``) and why (``sw{s}``) to the cell's frame."""
    if signal.reads is SignalReads.PER_UNIT:
        return _per_unit(cell, s, signal)
    frame = cell.frame
    if signal.reads is SignalReads.DAYS_AGO:
        age = frame.add(f"age{s}", cell.number)
        unreadable = b.all_of(b.not_(cell.blank), exp.Is(this=cell.number, expression=exp.null()))
    else:
        age = frame.add(f"age{s}", exp.Sub(this=today, expression=cell.day))
        unreadable = b.all_of(b.not_(cell.blank), exp.Is(this=cell.day, expression=exp.null()))
    tests: list[exp.Expr] = [] if signal.count_ahead else [exp.GTE(this=age, expression=b.num(0))]
    if signal.window_days is not None:
        tests.append(exp.LTE(this=age, expression=b.num(signal.window_days)))
    if not tests:  # any age that is there
        tests.append(exp.Not(this=exp.Is(this=age, expression=exp.null())))
    inside = frame.add(f"in{s}", b.true(b.all_of(*tests)))
    points = frame.add(
        f"sp{s}",
        b.double(signal.decay.sql_points_after(signal.points, age, signal.window_days, ahead=signal.count_ahead)),
    )
    shown = text.fmt_points(frame, f"s{s}_pt", points)
    branches = [
        (inside, b.concat(f"{signal.name} ", _ago(frame, s, age, signal), " (", shown, ")")),
        (unreadable, b.concat(f"{signal.date_column} unreadable ('", cell.shown, "')")),
    ]
    note = None
    if not signal.count_ahead:
        note = frame.add(f"ah{s}", b.true(exp.LT(this=age, expression=b.num(0))))
        branches.insert(1, (note, b.lit(f"{signal.name} {AHEAD}")))
    frame.add(f"sw{s}", b.case(branches, b.lit("")))
    return SignalSql([f"sp{s}", f"sw{s}"], b.case([(inside, points)]), note)


def _ago(frame: Frame, s: int, age: exp.Expr, signal: Signal) -> exp.Expr:
    """age_words: 'today', '1 day ago', '12 days ago', '2.5 days ago' (a days-ago number), 'in 3 days'
    (an event counted before it happens)."""
    size = exp.Abs(this=age) if signal.count_ahead else age
    count = b.text_of(b.cast(size, "bigint"))
    if signal.reads is SignalReads.DAYS_AGO:
        whole = exp.EQ(this=size, expression=b.floor(size))
        count = b.case([(whole, count)], text.fmt_number(frame, f"s{s}_ag", size))
    branches: list[tuple[exp.Expr, exp.Expr]] = [
        (exp.EQ(this=age, expression=b.num(0)), b.lit("today")),
        (exp.EQ(this=age, expression=b.num(1)), b.lit("1 day ago")),
    ]
    if signal.count_ahead:
        branches.append((exp.EQ(this=age, expression=b.num(-1)), b.lit("in 1 day")))
        branches.append((exp.LT(this=age, expression=b.num(0)), b.concat("in ", count, " days")))
    return b.case(branches, b.concat(count, " days ago"))


def _per_unit(cell: Cell, s: int, signal: Signal) -> SignalSql:
    """A count: points per unit, capped both ways, and '+25.2 Hiring 6 × 4.2'."""
    frame = cell.frame
    raw = exp.Mul(this=cell.number, expression=b.num(signal.points))
    value: exp.Expr = raw
    if signal.cap is not None:
        value = exp.Mul(
            this=exp.Sign(this=raw), expression=exp.Least(this=exp.Abs(this=raw), expressions=[b.num(signal.cap)])
        )
    points = frame.add(f"sp{s}", b.double(b.func("coalesce", value, b.num(0.0))))
    shown = text.fmt_points(frame, f"s{s}_pt", points)
    number = text.fmt_number(frame, f"s{s}_n", cell.number)
    unreadable = b.all_of(b.not_(cell.blank), exp.Is(this=cell.number, expression=exp.null()))
    counted = b.all_of(
        b.not_(exp.Is(this=cell.number, expression=exp.null())), exp.NEQ(this=cell.number, expression=b.num(0))
    )
    label = b.case(
        [
            (b.true(unreadable), b.concat(f"{signal.date_column} unreadable ('", cell.shown, "')")),
            (
                b.true(counted),
                b.concat(f"{signal.name} ", number, f" × {fmt_number(signal.points)} (", shown, ")"),
            ),
        ],
        b.lit(""),
    )
    frame.add(f"sw{s}", label)
    return SignalSql([f"sp{s}", f"sw{s}"], b.case([(b.not_(exp.Is(this=cell.number, expression=exp.null())), points)]))


def gate_column(cell: Cell, s: int, signal: Signal) -> str:
    """The gate's true/false over the gate column's values (``g{s}``)."""
    assert signal.counts_when is not None
    condition = signal.counts_when.condition
    cell.frame.add(f"g{s}", b.true(condition.kind.sql(condition, cell)))
    return f"g{s}"


def gated(gate: exp.Expr | None, value: exp.Expr, otherwise: exp.Expr) -> exp.Expr:
    """``value`` where the gate holds (or there is none), else ``otherwise``."""
    return value if gate is None else b.case([(gate, value)], otherwise)
