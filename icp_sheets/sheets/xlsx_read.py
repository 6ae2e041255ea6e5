"""A fast, read-only look at an xlsx file's cells: values, formulas, dates. No styles kept.

The sync must read every synced tab on every run, but only writes the workbook
when something changes. openpyxl's full load costs about 5 s for 10,000 rows ×
25 columns (it builds a styled object per cell); this reader streams the sheet
XML with the standard library's parser and takes a fraction of that. It returns what openpyxl would give
for ``cell.value`` (formulas as ``"=..."`` with ``data_type`` ``"f"``, dates as
datetimes), so both paths feed :func:`~icp_sheets.sheets.workbook_io.canon_xlsx`
the same things. A tab with shared formulas (Excel's fill-down) is reported as
unreadable here, and the caller falls back to openpyxl for it.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as etree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ROW = f"{NS}row"
_REF = re.compile(r"([A-Z]+)(\d+)")

Cell = tuple[Any, str]  # (value as openpyxl gives it, data_type: "n", "s", "b", "f", "e", "d")


class SharedFormula(Exception):
    """The tab uses shared formulas, which only openpyxl translates."""


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


class XlsxCells:
    """Open once, then :meth:`rows` of any tab by name."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        self.sheets = self._sheet_paths()
        self.strings = self._shared_strings()
        self.date_styles = self._date_styles()

    def close(self) -> None:
        self.zip.close()

    def _xml(self, name: str) -> Any:
        return etree.fromstring(self.zip.read(name))

    def _sheet_paths(self) -> dict[str, str]:
        book = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PKG_REL_NS}Relationship")}
        out = {}
        for sheet in book.iter(f"{NS}sheet"):
            target = targets.get(sheet.get(f"{REL_NS}id"), "")
            out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
        return out

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        return [_text(si) for si in self._xml("xl/sharedStrings.xml").iter(f"{NS}si")]

    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self.zip.namelist():
            return set()
        styles = self._xml("xl/styles.xml")
        custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in styles.iter(f"{NS}numFmt")}
        xfs = styles.find(f"{NS}cellXfs")
        dates = set()
        for i, xf in enumerate(xfs if xfs is not None else []):
            fmt_id = int(xf.get("numFmtId", 0))
            code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General")
            if is_date_format(code):
                dates.add(i)
        return dates

    def rows(self, tab: str) -> Iterator[tuple[int, dict[int, Cell]]]:
        """(row number, {column: (value, data_type)}) for every row that has cells."""
        with self.zip.open(self.sheets[tab]) as handle:
            row_number = 0
            for _, el in etree.iterparse(handle, events=("end",)):
                if el.tag != ROW:
                    continue
                row_number = int(el.get("r") or row_number + 1)
                cells: dict[int, Cell] = {}
                col = 0
                for c in el.iter(f"{NS}c"):
                    ref = c.get("r")
                    m = _REF.match(ref) if ref else None
                    col = _col(m.group(1)) if m else col + 1
                    cell = self._cell(c)
                    if cell is not None:
                        cells[col] = cell
                yield row_number, cells
                el.clear()

    def _cell(self, c: Any) -> Cell | None:
        kind = c.get("t", "n")
        f = c.find(f"{NS}f")
        if f is not None:
            if f.get("t") == "shared" and not (f.text or "").strip():
                raise SharedFormula
            return "=" + (f.text or ""), "f"
        if kind == "inlineStr":
            node = c.find(f"{NS}is")
            return (_text(node), "s") if node is not None else None
        v = c.findtext(f"{NS}v")
        if v is None:
            return None
        if kind == "s":
            return self.strings[int(v)], "s"
        if kind in ("str", "e"):
            return v, kind if kind == "e" else "s"
        if kind == "b":
            return v == "1", "b"
        if kind == "d":
            return dt.datetime.fromisoformat(v), "d"
        number: float | int = float(v) if any(ch in v for ch in ".eE") else int(v)
        if int(c.get("s", 0)) in self.date_styles:
            return from_excel(number), "d"
        return number, "n"


def _text(node: Any) -> str:
    """The plain text of a string item: its <t>, or the <t> of its runs; phonetic runs left out."""
    parts = []
    for child in node:
        if child.tag == f"{NS}t":
            parts.append(child.text or "")
        elif child.tag == f"{NS}r":
            parts.extend(t.text or "" for t in child.iter(f"{NS}t"))
    return "".join(parts)
