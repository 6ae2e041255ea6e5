"""The condition language people type in the ICP and Anti-ICP tabs, one definition per condition.

A condition is plain words (``between 50 and 200``, ``one of Series A, Series B``,
``per unit up to 100``). Each word is a :class:`Kind` in :data:`KINDS` that owns
everything the word means: the words and synonyms it is typed with, how the rest
of the text is read, the canonical text written back, its vectorised evaluation
over a column's distinct values, the words ``icp_why`` shows and the interval
``check`` reasons about. Adding a condition is one new kind here.

:func:`parse_condition` turns text into a :class:`Condition` or raises
:class:`ConditionError` whose message says how to write it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.values import (
    FORMULA_STARTS,
    NumberStyle,
    category_key,
    is_empty,
    number_style,
    parse_number,
    shown,
    split_list,
    whole,
    word_text,
)

if TYPE_CHECKING:  # the SQL of each kind is built only when asked for: the Excel functions never load sqlglot
    from sqlglot import exp

    from icp_sheets.sql.cells import Cell


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
    MENTIONS_ANY = "mentions any of"
    MENTIONS_ALL = "mentions all of"
    IS_BLANK = "is blank"
    NOT_BLANK = "is not blank"
    IS_TRUE = "is true"
    IS_FALSE = "is false"
    ANY_OTHER = "any other value"
    PER_UNIT = "per unit"


class Reads(StrEnum):
    """What a condition reads from a cell; says which unreadable cells are worth a word in the why."""

    NUMBER = "number"
    TEXT = "text"
    ITEMS = "items"
    WORDS = "words"
    BLANK = "blank"
    BOOL = "yes/no"
    ANYTHING = "anything"


# (low, low is open, high, high is open): the numbers a range condition accepts.
Interval = tuple[float, bool, float, bool]


class ConditionError(ValueError):
    """A condition's text cannot be read; the message says how to write it."""

    def __init__(self, message: str, *, unknown: bool = False) -> None:
        super().__init__(message)
        self.unknown = unknown


class Condition(BaseModel):
    """A parsed condition: the word plus its numbers or list. Its meaning is ``self.kind``."""

    model_config = ConfigDict(frozen=True)

    op: Op
    low: float | None = Field(None, description="Lower bound, or the one number of below/above/…")
    high: float | None = Field(None, description="Upper bound of 'between'")
    items: tuple[str, ...] = Field((), description="Values of is / one of / contains any of")
    cap: float | None = Field(None, description="Most points a 'per unit' row can give")

    @property
    def kind(self) -> Kind:
        return KINDS[self.op]

    def interval(self) -> Interval | None:
        """The numbers a range condition accepts, with open or closed ends (None for others)."""
        return self.kind.interval(self)

    def bounds(self) -> tuple[float, float] | None:
        """The closed numeric interval a range condition accepts (per unit has none)."""
        interval = self.interval()
        if interval is None:
            return None
        low, low_open, high, high_open = interval
        return (_after(low) if low_open and math.isfinite(low) else low), (
            _before(high) if high_open and math.isfinite(high) else high
        )

    def matches(self, values: ColumnValues) -> np.ndarray:
        """Which distinct values meet the condition (``any other value`` meets all)."""
        return self.kind.matches(self, values)

    def text(self) -> str:
        """Canonical text, the form the template and exports write."""
        return self.kind.text(self)


def _before(x: float) -> float:
    return math.nextafter(x, -math.inf)


def _after(x: float) -> float:
    return math.nextafter(x, math.inf)


def fmt_number(x: float | None) -> str:
    """Numbers as people write them: no trailing .0, thousands separators."""
    if x is None:
        return ""
    if isinstance(n := whole(float(x)), int):
        return f"{n:,}"
    return f"{x:,.6g}" if abs(x) >= 1000 else f"{x:.6g}"


def read_as(raw: object, number: float) -> str:
    """How a band or a suffixed amount was read, for the why: " ('51-200' read as 125.5, the
    midpoint)"; nothing for a plain number."""
    style = number_style(raw)
    if style is None:
        return ""
    how = "" if style is NumberStyle.SCALED else f", {style.value}"
    return f" ('{shown(raw).strip()}' read as {fmt_number(number)}{how})"


