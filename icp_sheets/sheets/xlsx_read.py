"""A fast, read-only look at an xlsx file's cells: values, formulas, dates. No styles kept.

The sync reads every synced tab on every run but writes the workbook only when
something changes. openpyxl's full load costs about 5 s for 10,000 rows × 25
columns (it builds a styled object per cell); python-calamine (already a
dependency, the fast reader of the core) reads the values in a fraction of
that. calamine gives a formula's cached result, not the formula, so the
formulas are picked out of the sheet XML. The result is what openpyxl gives as
``(cell.value, cell.data_type)``, so both paths feed
:func:`~icp_sheets.sheets.workbook_io.canon_xlsx` the same things. A tab the
fast path cannot read faithfully (Excel's shared fill-down formulas, prefixed
XML) raises :class:`Unsupported`, and the caller falls back to openpyxl.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from icp_sheets.sheets.a1 import column_index

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>(.*?)</c>', re.S)
_FORMULA = re.compile(r"<f(?:\s[^>]*)?>(.*?)</f>", re.S)
_PREFIXED = re.compile(r"<\w+:worksheet\b")

Cell = tuple[Any, str]  # (value as openpyxl gives it, data_type: "n", "s", "b", "f", "d")


class Unsupported(Exception):
    """The fast path cannot read this tab faithfully; use openpyxl."""


class XlsxCells:
    """Open once, then :meth:`grid` of any tab by name."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        self.sheets = self._sheet_paths()
        self.book = CalamineWorkbook.from_path(str(path))

    def close(self) -> None:
        self.zip.close()
        self.book.close()

    def _sheet_paths(self) -> dict[str, str]:
        book = ElementTree.fromstring(self.zip.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter(f"{PKG_REL_NS}Relationship")}
        out = {}
        for sheet in book.iter(f"{NS}sheet"):
            target = targets.get(sheet.get(f"{REL_NS}id"), "")
            out[sheet.get("name") or ""] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )
        return out

    def formulas(self, tab: str) -> dict[tuple[int, int], str]:
        xml = self.zip.read(self.sheets[tab]).decode("utf-8")
        if _PREFIXED.search(xml[:2000]):
            raise Unsupported(tab)
        if "<f" not in xml:
            return {}
        out = {}
        for m in _CELL.finditer(xml):
            body = m.group(3)
            if "<f" not in body:
                continue
            f = _FORMULA.search(body)
            if f is None or not f.group(1).strip():
                raise Unsupported(tab)  # a shared formula's dependent cell: only openpyxl translates it
            out[(int(m.group(2)), column_index(m.group(1)))] = "=" + html.unescape(f.group(1))
        return out

    def grid(self, tab: str) -> list[list[Cell | None]]:
        """Rows from row 1 and column A, as ``(value, data_type)``; None for an empty cell."""
        formulas = self.formulas(tab)
        sheet = self.book.get_sheet_by_name(tab)
        rows: list[list[Cell | None]] = [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        for (r, c), text in formulas.items():
            while len(rows) < r:
                rows.append([])
            line = rows[r - 1]
            line.extend([None] * (c - len(line)))
            line[c - 1] = (text, "f")
        return rows


def _cell(value: Any) -> Cell | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value, "b"
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return value, "d"
    if isinstance(value, int | float):
        return value, "n"
    return str(value), "s"
