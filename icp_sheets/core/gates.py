"""'Counts when': a column and a condition in one cell, e.g. ``Expansion signal is true``.

The column is everything before the first condition word that reads as a whole condition
(so a column may itself hold words such as 'is': ``Is partner is true``).
"""

from __future__ import annotations

import re

from icp_sheets.core.conditions import ConditionError, parse_condition
from icp_sheets.core.models import Gate


def parse_gate(text: object) -> Gate:
    """The gate in ``text``; raise ConditionError saying how to write it."""
    raw = re.sub(r"\s+", " ", str(text if text is not None else "")).strip()
    starts = [m.start() for m in re.finditer(r" (?=\S)", raw)]
    for start in starts:
        column, rest = raw[:start].strip(), raw[start + 1 :]
        try:
            condition = parse_condition(rest)
        except ConditionError:
            continue
        return Gate(column=column, condition=condition)
    raise ConditionError(
        f"'{raw}' is not a column followed by a condition; write it like 'Expansion signal is true'",
        unknown=True,
    )
