"""The little of formulas the fake computes, and a visible refusal of the rest.

Computed: arithmetic, cell references, ``SUM(range)``, ``&`` and ``TODAY()`` / ``NOW()`` (the day
and time in the spreadsheet's time zone, as serial numbers shown as a date / date-time). Written
from Google's documented behaviour, not from a recording: arithmetic on text that is not a number
is ``#VALUE!`` (text that is a number in the locale counts as that number, a blank as 0, TRUE as
1), a division by zero ``#DIV/0!``. A function Google does not have (Excel's ``WEBSERVICE``,
``FILTERXML``, ``ENCODEURL``, DDE) is ``#NAME?`` as in Google; any other function the fake cannot
evaluate shows ``#FAKE! cannot evaluate NAME`` (and a reference to another tab or file says so
too), so a test never mistakes it for Google's answer.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from icp_sheets.core.values import EXCEL_EPOCH
from icp_sheets.sheets.a1 import parse_range
from icp_sheets.testing.fake_sheets.cells import formatted, num
from icp_sheets.testing.fake_sheets.locales import Locale, locale, parse_number
from icp_sheets.testing.fake_sheets.model import Cell, Sheet, Spreadsheet

_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_SUM = re.compile(r"SUM\(\s*([A-Z]{1,3}\d+)\s*:\s*([A-Z]{1,3}\d+)\s*\)", re.I)
_CLOCK = re.compile(r"\b(TODAY|NOW)\(\s*\)", re.I)
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
NOT_IN_GOOGLE = frozenset({"WEBSERVICE", "FILTERXML", "ENCODEURL", "CALL", "REGISTER.ID"})
_OPS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


class _NotANumber(Exception):
    """Arithmetic met text that is no number: Google's #VALUE!."""


def clock_kind(formula: str | None) -> str | None:
    """The number format Google gives a formula that is only TODAY() or NOW()."""
    if formula is None:
        return None
    m = _CLOCK.fullmatch(formula[1:].strip())
    return None if m is None else ("DATE" if m[1].upper() == "TODAY" else "DATE_TIME")


class Evaluator:
    """Computes a cell's value on one tab, in the spreadsheet's locale and time zone."""

    def __init__(self, sheet: Sheet, loc: Locale, zone: str = "Etc/GMT") -> None:
        self.sheet = sheet
        self.loc = loc
        self.zone = zone

    @classmethod
    def of(cls, book: Spreadsheet, sheet: Sheet) -> Evaluator:
        return cls(sheet, locale(book.locale), book.time_zone)

    def value(self, cell: Cell, depth: int = 0) -> Any:
        if cell.formula is None:
            return cell.value
        if depth > 20:
            return "#REF!"
        expr = cell.formula[1:].strip()
        if "|" in expr:
            return "#NAME?"  # a DDE call: Google has none
        if "!" in expr:
            return "#FAKE! cannot evaluate references to other tabs or files"
        try:
            expr = _SUM.sub(lambda m: repr(self._sum(m[1], m[2], depth)), expr)
            expr = _CLOCK.sub(lambda m: repr(self._clock(m[1].upper())), expr)
            called = _CALL.search(expr)
            if called:
                name = called[1].upper()
                return "#NAME?" if name in NOT_IN_GOOGLE else f"#FAKE! cannot evaluate {name}"
            expr = _REF.sub(lambda m: repr(self._ref(m[1], m[2], depth)), expr)
            if "&" in expr:
                parts = [self._arith(ast.parse(p.strip(), mode="eval"), text=True) for p in expr.split("&")]
                return "".join(formatted(p, self.loc) for p in parts)
            return num(self._arith(ast.parse(expr, mode="eval")))
        except ZeroDivisionError:
            return "#DIV/0!"
        except _NotANumber:
            return "#VALUE!"
        except (ValueError, SyntaxError, TypeError):
            return "#ERROR!"

    def _arith(self, node: ast.AST, text: bool = False) -> Any:
        if isinstance(node, ast.Expression):
            return self._arith(node.body, text)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | bool):
            return node.value if text else self._number(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](self._arith(node.left), self._arith(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](self._arith(node.operand))
        raise ValueError("unsupported")

    def _number(self, value: Any) -> float:
        """What arithmetic makes of a value: numbers, TRUE as 1, number text; other text is #VALUE!."""
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float):
            return value
        if isinstance(value, str) and value.startswith("#"):
            raise _NotANumber
        parsed = parse_number(value, self.loc) if isinstance(value, str) else None
        if parsed is None:
            raise _NotANumber
        return parsed.value

    def _clock(self, name: str) -> float:
        now = dt.datetime.now(ZoneInfo(self.zone))
        days = (now.date() - EXCEL_EPOCH).days
        if name == "TODAY":
            return days
        return days + (now.hour * 3600 + now.minute * 60 + now.second) / 86400

    def _ref(self, letters: str, digits: str, depth: int) -> Any:
        r = parse_range(letters + digits, "_")
        cell = self.sheet.cells.get((r.row1 or 0, r.col1 or 0))
        value = self.value(cell, depth + 1) if cell else 0
        return 0 if value is None else value

    def _sum(self, a: str, b: str, depth: int) -> float:
        r1, c1, r2, c2 = parse_range(f"{a}:{b}", "_").box(self.sheet.rows, self.sheet.cols)
        total = 0.0
        for (row, col), cell in list(self.sheet.cells.items()):
            if r1 <= row <= r2 and c1 <= col <= c2:
                v = self.value(cell, depth + 1)
                if isinstance(v, int | float) and not isinstance(v, bool):
                    total += v
        return num(total)
