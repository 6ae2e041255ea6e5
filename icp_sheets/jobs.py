"""Batch jobs behind `icp-sheets score` and `demo`: read, score, write, never in place unasked.

The functions here glue the one table reader, the scoring core and the
writers together; the CLI only parses arguments and prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from icp_sheets.core.buying_group import DOMAIN_HEADERS, EMAIL_HEADERS, contact_results, find_keys
from icp_sheets.core.events import EVENTS, EventLog, read_log
from icp_sheets.core.explain import Why
from icp_sheets.core.models import IcpModel
from icp_sheets.core.names import (
    ACCOUNTS,
    CONTACT_ACCOUNT_COLUMNS,
    CONTACT_RESULT_COLUMNS,
    CONTACTS,
    GROUP_COLUMNS,
    INPUT_ROW,
    RESULT_COLUMNS,
    find_column,
    find_tab,
    header_key,
    without_results,
)
from icp_sheets.core.personas import match_personas
from icp_sheets.core.problems import Code, IcpError, Problem, Severity, errors
from icp_sheets.core.ranking import Sort, rank_order
from icp_sheets.core.scoring import flagged, score, score_tab
from icp_sheets.io.accounts import AccountsFile, read_accounts, signal_dates_in_1900
from icp_sheets.io.csv_out import CsvOptions, write_csv
from icp_sheets.io.exports import Export, read_export
from icp_sheets.io.files import check_writable, refuse_inputs, replacing
from icp_sheets.io.model_reader import read_model
from icp_sheets.io.parquet_files import PARQUET_SUFFIXES, is_parquet, write_parquet
from icp_sheets.io.tables import Table, read_table, read_workbook, read_xlsx_tabs
from icp_sheets.io.workbook_values import typed_for_workbook
from icp_sheets.sql.engine import Engine, NotForDuckdb, Source, duckdb_choice, refused, score_with_duckdb, tier_counts

Stage = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class ScoreRun:
    """What a scoring job did, for the summary line and the ranked table."""

    model: IcpModel
    rows: int = 0
    contacts: int = 0
    unmatched: int = 0  # contacts matched to no account (their icp_account says so)
    grouped: bool = False  # contacts were matched to the accounts: the buying group was written
    contacts_output: Path | None = None  # where --contacts FILE's contacts went, when not a tab of ``output``
    flagged: int = 0  # accounts an Anti-ICP row could not read (icp_why says 'Check:')
    output: Path | None = None
    frame: pd.DataFrame | None = None
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # how the columns read: open formats, the summary
    accounts_file: AccountsFile | None = None
    tiers: dict[str, int] | None = None  # counted while streaming, when no frame is kept (DuckDB)
    engine: str = "pandas"

    def tier_counts(self) -> dict[str, int]:
        if self.tiers is not None:
            return self.tiers
        if self.frame is None or "icp_tier" not in self.frame:
            return {}
        counts = self.frame["icp_tier"].value_counts(sort=False)
        return {str(k): int(v) for k, v in counts.items() if v}


def with_results(frame: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Input columns as they were, result columns replaced where present, else appended."""
    out = frame.copy(deep=False)
    for column in results.columns:
        out[find_column(out.columns, str(column)) or column] = results[column]
    return out


def default_sort(output: Path, *, in_place: bool = False) -> Sort:
    """Ranked for a workbook a rep opens; input order for CSV (it joins back to its source row by
    row) and for a workbook scored in place (the user's own tab is never reordered unasked)."""
    return Sort.INPUT if in_place or output.suffix.casefold() == ".csv" or is_parquet(output) else Sort.PRIORITY


def ranked_rows(
    frame: pd.DataFrame, results: pd.DataFrame, rows: Sequence[int], sort: Sort, priorities: Sequence[str]
) -> pd.DataFrame:
    """``frame`` (inputs and results) in ``sort`` order; reordered, it carries each row's input
    row number in ``icp_input_row`` so the input order can always be restored."""
    if sort is Sort.INPUT:
        return frame
    order = rank_order(results, sort, priorities)
    out = frame.copy(deep=False)
    out[find_column(out.columns, INPUT_ROW) or INPUT_ROW] = list(rows)
    return out.iloc[order]


def default_output(source: Path, suffix: str | None = None) -> Path:
    return source.with_name(f"{source.stem}.scored{suffix or source.suffix}")


