"""The condition language people type in the ICP and Anti-ICP tabs.

A condition is plain words (``between 50 and 200``, ``one of Series A, Series B``,
``per unit up to 100``). :func:`parse_condition` turns the text into a
:class:`Condition` or raises :class:`ConditionError` whose message says how to
write it; :meth:`Condition.text` writes the canonical form back.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from icp_sheets.core.values import parse_number, split_list


class Op(StrEnum):
    """Condition words; the values are what people type and what drop-downs offer."""

    BETWEEN = "between"
    BELOW = "below"
    ABOVE = "above"
    AT_LEAST = "at least"
    AT_MOST = "at most"
    IS = "is"
    IS_NOT = "is not"
    ONE_OF = "one of"
    NOT_ONE_OF = "not one of"
    CONTAINS_ANY = "contains any of"
    NOT_CONTAINS_ANY = "does not contain any of"
    IS_BLANK = "is blank"
    NOT_BLANK = "is not blank"
    IS_TRUE = "is true"
    IS_FALSE = "is false"
    ANY_OTHER = "any other value"
    PER_UNIT = "per unit"


NUMERIC_OPS = frozenset({Op.BETWEEN, Op.BELOW, Op.ABOVE, Op.AT_LEAST, Op.AT_MOST, Op.PER_UNIT})
BOOL_OPS = frozenset({Op.IS_TRUE, Op.IS_FALSE})
EQUAL_OPS = frozenset({Op.IS, Op.ONE_OF, Op.IS_NOT, Op.NOT_ONE_OF})
CONTAIN_OPS = frozenset({Op.CONTAINS_ANY, Op.NOT_CONTAINS_ANY})
# Negations never match a blank cell: blank is unknown, not "something else".
NEGATED_OPS = frozenset({Op.IS_NOT, Op.NOT_ONE_OF, Op.NOT_CONTAINS_ANY})
LIST_OPS = EQUAL_OPS | CONTAIN_OPS

EXAMPLES: dict[Op, str] = {
    Op.BETWEEN: "between 50 and 200",
    Op.BELOW: "below 50",
    Op.ABOVE: "above 1000",
    Op.AT_LEAST: "at least 500",
    Op.AT_MOST: "at most 200",
    Op.IS: "is Fintech",
    Op.IS_NOT: "is not North America",
    Op.ONE_OF: "one of Series A, Series B",
    Op.NOT_ONE_OF: "not one of Series A, Series B",
    Op.CONTAINS_ANY: "contains any of Salesforce, HubSpot",
    Op.NOT_CONTAINS_ANY: "does not contain any of Salesforce, HubSpot",
    Op.IS_BLANK: "is blank",
    Op.NOT_BLANK: "is not blank",
    Op.IS_TRUE: "is true",
    Op.IS_FALSE: "is false",
    Op.ANY_OTHER: "any other value",
    Op.PER_UNIT: "per unit up to 100",
}


class ConditionError(ValueError):
    """A condition's text cannot be read; the message says how to write it."""

    def __init__(self, message: str, *, unknown: bool = False) -> None:
        super().__init__(message)
        self.unknown = unknown


class Condition(BaseModel):
    """A parsed condition: the word plus its numbers or list."""

    model_config = ConfigDict(frozen=True)

    op: Op
    low: float | None = Field(None, description="Lower bound, or the one number of below/above/…")
    high: float | None = Field(None, description="Upper bound of 'between'")
    items: tuple[str, ...] = Field((), description="Values of is / one of / contains any of")
    cap: float | None = Field(None, description="Most points a 'per unit' row can give")

    def bounds(self) -> tuple[float, float] | None:
        """The closed numeric interval a range condition accepts (per unit has none)."""
        inf = float("inf")
        match self.op:
            case Op.BETWEEN:
                return (self.low, self.high)  # type: ignore[return-value]
            case Op.BELOW:
                return (-inf, _before(self.low))  # type: ignore[arg-type]
            case Op.ABOVE:
                return (_after(self.low), inf)  # type: ignore[arg-type]
            case Op.AT_LEAST:
                return (self.low, inf)  # type: ignore[return-value]
            case Op.AT_MOST:
                return (-inf, self.low)  # type: ignore[return-value]
        return None

    def text(self) -> str:
        """Canonical text, the form the template and exports write."""
        match self.op:
            case Op.BETWEEN:
                return f"between {fmt_number(self.low)} and {fmt_number(self.high)}"
            case Op.BELOW | Op.ABOVE | Op.AT_LEAST | Op.AT_MOST:
                return f"{self.op.value} {fmt_number(self.low)}"
            case _ if self.op in LIST_OPS:
                return f"{self.op.value} {', '.join(self.items)}"
            case Op.PER_UNIT:
                return "per unit" if self.cap is None else f"per unit up to {fmt_number(self.cap)}"
        return self.op.value


