"""The Google Sheets front-end: ``icp-sheets sync`` and ``icp-sheets refresh``.

Pure pieces (tested alone): :mod:`.a1` (A1 notation), :mod:`.merge` (the keyed
three-way merge), :mod:`.grid` (cells to keyed rows and back). I/O at the edges:
:mod:`.http` (gspread's HTTP client with a careful retry policy, the only place
that knows Google's URLs), :mod:`.client` (credentials), :mod:`.workbook_io` and
:mod:`.xlsx_read` (the xlsx side). The jobs: :mod:`.sync` and :mod:`.refresh`.
gspread and google-auth are imported only here, so the core runs without them.
"""