def check_output(
    source: Path, output: Path, *, force: bool, in_place: bool = False, inputs: Sequence[Path] = ()
) -> None:
    """Refuse to overwrite any input (whatever the flags; only ``in_place`` writes ``source``)
    or an existing file unless the user asked for it, and say early what would stop the write."""
    refuse_inputs(output, [source, *inputs], in_place=source if in_place else None)
    if output.exists() and not force and not in_place:
        raise IcpError(
            Problem(
                Code.REFUSED_WRITE, "already exists; pass --force to replace it or choose another -o", tab=str(output)
            )
        )
    if output.suffix.casefold() not in (".csv", ".xlsx", *PARQUET_SUFFIXES):
        raise IcpError(Problem(Code.UNREADABLE_FILE, "must end in .csv, .xlsx or .parquet", tab=str(output)))


def score_accounts_file(
    model: IcpModel,
    accounts: Path,
    output: Path | None,
    *,
    as_of: dt.date | None = None,
    force: bool = False,
    stage: Stage = _quiet,
    inputs: Sequence[Path] = (),
    tab: str | None = None,
    csv_options: CsvOptions | None = None,
    on_read: Callable[[AccountsFile], None] = lambda _: None,
    sort: Sort | None = None,
    engine: Engine = Engine.PANDAS,
    why: Why = Why.SHORT,
    events: Path | None = None,
    contacts: Path | None = None,
) -> ScoreRun:
    """Score a .csv/.xlsx/.parquet of accounts (or match a contact list) into a new .csv/.xlsx/.parquet.

    ``inputs`` are the run's other files (the workbook): the output may be none of them;
    ``on_read`` sees how the file was read before anything can stop the run.
    Every input cell goes out as it came in; blank rows get blank results (in their place in
    input order, last when ranked). ``sort`` defaults to :func:`default_sort`. ``engine`` may
    hand the file to DuckDB (:func:`~icp_sheets.sql.engine.duckdb_choice`). ``events`` is an
    Events log file (.csv/.xlsx) for Signals rows that read 'event'. ``contacts`` is a contact
    list matched to the accounts (:func:`~icp_sheets.core.buying_group.buying_group`): written as
    the workbook's Contacts tab, or beside a .csv/.parquet ``output`` (:func:`contacts_output`).
    """
    output = output or default_output(accounts)
    check_output(accounts, output, force=force, inputs=inputs)
    check_writable(output)
    contacts_path = None if contacts is None else contacts_output(output, contacts)
    if contacts is not None and contacts_path is not None:
        check_output(contacts, contacts_path, force=force, inputs=[accounts, output, *inputs])
    if sort is Sort.PROSPECTING and contacts is None:
        raise IcpError(_unprospected(accounts.name))
    engine = Engine.PANDAS if contacts is not None and engine is Engine.AUTO else engine
    if contacts is not None and engine is Engine.DUCKDB:
        raise IcpError(refused(accounts, "contacts are matched to accounts by pandas"))
    source = duckdb_choice(model, accounts, output, sort_input=sort in (None, Sort.INPUT), engine=engine)
    if source is not None:
        run = _scored_by_duckdb(model, source, output, as_of, csv_options, why, stage, strict=engine is Engine.DUCKDB)
        if run is not None:
            return run
    stage("Reading")
    read = read_accounts(model, accounts, tab)
    on_read(read)
    export = read.export
    frame = export.table.frame
    run = ScoreRun(model, accounts_file=read)
    if read.contacts and sort not in (None, Sort.INPUT):
        raise IcpError(errors([_unsortable(read.name, sort)]))
    if read.contacts and contacts is not None:
        raise IcpError(
            Problem(
                Code.BAD_ARGUMENT,
                "is a contact list (a Title column and none of the model's columns), so there are no accounts to "
                "match --contacts to; pass the accounts file",
                tab=read.name,
            )
        )
    sort = Sort.INPUT if read.contacts else sort or default_sort(output)
    stage("Scoring")
    result_columns: tuple[str, ...]
    keep = ~export.blank
    if read.contacts:
        results = _spread(match_personas(model, frame.loc[keep]), frame.index)
        run.contacts = int(keep.sum())
        result_columns = CONTACT_RESULT_COLUMNS
    else:
        if not read.match.ok:
            raise IcpError(errors(read.match.problems))
        scoring = read.scoring_frame()
        log = _event_log(model, events, _events_tab(model, inputs), frame.loc[scoring.index])
        results = _spread(score(model, scoring, as_of, notes=run.notes, why=why, events=log), frame.index)
        result_columns = RESULT_COLUMNS
        run.flagged = flagged(results.loc[keep])
        if read.has_title:
            results = pd.concat([results, _spread(match_personas(model, frame.loc[keep]), frame.index)], axis=1)
            result_columns = (*RESULT_COLUMNS, *CONTACT_RESULT_COLUMNS)
        run.rows = int(keep.sum())
    contact_frame: pd.DataFrame | None = None
    people: Export | None = None
    if contacts is not None:
        people = read_contacts(contacts)
        group, own = _grouped(model, frame, results, people.table, run, people.blank)
        group = group.astype(object)
        group.loc[~keep] = None  # a blank row has no buying group, as it has no score
        results = pd.concat([results, group], axis=1)
        result_columns = (*result_columns, *GROUP_COLUMNS)
        contact_frame = with_results(people.table.frame, own)
    run.frame = with_results(frame, results)
    run.frame = ranked_rows(run.frame, results, export.table.rows.tolist(), sort, model.grading().priorities)
    if sort is not Sort.INPUT:
        result_columns = (*result_columns, INPUT_ROW)
    stage("Writing")
    more = None if contact_frame is None else (CONTACTS, contact_frame, _CONTACT_RESULTS)
    with replacing(output) as partial:
        _write(partial, output, run.frame, export, result_columns, model, csv_options, None if contacts_path else more)
    if contact_frame is not None and contacts_path is not None:
        with replacing(contacts_path) as partial:
            _write(partial, contacts_path, contact_frame, people, _CONTACT_RESULTS, model, csv_options, None)
        run.contacts_output = contacts_path
    run.output = output
    return run


