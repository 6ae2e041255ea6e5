"""The Signals tab's optional cells: what the column holds, the gate, how many events count.

Read here, apart from the tab's required cells, so each new option is one function; every
cell that cannot be read becomes a problem naming its row and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from icp_sheets.core.conditions import ConditionError
from icp_sheets.core.gates import parse_gate
from icp_sheets.core.models import SignalReads
from icp_sheets.core.problems import Code
from icp_sheets.core.values import is_blank, norm_text, parse_number, shown

if TYPE_CHECKING:
    from icp_sheets.io.model_reader import _TabReader

_PER_UNIT = re.compile(r"^per unit(?:\s*,?\s*(?:up to|max(?:imum)?|cap(?:ped at)?|at most)\s+(?P<cap>.+))?$")
_AHEAD = {"ignore": False, "": False, "count": True}


def signal_options(reader: _TabReader, cells: Mapping[str, Any], row: int) -> dict[str, Any] | None:
    """The optional fields of a Signal from one row, or None when one of them is unreadable."""
    options: dict[str, Any] = {}
    ok = True
    reads = norm_text(cells["Reads"])
    match = _PER_UNIT.match(reads)
    if match is not None:
        options["reads"] = SignalReads.PER_UNIT
        cap = parse_number(match.group("cap")) if match.group("cap") else None
        if match.group("cap") and (cap is None or cap < 0):
            reader.problem(
                Code.UNREADABLE_NUMBER,
                f"the cap in '{shown(cells['Reads'])}' is not a number of 0 or more; write it like "
                "'per unit up to 100'",
                row,
                "Reads",
                cells["Reads"],
            )
            ok = False
        options["cap"] = cap
    elif reads:
        choices = {r.value: r for r in SignalReads if r is not SignalReads.PER_UNIT}
        value = reader.choice(cells["Reads"], row, "Reads", choices)
        ok &= value is not None
        options["reads"] = value
    if not is_blank(cells["Counts when"]):
        try:
            options["counts_when"] = parse_gate(cells["Counts when"])
        except ConditionError as exc:
            code = Code.UNKNOWN_CONDITION if exc.unknown else Code.BAD_CONDITION
            reader.problem(code, str(exc), row, "Counts when", cells["Counts when"])
            ok = False
    for header, field in (("Max events", "max_events"), ("At least", "at_least")):
        count = _count(reader, cells, row, header)
        ok &= count is not False
        options[field] = None if count is False else count
    ahead = cells["Dated after as-of"]
    if norm_text(ahead) in _AHEAD:
        options["count_ahead"] = _AHEAD[norm_text(ahead)]
    else:
        ok &= reader.choice(ahead, row, "Dated after as-of", {k: k for k in _AHEAD if k}) is not None
    return options if ok else None


def _count(reader: _TabReader, cells: Mapping[str, Any], row: int, header: str) -> int | bool | None:
    """A whole number of events, 1 or more (blank = None), or False when unreadable (reported)."""
    value = cells[header]
    if is_blank(value):
        return None
    number = parse_number(value)
    if number is None or number < 1 or not float(number).is_integer():
        reader.problem(
            Code.UNREADABLE_NUMBER,
            f"'{shown(value)}' must be a whole number of events, 1 or more, such as 3 (blank: all)",
            row,
            header,
            value,
        )
        return False
    return int(number)