def fmt_points(points: float) -> str:
    """Signed points as the why column shows them, in brackets after a reason: +2, +0.5, −1 (a real minus sign)."""
    rounded = round(points, 2)
    text = fmt_number(abs(rounded)) if rounded else "0"
    return f"−{text}" if rounded < 0 else f"+{text}"


def _number(text: str, what: str, example: str) -> float:
    value = parse_number(text)
    if value is None:
        raise ConditionError(f"{what} '{text.strip()}' is not a number; write it like '{example}'")
    return value


@dataclass(frozen=True)
class Kind:
    """Everything one condition word means. Subclasses override what differs from 'no arguments'."""

    op: Op
    example: str
    synonyms: tuple[str, ...] = ()
    meaning: str = ""  # what the drop-down word means, where its example alone would not say
    catch_all: ClassVar[bool] = False
    reads: Reads = Reads.ANYTHING
    negated: bool = False  # is not / not one of / does not contain any of: never true of a blank cell

    @property
    def words(self) -> tuple[str, ...]:
        return (self.op.value, *self.synonyms)

    def parse(self, rest: str) -> Condition:
        """The condition from the text after the word."""
        if rest:
            raise ConditionError(f"'{self.op.value}' takes nothing after it; remove '{rest}'")
        return Condition(op=self.op)

    def text(self, condition: Condition) -> str:
        return self.op.value

    def matches(self, condition: Condition, values: ColumnValues) -> np.ndarray:
        return np.ones(len(values), dtype=bool)

    def points(self, condition: Condition, rate: float, numbers: np.ndarray) -> np.ndarray:
        """Points for the distinct values it caught (``numbers`` are theirs): the row's points."""
        return np.full(len(numbers), rate)

    def best_points(self, condition: Condition, rate: float) -> float:
        """The most a row of this kind can give, for check's reachable-tier warning."""
        return rate

    def label(self, condition: Condition, column: str, raw: object, number: float, rate: float) -> str:
        """Why text (without its points) when a row of this kind counted for one distinct value."""
        return f"{column} {self.op.value}"

    def interval(self, condition: Condition) -> Interval | None:
        return None

    def sql(self, condition: Condition, cell: Cell) -> exp.Expr:
        """SQL of :meth:`matches`: true where the condition holds (NULL counts as false)."""
        from sqlglot import exp

        return exp.true()

    def sql_points(self, condition: Condition, rate: float, cell: Cell) -> exp.Expr:
        """SQL of :meth:`points` for the values the condition caught."""
        from icp_sheets.sql import build

        return build.num(rate)

    def sql_label(self, condition: Condition, column: str, cell: Cell, rate: float, tag: str) -> exp.Expr:
        """SQL of :meth:`label`; ``tag`` names the frame columns it needs."""
        from icp_sheets.sql import build

        return build.lit(self.label(condition, column, None, math.nan, rate))


@dataclass(frozen=True)
class _Range(Kind):
    """Between, below, above, at least, at most: a number inside an interval."""

    reads: Reads = Reads.NUMBER
    open_ends: tuple[bool, bool] = (False, False)  # between: both closed
    side: str = "both"  # which end the one number is: 'low', 'high', or 'both' for between
    words_shown: str = "{low}–{high}"

    def parse(self, rest: str) -> Condition:
        if self.side != "both":
            if not rest:
                raise ConditionError(f"'{self.op.value}' needs a number, like '{self.example}'")
            return Condition(op=self.op, low=_number(rest, "The number", self.example))
        parts = re.split(r"\s+(?:and|to)\s+|\s*[–—-]\s*(?=[\d.+-])", rest, maxsplit=1, flags=re.I)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            shown_text = f"between {rest}".strip()
            raise ConditionError(f"'{shown_text}' needs two numbers, like '{self.example}'")
        low = _number(parts[0], "The lower bound", self.example)
        high = _number(parts[1], "The upper bound", self.example)
        return Condition(op=self.op, low=min(low, high), high=max(low, high))

    def text(self, condition: Condition) -> str:
        if self.side == "both":
            return f"between {fmt_number(condition.low)} and {fmt_number(condition.high)}"
        return f"{self.op.value} {fmt_number(condition.low)}"

    def interval(self, condition: Condition) -> Interval:
        number = condition.low
        assert number is not None
        if self.side == "both":
            assert condition.high is not None
            return (number, False, condition.high, False)
        if self.side == "low":
            return (number, self.open_ends[0], math.inf, True)
        return (-math.inf, True, number, self.open_ends[1])

    def matches(self, condition: Condition, values: ColumnValues) -> np.ndarray:
        low, high = condition.bounds()  # type: ignore[misc]
        with np.errstate(invalid="ignore"):
            return (values.numbers >= low) & (values.numbers <= high)

    def label(self, condition: Condition, column: str, raw: object, number: float, rate: float) -> str:
        return f"{column} {self.range_words(condition)}{read_as(raw, number)}"

    def range_words(self, condition: Condition) -> str:
        return self.words_shown.format(low=fmt_number(condition.low), high=fmt_number(condition.high))

    def sql(self, condition: Condition, cell: Cell) -> exp.Expr:
        from sqlglot import exp

        from icp_sheets.sql import build

        low, low_open, high, high_open = self.interval(condition)
        tests: list[exp.Expr] = []
        if math.isfinite(low):
            tests.append((exp.GT if low_open else exp.GTE)(this=cell.number, expression=build.num(low)))
        if math.isfinite(high):
            tests.append((exp.LT if high_open else exp.LTE)(this=cell.number, expression=build.num(high)))
        return build.all_of(*tests)

    def sql_label(self, condition: Condition, column: str, cell: Cell, rate: float, tag: str) -> exp.Expr:
        from icp_sheets.sql import build

        return build.concat(f"{column} {self.range_words(condition)}", cell.read_as(tag))


