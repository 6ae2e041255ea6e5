"""Files as people have them: encodings, delimiters, ragged rows, title rows, tabs, contacts or accounts."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from icp_sheets.core.models import IcpModel
from icp_sheets.core.problems import Code, IcpError, Problem, Severity
from icp_sheets.core.ranking import Sort
from icp_sheets.core.scoring import score
from icp_sheets.core.values import FORMULA_STARTS
from icp_sheets.example import example_accounts, example_model
from icp_sheets.jobs import score_accounts_file

MODEL = example_model()


def _canonical() -> pd.DataFrame:
    frame = pd.DataFrame(example_accounts())
    for column in frame.columns:
        if column.endswith("date"):
            frame[column] = frame[column].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else d)
    return frame


def _csv_text(frame: pd.DataFrame, delimiter: str = ",") -> str:
    out = io.StringIO()
    frame.to_csv(out, index=False, sep=delimiter, lineterminator="\r\n")
    return out.getvalue()


def _scored(path: Path, model: IcpModel = MODEL, **options: object) -> tuple[pd.DataFrame, list[Problem]]:
    out = path.with_name(path.stem + ".out.csv")
    run = score_accounts_file(model, path, out, force=True, **options)  # type: ignore[arg-type]
    assert run.accounts_file is not None
    frame = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame, run.accounts_file.notes()


def _expected(frame: pd.DataFrame | None = None) -> list[float]:
    return [float(s) for s in score(MODEL, _canonical() if frame is None else frame)["icp_score"]]


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("cp1252", "cp1252"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")],
)
def test_encodings_are_detected_and_accents_round_trip(tmp_path: Path, encoding: str, name: str) -> None:
    frame = _canonical()
    frame.loc[0, "Company"], frame.loc[1, "Company"] = "Café Noir", "Zürich Ørsted – Ltd"
    path = tmp_path / "accounts.csv"
    path.write_bytes(_csv_text(frame).encode(encoding))
    out, notes = _scored(path)
    assert out["Company"].tolist() == frame["Company"].tolist()
    assert [float(s) for s in out["icp_score"]] == _expected(frame)
    assert any(f"read as {name}" in n.message for n in notes)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    frame = _canonical()
    frame.loc[0, "Company"] = "Acme, Inc; Group | Tab\tCo"  # every delimiter inside one quoted cell
    path = tmp_path / "accounts.csv"
    path.write_text(_csv_text(frame, delimiter), encoding="utf-8")
    out, _ = _scored(path)
    assert out["Company"].tolist() == frame["Company"].tolist()
    assert [float(s) for s in out["icp_score"]] == _expected(frame)


def test_a_long_row_is_kept_scored_and_reported_by_line(tmp_path: Path) -> None:
    lines = _csv_text(_canonical()).splitlines()
    lines[3] += ",extra cell"
    lines[5] = lines[5].rsplit(",", 2)[0]  # a short row: trailing cells trimmed
    path = tmp_path / "accounts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, notes = _scored(path)
    ragged = [n for n in notes if n.code is Code.RAGGED_ROWS]
    assert any(n.severity is Severity.WARNING and "line 4 (12 cells)" in n.message for n in ragged)
    assert len(out) == len(_canonical())
    assert out.iloc[2, 11] == "extra cell"  # kept, in an unnamed column at the end
    assert list(out.columns[:11]) == list(_canonical().columns)


def test_blank_lines_keep_their_place_with_blank_results(tmp_path: Path) -> None:
    lines = _csv_text(_canonical()).splitlines()
    lines.insert(3, "")
    lines.insert(5, ",,,,,,,,,,")
    path = tmp_path / "accounts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, _ = _scored(path)
    assert len(out) == len(_canonical()) + 2
    assert out.loc[2, "Company"] == "" and out.loc[2, "icp_score"] == "" and out.loc[4, "icp_tier"] == ""
    scored = out[out["Company"] != ""]
    assert [float(s) for s in scored["icp_score"]] == _expected()


def test_title_rows_above_the_header_are_skipped_and_said(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text('Accounts export\n"Run on 2026-11-16, ""all"" regions"\n\n' + _csv_text(_canonical()))
    out, notes = _scored(path)
    assert [float(s) for s in out["icp_score"]] == _expected()
    assert any("the header is row 4" in n.message for n in notes)


def test_a_title_column_never_turns_accounts_into_contacts_silently(tmp_path: Path) -> None:
    frame = _canonical().drop(columns=["Region"])
    frame["Title"] = "VP Sales"
    path = tmp_path / "accounts.csv"
    path.write_text(_csv_text(frame))
    with pytest.raises(IcpError) as caught:
        _scored(path)
    assert [(p.code, p.column) for p in caught.value.problems] == [(Code.MISSING_COLUMN, "Region")]


def test_contacts_are_contacts_only_without_any_account_column(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,Title\nAda,VP Sales\nBo,Engineer\n")
    out, notes = _scored(path)
    assert out["icp_persona"].tolist() == ["Sales leader", ""]
    assert any("read as contacts" in n.message for n in notes)


def _book(path: Path, tabs: dict[str, list[list[object]]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows in tabs.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_xlsx_reads_the_first_tab_with_the_model_columns_or_the_one_asked(tmp_path: Path) -> None:
    frame = _canonical()
    rows = [list(frame.columns), *frame.astype(object).values.tolist()]
    path = tmp_path / "export.xlsx"
    _book(path, {"Summary": [["Total", 30]], "Accounts": [["Exported from CRM"], *rows], "Other": rows[:3]})
    out, notes = _scored(path)
    assert [float(s) for s in out["icp_score"]] == _expected()
    said = " ".join(n.message for n in notes)
    assert "read tab 'Accounts'" in said and "the header is row 2" in said
    out, _ = _scored(path, tab="other")
    assert len(out) == 2
    with pytest.raises(IcpError, match="did you mean 'Other'"):
        _scored(path, tab="Othre")


def test_every_cell_goes_out_as_it_came_in(tmp_path: Path) -> None:
    frame = _canonical()
    frame.insert(0, "Record ID", [f"{12345678901234567890 + i}" for i in range(len(frame))])
    frame["Zip"] = "02134"
    frame["Active"] = "TRUE"
    frame["Phone"] = "+1 555 0100"
    frame["Note"] = "1.200"
    text = _csv_text(frame).replace("Zip", "Company", 1)  # a duplicated header
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    score_accounts_file(MODEL, path, out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    with path.open(encoding="utf-8", newline="") as handle:
        given = list(csv.reader(handle))
    width = len(given[0])
    assert written[0][:width] == given[0]  # duplicate headers kept, in order
    guarded = {"Phone": "'+1 555 0100"}  # text that starts like a formula gets the apostrophe
    phone = given[0].index("Phone")
    for before, after in zip(given[1:], written[1:], strict=True):
        assert after[:width] == [guarded["Phone"] if i == phone else c for i, c in enumerate(before)]


def test_csv_output_bom_and_delimiter_options(tmp_path: Path) -> None:
    from icp_sheets.io.csv_out import CsvOptions

    path = tmp_path / "accounts.csv"
    path.write_text(_csv_text(_canonical()))
    out = tmp_path / "out.csv"
    score_accounts_file(MODEL, path, out, csv_options=CsvOptions(bom=False, delimiter=";"))
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and data.startswith(b"Company;Domain;")
    score_accounts_file(MODEL, path, out, force=True)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfCompany,Domain,")


def test_xlsx_output_keeps_text_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    frame = _canonical()
    frame["Zip"], frame["Count"], frame["Id"], frame["Ratio"] = "02134", "-5", "12345678901234567890", "1.200"
    path = tmp_path / "accounts.csv"
    path.write_text(_csv_text(frame))
    out = tmp_path / "out.xlsx"
    score_accounts_file(MODEL, path, out, sort=Sort.INPUT)
    sheet = load_workbook(out, read_only=True)["Accounts"]
    header, first = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    blank_tail = (None,) * (len(header) - len(first))  # an empty last cell (no data gaps) is not stored
    cells = dict(zip(header, first + blank_tail, strict=True))
    assert cells["Zip"] == "02134" and cells["Id"] == "12345678901234567890" and cells["Ratio"] == "1.200"
    assert cells["Count"] == -5 and cells["Employees"] == int(frame.loc[0, "Employees"])


_CELL = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(_CELL, min_size=3, max_size=3), st.sampled_from([",", ";", "\t", "|"]))
def test_any_cell_text_comes_back_byte_identical(cells: list[str], delimiter: str) -> None:
    frame = _canonical().head(3)
    frame.insert(1, "Note", cells)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "accounts.csv"
        path.write_bytes(_csv_text(frame, delimiter).encode("utf-8"))
        out = Path(folder) / "out.csv"
        score_accounts_file(MODEL, path, out)
        with out.open(encoding="utf-8-sig", newline="") as handle:
            written = [row[1] for row in csv.reader(handle)][1:]
    assert written == [_guarded(c) for c in cells]


def _guarded(text: str) -> str:
    plain_number = re.fullmatch(r"[+-]?(\d[\d,]*)?(\.\d+)?", text) is not None
    return "'" + text if text.startswith(FORMULA_STARTS) and not plain_number else text
