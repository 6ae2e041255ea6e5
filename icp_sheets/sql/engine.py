"""`score --engine duckdb`: the compiled query run by DuckDB on the file itself.

DuckDB reads the CSV or Parquet file in parallel and runs the model's query (the one
`icp-sheets sql` prints, so its results are the core's: the parity tests hold them to it);
the rows stream out in input order through the same CSV and Parquet writers the pandas
engine uses, so both engines write the same bytes and memory stays bounded however big the
file is.

DuckDB reads a file only where it reads it exactly as the pandas engine would. Anything
else (another encoding than UTF-8, blank lines, rows of uneven width, two columns the model
reads under one name, a contact list, a workbook) is a :class:`NotForDuckdb` with the
reason: ``--engine auto`` then scores with pandas, ``--engine duckdb`` stops and says why.
"""

from __future__ import annotations

import datetime as dt
import mmap
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from icp_sheets.core.columns import match_columns
from icp_sheets.core.explain import Why
from icp_sheets.core.models import DISQUALIFIED, IcpModel
from icp_sheets.core.names import RESULT_COLUMNS
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.scoring import flagged, resolve_columns
from icp_sheets.io.accounts import header_score
from icp_sheets.io.csv_out import CsvOptions, CsvWriter, csv_names
from icp_sheets.io.exports import TEXT_SUFFIXES, best_header
from icp_sheets.io.parquet_files import is_parquet, parquet_schema, read_parquet_schema
from icp_sheets.io.tables import unique_headers
from icp_sheets.io.text_files import read_text_export
from icp_sheets.sql.compile import compile_model
from icp_sheets.sql.dialects import to_sql

if TYPE_CHECKING:
    import duckdb

_HEAD_BYTES = 256 * 1024  # what the header and delimiter are found from, as the pandas reader does
_BATCH_ROWS = 250_000  # rows per streamed batch: bounded memory, still whole-column formatting
_ROW = "icp_row__"  # the input order, carried through the query and dropped on the way out
_BLANK = "icp_blank__"  # a row with no cell filled: kept in place with blank results, as pandas does
_MEMORY = "1GB"  # DuckDB spills its sort to disk beyond this, so a 10 M-row file fits any laptop
_SPACES = "[\\t\\n\\x0b\\f\\r\\x1c-\\x1f\\x{85}\\pZ]*"  # what Arrow's utf8_is_space calls space


class NotForDuckdb(Exception):
    """DuckDB would not read this file as the pandas engine does; the message says why."""


@dataclass(frozen=True)
class Source:
    """A file as DuckDB reads it: the reading call, the header as written, the column names."""

    path: Path
    reader: str  # read_csv(...) or read_parquet(...)
    headers: tuple[str, ...]  # as written in the file, duplicates and blanks too
    labels: list[str]  # unique names DuckDB gives the columns (as the pandas engine's frame labels)
    text: bool  # every cell is text (CSV), not typed values (Parquet)


@dataclass
class DuckdbRun:
    """What the run wrote, for the summary line."""

    rows: int = 0
    flagged: int = 0
    tiers: Counter[str] = field(default_factory=Counter)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_source(model: IcpModel, path: Path) -> Source:
    """How DuckDB reads ``path`` for ``model``, or :class:`NotForDuckdb` saying why it cannot."""
    if is_parquet(path):
        schema = read_parquet_schema(path)
        headers = tuple(schema.names)
        labels = list(headers)
        reader, text = f"read_parquet({_literal(str(path))})", False
    elif path.suffix.casefold() in TEXT_SUFFIXES:
        headers, reader = _csv_reader(model, path)
        labels, text = unique_headers(list(headers)), True
    else:
        raise NotForDuckdb("DuckDB reads CSV and Parquet files; a workbook is scored with pandas")
    match = match_columns(model, list(headers))
    if not match.ok or not match.found:
        raise NotForDuckdb("the file lacks some of the model's columns (the pandas engine says which)")
    resolved = resolve_columns(model, labels)
    for name, found in match.found.items():
        if resolved.get(name) != labels[found.position]:
            raise NotForDuckdb(f"two columns could be the model's {name!r}; the pandas engine picks one and says so")
        if not text and not _reads_as_the_core(schema.field(found.position).type):
            kind = schema.field(found.position).type
            raise NotForDuckdb(f"the model's column {name!r} is {kind}, which SQL reads as its own text (docs/sql.md)")
    return Source(path, reader, headers, labels, text)


