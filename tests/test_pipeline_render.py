"""The Pipeline tab really prints: LibreOffice renders it to one PDF page that poppler can read back.

Valid XML is not enough (a chart anchored off the page, a merged title that prints blank, a
page split in two would all pass an openpyxl read), so the tab alone is printed with the
workbook's own page settings, the page is rasterised and its text extracted.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from icp_sheets.io.pipeline_tab import PIPELINE
from icp_sheets.jobs import score_workbook, write_example_workbook

TOOLS = ("soffice", "pdftoppm", "pdftotext", "pdfinfo")
missing = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(missing), reason=f"needs LibreOffice and poppler-utils to render the tab ({', '.join(missing)} missing)"
)


def _run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _dark_share(pgm: bytes) -> float:
    """The share of pixels darker than near-white in a binary PGM (P5) image."""
    fields = pgm.split(maxsplit=4)
    assert fields[0] == b"P5"
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4][-width * height :]
    return sum(1 for value in pixels if value < 235) / (width * height)


def test_the_pipeline_tab_renders_to_one_readable_page(tmp_path: Path) -> None:
    source = tmp_path / "team.xlsx"
    write_example_workbook(source)
    scored = tmp_path / "team.scored.xlsx"
    score_workbook(source, scored)
    book = load_workbook(scored)
    for name in book.sheetnames:
        if name != PIPELINE:
            del book[name]  # the tab alone: its pages are the whole PDF
    alone = tmp_path / "pipeline.xlsx"
    book.save(alone)
    profile = (tmp_path / "profile").as_uri()
    _run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", alone.name], tmp_path)
    pdf = tmp_path / "pipeline.pdf"
    pages = [
        line.split()[-1] for line in _run(["pdfinfo", str(pdf)], tmp_path).splitlines() if line.startswith("Pages:")
    ]
    assert pages == ["2"], "one page wide: the counts on the first page, the chart and best accounts on the second"
    texts = []
    for page in (1, 2):
        _run(
            ["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), "page"],
            tmp_path,
        )
        assert _dark_share((tmp_path / "page.pgm").read_bytes()) > 0.02, f"page {page} is blank"
        texts.append(_run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"], tmp_path))
    tab = load_workbook(scored)[PIPELINE]
    count = str(tab["A2"].value).split(":")[0]  # e.g. '30 accounts scored', as the tab wrote it
    assert "Pipeline" in texts[0] and count in texts[0] and "Accounts per cell" in texts[0]
    assert "Accounts per priority" in texts[1] and "Vantage Procure" in texts[1]  # the example's best account
