"""What the Google Sheets tests share: the key of the fake spreadsheet the conftest fixtures serve."""

from pathlib import Path

import openpyxl

from icp_sheets.core.names import ACCOUNTS

KEY = "shared-icp"
TITLE = "Shared ICP"


def drop_third_account(path: Path) -> str:
    """Delete the third account (row 4) from the workbook, as a person in Excel would; its company."""
    book = openpyxl.load_workbook(path)
    gone = str(book[ACCOUNTS].cell(row=4, column=1).value)
    book[ACCOUNTS].delete_rows(4)
    book.save(path)
    return gone