def _reads_as_the_core(kind: pa.DataType) -> bool:
    """Typed Parquet columns whose SQL text the query reads as the core reads the value: text,
    whole numbers, booleans, dates and timestamps without a zone (a double 3 is '3.0' in SQL, which
    `is 3` would not match)."""
    checks = (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_boolean, pa.types.is_date)
    return any(check(kind) for check in checks) or (isinstance(kind, pa.TimestampType) and kind.tz is None)


def _csv_reader(model: IcpModel, path: Path) -> tuple[tuple[str, ...], str]:
    head = _head(path)
    export = read_text_export(head)
    if export.encoding not in ("utf-8", "utf-8-sig"):
        raise NotForDuckdb(f"the file is {export.encoding}, DuckDB reads UTF-8 only")
    if not export.sample:
        raise NotForDuckdb("the file has no header row")
    index = best_header(export.sample, header_score(model))[0]
    if _has_blank_line(path):
        raise NotForDuckdb("the file has blank lines, which DuckDB would drop (pandas keeps them in place)")
    headers = tuple(export.sample[index])
    columns = ", ".join(f"{_literal(f'c{i}')}: 'VARCHAR'" for i in range(len(headers)))
    reader = (
        f"read_csv({_literal(str(path))}, header = false, skip = {export.sample_ends[index]}, "
        f"delim = {_literal(export.delimiter)}, quote = '\"', escape = '\"', columns = {{{columns}}}, "
        "auto_detect = false, strict_mode = true, null_padding = false)"
    )
    return headers, reader


def _head(path: Path) -> bytes:
    """The file's first bytes, cut after the last complete line (a cut UTF-8 character would read
    as another encoding)."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if len(head) == _HEAD_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    return head


def _has_blank_line(path: Path) -> bool:
    """Any empty line (a quoted cell may hold one too: then pandas reads the file, to be safe)."""
    if not path.stat().st_size:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return any(data.find(gap) >= 0 for gap in (b"\n\n", b"\n\r\n", b"\r\r")) or data[:1] in (b"\n", b"\r")


def _query(model: IcpModel, source: Source, as_of: dt.date | None, why: Why) -> str:
    """The model's query over the file, with blank rows' results blank, in input order."""
    inner = to_sql(compile_model(model, table="icp_in", headers=source.labels, as_of=as_of, why=why).query, "duckdb")
    cells = [_ident(label) for label in source.labels]
    # Blank as the pandas engine sees it: a CSV cell empty or only spaces (Unicode's too), a typed cell null.
    blank = f"coalesce(regexp_full_match(CELL, '{_SPACES}'), true)" if source.text else "CELL IS NULL"
    filled = " OR ".join("NOT " + blank.replace("CELL", c) for c in cells) or "false"
    results = ", ".join(f"CASE WHEN {_BLANK} THEN NULL ELSE {r} END AS {r}" for r in RESULT_COLUMNS)
    inputs = ", ".join(cells)
    return (
        f"SELECT {inputs}, {results} FROM (SELECT *, NOT ({filled}) AS {_BLANK} FROM ({inner.strip().rstrip(';')})) "
        f"ORDER BY {_ROW}"
    )


def _batches(con: duckdb.DuckDBPyConnection, query: str) -> Iterator[pa.RecordBatch]:
    reader = con.sql(query).to_arrow_reader(_BATCH_ROWS)
    yield from reader


def score_with_duckdb(
    model: IcpModel,
    source: Source,
    target: Path,
    *,
    as_of: dt.date | None = None,
    csv_options: CsvOptions | None = None,
    why: Why = Why.SHORT,
) -> DuckdbRun:
    """Score ``source`` into ``target`` (.csv or .parquet), rows in input order."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": _MEMORY, "temp_directory": str(target.parent / ".icp-duckdb.tmp")})
    # A CSV's columns are read as c0, c1 …, then named as the pandas engine names them.
    named = ", ".join(f"c{i} AS {_ident(label)}" for i, label in enumerate(source.labels)) if source.text else "*"
    con.execute(f"CREATE VIEW icp_in AS SELECT row_number() OVER () AS {_ROW}, {named} FROM {source.reader}")
    run = DuckdbRun()
    try:
        batches = _batches(con, _query(model, source, as_of, why))
        if is_parquet(target):
            _write_parquet(batches, target, run)
        else:
            _write_csv(batches, target, source, csv_options or CsvOptions(), run)
    except duckdb.Error as exc:  # what DuckDB could not read (a stray byte, a ragged row) it says
        raise NotForDuckdb(f"DuckDB stopped reading it ({str(exc).splitlines()[0]})") from None
    finally:
        con.close()
    return run


