"""Vendor-shaped exports scored with the Example ICP, no renaming: the same results as the canonical file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from icp_sheets.core.columns import match_columns
from icp_sheets.core.formats import AccountColumn, ReadAs
from icp_sheets.core.problems import Code
from icp_sheets.core.scoring import score
from icp_sheets.example import example_accounts, example_model
from icp_sheets.jobs import score_accounts_file

MODEL = example_model()
VENDORS = {
    "Apollo": {"Employees": "# Employees", "Tech stack": "Technologies"},
    "HubSpot": {"Employees": "Number of Employees"},
    "Salesforce": {"Employees": "NumberOfEmployees", "Funding stage": "FUNDING_STAGE"},
    "ZoomInfo": {"Employees": "Employee Range"},
    "Crunchbase": {"Funding stage": "Funding Stage", "Last funding date": "Last Funding Date"},
    "Sales Navigator": {"Employees": "Company size"},
}


def _canonical() -> pd.DataFrame:
    frame = pd.DataFrame(example_accounts())
    dates = [c for c in frame.columns if c.endswith("date")]
    frame[dates] = frame[dates].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else d)
    return frame


@pytest.mark.parametrize("vendor", list(VENDORS))
def test_a_vendor_export_scores_like_the_canonical_file(vendor: str, tmp_path: Path) -> None:
    frame = _canonical()
    export = frame.rename(columns=VENDORS[vendor])
    if "Funding stage" in VENDORS[vendor]:
        export[VENDORS[vendor]["Funding stage"]] = frame["Funding stage"].str.upper().str.replace(" ", "_")
    path = tmp_path / "export.csv"
    export.to_csv(path, index=False, encoding="cp1252" if vendor == "Salesforce" else "utf-8")
    out = tmp_path / "out.csv"
    score_accounts_file(MODEL, path, out)
    scored = pd.read_csv(out, encoding="utf-8-sig")
    expected = score(MODEL, frame)
    assert scored["icp_score"].tolist() == expected["icp_score"].tolist()
    assert scored["icp_tier"].tolist() == expected["icp_tier"].astype(str).tolist()


def test_two_headers_for_one_column_are_an_error_naming_both() -> None:
    match = match_columns(MODEL, ["Number of Employees", "NumberOfEmployees", *_canonical().columns[4:]])
    ambiguous = [p for p in match.problems if p.code is Code.AMBIGUOUS_COLUMN]
    assert len(ambiguous) == 1 and "'Number of Employees'" in ambiguous[0].message


def test_a_missing_column_gets_one_did_you_mean() -> None:
    headers = [c if c != "Region" else "Regoin" for c in _canonical().columns]
    (problem,) = match_columns(MODEL, headers).problems
    assert problem.column == "Region" and "did you mean 'Regoin'?" in problem.message


def _employees_band(value: object, template: str) -> object:
    """A band whose midpoint is the canonical number, as the vendor writes bands."""
    if isinstance(value, int):
        return template.format(low=value - 10, high=value + 10)
    return value


def _dates(frame: pd.DataFrame, fmt: str) -> pd.DataFrame:
    out = frame.copy()
    for column in [c for c in frame.columns if c.endswith("date")]:
        out[column] = [dt.date.fromisoformat(d).strftime(fmt) if isinstance(d, str) else d for d in frame[column]]
    return out


# vendor -> (how its dates look, how its employee counts look, headers)
VALUE_STYLES = {
    "HubSpot": ("%Y-%m-%d 10:00", None, {"Employees": "Number of Employees"}),
    "Salesforce": ("%m/%d/%Y", None, {"Employees": "NumberOfEmployees"}),
    "ZoomInfo": ("%m/%d/%Y", "{low} - {high}", {"Employees": "Employee Range"}),
    "Crunchbase": ("%b %d, %Y", "{low}-{high}", {"Last funding date": "Last Funding Date"}),
    "Sales Navigator": ("%d %b %Y", "{low}-{high} employees", {"Employees": "Company size"}),
    "European CRM": ("%d.%m.%Y", None, {}),
}


@pytest.mark.parametrize("vendor", list(VALUE_STYLES))
def test_vendor_value_styles_score_like_the_canonical_file(vendor: str, tmp_path: Path) -> None:
    """Dates in the vendor's order (decided from the column), bands read to their midpoint."""
    date_format, band, headers = VALUE_STYLES[vendor]
    frame = _canonical()
    export = _dates(frame, date_format)
    if band is not None:
        export["Employees"] = [_employees_band(v, band) for v in frame["Employees"]]
    path = tmp_path / "export.csv"
    export.rename(columns=headers).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    run = score_accounts_file(MODEL, path, out)
    scored = pd.read_csv(out, encoding="utf-8-sig")
    expected = score(MODEL, frame)
    assert scored["icp_score"].tolist() == expected["icp_score"].tolist()
    assert not [p for p in run.notes if p.code is Code.AMBIGUOUS_FORMAT]


def test_a_european_export_needs_format_only_when_its_numbers_leave_it_open(tmp_path: Path) -> None:
    frame = _canonical()
    export = _dates(frame, "%d.%m.%Y")
    export["Employees"] = [
        f"{v:,}".replace(",", ".") if isinstance(v, int) else str(v).replace(",", ".") for v in frame["Employees"]
    ]
    path = tmp_path / "export.csv"
    export.to_csv(path, index=False, sep=";")
    expected = score(MODEL, frame)["icp_tier"].astype(str).tolist()
    run = score_accounts_file(MODEL, path, tmp_path / "plain.csv")
    (note,) = [p for p in run.notes if p.code is Code.AMBIGUOUS_FORMAT]
    assert note.column == "Employees" and "'decimal comma'" in note.message
    assert pd.read_csv(tmp_path / "plain.csv", encoding="utf-8-sig")["icp_tier"].tolist() != expected  # 2.400 as 2.4
    european = MODEL.model_copy(update={"columns": (AccountColumn(name="Employees", read_as=ReadAs.DECIMAL_COMMA),)})
    run = score_accounts_file(european, path, tmp_path / "format.csv")
    assert not [p for p in run.notes if p.code is Code.AMBIGUOUS_FORMAT]
    assert pd.read_csv(tmp_path / "format.csv", encoding="utf-8-sig")["icp_tier"].tolist() == expected
