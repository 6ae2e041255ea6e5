"""The Override tab in SQL: the core's :mod:`icp_sheets.core.overrides`, row by row.

Each override's condition is evaluated in its column's frame (once per distinct value, as an
Anti-ICP row is); over the combinations, each thing an override forces is a CASE whose first
matching row wins, on accounts that are not disqualified, and each forcing leads the why.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from icp_sheets.core.models import IcpModel
from icp_sheets.core.overrides import Target
from icp_sheets.sql import build as b
from icp_sheets.sql.cells import Cell
from icp_sheets.sql.frame import Frame


def hit_name(r: int) -> str:
    return f"ov{r}"


def hit_column(frame: Frame, cell: Cell, model: IcpModel, r: int) -> str:
    """Define override ``r``'s condition in its column's frame; the output's name."""
    override = model.overrides[r]
    frame.add(hit_name(r), b.true(override.condition.kind.sql(override.condition, cell)))
    return hit_name(r)


def branches(
    model: IcpModel, out: Callable[[str, str], exp.Column], open_row: exp.Expr, target: Target
) -> list[tuple[exp.Expr, str]]:
    """(when, forced label) for each override forcing ``target``, top first; ``open_row`` is
    true for an account that is not disqualified."""
    return [
        (b.all_of(open_row, out(o.column, hit_name(r))), o.forced(target))
        for r, o in enumerate(model.overrides)
        if o.forced(target)
    ]


def leads(model: IcpModel, out: Callable[[str, str], exp.Column], open_row: exp.Expr, frame: Frame) -> list[exp.Expr]:
    """The why's leads: per target forced by some row, the words of the row that won."""
    made: list[exp.Expr] = []
    for target in Target:
        words = [
            (b.all_of(open_row, out(o.column, hit_name(r))), b.lit(o.words(target)))
            for r, o in enumerate(model.overrides)
            if o.forced(target)
        ]
        if words:
            made.append(frame.add(f"why_override_{target.name.lower()}", b.case(words, b.lit(""))))
    return made
