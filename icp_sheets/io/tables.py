"""One reader for tables: CSV, XLSX, an Excel range and a Google range become the same thing.

A :class:`Table` keeps the raw cell values (parsing numbers and dates is the
scoring core's job, so every surface reads them by the same rules) and the
sheet row number of every row (header = row 1), so a problem can name the row
a person sees in their spreadsheet.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from icp_sheets.core.names import find_column, header_key, tab_key
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.values import DATE_SYSTEMS, as_1900_serial, is_empty


@dataclass(frozen=True)
class Table:
    """Header texts, raw cell values, and where each row sits in its sheet."""

    name: str
    frame: pd.DataFrame
    rows: np.ndarray
    date_system: int = DATE_SYSTEMS[0]  # a workbook's (1900 or 1904): how its plain day numbers count

    def sheet_row(self, position: int) -> int:
        return int(self.rows[position])

    def column(self, name: str) -> str | None:
        return find_column(self.frame.columns, name)


def unique_headers(raw: Sequence[Any]) -> list[str]:
    headers: list[str] = []
    seen: dict[str, int] = {}
    for i, value in enumerate(raw):
        text = "" if is_empty(value) else str(value).strip()
        text = text or f"Column {i + 1}"
        key = header_key(text)
        if key in seen:
            seen[key] += 1
            text = f"{text} ({seen[key]})"
        else:
            seen[key] = 1
        headers.append(text)
    return headers


def table_from_values(name: str, values: Sequence[Sequence[Any]], first_row: int = 1) -> Table:
    """A table from a 2-D block whose first row is the header (an Excel or Google range).

    Fully blank rows are dropped but the others keep their sheet row numbers;
    short rows are padded, as Google trims trailing empty cells.
    """
    if not values:
        return Table(name, pd.DataFrame(), np.array([], dtype=np.int64))
    headers, data, rows = block_rows(values, first_row)
    frame = pd.DataFrame(data, columns=headers, dtype=object) if data else pd.DataFrame(columns=headers)
    return Table(name, frame, np.asarray(rows, dtype=np.int64))


def block_rows(values: Sequence[Sequence[Any]], first_row: int = 1) -> tuple[list[str], list[list[Any]], list[int]]:
    """What :func:`table_from_values` reads from a non-empty block, before it becomes a frame: the
    headers, the rows that hold something (blank text as None) and their sheet row numbers.
    The Excel functions score a few rows straight from these, without pandas."""
    header = list(values[0])
    width = max([len(header), *(len(r) for r in values[1:])])
    while width and all(len(r) < width or is_empty(r[width - 1]) for r in values):
        width -= 1
    headers = unique_headers([*header, *[""] * (width - len(header))][:width])
    data, rows = [], []
    for offset, row in enumerate(values[1:], start=1):
        cells = [*row[:width], *[None] * (width - len(row))]
        if all(is_empty(c) for c in cells):
            continue
        data.append([None if isinstance(c, str) and not c.strip() else c for c in cells])
        rows.append(first_row + offset)
    return headers, data, rows


def _sniff_separator(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        first = handle.readline()
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def read_csv(path: Path) -> Table:
    """A CSV as exported by Excel, Sheets or a prospecting tool: UTF-8 with or without BOM or
    Windows-1252; comma, semicolon or tab separated. Read with Arrow's multi-threaded reader;
    ISO dates arrive as dates, everything else as numbers or text."""
    # File readers import lazily: the Excel functions use this module in Pyodide, without them.
    import pyarrow as pa
    import pyarrow.csv as pacsv

    for encoding in ("utf-8-sig", "cp1252"):
        try:
            sep = _sniff_separator(path, encoding)
            arrow = pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(encoding="utf8" if encoding == "utf-8-sig" else encoding),
                parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    null_values=[""], strings_can_be_null=True, timestamp_parsers=["%Y-%m-%d"]
                ),  # "n/a" stays as typed
            )
            break
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) and encoding == "utf-8-sig":
                continue
            raise IcpError(
                Problem(
                    Code.UNREADABLE_FILE,
                    f"cannot read it as CSV ({str(exc).splitlines()[0]}); save it as CSV (UTF-8) and try again",
                    tab=path.name,
                )
            ) from None
    else:  # pragma: no cover - cp1252 decodes any byte sequence
        raise IcpError(
            Problem(Code.UNREADABLE_FILE, "its text encoding is unknown; save it as CSV (UTF-8)", tab=path.name)
        )
    frame = arrow.to_pandas(date_as_object=False)
    frame.columns = unique_headers([str(c).removeprefix("\ufeff") for c in arrow.column_names])
    blank = frame.isna().all(axis=1).to_numpy()
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    if blank.any():
        frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    return Table(path.name, frame, rows)


def read_xlsx_tabs(path: Path, names: Iterable[str] | None = None) -> tuple[dict[str, Table], list[str]]:
    """Tabs of a workbook by name (all tabs when ``names`` is None; names match ignoring case,
    spaces, hyphens and underscores), read with calamine for speed, and the names of all its tabs."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise IcpError(Problem(Code.UNREADABLE_FILE, "no such file; check the path", tab=str(path)))
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise IcpError(Problem(Code.UNREADABLE_FILE, f"cannot open it as a workbook ({exc})", tab=path.name)) from None
    wanted = {tab_key(n) for n in names} if names is not None else None
    tables = {}
    for sheet_name in book.sheet_names:
        if wanted is not None and tab_key(sheet_name) not in wanted:
            continue
        sheet = book.get_sheet_by_name(sheet_name)
        values = sheet.to_python(skip_empty_area=False)
        tables[sheet_name] = table_from_values(sheet_name, values)
    system = date_system(path)
    if system != DATE_SYSTEMS[0]:
        tables = {name: replace(table, date_system=system) for name, table in tables.items()}
    return tables, list(book.sheet_names)


