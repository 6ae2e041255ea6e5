"""Buying-group coverage: contacts matched to their accounts by domain, roles covered, priority carried."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import TEMPLATE
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_sheets.cli import cli
from icp_sheets.core.buying_group import NO_ACCOUNT, buying_group, domain_keys, group_roles
from icp_sheets.core.models import IcpModel, Role
from icp_sheets.core.personas import match_personas
from icp_sheets.core.problems import Code, IcpError
from icp_sheets.core.ranking import Sort, rank_order
from icp_sheets.core.scoring import score
from icp_sheets.example import example_accounts, example_contacts, example_model

TITLES = {Role.ECONOMIC_BUYER: "VP Sales", Role.CHAMPION: "RevOps Manager", Role.TECHNICAL_GATEKEEPER: "CISO"}


def _accounts(domains: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"Company": [f"Co {i}" for i in range(len(domains))], "Domain": domains})


def _results(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "icp_priority": [f"A{i % 3 + 1}" for i in range(n)],
            "icp_tier": ["Pursue"] * n,
            "icp_score": list(range(n)),
        }
    )


def _listed(values: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in values]


def _group(model: IcpModel, accounts: pd.DataFrame, contacts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    personas = match_personas(model, contacts)
    group = buying_group(model, accounts, _results(len(accounts)), contacts, personas)
    return group.accounts, pd.concat([personas, group.contacts], axis=1)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("https://www.Acme.com/about?x=1", "acme.com"), ("acme.com.", "acme.com"), ("jo@ACME.com", "acme.com"),
        ("WWW.acme.com:8080", "acme.com"), ("  acme.com  ", "acme.com"), ("http://eu.acme.co.uk/", "eu.acme.co.uk"),
        ("", ""), (None, ""), ("mailto:jo@acme.com", "acme.com"),
    ],
)  # fmt: skip
def test_domains_are_normalised(raw: object, key: str) -> None:
    assert domain_keys(pd.Series([raw], dtype=object)).tolist() == [key]


def test_roles_are_the_personas_roles_without_other(model: IcpModel) -> None:
    assert group_roles(model) == (Role.ECONOMIC_BUYER, Role.CHAMPION, Role.TECHNICAL_GATEKEEPER)


def test_coverage_on_generated_contacts(model: IcpModel) -> None:
    accounts = _accounts(["acme.com", "https://www.beta.io/", "", "gamma.org", "delta.net"])
    contacts = pd.DataFrame(
        {
            "Name": ["A", "B", "C", "A again", "D", "E", "F", "G"],
            "Title": ["VP Sales", "RevOps Manager", "CISO", "VP Sales", "Account Executive", "VP Sales", "CISO", ""],
            "Domain": ["www.acme.com", "", "beta.io", "", "", "nowhere.test", "", ""],
            "Email": ["a@acme.com", "b@Acme.com", "", "A@acme.com", "d@gamma.org", "", "", ""],
        }
    )
    group, own = _group(model, accounts, contacts)
    assert group["icp_buying_group"].tolist() == [
        "economic buyer ✓ · champion ✓ · technical gatekeeper ✗",
        "economic buyer ✗ · champion ✗ · technical gatekeeper ✓",
        "economic buyer ✗ · champion ✗ · technical gatekeeper ✗",  # a blank domain takes no contacts
        "economic buyer ✗ · champion ✗ · technical gatekeeper ✗",  # a contact without a persona fills no seat
        "economic buyer ✗ · champion ✗ · technical gatekeeper ✗",  # no contacts at all
    ]
    assert group["icp_contacts"].tolist() == [2, 1, 0, 1, 0]  # the same e-mail twice counts once
    assert own["icp_account"].tolist() == [
        "acme.com", "acme.com", "beta.io", "acme.com", "gamma.org", NO_ACCOUNT,
        "no Domain or Email", "no Domain or Email",
    ]  # fmt: skip
    assert _listed(own["icp_priority"]) == ["A1", "A1", "A2", "A1", "A1", None, None, None]
    assert _listed(own["icp_score"]) == [0, 0, 1, 0, 3, None, None, None]


def test_unmatched_and_duplicate_contacts_are_reported(model: IcpModel) -> None:
    accounts = _accounts(["acme.com"])
    contacts = pd.DataFrame(
        {"Title": ["VP Sales", "CISO", "CFO", "VP Sales"], "Email": ["x@a.test", "", "j@acme.com", "J@acme.com"]}
    )
    personas = match_personas(model, contacts)
    found = buying_group(
        model, accounts, _results(1), contacts, personas, contact_rows=[5, 6, 7, 9], contacts_tab="People"
    )
    assert (found.matched, found.unmatched) == (2, 2)
    located = [(p.tab, p.row, p.column, p.code) for p in found.problems]
    assert located == [
        ("People", 5, "Email", Code.UNMATCHED_CONTACT),
        ("People", 6, "Email", Code.UNMATCHED_CONTACT),
        ("People", 9, "Email", Code.DUPLICATE),
    ]


def test_first_account_wins_a_repeated_domain(model: IcpModel) -> None:
    group, own = _group(
        model, _accounts(["acme.com", "ACME.com"]), pd.DataFrame({"Title": ["CISO"], "Domain": ["acme.com"]})
    )
    assert group["icp_contacts"].tolist() == [1, 0]
    assert own["icp_priority"].tolist() == ["A1"]


def test_a_key_named_in_settings(model: IcpModel) -> None:
    keyed = model.model_copy(update={"settings": model.settings.model_copy(update={"contacts_key": "Account ID"})})
    accounts = pd.DataFrame({"Account ID": ["A-1", "a-2 "], "Domain": ["x.com", "y.com"]})
    contacts = pd.DataFrame({"Title": ["VP Sales", "CISO"], "account id": ["a-2", "A-1"], "Domain": ["x.com", "x.com"]})
    group, own = _group(keyed, accounts, contacts)
    assert own["icp_account"].tolist() == ["a-2", "a-1"]
    assert group["icp_contacts"].tolist() == [1, 1]
    with pytest.raises(IcpError) as caught:
        _group(keyed, _accounts(["x.com"]), contacts)
    assert [(p.tab, p.column, p.code) for p in caught.value.problems] == [
        ("Accounts", "Account ID", Code.MISSING_COLUMN)
    ]


def test_no_key_column_says_what_to_add(model: IcpModel) -> None:
    with pytest.raises(IcpError) as caught:
        _group(model, pd.DataFrame({"Company": ["Acme"]}), pd.DataFrame({"Title": ["CISO"]}))
    assert [(p.tab, p.column, p.code) for p in caught.value.problems] == [
        ("Accounts", "Domain", Code.MISSING_COLUMN),
        ("Contacts", "Domain", Code.MISSING_COLUMN),
    ]


_DOMAINS = ["a.com", "b.com", "c.org", "d.io", ""]


@settings(max_examples=60, deadline=None)
@given(
    accounts=st.lists(st.sampled_from(_DOMAINS), min_size=0, max_size=6, unique=True),
    contacts=st.lists(
        st.tuples(st.sampled_from([*_DOMAINS, "zz.net"]), st.sampled_from([*TITLES.values(), "Intern"])), max_size=25
    ),
)
def test_counts_and_roles_follow_the_contacts(accounts: list[str], contacts: list[tuple[str, str]]) -> None:
    model = example_model()
    frame = pd.DataFrame({"Title": [t for _, t in contacts], "Domain": [d for d, _ in contacts]}, dtype=object)
    group, own = _group(model, _accounts(accounts), frame)
    for i, domain in enumerate(accounts):
        mine = [t for d, t in contacts if d == domain and domain]
        assert group["icp_contacts"].iloc[i] == len(mine)
        for role, title in TITLES.items():
            assert f"{role.value} {'✓' if title in mine else '✗'}" in group["icp_buying_group"].iloc[i]
    priority = dict(zip(accounts, _results(len(accounts))["icp_priority"], strict=True))
    for (domain, _), carried in zip(contacts, own["icp_priority"], strict=True):
        assert _listed(pd.Series([carried])) == [priority.get(domain) if domain else None]


def test_prospecting_puts_missing_roles_first_within_a_cell() -> None:
    results = pd.DataFrame(
        {
            "icp_score": [9, 5, 9, 9],
            "icp_fit": [5, 3, 5, 5],
            "icp_timing": [4, 2, 4, 4],
            "icp_priority": ["A1", "A2", "A1", "A1"],
            "icp_buying_group": ["a ✓ · b ✓", "a ✗ · b ✗", "a ✗ · b ✗", "a ✓ · b ✗"],
        }
    )
    assert rank_order(results, Sort.PROSPECTING).tolist() == [2, 3, 0, 1]
    assert rank_order(results, Sort.PRIORITY).tolist() == [0, 2, 3, 1]


@pytest.fixture
def example_files(tmp_path: Path) -> tuple[Path, Path]:
    accounts, contacts = tmp_path / "accounts.csv", tmp_path / "people.csv"
    pd.DataFrame(example_accounts()).to_csv(accounts, index=False)
    people = pd.DataFrame(example_contacts())
    people.loc[len(people)] = ["Nobody", "CFO", "Elsewhere", "", "", "n@elsewhere.test"]
    people.to_csv(contacts, index=False)
    return accounts, contacts


def _expected(model: IcpModel) -> tuple[pd.DataFrame, pd.DataFrame]:
    accounts, contacts = pd.DataFrame(example_accounts()), pd.DataFrame(example_contacts())
    personas = match_personas(model, contacts)
    group = buying_group(model, accounts, score(model, accounts), contacts, personas)
    return group.accounts, group.contacts


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cli_writes_the_same_buying_group(model: IcpModel, example_files: tuple[Path, Path], suffix: str) -> None:
    accounts, contacts = example_files
    out = accounts.with_name(f"out{suffix}")
    ran = CliRunner().invoke(
        cli, ["score", str(TEMPLATE), str(accounts), "--contacts", str(contacts), "-o", str(out), "--sort", "input"]
    )
    assert ran.exit_code == 0, ran.output
    assert "1 matched no account" in ran.output
    if suffix == ".csv":
        scored = pd.read_csv(out, encoding="utf-8-sig")
        people = pd.read_csv(accounts.with_name("people.scored.csv"), encoding="utf-8-sig", dtype=object)
    else:
        book = openpyxl.load_workbook(out)
        scored, people = (pd.DataFrame(list(book[t].values)[1:], columns=next(book[t].values)) for t in book.sheetnames)
    group, own = _expected(model)
    assert scored["icp_buying_group"].tolist() == group["icp_buying_group"].tolist()
    assert scored["icp_contacts"].astype(int).tolist() == group["icp_contacts"].tolist()
    assert people["icp_priority"].tolist()[:-1] == own["icp_priority"].tolist()
    assert people["icp_account"].tolist()[-1] == NO_ACCOUNT
    assert pd.isna(people["icp_priority"].iloc[-1])
    # each contact carries its account's priority
    by_domain = dict(zip(scored["Domain"], scored["icp_priority"], strict=True))
    matched = people["icp_account"] != NO_ACCOUNT
    assert (people.loc[matched, "icp_priority"] == people.loc[matched, "icp_account"].map(by_domain)).all()


def test_workbook_contacts_tab_gets_its_accounts_priority(tmp_path: Path) -> None:
    out = tmp_path / "scored.xlsx"
    ran = CliRunner().invoke(cli, ["score", str(TEMPLATE), "-o", str(out), "--sort", "prospecting"])
    assert ran.exit_code == 0, ran.output
    book = openpyxl.load_workbook(out)
    rows = {t: list(book[t].values) for t in ("Accounts", "Contacts")}
    frames = {t: pd.DataFrame(v[1:], columns=v[0]) for t, v in rows.items()}
    accounts, contacts = frames["Accounts"], frames["Contacts"]
    priority = dict(zip(accounts["Domain"], accounts["icp_priority"], strict=True))
    assert contacts["icp_priority"].tolist() == contacts["icp_account"].map(priority).tolist()
    assert accounts["icp_contacts"].sum() == len(contacts)
    a1 = accounts[accounts["icp_priority"] == "A1"]
    missing = a1["icp_buying_group"].str.count("✗").to_numpy()
    assert (np.diff(missing) <= 0).all()  # prospecting: the most missing roles first within A1


def test_prospecting_without_contacts_is_refused(example_files: tuple[Path, Path]) -> None:
    accounts, _ = example_files
    ran = CliRunner().invoke(cli, ["score", str(TEMPLATE), str(accounts), "--sort", "prospecting"])
    assert ran.exit_code == 2
    assert "--sort prospecting" in ran.output