@dataclass(frozen=True)
class _Values(Kind):
    """Is / one of: the cell, compared as text without case or spacing, is one of the items.

    Negated (is not / not one of) it is any other value; a blank cell is unknown, not
    'something else', so a negation never matches it.
    """

    reads: Reads = Reads.TEXT
    whole: bool = False  # is / is not: the whole text is one value (LinkedIn's 'Technology, Information and Internet')

    def parse(self, rest: str) -> Condition:
        items = ((rest.strip(),) if rest.strip() else ()) if self.whole else tuple(split_list(rest))
        if not items:
            raise ConditionError(f"'{self.op.value}' needs at least one value, like '{self.example}'")
        if self.reads is Reads.TEXT and any(item.casefold().startswith("not ") for item in items):
            raise ConditionError(_literal_not(items))
        return Condition(op=self.op, items=items)

    def text(self, condition: Condition) -> str:
        return f"{self.op.value} {', '.join(condition.items)}"

    def keys(self, condition: Condition) -> frozenset[str]:
        return _keys(condition.items)

    def matches(self, condition: Condition, values: ColumnValues) -> np.ndarray:
        hit = self.hits(condition, values)
        return ~hit & ~values.blank if self.negated else hit

    def hits(self, condition: Condition, values: ColumnValues) -> np.ndarray:
        """Which distinct values hold one of the items (before any negation)."""
        wanted = self.keys(condition)
        return np.fromiter((t in wanted for t in values.text), dtype=bool, count=len(values))

    def sql(self, condition: Condition, cell: Cell) -> exp.Expr:

        from icp_sheets.sql import build

        hit = build.true(self.sql_hits(condition, cell))
        return build.all_of(build.not_(hit), build.not_(cell.blank)) if self.negated else hit

    def sql_hits(self, condition: Condition, cell: Cell) -> exp.Expr:
        """SQL of :meth:`hits`."""
        from icp_sheets.sql import build

        return build.one_of(cell.key, sorted(self.keys(condition)))

    def sql_label(self, condition: Condition, column: str, cell: Cell, rate: float, tag: str) -> exp.Expr:
        from icp_sheets.sql import build

        if self.negated:
            return build.concat(cell.shown_quoted, f" (not {'/'.join(condition.items)})")
        return cell.shown_quoted

    def label(self, condition: Condition, column: str, raw: object, number: float, rate: float) -> str:
        text = shown(raw).strip()
        if text.startswith(FORMULA_STARTS):  # the cell would lead the why like a formula: quote it
            text = f"'{text}'"
        if self.negated:
            return f"{text} (not {'/'.join(condition.items)})"
        return text


@lru_cache(maxsize=1024)
def _keys(items: tuple[str, ...]) -> frozenset[str]:
    """A condition's items as compared: the same few conditions are evaluated call after call."""
    return frozenset(category_key(item) for item in items)