_DATE_1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"")


def date_system(path: Path) -> int:
    """The date system an .xlsx/.xlsm file says it uses (``<workbookPr date1904="1"/>`` in
    xl/workbook.xml): 1904 for workbooks from old Mac Excel, else 1900. calamine converts
    date-formatted cells by it but hands a General-formatted day number over as a plain number,
    and does not say the system, so it is read here."""
    if path.suffix.casefold() not in (".xlsx", ".xlsm"):
        return DATE_SYSTEMS[0]
    try:
        with zipfile.ZipFile(path) as archive:
            found = _DATE_1904.search(archive.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile):
        return DATE_SYSTEMS[0]  # calamine says what is wrong with the file
    return DATE_SYSTEMS[1] if found else DATE_SYSTEMS[0]


def dates_in_1900(table: Table, frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` (read from ``table``) with the plain day numbers in ``columns`` counted in the 1900
    system the core reads, when the table's workbook uses 1904; real dates, text and blanks stay.
    The table itself keeps its cells, so what is written back is what was read."""
    wanted = [c for c in columns if c in frame.columns]
    if table.date_system == DATE_SYSTEMS[0] or not wanted:
        return frame
    return frame.assign(**{c: [as_1900_serial(v, table.date_system) for v in frame[c]] for c in wanted})


def read_xlsx_sheets(path: Path, names: Iterable[str] | None = None) -> dict[str, Table]:
    """Tabs of a workbook by name (all tabs when ``names`` is None)."""
    return read_xlsx_tabs(path, names)[0]


def read_workbook(path: Path) -> dict[str, Table]:
    """Every tab of an xlsx workbook."""
    return read_xlsx_sheets(Path(path))


def check_content(path: Path, *, text: bool) -> None:
    """An empty file, or binary bytes where text is expected, said plainly before any parser sees it."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head:
        raise IcpError(
            Problem(Code.UNREADABLE_FILE, "is empty; export the accounts again, header row first", tab=path.name)
        )
    if text and b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IcpError(
            Problem(
                Code.UNREADABLE_FILE,
                "holds binary data, not text; export the accounts as CSV (UTF-8) or .xlsx",
                tab=path.name,
            )
        )


def read_table(path: Path, sheet: str | None = None) -> Table:
    """An accounts or contacts table from .csv or .xlsx (the ``sheet`` tab, else the first)."""
    path = Path(path)
    if not path.exists():
        raise IcpError(Problem(Code.UNREADABLE_FILE, "no such file; check the path", tab=str(path)))
    suffix = path.suffix.casefold()
    check_content(path, text=suffix in (".csv", ".txt", ".tsv"))
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        tables = read_xlsx_sheets(path, None if sheet is None else [sheet])
        if not tables:
            raise IcpError(Problem(Code.MISSING_TAB, f"has no tab '{sheet}'; name the tab to read", tab=path.name))
        return next(iter(tables.values()))
    raise IcpError(Problem(Code.UNREADABLE_FILE, "is neither .csv nor .xlsx; export it as one of those", tab=path.name))
