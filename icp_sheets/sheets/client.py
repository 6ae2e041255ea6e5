"""Credentials and the gspread HTTP client the sync and refresh use.

Credentials come from ``--credentials``, then ``GOOGLE_APPLICATION_CREDENTIALS``,
then gspread's default service-account key (``~/.config/gspread/service_account.json``).
An OAuth client file signs in as the user with icp-sheets' own token cache
(:mod:`icp_sheets.sheets.oauth`), never gspread's shared ``authorized_user.json``.
The scope is ``spreadsheets`` only: the tool never asks for Drive. Paths, tokens
and keys never appear in messages; a service account's e-mail does, because
people must share the sheet with it, and every command says which credential it used.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from gspread.exceptions import APIError

from icp_sheets.sheets.http import RetryingHTTPClient, SheetsError, message_of, redirect, status_of

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"


@dataclass
class Connection:
    """An HTTP client ready to talk to one spreadsheet, and who it talks as."""

    http: RetryingHTTPClient
    key: str
    identity: str | None = None  # the service account's e-mail, when known
    credential: str = "none"  # which credential was used, said on every command (never a secret)

    def share_hint(self) -> str:
        who = self.identity or "the Google account your credentials belong to"
        return f"Share the sheet with {who} (Share → add it as an Editor)."


def sheet_key(url_or_key: str) -> str:
    """The spreadsheet key from a browser URL, or the key itself."""
    from gspread.exceptions import NoValidUrlKeyFound
    from gspread.utils import extract_id_from_url

    text = url_or_key.strip()
    if "/" not in text:
        return text
    try:
        return extract_id_from_url(text)
    except NoValidUrlKeyFound:
        raise SheetsError(
            f"{text!r} is not a Google Sheets URL; pass the URL from the browser's address "
            f"bar or the key between /d/ and /edit."
        ) from None


def default_credentials_files() -> list[Path]:
    """gspread's default service-account key; not its shared OAuth token, which other apps write."""
    from gspread.auth import DEFAULT_SERVICE_ACCOUNT_FILENAME

    return [Path(DEFAULT_SERVICE_ACCOUNT_FILENAME)]


def find_credentials(explicit: Path | None) -> Path:
    """The first credentials file in the documented order, or a message saying how to get one."""
    if explicit is not None:
        if not explicit.is_file():
            raise SheetsError(
                "The --credentials file does not exist; pass the JSON key of a service "
                "account (see docs/sheets.md, 'Create a service account')."
            )
        return explicit
    env = os.environ.get(CREDENTIALS_ENV)
    if env:
        if not Path(env).is_file():
            raise SheetsError(
                f"{CREDENTIALS_ENV} names a file that does not exist; point it at a service account's JSON key."
            )
        return Path(env)
    for path in default_credentials_files():
        if path.is_file():
            return path
    raise SheetsError(
        f"No Google credentials found. Pass --credentials KEY.json, set {CREDENTIALS_ENV}, "
        f"or save the key as ~/.config/gspread/service_account.json "
        f"(see docs/sheets.md, 'Create a service account')."
    )


def load_credentials(path: Path) -> tuple[Any, str | None]:
    """Google credentials with the spreadsheets scope, and the service account's e-mail if any."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SheetsError(
            "The credentials file is not valid JSON; download the key again from the Google Cloud console."
        ) from None
    kind = info.get("type") if isinstance(info, dict) else None
    try:
        if kind == "service_account":
            from google.oauth2.service_account import Credentials

            creds = Credentials.from_service_account_info(info, scopes=list(SCOPES))  # type: ignore[no-untyped-call]  # google-auth has no type hints
            return creds, creds.service_account_email
        if kind == "authorized_user":
            from google.oauth2.credentials import Credentials as UserCredentials

            return UserCredentials.from_authorized_user_info(info, list(SCOPES)), None  # type: ignore[no-untyped-call]  # google-auth has no type hints
        if isinstance(info, dict) and ("installed" in info or "web" in info):
            from icp_sheets.sheets.oauth import oauth_credentials

            return oauth_credentials(info, list(SCOPES)), None
    except (ValueError, KeyError):
        raise SheetsError(
            "The credentials file is incomplete; download the key again from the Google Cloud console."
        ) from None
    raise SheetsError("The credentials file is neither a service-account key nor an OAuth client; see docs/sheets.md.")


def connect(
    sheet: str,
    *,
    credentials: Path | None = None,
    api_url: str | None = None,
    attempts: int | None = None,
    base_wait: float | None = None,
) -> Connection:
    """A retrying gspread HTTP client for ``sheet`` (URL or key).

    ``api_url`` sends every Sheets request to another server, such as the fake one
    (``python -m icp_sheets.testing.fake_sheets``); no credentials are needed then.
    """
    key = sheet_key(sheet)
    identity = None
    session: requests.Session
    if api_url:
        session = requests.Session()
        session.headers["Authorization"] = "Bearer fake-server"
        redirect(session, api_url)
        credential = f"none (requests go to {api_url})"
    else:
        from google.auth.transport.requests import AuthorizedSession

        creds, identity = load_credentials(find_credentials(credentials))
        session = AuthorizedSession(creds)  # type: ignore[no-untyped-call]  # google-auth has no type hints
        credential = describe(creds, identity)
    http = RetryingHTTPClient(None, session, attempts=attempts, base=base_wait)
    http.set_timeout((10, 120))
    return Connection(http, key, identity, credential)


def describe(creds: Any, identity: str | None) -> str:
    """Which credential signs the requests, without any secret."""
    if identity:
        return f"service account {identity}"
    client = getattr(creds, "client_id", None) or "an OAuth client"
    return f"your Google account, through {client} (token in icp-sheets' own cache)"


def explain_api_error(err: APIError, conn: Connection) -> SheetsError:
    """What a refusal means for the user, told apart by the status and Google's message."""
    code, message = status_of(err), message_of(err)
    if code == 404:
        return SheetsError(
            f"No Google Sheet has the key {conn.key!r}. Copy the URL from the browser's "
            f"address bar and pass it with --sheet."
        )
    if code == 401:
        return SheetsError(
            f"Google refused the credentials ({conn.credential}): they are expired, revoked or not valid for "
            f"the Sheets API. Sign in again or download a new key (see docs/sheets.md); nothing was written."
        )
    if code == 403 and "protected" in message.lower():
        who = conn.identity or "these credentials"
        return SheetsError(
            f"The Google Sheet {conn.key!r} refused the write: it touches a protected range that {who} may "
            f"not edit. Ask the sheet's owner to add {who} to the range's editors (Data → Protect sheets and "
            f"ranges), or remove the protection; nothing was written."
        )
    if code == 403:
        return SheetsError(f"The Google Sheet {conn.key!r} is not shared with these credentials. {conn.share_hint()}")
    return SheetsError(f"Google Sheets refused the request (HTTP {code})" + (f": {message}" if message else "."))
