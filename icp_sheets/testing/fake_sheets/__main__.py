"""``python -m icp_sheets.testing.fake_sheets --port 8765 --create KEY``: the fake until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from icp_sheets.testing.fake_sheets.server import FakeSheets


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m icp_sheets.testing.fake_sheets",
        description="A fake Google Sheets v4 API on 127.0.0.1, in memory.",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--create",
        metavar="KEY",
        action="append",
        default=[],
        help="create an empty spreadsheet with this key at start (repeatable)",
    )
    args = parser.parse_args(argv)
    fake = FakeSheets(args.port)
    for key in args.create:
        fake.store.create(f"Fake {key}", spreadsheet_id=key)
    fake.start()
    print(f"Fake Google Sheets API on {fake.url} (Ctrl-C to stop)", flush=True)
    for key in args.create:
        print(f"  spreadsheet {key}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
