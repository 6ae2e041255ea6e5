"""Named values built in layers of CTEs, so each value is written once and used by name.

SQL cannot use a column alias in the SELECT that defines it. A :class:`Frame` puts every
value in the first CTE after the ones that define what it uses: ``number`` reads ``trimmed``
of an earlier layer, ``band`` reads ``number``, and so on. The compiler builds one frame per
account column (over its distinct values) and one over the distinct combinations of them.
"""

from __future__ import annotations

from sqlglot import exp


class Frame:
    """Columns over ``source`` (a query with the ``base`` columns), added layer by layer."""

    def __init__(self, name: str, source: exp.Select, base: list[str]) -> None:
        self.name = name
        self.source = source
        self.level_of: dict[str, int] = dict.fromkeys(base, -1)
        self.levels: list[dict[str, exp.Expr]] = []

    def __contains__(self, name: str) -> bool:
        return name in self.level_of

    def add(self, name: str, value: exp.Expr) -> exp.Column:
        """Define ``name`` (once); returns the column that reads it in later values."""
        if name in self.level_of:
            raise ValueError(f"{name} is already defined in {self.name}")
        uses = [self.level_of[c.name] for c in value.find_all(exp.Column) if c.name in self.level_of]
        level = max(uses, default=-1) + 1
        while len(self.levels) <= level:
            self.levels.append({})
        self.levels[level][name] = value
        self.level_of[name] = level
        return exp.column(name)

    def get(self, name: str) -> exp.Column:
        if name not in self.level_of:
            raise KeyError(f"{name} is not defined in {self.name}")
        return exp.column(name)

    def once(self, name: str, value: exp.Expr) -> exp.Column:
        """``name``, defined as ``value`` the first time it is asked for."""
        return self.get(name) if name in self else self.add(name, value)

    def ctes(self) -> list[tuple[str, exp.Select]]:
        """The frame's CTEs, in order; the last one is named ``self.name``."""
        out: list[tuple[str, exp.Select]] = [(f"{self.name}_0", self.source)]
        for i, level in enumerate(self.levels, start=1):
            name = self.name if i == len(self.levels) else f"{self.name}_{i}"
            columns = [exp.alias_(value, key, copy=False) for key, value in level.items()]
            out.append((name, exp.select(exp.Star(), *columns, copy=False).from_(out[-1][0], copy=False)))
        if not self.levels:
            out[-1] = (self.name, self.source)
        return out
