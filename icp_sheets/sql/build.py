"""Small sqlglot builders the SQL compiler and the condition kinds share.

Only constructs that mean the same in every dialect we emit are built here: ``CASE``,
``||``, ``LIKE``, ``STRPOS``, ``POWER``, ``FLOOR`` on doubles, and regular expressions
that are anchored at both ends (``^…$``), so DuckDB's partial ``regexp_matches`` and
Snowflake's whole-string ``REGEXP_LIKE`` agree, and that use no backslashes, lazy
quantifiers, look-arounds or non-capturing groups.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from sqlglot import exp

# The whitespace the SQL trims and collapses (Python's str.strip() knows more: see docs/sql.md).
SPACES = " \t\n\r\u00a0\u202f"
SPACE_CLASS = f"[{SPACES}]"


# sqlglot's builders copy their arguments by default; the compiler builds trees once, so it
# shares nodes instead (copying made compiling the Example ICP take seconds).
def func(name: str, *args: exp.Expr) -> exp.Func:
    return exp.func(name, *args, copy=False)


def not_(x: exp.Expr) -> exp.Not:
    return exp.not_(x, copy=False)


def cast(x: exp.Expr, to: str) -> exp.Cast:
    return exp.cast(x, to, copy=False)


def alias(x: exp.Expr, name: str) -> exp.Expr:
    return exp.alias_(x, name, copy=False)


def lit(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def num(x: float) -> exp.Expr:
    """A number as a DOUBLE: integers as they are, fractions cast from their exact Python text,
    so no engine reads 0.1 as a DECIMAL and sums it differently from Python's floats."""
    if math.isfinite(x) and float(x).is_integer() and abs(x) < 2**53:
        return exp.Literal.number(int(x))
    return cast(exp.Literal.number(repr(float(x))), "double")


def concat(*parts: exp.Expr | str) -> exp.Expr:
    """Text joined with ``||`` (NULL if a part is NULL, as in every dialect)."""
    items = [lit(p) if isinstance(p, str) else p for p in parts]
    items = [p for p in items if not (isinstance(p, exp.Literal) and p.is_string and p.this == "")]
    if not items:
        return lit("")
    out = items[0]
    for item in items[1:]:
        out = exp.DPipe(this=out, expression=item, safe=True)
    return out


def case(branches: Iterable[tuple[exp.Expr, exp.Expr]], default: exp.Expr | None = None) -> exp.Expr:
    """CASE WHEN … (no branches: the default, or NULL; SQL has no empty CASE)."""
    branches = list(branches)
    if not branches:
        return default if default is not None else exp.null()
    out = exp.Case()
    for condition, value in branches:
        out = out.when(condition, value, copy=False)
    return out.else_(default, copy=False) if default is not None else out


def all_of(*conditions: exp.Expr) -> exp.Expr:
    return exp.and_(*conditions, copy=False) if conditions else exp.true()


def any_of(*conditions: exp.Expr) -> exp.Expr:
    return exp.or_(*conditions, copy=False) if conditions else exp.false()


def true(condition: exp.Expr) -> exp.Expr:
    """The condition with NULL read as false, so NOT and OR of it behave as in Python."""
    return func("coalesce", exp.paren(condition, copy=False), exp.false())


def regex(text: exp.Expr, pattern: str) -> exp.Expr:
    """Whether ``text`` matches ``pattern`` as a whole (the pattern must be anchored)."""
    assert pattern.startswith("^") and pattern.endswith("$") and "\\" not in pattern, pattern
    return exp.RegexpLike(this=text, expression=lit(pattern))


def regex_delete(text: exp.Expr, pattern: str) -> exp.Expr:
    """``text`` without every match of ``pattern`` (no back-references: they differ by dialect)."""
    assert "\\" not in pattern, pattern
    return exp.RegexpReplace(this=text, expression=lit(pattern), replacement=lit(""))


def replace(text: exp.Expr, old: str, new: str) -> exp.Expr:
    return func("replace", text, lit(old), lit(new))


def trim(text: exp.Expr) -> exp.Expr:
    return exp.Trim(this=text, expression=lit(SPACES))


def lower(text: exp.Expr) -> exp.Expr:
    return exp.Lower(this=text)


def length(text: exp.Expr) -> exp.Expr:
    return exp.Length(this=text)


def substring(text: exp.Expr, start: exp.Expr | int, size: exp.Expr | int | None = None) -> exp.Expr:
    begin = exp.Literal.number(start) if isinstance(start, int) else start
    if size is None:
        return exp.Substring(this=text, start=begin)
    count = exp.Literal.number(size) if isinstance(size, int) else size
    return exp.Substring(this=text, start=begin, length=count)


def position(text: exp.Expr, part: str) -> exp.Expr:
    """1-based position of ``part`` in ``text``, 0 when absent."""
    return exp.StrPosition(this=text, substr=lit(part))


def double(x: exp.Expr) -> exp.Expr:
    return cast(x, "double")


def text_of(x: exp.Expr) -> exp.Expr:
    return cast(x, "varchar")


def floor(x: exp.Expr) -> exp.Expr:
    return exp.Floor(this=x)


def div(a: exp.Expr, b: exp.Expr | float) -> exp.Expr:
    """Division of doubles (Postgres divides integers without a remainder)."""
    return exp.Div(this=double(a), expression=num(b) if isinstance(b, int | float) else b)


def one_of(x: exp.Expr, values: Sequence[str]) -> exp.Expr:
    return exp.In(this=x, expressions=[lit(v) for v in values])


def parenthesized(tree: exp.Expr) -> exp.Expr:
    """``tree`` with every operator's operand that is itself an operation in parentheses.

    sqlglot writes an expression tree as built, without adding the parentheses precedence
    needs (``153 * (m - 3)`` built from nodes prints as ``153 * m - 3``); the builders above
    build trees, so the compiler brackets them once at the end.
    """
    operations = (exp.Binary, exp.Unary, exp.Between, exp.In)
    for node in list(tree.walk()):
        if isinstance(node, exp.Binary | exp.Unary) and not isinstance(node, exp.Paren):
            for key in ("this", "expression"):
                child = node.args.get(key)
                if isinstance(child, operations) and not isinstance(child, exp.Paren):
                    node.set(key, exp.Paren(this=child))
    return tree
