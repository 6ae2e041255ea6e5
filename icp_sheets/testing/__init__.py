"""Test helpers that ship with the package: a fake Google Sheets v4 server."""