_CONTACT_RESULTS = (*CONTACT_RESULT_COLUMNS, *CONTACT_ACCOUNT_COLUMNS)


def _write(
    partial: Path,
    output: Path,
    frame: pd.DataFrame,
    export: Export | None,
    result_columns: Sequence[str],
    model: IcpModel,
    csv_options: CsvOptions | None,
    more: tuple[str, pd.DataFrame, Sequence[str]] | None,
) -> None:
    """One scored table (``export``: how it was read, for its header and text cells) to ``partial``;
    ``more`` is a second tab (name, frame, result columns) of a workbook."""
    headers = export.headers if export is not None else tuple(str(c) for c in frame.columns)
    if output.suffix.casefold() == ".csv":
        options = csv_options or CsvOptions()
        write_csv(frame, partial, headers=headers, bom=options.bom, delimiter=options.delimiter)
    elif is_parquet(output):
        write_parquet(frame, partial)
    else:
        from icp_sheets.io.xlsx_writer import write_scored_xlsx  # openpyxl only when writing xlsx

        shown = typed_for_workbook(frame, len(headers)) if export is not None and export.text else frame
        write_scored_xlsx(partial, shown, result_columns, settings=model.settings, more=more)


def contacts_output(output: Path, contacts: Path) -> Path | None:
    """Where --contacts FILE's scored contacts go: the Contacts tab of an .xlsx ``output`` (None),
    else CONTACTS.scored.csv/.parquet beside ``output``."""
    if output.suffix.casefold() == ".xlsx":
        return None
    return output.with_name(f"{contacts.stem}.scored{output.suffix}")


def read_contacts(path: Path) -> Export:
    """A contact list, its header row found by the usual contact headers."""
    known = {header_key(h) for h in ("Title", "Job title", "Name", *DOMAIN_HEADERS, *EMAIL_HEADERS)}
    return read_export(path, score=lambda row: sum(header_key(c) in known for c in row if c is not None), wanted=2)