def _before(x: float) -> float:
    return math.nextafter(x, -math.inf)


def _after(x: float) -> float:
    return math.nextafter(x, math.inf)


def fmt_number(x: float | None) -> str:
    """Numbers as people write them: no trailing .0, thousands separators."""
    if x is None:
        return ""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) >= 1000 else f"{x:.6g}"


_SPACES = re.compile(r"\s+")
# Longest words first so "is not blank" wins over "is".
_OPS_BY_LENGTH = sorted(Op, key=lambda op: -len(op.value))
_SYNONYMS = {
    "equals": Op.IS,
    "is one of": Op.ONE_OF,
    "in": Op.ONE_OF,
    "is not one of": Op.NOT_ONE_OF,
    "not in": Op.NOT_ONE_OF,
    "contains": Op.CONTAINS_ANY,
    "contains any": Op.CONTAINS_ANY,
    "does not contain": Op.NOT_CONTAINS_ANY,
    "does not contain any": Op.NOT_CONTAINS_ANY,
    "less than": Op.BELOW,
    "under": Op.BELOW,
    "more than": Op.ABOVE,
    "over": Op.ABOVE,
    "greater than": Op.ABOVE,
    "is empty": Op.IS_BLANK,
    "is not empty": Op.NOT_BLANK,
    "anything else": Op.ANY_OTHER,
    "any other": Op.ANY_OTHER,
    "otherwise": Op.ANY_OTHER,
}
_WORDS = sorted([*((op.value, op) for op in Op), *_SYNONYMS.items()], key=lambda w: -len(w[0]))


def _number(text: str, what: str, example: str) -> float:
    value = parse_number(text)
    if value is None:
        raise ConditionError(f"{what} '{text.strip()}' is not a number; write it like '{example}'")
    return value


def parse_condition(text: object) -> Condition:
    """Read a condition as typed in a sheet; raise ConditionError saying how to fix it."""
    raw = _SPACES.sub(" ", str(text if text is not None else "")).strip()
    lower = raw.casefold()
    if not lower:
        raise ConditionError("is blank; choose a condition such as 'between 50 and 200'")
    for word, op in _WORDS:
        if lower == word or lower.startswith(word + " "):
            return _parse_rest(op, raw[len(word) :].strip())
    known = ", ".join(f"'{op.value}'" for op in Op)
    raise ConditionError(f"'{raw}' is not a condition I know; start it with one of {known}", unknown=True)


def _literal_not(items: tuple[str, ...]) -> str:
    """'is not X' typed as 'is' + 'not X' (or 'one of not X, Y'): say how to write the negation."""
    literal = next(item for item in items if item.casefold().startswith("not "))
    kept = [item[4:].strip() if item.casefold().startswith("not ") else item for item in items]
    negated = f"is not {kept[0]}" if len(kept) == 1 else f"not one of {', '.join(kept)}"
    return (
        f"the value '{literal}' starts with 'not' but would be matched as text; to leave values out write '{negated}'"
    )


def _parse_rest(op: Op, rest: str) -> Condition:
    example = EXAMPLES[op]
    match op:
        case Op.BETWEEN:
            parts = re.split(r"\s+(?:and|to)\s+|\s*[–—-]\s*(?=[\d.+-])", rest, maxsplit=1, flags=re.I)
            if len(parts) != 2 or not parts[0] or not parts[1]:
                shown = f"between {rest}".strip()
                raise ConditionError(f"'{shown}' needs two numbers, like '{example}'")
            low = _number(parts[0], "The lower bound", example)
            high = _number(parts[1], "The upper bound", example)
            if low > high:
                low, high = high, low
            return Condition(op=op, low=low, high=high)
        case Op.BELOW | Op.ABOVE | Op.AT_LEAST | Op.AT_MOST:
            if not rest:
                raise ConditionError(f"'{op.value}' needs a number, like '{example}'")
            return Condition(op=op, low=_number(rest, "The number", example))
        case _ if op in LIST_OPS:
            items = tuple(split_list(rest))
            if not items:
                raise ConditionError(f"'{op.value}' needs at least one value, like '{example}'")
            if op in EQUAL_OPS and any(item.casefold().startswith("not ") for item in items):
                raise ConditionError(_literal_not(items))
            return Condition(op=op, items=items)
        case Op.PER_UNIT:
            if not rest:
                return Condition(op=op)
            cap_text = re.sub(r"^(?:,\s*)?(?:up to|max(?:imum)?|cap(?:ped at)?|at most)\s+", "", rest, flags=re.I)
            if cap_text == rest:
                raise ConditionError(f"'per unit {rest}' is not understood; write 'per unit' or '{example}'")
            return Condition(op=op, cap=_number(cap_text, "The cap", example))
    if rest:
        raise ConditionError(f"'{op.value}' takes nothing after it; remove '{rest}'")
    return Condition(op=op)
