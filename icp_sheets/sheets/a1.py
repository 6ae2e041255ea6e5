"""A1 notation, the way the Sheets API spells ranges. Pure functions, no I/O.

Used by the sync to build the ranges it reads and writes and by the fake
server to parse and normalise the ranges it receives, so both sides agree on
quoting (``'My tab'!A1:C3``, ``'It''s'!A1``) and on open-ended ranges
(``A:A``, ``2:2``, a bare tab name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
_REF_PART = re.compile(r"^(?:[A-Za-z]{1,3}\d*|\d+)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Titles Google quotes although they are plain words: they read as a cell or column reference.
_REF_LIKE = re.compile(r"^(?:[A-Za-z]{1,3}\d*|[Rr]\d*[Cc]\d*)$")


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    if index < 1:
        raise ValueError(f"column index must be 1 or more, not {index}")
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27."""
    if not letters.isalpha():
        raise ValueError(f"not a column: {letters!r}")
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def quote_title(title: str) -> str:
    """A tab name as it appears before the ``!``: quoted unless it is a plain word."""
    if _PLAIN_TITLE.match(title) and not _REF_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class GridRange:
    """A rectangle on one tab; ``None`` bounds are open (whole column / row / tab)."""

    title: str
    row1: int | None = None
    col1: int | None = None
    row2: int | None = None
    col2: int | None = None

    def bounded(self, rows: int, cols: int) -> GridRange:
        """Open bounds closed at the tab's grid size (how Google echoes a range back)."""
        return GridRange(
            self.title,
            self.row1 or 1,
            self.col1 or 1,
            rows if self.row2 is None else self.row2,
            cols if self.col2 is None else self.col2,
        )

    def box(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        """(row1, col1, row2, col2) with open bounds closed at the grid size."""
        g = self.bounded(rows, cols)
        return g.row1 or 1, g.col1 or 1, g.row2 or rows, g.col2 or cols

    def a1(self) -> str:
        start = _cell(self.row1, self.col1)
        end = _cell(self.row2, self.col2)
        if not start and not end:
            return quote_title(self.title)
        ref = start if start == end or not end else f"{start}:{end}"
        return f"{quote_title(self.title)}!{ref}"


def _cell(row: int | None, col: int | None) -> str:
    return (column_letter(col) if col else "") + (str(row) if row else "")


def split_range(text: str) -> tuple[str | None, str]:
    """``'Tab'!A1:B2`` → (``Tab``, ``A1:B2``); no ``!`` → (None, text)."""
    if text.startswith("'"):
        i, chars = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    chars.append("'")
                    i += 2
                    continue
                break
            chars.append(text[i])
            i += 1
        rest = text[i + 1 :]
        return "".join(chars), rest[1:] if rest.startswith("!") else rest
    if "!" in text:
        title, _, ref = text.rpartition("!")
        return title, ref
    return None, text


def parse_range(text: str, default_title: str | None = None) -> GridRange:
    """Parse an A1 range; a bare word that is not a cell reference is a tab name."""
    title, ref = split_range(text)
    if title is None:
        if not _looks_like_ref(ref):
            return GridRange(ref)
        if default_title is None:
            raise ValueError(f"range {text!r} names no tab")
        title = default_title
    if not ref:
        return GridRange(title)
    first, _, second = ref.partition(":")
    r1, c1 = _parse_cell(first)
    r2, c2 = _parse_cell(second) if second else (r1, c1)
    if r1 and r2 and r1 > r2:
        r1, r2 = r2, r1
    if c1 and c2 and c1 > c2:
        c1, c2 = c2, c1
    return GridRange(title, r1, c1, r2, c2)


def _looks_like_ref(ref: str) -> bool:
    parts = ref.replace("$", "").split(":")
    return len(parts) <= 2 and all(_REF_PART.match(p) for p in parts)


def _parse_cell(text: str) -> tuple[int | None, int | None]:
    m = _CELL.match(text.replace("$", ""))
    if not m or not (m.group(1) or m.group(2)):
        raise ValueError(f"not an A1 reference: {text!r}")
    letters, digits = m.groups()
    return (int(digits) if digits else None), (column_index(letters) if letters else None)


def rect(title: str, row1: int, col1: int, row2: int, col2: int) -> str:
    """A closed rectangle in A1 notation."""
    return GridRange(title, row1, col1, row2, col2).a1()
