"""icp-sheets' own OAuth token cache: signing in as yourself without sharing another app's token.

gspread's OAuth flow keeps the refresh token in ``~/.config/gspread/authorized_user.json``, a file any
other gspread tool (and any account, any scope, Drive included) may have written. icp-sheets never reads
or writes it: the token of an OAuth sign-in lives in a file of its own, in the user's config folder
(``$XDG_CONFIG_HOME/icp-sheets`` or ``~/.config/icp-sheets``; ``%APPDATA%\\icp-sheets`` on Windows),
readable by that user only (mode 0600), holding the ``spreadsheets`` scope and nothing else, and only for
the OAuth client it was made with.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from icp_sheets.sheets.http import SheetsError

TOKEN_FILE = "google-oauth-token.json"


def token_path() -> Path:
    """Where this user's icp-sheets OAuth token lives."""
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "icp-sheets" / TOKEN_FILE
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "icp-sheets" / TOKEN_FILE


def oauth_credentials(client: dict[str, Any], scopes: list[str]) -> Any:
    """Credentials for the OAuth ``client``: the cached token when it fits, else a browser sign-in."""
    from google.auth.exceptions import RefreshError
    from google.auth.transport.requests import Request
    from google.oauth2.credentials import Credentials

    config = client.get("installed") or client.get("web") or {}
    path = token_path()
    creds = None
    if path.is_file():
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = None
        fits = isinstance(info, dict) and info.get("client_id") == config.get("client_id")
        if fits and isinstance(info, dict) and set(info.get("scopes") or []) == set(scopes):
            creds = Credentials.from_authorized_user_info(info, scopes)  # type: ignore[no-untyped-call]  # google-auth has no type hints
    if creds is not None and not creds.valid and creds.refresh_token:
        try:
            creds.refresh(Request())
        except RefreshError:
            creds = None
        else:
            save_token(creds, path)
    if creds is None or not creds.valid:
        from google_auth_oauthlib.flow import InstalledAppFlow

        try:
            creds = InstalledAppFlow.from_client_config(client, scopes).run_local_server(port=0)
        except Exception as exc:  # the flow raises many kinds (no browser, denied, closed)
            raise SheetsError(
                f"Signing in to Google did not complete ({type(exc).__name__}); run the command again and "
                f"finish the sign-in in the browser, or use a service-account key."
            ) from None
        save_token(creds, path)
    return creds


def save_token(creds: Any, path: Path) -> None:
    """Write the token readable by this user only, replacing the old one in one step."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(creds.to_json())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
