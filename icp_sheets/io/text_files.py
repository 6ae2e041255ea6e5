"""What a text export is before it is a table: its encoding, its delimiter and its first records.

Exports are saved by Excel on Windows (cp1252, or UTF-16 for "Unicode text"), by
Google Sheets and prospecting tools (UTF-8, sometimes with a BOM), with commas,
semicolons (European Excel), tabs or pipes. The file says which by itself: a byte
order mark, bytes that are or are not valid UTF-8, and the delimiter that splits
its first records into the same number of cells. Nothing here guesses silently:
the encoding and the delimiter found are returned so the command can say them.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_RECORDS = 50  # records read to sniff the delimiter and find the header row
_SAMPLE_CHARS = 256 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class TextExport:
    """A text export decoded: its UTF-8 bytes (no BOM), the encoding it came in, its delimiter,
    and its first records with the physical line each ends on."""

    data: bytes
    text: str
    encoding: str
    delimiter: str
    sample: list[list[str]]
    sample_ends: list[int]  # 1-based physical line on which each sample record ends

    @property
    def described(self) -> str:
        return f"{self.encoding}, {DELIMITER_NAMES[self.delimiter]}-separated"


def decode(raw: bytes) -> tuple[str, str]:
    """The text of an export and its encoding: a BOM decides, else strict UTF-8, else Windows-1252
    (what Excel's "CSV (Comma delimited)" writes on Windows), else Latin-1 (which reads any byte)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding).removeprefix("\ufeff"), encoding
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


def _records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records, ends = [], []
    try:
        for record in reader:
            records.append(record)
            ends.append(reader.line_num)
            if len(records) >= SAMPLE_RECORDS:
                break
    except csv.Error:
        pass  # a broken quote in the sample: the records before it still tell
    return records, ends


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the same number of cells (more than one).

    Counted over whole records (quotes respected), so a comma inside a quoted company name or a
    title row above the header does not mislead it; a one-column file is comma-separated.
    """
    head = text[:_SAMPLE_CHARS]
    best, best_rank = ",", (0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in head:
            continue
        records, _ = _records(head, delimiter)
        widths = Counter(len(r) for r in records if any(cell.strip() for cell in r))
        if not widths:
            continue
        width, rows = widths.most_common(1)[0]
        rank = (rows, width) if width > 1 else (0, 0)
        if rank > best_rank:
            best, best_rank = delimiter, rank
    return best


def read_text_export(raw: bytes) -> TextExport:
    """Decode an export, sniff its delimiter and read its first records."""
    text, encoding = decode(raw)
    delimiter = sniff_delimiter(text)
    complete = len(text) <= _SAMPLE_CHARS
    records, ends = _records(text[:_SAMPLE_CHARS], delimiter)
    if not complete:
        records, ends = records[:-1], ends[:-1]  # the last may be cut off mid-record
    data = raw[len(codecs.BOM_UTF8) :] if encoding == "utf-8-sig" else raw if encoding == "utf-8" else text.encode()
    return TextExport(data, text, encoding, delimiter, records, ends)
