"""Credentials: where they are looked for, the scope asked for, and what error messages never show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from icp_sheets.sheets import client
from icp_sheets.sheets.client import CREDENTIALS_ENV, SCOPES, find_credentials, load_credentials, sheet_key
from icp_sheets.sheets.http import SheetsError

EMAIL = "icp-bot@demo-project.iam.gserviceaccount.com"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "secret-key.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "demo-project",
                "private_key_id": "abc",
                "private_key": pem,
                "client_email": EMAIL,
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


@pytest.fixture(autouse=True)
def no_default_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CREDENTIALS_ENV, raising=False)
    monkeypatch.setattr(client, "default_credentials_files", lambda: [tmp_path / "nowhere.json"])


def test_explicit_then_environment_then_gspreads_default_location(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key_file: Path
) -> None:
    other = tmp_path / "other.json"
    other.write_text("{}")
    monkeypatch.setenv(CREDENTIALS_ENV, str(other))
    assert find_credentials(key_file) == key_file
    assert find_credentials(None) == other
    monkeypatch.delenv(CREDENTIALS_ENV)
    monkeypatch.setattr(client, "default_credentials_files", lambda: [tmp_path / "missing.json", key_file])
    assert find_credentials(None) == key_file


def test_no_credentials_says_how_to_get_them() -> None:
    with pytest.raises(SheetsError, match=r"--credentials KEY\.json.*GOOGLE_APPLICATION_CREDENTIALS"):
        find_credentials(None)


def test_a_service_account_gets_the_spreadsheets_scope_only_and_its_email_is_known(key_file: Path) -> None:
    creds, email = load_credentials(key_file)
    assert email == EMAIL
    assert tuple(creds.scopes) == SCOPES == ("https://www.googleapis.com/auth/spreadsheets",)


def test_error_messages_never_show_paths_or_keys(tmp_path: Path, key_file: Path) -> None:
    damaged = tmp_path / "secret-damaged.json"
    damaged.write_text(key_file.read_text()[:200])
    for action in (lambda: find_credentials(tmp_path / "secret-missing.json"), lambda: load_credentials(damaged)):
        with pytest.raises(SheetsError) as info:
            action()
        assert "secret" not in str(info.value) and "PRIVATE KEY" not in str(info.value)


def test_the_sheet_is_named_by_url_or_key() -> None:
    assert sheet_key("https://docs.google.com/spreadsheets/d/1AbC-xyz_9/edit#gid=0") == "1AbC-xyz_9"
    assert sheet_key(" 1AbC-xyz_9 ") == "1AbC-xyz_9"
    with pytest.raises(SheetsError, match="not a Google Sheets URL"):
        sheet_key("https://example.com/some/page")
