"""Computed rows of the Settings tab: figures icp-sheets works out from the model and writes each
time it writes a workbook, for people to read, on locked cells. The reader skips them: they are
never input, so typing over one changes nothing and the next written workbook puts it right.

Today there is one: the most points an account can reach after caps, which is what 100 means on
the 0–100 scale (:mod:`icp_sheets.core.reach`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.models import IcpModel, Scale
from icp_sheets.core.names import SETTINGS, find_tab, header_key
from icp_sheets.core.reach import best_fit, best_timing
from icp_sheets.core.values import whole

if TYPE_CHECKING:  # the model reader imports this module, and Excel's runtimes have no openpyxl
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

MOST_POINTS = "Most points (computed)"
_COMPUTED = frozenset({header_key(MOST_POINTS)})


def is_computed(label: object) -> bool:
    """Whether a Settings label names a computed row (any case or spacing)."""
    return header_key(label) in _COMPUTED


def computed_rows(model: IcpModel) -> list[list[Any]]:
    """The computed rows as the Settings tab's (Setting, Value, Notes) cells."""
    fit, timing = best_fit(model), best_timing(model)
    said = "Computed by icp-sheets each time it writes this workbook and never read: typing here changes nothing."
    if not math.isfinite(fit + timing):
        value: Any = "no most"
        note = f"A 'per unit' row without a cap can give any number of points, so the model has no most. {said}"
    else:
        value = whole(round(fit + timing, 6))
        scale = " (100 on the 0–100 scale)" if model.settings.scale is Scale.PERCENT else ""
        note = (
            f"The most points an account can reach after the caps{scale}: fit {fmt_number(round(fit, 6))} + "
            f"timing {fmt_number(round(timing, 6))}. {said}"
        )
    return [[MOST_POINTS, value, note]]


def settings_rewrite(model: IcpModel) -> Callable[[Workbook], None]:
    """A rewrite for a scored copy of a workbook: its Settings tab shows the model's computed rows."""

    def rewrite(book: Workbook) -> None:
        tab = find_tab(book.sheetnames, SETTINGS)
        if tab is not None:
            write_computed(book[tab], model)

    return rewrite


def write_computed(ws: Worksheet, model: IcpModel) -> None:
    """Put the computed rows on a copied workbook's Settings tab: over the rows it has, else below
    its last row (its table grown to hold them), each cell locked."""
    from icp_sheets.io.workbook_edit import append_rows
    from icp_sheets.io.xlsx_cell_style import LOCKED

    keys = [header_key(c.value or "") for c in ws[1]]
    present = [i for i, h in enumerate(_HEADERS) if header_key(h) in keys]
    if 0 not in present:
        return  # not a Settings tab icp-sheets can read; the reader says so
    rows = computed_rows(model)
    if any(_row_of(ws, keys, row[0]) is None for row in rows):
        missing = [row for row in rows if _row_of(ws, keys, row[0]) is None]
        append_rows(ws, [_HEADERS[i] for i in present], [[row[i] for i in present] for row in missing])
    for row in rows:
        at = _row_of(ws, keys, row[0])
        assert at is not None  # there, or appended just above
        for i in present:
            cell = ws.cell(at, keys.index(header_key(_HEADERS[i])) + 1)
            cell.value = row[i]
            cell.protection = LOCKED


_HEADERS = ("Setting", "Value", "Notes")


def _row_of(ws: Worksheet, keys: list[str], label: str) -> int | None:
    column = keys.index(header_key(_HEADERS[0])) + 1
    wanted = header_key(label)
    return next((r for r in range(2, ws.max_row + 1) if header_key(ws.cell(r, column).value or "") == wanted), None)
