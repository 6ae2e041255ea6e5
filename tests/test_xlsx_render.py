"""The hand-written sheet XML of scored output opens in LibreOffice with every value where it was written.

LibreOffice (headless) converts the file to CSV; a file it rejected or misread
(a bad style id, a broken inline string, a wrong date serial) would not give
back the same cells. ``make render`` shows the same file as pages to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from icp_sheets.core.names import RESULT_COLUMNS
from icp_sheets.core.scoring import score
from icp_sheets.example import example_accounts, example_model
from icp_sheets.io.xlsx_writer import write_scored_xlsx

UTF8_CSV = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, double quote, UTF-8


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_libreoffice_reads_back_every_cell_of_scored_output(tmp_path: Path) -> None:
    model = example_model()
    accounts = pd.DataFrame(example_accounts())
    frame = pd.concat([accounts, score(model, accounts)], axis=1)
    frame.loc[0, "Company"] = '=HYPERLINK("x")'  # formula-like text stays text
    book = tmp_path / "scored.xlsx"
    write_scored_xlsx(book, frame, RESULT_COLUMNS, settings=model.settings)
    profile = (tmp_path / "profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", UTF8_CSV]
    done = subprocess.run([*command, "--outdir", str(tmp_path), str(book)], capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    read = pd.read_csv(tmp_path / "scored.csv", dtype=str, keep_default_na=False)
    assert list(read.columns) == list(frame.columns)
    assert read["Company"].iloc[0] == '=HYPERLINK("x")'
    for column in ("Company", "Region", "icp_tier", "icp_priority", "icp_dq", "icp_why", "icp_action"):
        assert read[column].tolist() == ["" if pd.isna(v) else str(v) for v in frame[column]], column
    assert [float(v) for v in read["icp_score"]] == frame["icp_score"].tolist()
    dates = pd.to_datetime(frame["Last funding date"], errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    assert read["Last funding date"].tolist() == dates.tolist()