def _grouped(
    model: IcpModel,
    accounts: pd.DataFrame,
    results: pd.DataFrame,
    contacts: Table,
    run: ScoreRun,
    blank: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accounts' buying group (icp_buying_group, icp_contacts) and the contacts' own results
    (persona, and their account's key, priority, tier and score); blank contact rows get none."""
    filled = np.ones(len(contacts.frame), dtype=bool) if blank is None else ~np.asarray(blank, dtype=bool)
    group, own = contact_results(
        model, accounts, results, contacts.frame.loc[filled], rows=contacts.rows[filled], tab=contacts.name
    )
    run.contacts, run.unmatched, run.grouped = int(filled.sum()), group.unmatched, True
    run.warnings += group.problems
    return group.accounts, _spread(own, contacts.frame.index)


def _groupable(model: IcpModel, accounts: pd.DataFrame, contacts: Table, run: ScoreRun) -> bool:
    """Whether the workbook's contacts can be matched to its accounts; if not, a warning says what
    to add (the contacts are still matched to personas)."""
    try:
        find_keys(model, list(accounts.columns), list(contacts.frame.columns))
    except IcpError as exc:
        run.warnings += [
            replace(p, severity=Severity.WARNING, message=f"{p.message} (no buying group is written until then)")
            for p in exc.problems
        ]
        return False
    return True


def _unprospected(name: str) -> Problem:
    return Problem(
        Code.BAD_ARGUMENT,
        "--sort prospecting ranks accounts by the buying-group roles their contacts miss; pass --contacts "
        "FILE (or score a workbook with a Contacts tab), or choose another --sort",
        tab=name,
    )


def _scored_by_duckdb(
    model: IcpModel,
    source: Source,
    output: Path,
    as_of: dt.date | None,
    csv_options: CsvOptions | None,
    why: Why,
    stage: Stage,
    *,
    strict: bool,
) -> ScoreRun | None:
    """The file scored by DuckDB, or None when DuckDB stopped reading it and pandas should (auto)."""
    stage("Scoring with DuckDB")
    try:
        with replacing(output) as partial:
            scored = score_with_duckdb(model, source, partial, as_of=as_of, csv_options=csv_options, why=why)
    except NotForDuckdb as why:
        if strict:
            raise IcpError(refused(source.path, str(why))) from None
        return None
    note = Problem(
        Code.HOW_READ,
        "scored by DuckDB, which does not list how each column's values read: --engine pandas does",
        tab=source.path.name,
        severity=Severity.INFO,
    )
    run = ScoreRun(model, rows=scored.rows, flagged=scored.flagged, output=output, notes=[note], engine="duckdb")
    run.tiers = tier_counts(model, scored)
    return run


def _unsortable(name: str, sort: Sort) -> Problem:
    return Problem(
        Code.BAD_ARGUMENT,
        f"is a contact list, which has no scores to sort by {sort.value}; drop --sort or pass --sort input",
        tab=name,
    )


def _spread(results: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Results of the scored rows on every row: blank rows get blank results."""
    return results if len(results) == len(index) else results.reindex(index)


def score_workbook(
    workbook: Path,
    output: Path | None,
    *,
    as_of: dt.date | None = None,
    force: bool = False,
    in_place: bool = False,
    stage: Stage = _quiet,
    sort: Sort | None = None,
    why: Why = Why.SHORT,
    events: Path | None = None,
) -> ScoreRun:
    """Score the workbook's own Accounts and Contacts tabs into a copy (or in place when asked);
    the Accounts rows ranked by ``sort`` (default: :func:`default_sort`), contacts left as they are.
    Signals rows that read 'event' count the ``events`` file, else the workbook's Events tab."""
    output = workbook if in_place else (output or default_output(workbook, ".xlsx"))
    check_output(workbook, output, force=force, in_place=in_place)
    if output.suffix.casefold() != ".xlsx":
        raise IcpError(
            Problem(
                Code.UNREADABLE_FILE,
                "scoring a workbook's own tabs writes a workbook; name an "
                ".xlsx output, or pass an accounts file to write CSV",
                tab=str(output),
            )
        )
    check_writable(output)
    stage("Reading")
    tables = read_workbook(workbook)
    model, warnings = read_model(tables)
    run = ScoreRun(model, warnings=warnings)
    stage("Scoring")
    fills: dict[str, tuple[Table, pd.DataFrame]] = {}
    orders: dict[str, list[int]] = {}
    scored_tab: tuple[Table, pd.DataFrame] | None = None
    sort = sort or default_sort(output, in_place=in_place)
    accounts = _tab(tables, ACCOUNTS)
    contacts = _tab(tables, CONTACTS)
    if contacts is None or not len(contacts.frame) or not find_column(contacts.frame.columns, "Title"):
        contacts = None
    if accounts is not None and len(accounts.frame):
        # Scored with a 1904 workbook's plain day numbers counted from 1900; written back as they were.
        scored = signal_dates_in_1900(model, accounts)
        log = _event_log(model, events, _tab(tables, EVENTS), accounts.frame)
        results = score_tab(model, accounts.name, scored, as_of, notes=run.notes, why=why, events=log)[1]
        frame = without_results(accounts.frame)
        run.flagged = flagged(results)
        if contacts is not None and _groupable(model, frame, contacts, run):
            group, own = _grouped(model, frame, results, contacts, run)
            results = pd.concat([results, group], axis=1)
            fills[contacts.name] = (contacts, own)
        if sort is Sort.PROSPECTING and not run.grouped:
            raise IcpError(_unprospected(accounts.name))
        filled = results
        if sort is not Sort.INPUT:
            filled = results.assign(**{INPUT_ROW: accounts.rows})
            orders[accounts.name] = rank_order(results, sort, model.grading().priorities).tolist()
        fills[accounts.name] = (accounts, filled)
        scored_tab = (accounts, results)
        run.rows, run.frame = len(frame), with_results(frame, results)
    if contacts is not None and contacts.name not in fills:
        fills[contacts.name] = (contacts, match_personas(model, contacts.frame))
        run.contacts = len(contacts.frame)
    if not fills:
        raise IcpError(
            Problem(
                Code.MISSING_TAB,
                "has no accounts to score; fill the Accounts tab or pass an accounts file",
                tab=workbook.name,
            )
        )
    stage("Writing")
    from icp_sheets.excel.formulas import start_here_steps
    from icp_sheets.io.computed_settings import settings_rewrite
    from icp_sheets.io.pipeline_tab import account_names, landed_rows, pipeline_rewrite
    from icp_sheets.io.start_here import start_here_rewrite
    from icp_sheets.io.start_words import Place
    from icp_sheets.io.workbook_results import fill_results

    place = Place(output.name, "" if output == workbook else workbook.name)
    rewrites = [start_here_rewrite(model, place, start_here_steps), settings_rewrite(model)]
    if scored_tab is not None:
        table, results = scored_tab
        rows = landed_rows([table.sheet_row(p) for p in range(len(results))], orders.get(table.name))
        rewrites.append(pipeline_rewrite(model, results, account_names(table.frame, rows), rows, table.name))
    tiers = (model.settings.top_tier, model.settings.middle_tier)
    with replacing(output) as partial:
        fill_results(workbook, partial, fills, orders, tiers, rewrites)
    run.output = output
    return run


def _events_tab(model: IcpModel, workbooks: Sequence[Path]) -> Table | None:
    """The model workbook's Events tab, read only when a signal counts events."""
    if not model.reads_events() or not workbooks:
        return None
    return _tab(read_xlsx_tabs(workbooks[0], [EVENTS])[0], EVENTS)


def _event_log(model: IcpModel, path: Path | None, tab: Table | None, accounts: pd.DataFrame) -> EventLog | None:
    """The Events log of a file (first) or the workbook's Events tab, matched to ``accounts``;
    None when no signal counts events."""
    if not model.reads_events():
        return None
    if path is not None:
        table = read_table(path)
        return read_log(table.frame, accounts, source=table.name)
    return None if tab is None else read_log(tab.frame, accounts, source=tab.name)


def _tab(tables: dict[str, Table], name: str) -> Table | None:
    actual = find_tab(tables, name)
    return None if actual is None else tables[actual]


def write_example_workbook(path: Path, *, pipeline: bool = False) -> None:
    """The template with the Example ICP and its accounts and contacts scored (results as values);
    with ``pipeline`` (the demo) also its Pipeline tab, as a scored workbook has."""
    from icp_sheets.example import example_accounts, example_contacts, example_model
    from icp_sheets.excel.formulas import start_here_steps
    from icp_sheets.io.template import write_template

    model = example_model()
    accounts = pd.DataFrame(example_accounts())
    contacts = pd.DataFrame(example_contacts())
    results = score(model, accounts)
    with replacing(path) as partial:
        write_template(
            partial,
            model,
            accounts,
            contacts,
            results,
            match_personas(model, contacts),
            live_steps=start_here_steps,
            file_name=path.name,
        )
        if pipeline:
            from openpyxl import load_workbook

            from icp_sheets.io.pipeline_tab import account_names, write_pipeline

            book = load_workbook(partial)  # the template is written streaming; the tab is added after
            rows = list(range(2, len(accounts) + 2))  # the template keeps the example's order
            write_pipeline(book, model, results, account_names(accounts, rows), rows, ACCOUNTS)
            book.save(partial)