def _literal_not(items: tuple[str, ...]) -> str:
    """'is not X' typed as 'is' + 'not X' (or 'one of not X, Y'): say how to write the negation."""
    literal = next(item for item in items if item.casefold().startswith("not "))
    kept = [item[4:].strip() if item.casefold().startswith("not ") else item for item in items]
    negated = f"is not {kept[0]}" if len(kept) == 1 else f"not one of {', '.join(kept)}"
    return (
        f"the value '{literal}' starts with 'not' but would be matched as text; to leave values out write '{negated}'"
    )


@dataclass(frozen=True)
class _ContainsAny(_Values):
    """Contains any of: one of the cell's list items (commas, semicolons, new lines) is one of these."""

    reads: Reads = Reads.ITEMS

    def hits(self, condition: Condition, values: ColumnValues) -> np.ndarray:
        wanted = self.keys(condition)
        return np.fromiter((not wanted.isdisjoint(s) for s in values.items), dtype=bool, count=len(values))

    def sql_hits(self, condition: Condition, cell: Cell) -> exp.Expr:
        from icp_sheets.sql import build

        return build.any_of(*(cell.has_item(key) for key in sorted(self.keys(condition))))

    def sql_label(self, condition: Condition, column: str, cell: Cell, rate: float, tag: str) -> exp.Expr:
        from icp_sheets.sql import build

        if self.negated:
            return build.lit(self.label(condition, column, None, math.nan, rate))
        listed = build.concat(
            *(build.case([(cell.has_item(item), build.lit("/" + item))], build.lit("")) for item in condition.items)
        )
        return build.substring(listed, 2)

    def label(self, condition: Condition, column: str, raw: object, number: float, rate: float) -> str:
        if self.negated:
            return f"{column} without {'/'.join(condition.items)}"
        present = {category_key(item) for item in split_list(raw)}
        hits = [item for item in condition.items if category_key(item) in present]
        return "/".join(hits)


@dataclass(frozen=True)
class _Mentions(Kind):
    """Mentions any of / all of: whole words inside free text (a job title, a description), in any case."""

    reads: Reads = Reads.WORDS
    every: bool = False  # all of: every keyword must be there

    def parse(self, rest: str) -> Condition:
        items = tuple(split_list(rest))
        if not items:
            raise ConditionError(f"'{self.op.value}' needs at least one word, like '{self.example}'")
        if wordless := [item for item in items if not word_text(item).strip()]:
            raise ConditionError(f"'{wordless[0]}' holds no word to look for; write words, like '{self.example}'")
        return Condition(op=self.op, items=items)

    def text(self, condition: Condition) -> str:
        return f"{self.op.value} {', '.join(condition.items)}"

    def found(self, condition: Condition, values: ColumnValues) -> list[np.ndarray]:
        """Per keyword, which distinct values mention it."""
        return [
            np.fromiter((needle in text for text in values.words), dtype=bool, count=len(values))
            for needle in _needles(condition.items)
        ]

    def matches(self, condition: Condition, values: ColumnValues) -> np.ndarray:
        found = self.found(condition, values)
        if not found:  # a mention of no word (only a model built in code has one) never matches
            return np.zeros(len(values), dtype=bool)
        return np.asarray(np.logical_and.reduce(found) if self.every else np.logical_or.reduce(found), dtype=bool)

    def label(self, condition: Condition, column: str, raw: object, number: float, rate: float) -> str:
        text = word_text(raw)
        said = [item for item, needle in zip(condition.items, _needles(condition.items), strict=True) if needle in text]
        return f"{column} mentions {(' + ' if self.every else '/').join(said)}"

    def sql(self, condition: Condition, cell: Cell) -> exp.Expr:
        from icp_sheets.sql import build

        found = [cell.mentions(needle) for needle in _needles(condition.items)]
        return build.all_of(*found) if self.every and found else build.any_of(*found)

    def sql_label(self, condition: Condition, column: str, cell: Cell, rate: float, tag: str) -> exp.Expr:
        from icp_sheets.sql import build

        joiner = " + " if self.every else "/"
        said = build.concat(
            *(
                build.case([(cell.mentions(needle), build.lit(joiner + item))], build.lit(""))
                for item, needle in zip(condition.items, _needles(condition.items), strict=True)
            )
        )
        return build.concat(f"{column} mentions ", build.substring(said, len(joiner) + 1))


