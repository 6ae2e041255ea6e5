"""Benchmark: the scored xlsx of bench_xlsx.py written with XlsxWriter's constant-memory mode instead.

The same 100,000 scored synthetic accounts, the same safe values (``cell_value``,
``clean_text``, the quote prefix on formula-like text), per-kind cell formats,
header notes, widths, frozen header, an autofilter, wrapped-row heights and
the tier colours: what adopting XlsxWriter for scored output would cost.
Needs ``pip install xlsxwriter`` (not a dependency: the figures kept the fast path, issue 8).

    python bench/compare_xlsxwriter.py [--rows 100000]   (not in make bench: needs xlsxwriter)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent


def write_with_xlsxwriter(path: Path, frame: pd.DataFrame, result_columns: tuple[str, ...]) -> None:
    import xlsxwriter

    from icp_sheets.core.values import FORMULA_STARTS
    from icp_sheets.io.xlsx_cell_style import LINE_HEIGHT, MAX_LINES, cell_value, clean_text, result_column, text_lines
    from icp_sheets.io.xlsx_writer import data_column, frame_rows

    columns = [result_column(h) if h in result_columns else data_column(h, frame[h]) for h in frame.columns]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("Accounts")
    base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
    kinds: list[dict[str, Any]] = []
    for c in columns:
        extra = {"bg_color": "#EEF3EA", "locked": True} if c.result else {"locked": False}
        extra |= {"text_wrap": True} if c.wrap else {}
        kinds.append(
            {
                "text": book.add_format(base | extra),
                "quoted": book.add_format(base | extra | {"quote_prefix": True}),
                "number": book.add_format(base | extra | ({"num_format": c.number_format} if c.number_format else {})),
                "date": book.add_format(base | extra | {"num_format": "yyyy-mm-dd"}),
                "datetime": book.add_format(base | extra | {"num_format": "yyyy-mm-dd hh:mm"}),
            }
        )
    header = book.add_format(base | {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "text_wrap": True})
    for i, c in enumerate(columns):
        ws.set_column(i, i, c.width)
        ws.write_string(0, i, c.header, header)
        if c.note:
            ws.write_comment(0, i, c.note)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(frame), len(columns) - 1)
    tier = list(frame.columns).index("icp_tier")
    for value, colour in (("Pursue", "#C6EFCE"), ("Nurture", "#FFEB9C"), ("Disqualified", "#FFC7CE")):
        ws.conditional_format(
            1, tier, 1_048_575, tier,
            {"type": "cell", "criteria": "==", "value": f'"{value}"', "format": book.add_format({"bg_color": colour})},
        )  # fmt: skip
    wrapped = [(i, c.width) for i, c in enumerate(columns) if c.wrap]
    for r, row in enumerate(frame_rows(frame), 1):
        lines = min(max((text_lines(row[i], w) for i, w in wrapped), default=1), MAX_LINES)
        if lines > 1:
            ws.set_row(r, LINE_HEIGHT * lines + 2)
        for i, raw in enumerate(row):
            value = cell_value(raw)
            if value is None or value == "":
                continue
            f = kinds[i]
            if isinstance(value, str):
                ws.write_string(r, i, clean_text(value), f["quoted" if value.startswith(FORMULA_STARTS) else "text"])
            elif isinstance(value, bool):
                ws.write_boolean(r, i, value, f["text"])
            elif isinstance(value, int | float):
                ws.write_number(r, i, value, f["number"])
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, i, value, f["datetime"])
            else:
                ws.write_datetime(r, i, value, f["date"])
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    sys.path.insert(0, str(HERE))
    from bench_xlsx import measure, scored_frame

    from icp_sheets.core.names import RESULT_COLUMNS

    frame, _ = scored_frame(rows)
    measure(
        "xlsx output (XlsxWriter, constant memory)",
        lambda path: write_with_xlsxwriter(path, frame, RESULT_COLUMNS),
        rows,
        frame.shape[1],
    )


if __name__ == "__main__":
    main()
