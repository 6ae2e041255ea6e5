"""One reason of the why in SQL: its text, where it goes (explain._Group) and its place there."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from icp_sheets.sql import build as b
from icp_sheets.sql import text
from icp_sheets.sql.frame import Frame

TIMING, FIT, GAP = 1, 2, 3  # explain._Group of a reason


@dataclass(frozen=True)
class Reason:
    """One fit band set's, cap's or signal's why text, its group and its key inside the group."""

    text: exp.Expr
    group: exp.Expr
    key: exp.Expr


def reason_order(frame: Frame, name: str, worth: exp.Expr, group: int, note: exp.Expr | None = None) -> None:
    """Where a reason goes in the why (explain._Group, ``{name}_grp``) and its place in its group
    (``{name}_key``: minus its points in hundredths, as shown); ``worth`` is NULL for a note, which
    is a data gap unless ``note`` holds (an ignored event: the why shows it)."""
    hundredths = frame.add(f"{name}_hd", text._half_even(exp.Mul(this=b.double(worth), expression=b.num(100))))
    gap = b.any_of(exp.Is(this=hundredths, expression=exp.null()), exp.EQ(this=hundredths, expression=b.num(0)))
    if note is not None:
        gap = b.all_of(b.not_(note), gap)
    frame.add(f"{name}_grp", b.case([(gap, b.num(GAP))], b.num(group)))
    frame.add(f"{name}_key", b.func("coalesce", exp.Neg(this=hundredths), b.num(0)))


def reason(frame: Frame, name: str, why: exp.Expr) -> Reason:
    """The reason whose order :func:`reason_order` put under ``name`` in ``frame``."""
    return Reason(why, frame.get(f"{name}_grp"), frame.get(f"{name}_key"))