def _write_csv(
    batches: Iterator[pa.RecordBatch], target: Path, source: Source, options: CsvOptions, run: DuckdbRun
) -> None:
    with target.open("wb") as sink:
        names = csv_names([*source.labels, *RESULT_COLUMNS], list(source.headers))
        writer = CsvWriter(sink, names, bom=options.bom, delimiter=options.delimiter)
        for batch in batches:
            frame = _coded(batch).to_pandas(types_mapper=_text_type)
            _count(run, frame)
            writer.write(frame)


def _coded(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Result texts as dictionaries: a why repeats over rows, so it is formatted once per distinct text."""
    results = set(RESULT_COLUMNS)
    columns = [
        pc.dictionary_encode(column) if name in results and pa.types.is_string(column.type) else column
        for name, column in zip(batch.schema.names, batch.columns, strict=True)
    ]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _text_type(arrow: pa.DataType) -> object:
    return pd.ArrowDtype(pa.string()) if pa.types.is_string(arrow) or pa.types.is_large_string(arrow) else None


def _write_parquet(batches: Iterator[pa.RecordBatch], target: Path, run: DuckdbRun) -> None:
    writer: pq.ParquetWriter | None = None
    try:
        for batch in batches:
            _count(run, _coded(batch.select(["icp_tier", "icp_why"])).to_pandas())
            table = pa.Table.from_batches([batch])
            table = table.cast(parquet_schema(table.schema))
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def _count(run: DuckdbRun, frame: pd.DataFrame) -> None:
    """The summary's counts, batch by batch, as the pandas engine counts the whole frame."""
    for tier, n in frame["icp_tier"].value_counts().items():
        run.tiers[str(tier)] += int(n)
        run.rows += int(n)
    run.flagged += flagged(frame)


class Engine(StrEnum):
    """Who scores a file: pandas (the core in memory), DuckDB (the compiled query), or auto."""

    AUTO = "auto"
    PANDAS = "pandas"
    DUCKDB = "duckdb"


# pandas holds the whole file and its results: its peak was 8.2 times the CSV's size (10 M rows,
# 0.97 GB: 7.95 GB peak), DuckDB's stays near 1.8 GB at any size but took 2.2 times as long on
# 2 cores (bench/bench_engines.py). So auto keeps pandas while its peak fits in half the memory.
PANDAS_PEAK_PER_BYTE = 8.2
_ASSUMED_MEMORY = 8 * 1024**3  # where the machine does not say (Windows)


def _memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return _ASSUMED_MEMORY


AUTO_FROM_BYTES = int(_memory() / 2 / PANDAS_PEAK_PER_BYTE)


def duckdb_choice(model: IcpModel, path: Path, output: Path, *, sort_input: bool, engine: Engine) -> Source | None:
    """The source DuckDB scores, or None for pandas: ``auto`` picks DuckDB for big files it reads
    exactly; ``duckdb`` asked for a file it cannot read exactly stops with the reason."""
    if engine is Engine.PANDAS:
        return None
    if engine is Engine.AUTO and path.exists() and path.stat().st_size < AUTO_FROM_BYTES:
        return None
    try:
        if model.reads_events():
            raise NotForDuckdb("the Events log is counted by pandas (the SQL does not read it yet)")
        if output.suffix.casefold() != ".csv" and not is_parquet(output):
            raise NotForDuckdb("DuckDB writes .csv and .parquet; a workbook is written by pandas")
        if not sort_input:
            raise NotForDuckdb("DuckDB writes rows in input order; --sort priority or score needs pandas")
        return duckdb_source(model, path)
    except NotForDuckdb as why:
        if engine is Engine.AUTO:
            return None
        raise IcpError(refused(path, str(why))) from None


def refused(path: Path, why: str) -> Problem:
    return Problem(Code.BAD_ARGUMENT, f"--engine duckdb cannot score it: {why}; use --engine pandas", tab=path.name)


def tier_counts(model: IcpModel, run: DuckdbRun) -> dict[str, int]:
    """The run's tiers in the model's order (as the pandas engine lists them)."""
    order = [model.settings.top_tier, model.settings.middle_tier, DISQUALIFIED]
    return {tier: run.tiers[tier] for tier in sorted(run.tiers, key=lambda t: order.index(t) if t in order else 9)}
