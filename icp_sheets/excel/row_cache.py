"""Scored rows kept by content, so Excel's calculation order does not matter.

Excel calls each result formula on its own: eight formulas per account row,
in row order or column order as it pleases. Keyed by (model cell, header row,
row values, as-of day), one scoring serves all eight, and an edited row costs
one scoring while the others are lookups. The cache is bounded by an estimate
of the memory its entries take (16 bytes a cell, text lengths and a fixed overhead per entry),
least recently used first out, so a long session cannot fill Pyodide's memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

LIMIT_BYTES = 64 * 1024 * 1024  # the bound: about 64 MB of cached rows, then the oldest go
ENTRY_OVERHEAD = 400  # bytes Python needs per entry beyond its text: tuples, floats, the dict slot

Key = tuple[Hashable, ...]


def estimate(values: tuple[Any, ...]) -> int:
    """Rough bytes of a row or a result: 16 a cell, and text by its length besides (a list, not a
    generator: this runs for every row Excel sends)."""
    return 16 * len(values) + sum([len(v) for v in values if v.__class__ is str])


class RowCache:
    """Results per row content; ``misses`` counts scorings, for tests and benchmarks."""

    def __init__(self, limit_bytes: int = LIMIT_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self.size = 0
        self.misses = 0
        self._entries: OrderedDict[Key, tuple[tuple[Any, ...], int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> tuple[Any, ...] | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: Key, row: tuple[Any, ...], result: tuple[Any, ...]) -> None:
        """Keep one scored row; the model text in the key is shared with every other entry."""
        self.misses += 1
        size = estimate(row) + estimate(result) + ENTRY_OVERHEAD
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old[1]
        self._entries[key] = (result, size)
        self.size += size
        while self.size > self.limit_bytes and self._entries:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.size -= dropped

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0
        self.misses = 0
