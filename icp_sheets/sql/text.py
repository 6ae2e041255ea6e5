"""Numbers written as the why column writes them, in SQL: ``1,200``, ``125.5``, ``+0.5``, ``−1``.

The same output as :func:`icp_sheets.core.conditions.fmt_number` and ``fmt_points``: whole
numbers with thousands commas, others with six significant digits, points rounded to two
decimals half to even (as Python's ``round``) with a real minus sign. Every step is a frame
column, so a number used in a label is parsed once. What SQL writes differently (exponents
for fractions of a million and more, or below 0.0001) is in docs/sql.md.
"""

from __future__ import annotations

from sqlglot import exp

from icp_sheets.sql import build as b
from icp_sheets.sql.frame import Frame

_GROUPS = 5  # thousands groups written out: whole numbers below 10**15


def _int_text(x: exp.Expr) -> exp.Expr:
    return b.text_of(b.cast(x, "bigint"))


def _half_even(x: exp.Expr) -> exp.Expr:
    """``x`` rounded to a whole number, a tie to the even neighbour (Python's round())."""
    low = b.floor(x)
    rest = exp.Sub(this=x, expression=low)
    even = exp.EQ(
        this=exp.Sub(this=low, expression=exp.Mul(this=b.num(2), expression=b.floor(b.div(low, 2)))),
        expression=b.num(0),
    )
    up = exp.Add(this=low, expression=b.num(1))
    return b.case(
        [
            (exp.GT(this=rest, expression=b.num(0.5)), up),
            (exp.LT(this=rest, expression=b.num(0.5)), low),
            (even, low),
        ],
        up,
    )


def _grouped(frame: Frame, name: str, whole: exp.Expr) -> exp.Expr:
    """A non-negative whole number with thousands commas (the engine's own text from 10**15)."""
    n = frame.add(f"{name}_n", whole)
    parts = [frame.add(f"{name}_g{j}", b.floor(b.div(n, float(1000**j)))) for j in range(_GROUPS)]
    branches = []
    for k in range(1, _GROUPS + 1):
        pieces: list[exp.Expr | str] = [_int_text(parts[k - 1])]
        for j in range(k - 2, -1, -1):
            group = exp.Sub(this=parts[j], expression=exp.Mul(this=b.num(1000), expression=parts[j + 1]))
            pieces += [
                ",",
                exp.Pad(this=_int_text(group), expression=exp.Literal.number(3), fill_pattern=b.lit("0"), is_left=True),
            ]
        branches.append((exp.LT(this=n, expression=b.num(float(1000**k))), b.concat(*pieces)))
    return b.case(branches, b.text_of(n))


def _decimals(a: exp.Expr) -> exp.Expr:
    """Decimals that leave six significant digits of ``a`` (by comparison: no LOG, whose
    argument types differ by dialect and which is not exact at powers of ten)."""
    branches = [(exp.GTE(this=a, expression=b.num(10.0**e)), b.num(max(0, 5 - e))) for e in range(5, -5, -1)]
    return b.case(branches, b.num(9))


def fmt_number(frame: Frame, name: str, x: exp.Expr) -> exp.Column:
    """``x`` as fmt_number writes it (NULL stays NULL)."""
    a = frame.add(f"{name}_a", exp.Abs(this=b.double(x)))
    sign = frame.add(f"{name}_s", b.case([(exp.LT(this=x, expression=b.num(0)), b.lit("-"))], b.lit("")))
    whole = frame.add(f"{name}_w", exp.EQ(this=a, expression=b.floor(a)))
    # Six significant digits: d decimals, the digits as one whole number q.
    digits = frame.add(
        f"{name}_d",
        b.case(
            [(b.any_of(whole, exp.EQ(this=a, expression=b.num(0))), b.num(0))],
            _decimals(a),
        ),
    )
    scale = frame.add(f"{name}_p", exp.Pow(this=b.num(10), expression=digits))
    q = frame.add(f"{name}_q", _half_even(exp.Mul(this=a, expression=scale)))
    int_part = frame.add(f"{name}_i", b.floor(exp.Div(this=q, expression=scale)))
    fraction = frame.add(f"{name}_f", exp.Sub(this=q, expression=exp.Mul(this=int_part, expression=scale)))
    grouped = _grouped(frame, f"{name}_c", int_part)
    decimals = exp.Trim(
        this=exp.Pad(this=_int_text(fraction), expression=b.cast(digits, "int"), fill_pattern=b.lit("0"), is_left=True),
        expression=b.lit("0"),
        position="TRAILING",
    )
    shown_int = b.case([(exp.GTE(this=a, expression=b.num(1000)), grouped)], _int_text(int_part))
    text = b.concat(
        sign, shown_int, b.case([(exp.GT(this=fraction, expression=b.num(0)), b.concat(".", decimals))], b.lit(""))
    )
    return frame.add(name, b.case([(exp.Is(this=x, expression=exp.null()), exp.null())], text))


def fmt_points(frame: Frame, name: str, points: exp.Expr) -> exp.Column:
    """Signed points, rounded to two decimals: ``+2``, ``+0.5``, ``−1``, ``+0``."""
    hundredths = frame.add(f"{name}_h", _half_even(exp.Mul(this=b.double(points), expression=b.num(100))))
    size = fmt_number(frame, f"{name}_t", b.div(exp.Abs(this=hundredths), 100))
    sign = b.case([(exp.LT(this=hundredths, expression=b.num(0)), b.lit("−"))], b.lit("+"))
    return frame.add(name, b.concat(sign, size))
