"""The Columns tab's words: what an account column is called and how its values are read.

Kept apart from the models so the column readers (:mod:`icp_sheets.core.distinct`)
can take a column's format without importing the condition language.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

_NOISE = re.compile(r"[\W_]+")


def column_key(name: object) -> str:
    """How export headers are compared: only letters and digits count, without case."""
    text = str(name).casefold()
    return _NOISE.sub("", text) or text.strip()


class ReadAs(StrEnum):
    """Format words of the Columns tab: how to read a column whose own values leave it open."""

    DAY_MONTH = "day/month"
    MONTH_DAY = "month/day"
    DECIMAL_COMMA = "decimal comma"
    DECIMAL_POINT = "decimal point"


class AccountColumn(BaseModel):
    """One row of the Columns tab: what an account column is called in exports and how to read it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="The account column as the ICP, Anti-ICP and Signals tabs name it.")
    also_called: tuple[str, ...] = Field(
        (),
        description="Other headers that mean this column in your exports, comma-separated, e.g. "
        "'Headcount, Number of Employees'. Case, spaces and punctuation do not matter.",
    )
    required: bool = Field(
        True,
        description="yes (or blank): an export without this column stops the run. no: a missing column "
        "reads as blank for every row, with one warning.",
    )
    read_as: ReadAs | None = Field(
        None,
        description="Optional: how to read the column when its own values leave it open: day/month or "
        "month/day for dates such as 03/04/2026, decimal comma or decimal point for numbers such as 1.200.",
    )
    row: int | None = None
