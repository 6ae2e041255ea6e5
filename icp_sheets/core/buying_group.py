"""The account side of the personas: which roles of the buying group an account's contacts cover.

Contacts are matched to accounts by one key: Domain by default (normalised, so
'https://www.Acme.com/about', 'acme.com.' and 'jo@acme.com' are one account), or
the column Settings › Contacts key names. Everything is a pandas factorise, an index
look-up or a bincount over rows, never a Python loop per row, so 100,000 contacts
against 100,000 accounts take well under a second (bench/bench_buying_group.py).
Every contact is kept: one whose key no account has says so in ``icp_account``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from icp_sheets.core.conditions import fmt_number
from icp_sheets.core.models import IcpModel, Role
from icp_sheets.core.names import (
    ACCOUNTS,
    CONTACT_ACCOUNT_COLUMNS,
    CONTACT_RESULT_COLUMNS,
    CONTACTS,
    GROUP_COLUMNS,
    find_column,
    without_results,
)
from icp_sheets.core.personas import match_personas
from icp_sheets.core.problems import Code, IcpError, Problem, Severity

DOMAIN_HEADERS = ("Domain", "Website", "Web site", "Company domain", "Website URL", "URL")
EMAIL_HEADERS = ("Email", "E-mail", "Email address", "E-mail address", "Work email")
NO_ACCOUNT = "no matching account"
COVERED, MISSING = "✓", "✗"
_SCHEME = r"^[a-z][a-z0-9+.-]*://"


def group_roles(model: IcpModel) -> tuple[Role, ...]:
    """The buying group's seats: every role the model's personas name, in the Role list's order;
    'other' is no seat (a persona marked so is matched, but nobody is missing for it)."""
    named = {p.role for p in model.personas}
    return tuple(r for r in Role if r in named and r is not Role.OTHER)


def domain_keys(values: pd.Series) -> pd.Series:
    """Domains compared as one: case, scheme, 'www.', path, port and trailing dots dropped; an
    e-mail address stands for its domain. Blank when nothing is left. Arrow's string kernels do
    the work (pandas' own string methods loop in Python)."""
    text = _arrow_text(values).str.strip().str.lower()
    for pattern in (r"^.*@", _SCHEME, r"[/?#].*$", r":\d*$", r"[. ]+$", r"^www\d*\."):
        text = text.str.replace(pattern, "", regex=True)
    return pd.Series(text.to_numpy(dtype=object, na_value=""), index=values.index, dtype=object)


def text_keys(values: pd.Series) -> pd.Series:
    """A key named in Settings, compared as text: case and surrounding spaces do not matter."""
    text = _arrow_text(values).str.strip().str.lower().str.replace(r"\.0$", "", regex=True)  # 1001 read as 1001.0
    return pd.Series(text.to_numpy(dtype=object, na_value=""), index=values.index, dtype=object)


def _arrow_text(values: pd.Series) -> pd.Series:
    """Any cells as Arrow strings, blanks as ''."""
    return values.astype("string[pyarrow]").fillna("")


@dataclass(frozen=True)
class Keys:
    """Where each side's key is: the column names, and whether they hold domains."""

    account: str
    contact: str | None  # None when only an e-mail column says whose contact it is
    email: str | None
    domains: bool

    @property
    def label(self) -> str:
        return "Domain or Email" if self.domains else self.account


def find_keys(model: IcpModel, accounts: Sequence[object], contacts: Sequence[object]) -> Keys:
    """The key columns of both tables, or an error that says which tab lacks what and how to fix it."""
    named = model.settings.contacts_key.strip()
    if named:
        account, contact = find_column(accounts, named), find_column(contacts, named)
        missing = [tab for tab, found in ((ACCOUNTS, account), (CONTACTS, contact)) if found is None]
        if missing:
            raise IcpError(
                [
                    Problem(
                        Code.MISSING_COLUMN,
                        f"has no '{named}' column, which Settings › Contacts key names to match contacts to "
                        "accounts; add it or change the setting",
                        tab=tab,
                        column=named,
                    )
                    for tab in missing
                ]
            )
        assert account is not None and contact is not None
        return Keys(account, contact, None, any(find_column([named], h) for h in DOMAIN_HEADERS))
    account = next((c for h in DOMAIN_HEADERS if (c := find_column(accounts, h))), None)
    contact = next((c for h in DOMAIN_HEADERS if (c := find_column(contacts, h))), None)
    email = next((c for h in EMAIL_HEADERS if (c := find_column(contacts, h))), None)
    problems = []
    if account is None:
        problems.append(
            Problem(
                Code.MISSING_COLUMN,
                "has no Domain column to match contacts to accounts; add one, or name the column both tabs "
                "carry in Settings › Contacts key",
                tab=ACCOUNTS,
                column="Domain",
            )
        )
    if contact is None and email is None:
        problems.append(
            Problem(
                Code.MISSING_COLUMN,
                "has no Domain or Email column to match contacts to accounts; add one, or name the column both "
                "tabs carry in Settings › Contacts key",
                tab=CONTACTS,
                column="Domain",
            )
        )
    if problems:
        raise IcpError(problems)
    assert account is not None
    return Keys(account, contact, email, True)


@dataclass(frozen=True)
class BuyingGroup:
    """The buying group of each account, and each contact's account."""

    accounts: pd.DataFrame  # icp_buying_group, icp_contacts; the accounts' index
    contacts: pd.DataFrame  # icp_account, icp_priority, icp_tier, icp_score; the contacts' index
    matched: int  # contacts matched to an account
    unmatched: int  # contacts whose key is blank or no account's
    problems: tuple[Problem, ...] = ()


def buying_group(
    model: IcpModel,
    accounts: pd.DataFrame,
    results: pd.DataFrame,
    contacts: pd.DataFrame,
    personas: pd.DataFrame,
    *,
    contact_rows: Sequence[int] | np.ndarray | None = None,
    contacts_tab: str = CONTACTS,
) -> BuyingGroup:
    """Match ``contacts`` (with their ``personas``, :func:`~icp_sheets.core.personas.match_personas`)
    to ``accounts`` (with their scored ``results``, same index). ``contact_rows`` are the contacts'
    sheet rows for the warnings (default: header in row 1, no gaps)."""
    keys = find_keys(model, list(accounts.columns), list(contacts.columns))
    account_key = _keys(accounts[keys.account], keys.domains)
    contact_key = _contact_keys(contacts, keys)
    owner = _owners(account_key, contact_key)
    rows = np.arange(2, len(contacts) + 2) if contact_rows is None else np.asarray(contact_rows)
    problems: list[Problem] = []
    matched = owner >= 0
    duplicate = _duplicates(contacts, keys, owner)
    counts = np.bincount(owner[matched & ~duplicate], minlength=len(accounts))
    roles = group_roles(model)
    role = personas["icp_role"].astype(object).to_numpy()
    code = np.zeros(len(accounts), dtype=np.int64)
    for bit, seat in enumerate(roles):
        has = np.bincount(owner[matched & (role == seat.value)], minlength=len(accounts)) > 0
        code |= has.astype(np.int64) << bit
    labels = np.array([_label(roles, c) for c in range(2 ** len(roles))], dtype=object)
    group = pd.DataFrame(
        {GROUP_COLUMNS[0]: labels[code], GROUP_COLUMNS[1]: counts.astype(np.int64)}, index=accounts.index
    )
    blank = contact_key.to_numpy() == ""
    account_of = _take(account_key.to_numpy(), owner, NO_ACCOUNT)
    carried = {"icp_account": np.where(blank, f"no {keys.label}", account_of)}
    for column in CONTACT_ACCOUNT_COLUMNS[1:]:
        values = results[column].astype(object).to_numpy() if column in results else np.full(len(accounts), None)
        carried[column] = _take(values, owner, None)
    own = pd.DataFrame(carried, index=contacts.index)
    problems += _unmatched(contacts_tab, keys, contact_key, matched, blank, rows)
    if duplicate.any():
        first = int(rows[np.flatnonzero(duplicate)[0]])
        problems.append(
            Problem(
                Code.DUPLICATE,
                f"{fmt_number(int(duplicate.sum()))} contacts repeat an earlier contact's e-mail at the same "
                f"account (first: row {first}); they count once in icp_contacts: delete the copies",
                contacts_tab,
                first,
                keys.email,
                severity=Severity.WARNING,
            )
        )
    return BuyingGroup(group, own, int(matched.sum()), int((~matched).sum()), tuple(problems))


def contact_results(
    model: IcpModel,
    accounts: pd.DataFrame,
    results: pd.DataFrame,
    contacts: pd.DataFrame,
    *,
    rows: Sequence[int] | np.ndarray | None = None,
    tab: str = CONTACTS,
) -> tuple[BuyingGroup, pd.DataFrame]:
    """What every surface writes for contacts scored with their accounts: the buying group, and each
    contact's persona (:func:`~icp_sheets.core.personas.match_personas`) and account columns,
    in the order of ``CONTACT_RESULT_COLUMNS`` then ``CONTACT_ACCOUNT_COLUMNS``. Result columns an
    earlier run left on the contacts never feed this one."""
    frame = without_results(contacts, (*CONTACT_RESULT_COLUMNS, *CONTACT_ACCOUNT_COLUMNS))
    personas = match_personas(model, frame)
    group = buying_group(model, accounts, results, frame, personas, contact_rows=rows, contacts_tab=tab)
    return group, pd.concat([personas, group.contacts], axis=1)


def _take(values: np.ndarray, owner: np.ndarray, missing: object) -> np.ndarray:
    """``values`` of each contact's account, ``missing`` where it has none."""
    out = np.full(len(owner), missing, dtype=object)
    out[owner >= 0] = values[owner[owner >= 0]]
    return out


def _keys(values: pd.Series, domains: bool) -> pd.Series:
    """Keys of a column, normalised once per distinct value."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=False)
    normal = domain_keys(pd.Series(distinct, dtype=object)) if domains else text_keys(pd.Series(distinct, dtype=object))
    return pd.Series(normal.to_numpy(dtype=object)[codes] if len(codes) else [], index=values.index, dtype=object)


def _contact_keys(contacts: pd.DataFrame, keys: Keys) -> pd.Series:
    """A contact's key; with domains, its e-mail's domain where its Domain cell is blank (or absent)."""
    own = _keys(contacts[keys.contact], keys.domains) if keys.contact else pd.Series("", contacts.index, object)
    if keys.email is None:
        return own
    email = _keys(contacts[keys.email], True)
    return own.where(own != "", email)


def _owners(account_key: pd.Series, contact_key: pd.Series) -> np.ndarray:
    """The account row (position) of each contact, -1 when none; the first of repeated accounts wins."""
    keyed = account_key[account_key != ""]
    first = keyed[~keyed.duplicated()]
    positions = pd.Series(np.flatnonzero(account_key.to_numpy() != "")[~keyed.duplicated().to_numpy()])
    where = pd.Index(first.to_numpy()).get_indexer(contact_key.to_numpy())
    owner = np.where(where >= 0, positions.to_numpy()[np.maximum(where, 0)] if len(positions) else -1, -1)
    owner[contact_key.to_numpy() == ""] = -1
    return owner.astype(np.int64)


def _duplicates(contacts: pd.DataFrame, keys: Keys, owner: np.ndarray) -> np.ndarray:
    """Matched contacts repeating an earlier contact's e-mail at the same account."""
    if keys.email is None:
        return np.zeros(len(contacts), dtype=bool)
    email = _arrow_text(contacts[keys.email]).str.strip().str.lower().to_numpy(dtype=object, na_value="")
    pairs = pd.DataFrame({"owner": owner, "email": email})
    return np.asarray(pairs.duplicated() & (owner >= 0) & (email != ""), dtype=bool)


def _label(roles: Sequence[Role], code: int) -> str:
    return " · ".join(f"{r.value} {COVERED if code >> bit & 1 else MISSING}" for bit, r in enumerate(roles))


def _unmatched(
    tab: str, keys: Keys, key: pd.Series, matched: np.ndarray, blank: np.ndarray, rows: np.ndarray
) -> list[Problem]:
    """The contacts no account took, counted, with the first of each kind named."""
    kinds: tuple[tuple[np.ndarray, Callable[[int], str]], ...] = (
        (
            np.flatnonzero(~matched & ~blank),
            lambda i: (
                f"name a {keys.label} no account has (first: '{key.iloc[i]}', row {int(rows[i])}); they are "
                f"kept with icp_account '{NO_ACCOUNT}': fix the key or add the account"
            ),
        ),
        (
            np.flatnonzero(blank),
            lambda i: (
                f"have no {keys.label} (first: row {int(rows[i])}); they are kept with icp_account "
                f"'no {keys.label}': fill it to count them with their account"
            ),
        ),
    )
    return [
        Problem(
            Code.UNMATCHED_CONTACT,
            f"{fmt_number(len(found))} contacts {said(int(found[0]))}",
            tab,
            int(rows[found[0]]),
            keys.contact or keys.email,
            key.iloc[int(found[0])] or None,
            Severity.WARNING,
        )
        for found, said in kinds
        if len(found)
    ]
