"""OAuth sign-in keeps a token cache of icp-sheets' own and never touches gspread's shared one (fake HOME)."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from icp_sheets.sheets import oauth
from icp_sheets.sheets.client import SCOPES, find_credentials, load_credentials

CLIENT = {
    "installed": {
        "client_id": "1234-abc.apps.googleusercontent.com",
        "client_secret": "not-a-real-secret",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "redirect_uris": ["http://localhost"],
    }
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path, list[str]]:
    """A fake HOME holding another app's gspread token, with Drive scope."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    shared = tmp_path / ".config" / "gspread" / "authorized_user.json"
    shared.parent.mkdir(parents=True)
    shared.write_text(json.dumps({"type": "authorized_user", "refresh_token": "someone-else", "scopes": ["drive"]}))
    opened: list[str] = []
    real_open, real_io_open = builtins.open, io.open

    def spy(real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(file: Any, *args: Any, **kwargs: Any) -> Any:
            opened.append(str(file))
            return real(file, *args, **kwargs)

        return wrapped

    monkeypatch.setattr(builtins, "open", spy(real_open))
    monkeypatch.setattr(io, "open", spy(real_io_open))
    client = tmp_path / "my_client.json"
    client.write_text(json.dumps(CLIENT))
    return tmp_path, shared, client, opened


class FakeFlow:
    """Stands in for the browser sign-in; records the scopes it was asked for."""

    asked: ClassVar[list[list[str]]] = []

    def __init__(self, scopes: list[str]) -> None:
        self.scopes = scopes

    @classmethod
    def from_client_config(cls, config, scopes):  # type: ignore[no-untyped-def]
        cls.asked.append(list(scopes))
        return cls(list(scopes))

    def run_local_server(self, port: int = 0):  # type: ignore[no-untyped-def]
        from google.oauth2.credentials import Credentials

        return Credentials(  # type: ignore[no-untyped-call]  # google-auth's Credentials() has no hints
            token="access-token",
            refresh_token="my-refresh-token",
            token_uri=CLIENT["installed"]["token_uri"],
            client_id=CLIENT["installed"]["client_id"],
            client_secret=CLIENT["installed"]["client_secret"],
            scopes=self.scopes,
            expiry=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1),
        )


def test_oauth_uses_its_own_token_cache_and_never_gspreads(
    home: tuple[Path, Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path, shared, client, opened = home
    before = shared.read_bytes()
    opened.clear()
    import google_auth_oauthlib.flow

    FakeFlow.asked = []
    monkeypatch.setattr(google_auth_oauthlib.flow, "InstalledAppFlow", FakeFlow)
    assert find_credentials(client) == client
    creds, identity = load_credentials(client)
    assert creds.refresh_token == "my-refresh-token" and identity is None
    assert FakeFlow.asked == [list(SCOPES)]  # spreadsheets only, never Drive
    cache = tmp_path / ".config" / "icp-sheets" / oauth.TOKEN_FILE
    assert oauth.token_path() == cache
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert json.loads(cache.read_text())["scopes"] == list(SCOPES)
    again, _ = load_credentials(client)  # the cached token, no second sign-in
    assert again.token == "access-token" and len(FakeFlow.asked) == 1
    assert not [p for p in opened if "gspread" in p]  # not even read
    assert shared.read_bytes() == before


def test_gspreads_shared_token_is_no_default_credential(home: Path) -> None:
    from icp_sheets.sheets.client import default_credentials_files

    assert [p.name for p in default_credentials_files()] == ["service_account.json"]
