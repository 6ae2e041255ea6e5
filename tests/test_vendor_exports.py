"""Vendor-shaped exports scored with the Example ICP, no renaming: the same results as the canonical file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from icp_sheets.core.columns import match_columns
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
