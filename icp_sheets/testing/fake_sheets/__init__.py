"""A fake Google Sheets v4 server: a real HTTP server on 127.0.0.1, spreadsheets in memory.

gspread talks to it unmodified through a session that rewrites Google's base
URL (see :mod:`icp_sheets.sheets.client`). It answers the way Google does for
the endpoints the project uses -- trailing empty cells and rows trimmed, an
empty range without ``values``, ranges echoed back normalised and bounded by
the grid, writes past the grid refused, Google's error bodies -- and it can
misbehave on purpose: 429 with or without ``Retry-After``, 500, HTML 502/503
pages, a dropped connection (before or after the write is applied), an answer
cut off mid-body, slow answers, and a hook that lets a "person" edit the sheet
between two requests. Every request is counted by endpoint.

It is as strict as Google where the project depends on it: USER_ENTERED text is
parsed in the spreadsheet's locale (en_US, en_GB, de_DE, fr_FR; numbers,
currency, percent, dates, times, a leading ``'``) and values are shown in it
(:mod:`.locales`); arithmetic on text is ``#VALUE!``, ``TODAY()``/``NOW()`` are
real, a formula it cannot evaluate says so (:mod:`.formulas`); with ``tokens``
a request needs a known bearer token (401 otherwise) and protected ranges are
enforced per user (:mod:`.protection`). Each module's docstring says which of its
behaviours were checked against gspread's recordings of real Google traffic and
which were written from the Sheets API v4 reference. Developer metadata follows its row through inserts,
deletes, moves and sorts, and values can be read and written by it
(``values:batchGetByDataFilter`` / ``values:batchUpdateByDataFilter``).

One module per API area: :mod:`.metadata` (create, get), :mod:`.values`
(the ``values`` endpoints, over :mod:`.ranges`, :mod:`.cells`, :mod:`.locales`,
:mod:`.formulas` and :mod:`.protection`), :mod:`.batch_update` (one
handler per request kind, with :mod:`.dimensions` for rows and columns),
:mod:`.developer_metadata` and :mod:`.faults`; :mod:`.server` routes
requests to them by the tables they declare. Start it by hand with::

    python -m icp_sheets.testing.fake_sheets --port 8765 --create demo-sheet

and point the commands at it with ``--api-url http://127.0.0.1:8765``.
"""

from icp_sheets.testing.fake_sheets.model import ApiError
from icp_sheets.testing.fake_sheets.server import FakeSheets
from icp_sheets.testing.fake_sheets.store import Store

__all__ = ["ApiError", "FakeSheets", "Store"]
