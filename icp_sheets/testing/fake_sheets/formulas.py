"""The little of formulas the fake computes: arithmetic, cell references, SUM(range) and ``&``."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

from icp_sheets.sheets.a1 import parse_range
from icp_sheets.testing.fake_sheets.cells import formatted, num
from icp_sheets.testing.fake_sheets.model import Cell, Sheet

_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_SUM = re.compile(r"SUM\(\s*([A-Z]{1,3}\d+)\s*:\s*([A-Z]{1,3}\d+)\s*\)", re.I)
_OPS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _arith(node: ast.AST) -> Any:
    if isinstance(node, ast.Expression):
        return _arith(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_arith(node.left), _arith(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_arith(node.operand))
    raise ValueError("unsupported")


class Evaluator:
    """Computes a cell's value on one tab; an unknown function is ``#NAME?``, like Google."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def value(self, cell: Cell, depth: int = 0) -> Any:
        if cell.formula is None:
            return cell.value
        if depth > 20:
            return "#REF!"
        expr = cell.formula[1:].strip()
        try:
            expr = _SUM.sub(lambda m: repr(self._sum(m[1], m[2], depth)), expr)
            if re.search(r"[A-Za-z_]+\(", expr):
                return "#NAME?"
            expr = _REF.sub(lambda m: repr(self._ref(m[1], m[2], depth)), expr)
            if "&" in expr:
                return "".join(formatted(_arith(ast.parse(p.strip(), mode="eval")), False) for p in expr.split("&"))
            return num(_arith(ast.parse(expr, mode="eval")))
        except ZeroDivisionError:
            return "#DIV/0!"
        except (ValueError, SyntaxError, TypeError):
            return "#ERROR!"

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