@lru_cache(maxsize=1024)
def _needles(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(word_text(item) for item in items)


@dataclass(frozen=True)
class _Flag(Kind):
    """Is blank / is not blank / is true / is false: a fact about the cell, said in one word."""

    said: str = ""
    test: str = "blank"  # 'blank', 'given', 'true' or 'false'

    def matches(self, condition: Condition, values: ColumnValues) -> np.ndarray:
        if self.test == "blank":
            return values.blank.copy()
        if self.test == "given":
            return ~values.blank
        return np.asarray(values.bools == (1 if self.test == "true" else 0))

    def sql(self, condition: Condition, cell: Cell) -> exp.Expr:
        from sqlglot import exp

        from icp_sheets.sql import build

        if self.test == "blank":
            return cell.blank
        if self.test == "given":
            return build.not_(cell.blank)
        return exp.EQ(this=cell.truth, expression=build.num(1 if self.test == "true" else 0))

    def label(self, condition: Condition, column: str, raw: object, number: float, rate: float) -> str:
        return f"{column} {self.said}"


@dataclass(frozen=True)
class _AnyOther(Kind):
    """The catch-all last band: whatever the rows above did not take, blanks included."""

    catch_all: ClassVar[bool] = True

    def label(self, condition: Condition, column: str, raw: object, number: float, rate: float) -> str:
        if is_empty(raw):
            return f"{column} other"
        return f"{column} other ({shown(raw).strip()})"

    def sql_label(self, condition: Condition, column: str, cell: Cell, rate: float, tag: str) -> exp.Expr:
        from icp_sheets.sql import build

        return build.case(
            [(cell.empty, build.lit(f"{column} other"))],
            build.concat(f"{column} other (", cell.shown, ")"),
        )


@dataclass(frozen=True)
class _PerUnit(Kind):
    """Points for every unit of a number, optionally capped: ``per unit up to 100``."""

    reads: Reads = Reads.NUMBER

    def parse(self, rest: str) -> Condition:
        if not rest:
            return Condition(op=self.op)
        cap_text = re.sub(r"^(?:,\s*)?(?:up to|max(?:imum)?|cap(?:ped at)?|at most)\s+", "", rest, flags=re.I)
        if cap_text == rest:
            raise ConditionError(f"'per unit {rest}' is not understood; write 'per unit' or '{self.example}'")
        return Condition(op=self.op, cap=_number(cap_text, "The cap", self.example))

    def text(self, condition: Condition) -> str:
        return "per unit" if condition.cap is None else f"per unit up to {fmt_number(condition.cap)}"

    def matches(self, condition: Condition, values: ColumnValues) -> np.ndarray:
        return np.asarray(~np.isnan(values.numbers))

    def sql(self, condition: Condition, cell: Cell) -> exp.Expr:
        from sqlglot import exp

        from icp_sheets.sql import build

        return build.not_(exp.Is(this=cell.number, expression=exp.null()))

    def sql_points(self, condition: Condition, rate: float, cell: Cell) -> exp.Expr:
        from sqlglot import exp

        from icp_sheets.sql import build

        raw = exp.Mul(this=cell.number, expression=build.num(rate))
        if condition.cap is None:
            return raw
        capped = exp.Least(this=exp.Abs(this=raw), expressions=[build.num(condition.cap)])
        return exp.Mul(this=exp.Sign(this=raw), expression=capped)

    def sql_label(self, condition: Condition, column: str, cell: Cell, rate: float, tag: str) -> exp.Expr:
        from icp_sheets.sql import build, text

        number = text.fmt_number(cell.frame, f"{tag}_pn", cell.number)
        return build.concat(f"{column} ", number, f" × {fmt_number(rate)}", cell.read_as(tag))

    def points(self, condition: Condition, rate: float, numbers: np.ndarray) -> np.ndarray:
        raw = numbers * rate
        cap = condition.cap
        return raw if cap is None else np.sign(raw) * np.minimum(np.abs(raw), cap)

    def best_points(self, condition: Condition, rate: float) -> float:
        return condition.cap if condition.cap is not None else math.inf

    def label(self, condition: Condition, column: str, raw: object, number: float, rate: float) -> str:
        return f"{column} {fmt_number(number)} × {fmt_number(rate)}{read_as(raw, number)}"


KINDS: dict[Op, Kind] = {
    kind.op: kind
    for kind in (
        _Range(Op.BETWEEN, "between 50 and 200"),
        _Range(
            Op.BELOW, "below 50", ("less than", "under"), side="high", open_ends=(True, True), words_shown="below {low}"
        ),
        _Range(
            Op.ABOVE,
            "above 1000",
            ("more than", "over", "greater than"),
            side="low",
            open_ends=(True, True),
            words_shown="above {low}",
        ),
        _Range(Op.AT_LEAST, "at least 500", side="low", open_ends=(False, True), words_shown="{low}+"),
        _Range(Op.AT_MOST, "at most 200", side="high", open_ends=(True, False), words_shown="up to {low}"),
        _Values(Op.IS, "is Fintech", ("equals",), whole=True),
        _Values(
            Op.IS_NOT,
            "is not North America",
            meaning="Any value but this one; a blank cell is not matched (use 'is blank' for it).",
            negated=True,
            whole=True,
        ),
        _Values(Op.ONE_OF, "one of Series A, Series B", ("is one of", "in")),
        _Values(
            Op.NOT_ONE_OF,
            "not one of Series A, Series B",
            ("is not one of", "not in"),
            "Any value but these; a blank cell is not matched.",
            negated=True,
        ),
        _ContainsAny(Op.CONTAINS_ANY, "contains any of Salesforce, HubSpot", ("contains", "contains any")),
        _ContainsAny(
            Op.NOT_CONTAINS_ANY,
            "does not contain any of Salesforce, HubSpot",
            ("does not contain", "does not contain any"),
            "The cell's list holds none of these; a blank cell is not matched.",
            negated=True,
        ),
        _Mentions(
            Op.MENTIONS_ANY,
            "mentions any of Product, Growth",
            ("mentions", "mentions any"),
            "Whole words inside the text, in any case: 'Product' matches 'Senior Product Manager', not 'Production'.",
        ),
        _Mentions(
            Op.MENTIONS_ALL,
            "mentions all of Product, Manager",
            ("mentions all",),
            "Every one of these words is in the text, in any order and any case.",
            every=True,
        ),
        _Flag(
            Op.IS_BLANK,
            "is blank",
            ("is empty",),
            "The cell is empty or holds a 'no data' marker such as n/a.",
            said="blank",
            test="blank",
            reads=Reads.BLANK,
        ),
        _Flag(
            Op.NOT_BLANK,
            "is not blank",
            ("is not empty",),
            "The cell holds a value.",
            said="given",
            test="given",
            reads=Reads.BLANK,
        ),
        _Flag(
            Op.IS_TRUE,
            "is true",
            (),
            "A yes/no column says yes (yes, y, true, 1, x).",
            said="yes",
            test="true",
            reads=Reads.BOOL,
        ),
        _Flag(
            Op.IS_FALSE,
            "is false",
            (),
            "A yes/no column says no (no, n, false, 0).",
            said="no",
            test="false",
            reads=Reads.BOOL,
        ),
        _AnyOther(
            Op.ANY_OTHER,
            "any other value",
            ("anything else", "any other", "otherwise"),
            "Catch-all last band: whatever the rows above did not match, blank included.",
        ),
        _PerUnit(Op.PER_UNIT, "per unit up to 100"),
    )
}
assert list(KINDS) == list(Op), "every condition word needs exactly one kind"

_SPACES = re.compile(r"\s+")
# Longest words first so "is not blank" wins over "is".
_WORDS = sorted(((word, kind) for kind in KINDS.values() for word in kind.words), key=lambda w: -len(w[0]))


def parse_condition(text: object) -> Condition:
    """Read a condition as typed in a sheet; raise ConditionError saying how to fix it."""
    raw = _SPACES.sub(" ", str(text if text is not None else "")).strip()
    lower = raw.casefold()
    if not lower:
        raise ConditionError("is blank; choose a condition such as 'between 50 and 200'")
    for word, kind in _WORDS:
        if lower == word or lower.startswith(word + " "):
            return kind.parse(raw[len(word) :].strip())
    known = ", ".join(f"'{op.value}'" for op in Op)
    raise ConditionError(f"'{raw}' is not a condition I know; start it with one of {known}", unknown=True)
