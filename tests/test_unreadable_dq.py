"""An Anti-ICP row that cannot read an account's cell never lets it pass silently."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from icp_sheets.cli import cli
from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.explain import Why
from icp_sheets.core.models import Disqualifier, IcpModel, WhenUnreadable
from icp_sheets.core.scoring import flagged, score
from icp_sheets.example import example_accounts
from icp_sheets.jobs import write_example_workbook


def _with_opt_out(model: IcpModel, when: WhenUnreadable = WhenUnreadable.FLAG) -> IcpModel:
    rule = Disqualifier(column="Do not contact", condition=parse_condition("is true"), reason="Opted out")
    return model.model_copy(
        update={
            "disqualifiers": (*model.disqualifiers, rule),
            "settings": model.settings.model_copy(update={"when_unreadable": when}),
        }
    )


def _row(account: Callable[..., pd.DataFrame], do_not_contact: object, **cells: object) -> pd.DataFrame:
    frame = account(employees=120, funding_stage="Series B", region="North America", industry="Software", **cells)
    frame["Do not contact"] = [do_not_contact]
    return frame


def test_flag_keeps_the_score_and_starts_the_why_with_a_check(
    model: IcpModel, account: Callable[..., pd.DataFrame]
) -> None:
    results = score(_with_opt_out(model), _row(account, "Opted out"))
    clean = score(_with_opt_out(model), _row(account, "no"))
    assert results["icp_score"].iloc[0] == clean["icp_score"].iloc[0]
    assert results["icp_dq"].iloc[0] == ""
    assert results["icp_why"].iloc[0].startswith("Check: Do not contact unreadable ('Opted out') · ")
    assert not str(clean["icp_why"].iloc[0]).startswith("Check")
    assert flagged(results) == 1 and flagged(clean) == 0


def test_disqualify_mode_disqualifies_with_the_unreadable_cell_as_reason(
    model: IcpModel, account: Callable[..., pd.DataFrame]
) -> None:
    results = score(_with_opt_out(model, WhenUnreadable.DISQUALIFY), _row(account, "Opted out"))
    assert results["icp_tier"].iloc[0] == "Disqualified"
    assert results["icp_dq"].iloc[0] == "Do not contact unreadable ('Opted out')"
    assert results["icp_why"].iloc[0].startswith("Disqualified: Do not contact unreadable ('Opted out')")


@pytest.mark.parametrize("blank", [None, "", "n/a"])
def test_a_blank_cell_is_unknown_too(model: IcpModel, account: Callable[..., pd.DataFrame], blank: object) -> None:
    results = score(_with_opt_out(model), _row(account, blank))
    assert results["icp_why"].iloc[0].startswith("Check: Do not contact ")
    words = "blank" if blank in (None, "") else "unknown ('n/a')"
    assert results["icp_why"].iloc[0].startswith(f"Check: Do not contact {words}")


def test_an_is_blank_rule_reads_blank_cells(model: IcpModel, account: Callable[..., pd.DataFrame]) -> None:
    rule = Disqualifier(column="Domain", condition=parse_condition("is blank"), reason="No website")
    strict = model.model_copy(update={"disqualifiers": (rule,)})
    frame = account(employees=120)
    frame["Domain"] = [None]
    results = score(strict, frame)
    assert results["icp_dq"].iloc[0] == "No website"
    frame["Domain"] = ["acme.example"]
    assert not score(strict, frame)["icp_why"].iloc[0].startswith("Check")


def test_a_definite_match_on_another_row_wins_over_a_check(
    model: IcpModel, account: Callable[..., pd.DataFrame]
) -> None:
    frame = _row(account, "maybe")
    frame["Industry"] = ["Government"]
    results = score(_with_opt_out(model), frame)
    assert results["icp_dq"].iloc[0] == "Public sector: procurement-heavy, 12-month cycles"
    assert not results["icp_why"].iloc[0].startswith("Check")


def test_an_unreadable_number_in_a_range_rule_is_flagged(model: IcpModel, account: Callable[..., pd.DataFrame]) -> None:
    results = score(model, account(employees="lots", industry="Software"))
    parts = results["icp_why"].iloc[0].split(" · ")
    assert parts[0].startswith("Disqualified: Score")  # a disqualification stays first
    assert parts[1] == "Check: Employees unreadable ('lots')"  # the check right after it


def test_the_setting_is_read_from_the_workbook_and_the_summary_counts(tmp_path: Path) -> None:
    path = tmp_path / "icp.xlsx"
    write_example_workbook(path)
    accounts = pd.DataFrame(example_accounts())
    accounts.loc[0, "Industry"] = None
    accounts.to_csv(tmp_path / "accounts.csv", index=False)
    flagged_run = CliRunner().invoke(cli, ["score", str(path), str(tmp_path / "accounts.csv")])
    assert flagged_run.exit_code == 0, flagged_run.output
    assert "2 to check: an Anti-ICP cell could not be read" in flagged_run.output
    book = load_workbook(path)
    sheet = book["Settings"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "When a disqualifier cannot be read")
    assert sheet.cell(row, 2).value == "flag"
    sheet.cell(row, 2).value = "Disqualify"
    book.save(path)
    scored = pd.read_csv(tmp_path / "accounts.scored.csv", keep_default_na=False)
    assert scored.loc[0, "icp_why"].startswith("Check: Industry blank")
    again = CliRunner().invoke(cli, ["score", str(path), str(tmp_path / "accounts.csv"), "--force"])
    assert again.exit_code == 0, again.output
    scored = pd.read_csv(tmp_path / "accounts.scored.csv", keep_default_na=False)
    assert scored.loc[0, "icp_dq"] == "Industry blank"
    sheet.cell(row, 2).value = "maybe"
    book.save(path)
    bad = CliRunner().invoke(cli, ["check", str(path)])
    assert bad.exit_code == 2 and "'maybe' is not one of 'flag', 'disqualify'" in bad.output


def test_the_check_is_said_once_not_again_among_the_points(
    model: IcpModel, account: Callable[..., pd.DataFrame]
) -> None:
    """'Employees unknown' leads as a check; the fit part saying the same is not repeated after it."""
    why = str(score(model, account(Employees="n/a"), why=Why.FULL)["icp_why"].iloc[0])
    assert why.split(" · ")[1] == "Check: Employees unknown ('n/a')"  # after the floor's disqualification
    assert why.count("Employees unknown") == 1
