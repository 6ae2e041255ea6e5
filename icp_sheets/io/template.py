"""The ICP template workbook: the Example ICP laid out for a person to fill in.

Every tab comes from :mod:`icp_sheets.io.layout` (names, headers, notes,
drop-down choices) and :func:`layout.model_rows`, so the template, the reader
and the Google sync can never disagree on a header. Cells go through
:mod:`icp_sheets.io.xlsx_writer`, the same writer as scored output.

Protection: only ``Start here`` and ``Settings`` are protected (no password).
Excel cannot grow a table on a protected sheet, so the list tabs, where people
add criteria and paste exports, stay unprotected; their input cells are
unlocked and result cells locked anyway, so switching protection on
(Review > Protect Sheet) locks exactly the columns icp-sheets writes.

The file is reproducible: the document's dates and the zip entries' times are
fixed, so a test can compare the committed template with a freshly generated
one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from icp_sheets import example
from icp_sheets.core import decays
from icp_sheets.core.conditions import KINDS, Op
from icp_sheets.core.formats import ReadAs
from icp_sheets.core.models import IcpModel, Layer, Role
from icp_sheets.core.names import (
    ACCOUNTS,
    ANTI_ICP,
    COLUMNS,
    CONTACT_RESULT_COLUMNS,
    CONTACT_RESULT_NOTES,
    CONTACTS,
    GRADES,
    ICP,
    MATRIX,
    MODEL_TABS,
    OVERRIDE,
    PERSONAS,
    RESULT_COLUMNS,
    RESULT_NOTES,
    SETTINGS,
    SIGNALS,
    START,
    header_key,
)
from icp_sheets.io import layout
from icp_sheets.io.computed_settings import computed_rows
from icp_sheets.io.xlsx_cell_style import (
    BODY_FONT,
    FONT_NAME,
    FONT_SIZE,
    LINE_HEIGHT,
    WRAP_ALIGN,
    ColumnSpec,
    result_column,
    text_lines,
)
from icp_sheets.io.xlsx_writer import SheetSpec, XlsxBook, data_column, frame_rows, protect, setup_page

# The opening of the 'Live scores in Excel' section; the set-up per runtime and the exact formulas
# for this workbook's tables follow it, from the caller's LiveSteps (the Excel front-end's
# icp_sheets.excel.formulas.start_here_steps): the template does not know the Excel formulas.
LIVE_FUNCTIONS_TITLE = "Live scores in Excel"
LIVE_FUNCTIONS_STEPS: tuple[str, ...] = (
    "Optional: instead of running icp-sheets score, Excel can score each row as you type, through the "
    "xlwings add-in (=ICP_SCORE(), =ICP_TIER(), =ICP_WHY() and friends). The project's README has the "
    "details under 'Excel functions'.",
)

# (table name per tab, account headers, contact headers) -> the (label, text) rows of set-up and formulas.
LiveSteps = Callable[[Mapping[str, str], Sequence[str], Sequence[str]], Sequence[tuple[str, str]]]

TEMPLATE_TIME = dt.datetime(2026, 1, 1)  # fixed so the file is reproducible
TABLE_NAMES = {
    ICP: "FitCriteria", ANTI_ICP: "AntiICP", SIGNALS: "Signals",
    PERSONAS: "Personas", SETTINGS: "SettingsTable", COLUMNS: "AccountColumns",
    GRADES: "Grades", MATRIX: "PriorityMatrix", OVERRIDE: "Overrides", ACCOUNTS: "Accounts", CONTACTS: "Contacts",
}  # fmt: skip
INPUT_TAB_COLOR = "1F4E79"
DATA_TAB_COLOR = "375623"
START_TAB_COLOR = "C55A11"
# Drop-downs whose list is the whole truth; the others suggest (a condition has numbers after the
# word, a decay may have any half-life), so their validation only informs.
STRICT_LISTS = frozenset({"Layer", "Role", "Required", "Format", "Dated after as-of"})
CONTACT_NOTES = {
    "title": "The job title; matched against the title keywords on the Personas tab.",
    "department": "Optional: narrows the persona match when the Personas tab names a department.",
    "seniority": "Optional: narrows the persona match when the Personas tab names a seniority.",
}

# What a drop-down word means, where its example alone would not say; conditions and decays
# say it themselves.
_MEANINGS = {
    **{kind.op.value: kind.meaning for kind in KINDS.values() if kind.meaning},
    **decays.CHOICES,
    Layer.FIRMOGRAPHIC.value: "Who they are: size, industry, region, funding.",
    Layer.TECHNOGRAPHIC.value: "What they run: CRM, tools, tech stack.",
    Layer.BEHAVIOURAL.value: "What they do: visits, replies, product usage.",
    Role.ECONOMIC_BUYER.value: "Signs the budget.",
    Role.CHAMPION.value: "Wants the change and sells it inside the account.",
    Role.TECHNICAL_GATEKEEPER.value: "Can block on security, IT or integration.",
    Role.USER.value: "Works with the product every day.",
    Role.OTHER.value: "Anyone else worth knowing.",
    "yes": "An export without this column stops the run (blank means yes).",
    "no": "An export without this column reads it as blank for every row, with one warning.",
    ReadAs.DAY_MONTH.value: "03/04/2026 is 3 April, for a column whose dates never go past day 12.",
    ReadAs.MONTH_DAY.value: "03/04/2026 is 4 March (US exports), for a column whose dates never go past day 12.",
    ReadAs.DECIMAL_COMMA.value: "1.200 is twelve hundred and 12,5 is twelve and a half (European exports).",
    ReadAs.DECIMAL_POINT.value: "1.200 is one point two and 1,200 is twelve hundred.",
}
_TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True, color="1F4E79")
_SECTION_FONT = Font(name=FONT_NAME, size=12, bold=True, color="FFFFFF")
_SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
_LABEL_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_CODE_FONT = Font(name="Courier New", size=FONT_SIZE)


def _live_steps(accounts: pd.DataFrame, contacts: pd.DataFrame, steps: LiveSteps | None) -> list[tuple[str, str]]:
    """The live-function section: the opening text, then set-up and formulas for these tables."""
    opening = [("", text) for text in LIVE_FUNCTIONS_STEPS]
    if steps is None:
        return opening
    return opening + list(steps(TABLE_NAMES, list(accounts.columns), list(contacts.columns)))


def _start_sections(model: IcpModel, live: list[tuple[str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The Start here tab as (section title, [(label, text)]) in reading order."""
    s = model.settings
    tiers = (
        f"{s.top_tier} from a score of {s.top_tier_at:g}, {s.middle_tier} from {s.middle_tier_at:g}, "
        f"Disqualified below {s.middle_tier_at:g} or on any Anti-ICP match."
    )
    results = [(h, RESULT_NOTES[h]) for h in RESULT_COLUMNS]
    results += [(h, CONTACT_RESULT_NOTES[h]) for h in CONTACT_RESULT_COLUMNS]
    return [
        (
            "What this workbook does",
            [
                (
                    "",
                    "It holds your Ideal Customer Profile (ICP) and turns any list of accounts into a ranked, "
                    "explained list: a score, a tier, a priority and the reasons, for every account.",
                ),
                (
                    "Colours",
                    "Blue headers: you type below them. Green headers: icp-sheets writes there "
                    "(anything typed is overwritten). Point at a header to read its note.",
                ),
                (
                    "ICP or persona?",
                    "The ICP describes companies: which accounts are worth the effort (size, "
                    "funding, tools, region). A persona describes people inside those "
                    "companies: who signs, who champions, who can block, and how to open "
                    "with each. Score accounts with the ICP; choose whom to call with the "
                    "personas.",
                ),
            ],
        ),
        (
            "Fill it in, tab by tab",
            [
                (
                    f"1. {ICP}",
                    "Start from your 10–20 best customers (closed fast, stayed, grew, "
                    "referred others), not from a wish list. For each thing most of them "
                    "share, add a row: the Accounts column it reads, a condition and points. "
                    "Rows for the same column are bands: the first matching row from the top "
                    "counts. Good ICPs score 4–7 columns.",
                ),
                (
                    f"2. {ANTI_ICP}",
                    "Who you will not sell to, whatever the points say: look at churned, "
                    "slow or unhappy customers. Any match disqualifies the account, and "
                    "the reason is what reps see.",
                ),
                (
                    f"3. {SIGNALS}",
                    "Signals are the clock. Fit says who; a signal says when. Each row "
                    "names an event (funding, a new sales leader, sales hiring), the "
                    "Accounts column with its date, the points and how many days it "
                    "counts. A great fit without a signal waits; the same account with a "
                    "fresh signal goes to the top.",
                ),
                (
                    f"4. {PERSONAS}",
                    "The people to reach in each account, the words in their job titles, "
                    "their part in the deal and the opening angle for each.",
                ),
                (
                    f"5. {SETTINGS}",
                    "Name and version the model, the day you last reviewed it (review "
                    "every quarter), the as-of date for signals (blank = today), the tier "
                    "thresholds and the action for each priority A1…C3. The example's "
                    "as-of date is fixed so its scores never change; clear it to count "
                    "signals from today.",
                ),
                (
                    f"6. {COLUMNS}",
                    "What each Accounts column is called in your exports. The Example's columns are listed "
                    "with the names Apollo, HubSpot, Salesforce, ZoomInfo, Crunchbase and LinkedIn use; add "
                    "your own to 'Also called'. Required 'no' reads a missing column as blank; Format says "
                    "how to read dates like 03/04/2026 or numbers like 1.200 when the column's own values "
                    "leave it open. Without this tab every column is required and found by its own name "
                    "or a vendor's.",
                ),
                (
                    f"7. {GRADES}, {MATRIX}",
                    "Optional, for teams whose grades are not A/B/C × 1/2/3: list your own fit and timing "
                    "tiers on Grades (2 to 6 each, best first, each with the score it starts from) and give "
                    "every pair of tiers a priority and an action on Matrix (MadKudu's A–E from a 4×4 "
                    "grid). Left empty, the Settings thresholds and actions apply.",
                ),
                (
                    f"8. {OVERRIDE}",
                    "Optional: accounts whose grade you force whatever their points, e.g. 'Strategic account "
                    "· is true · A' pins a strategic account list to fit tier A. Each row names a column, a condition, "
                    "the fit tier, timing tier, tier or priority it forces and the reason reps see in icp_why. "
                    "Disqualified accounts stay disqualified. Left empty, nothing is forced.",
                ),
                (
                    f"9. {ACCOUNTS}, {CONTACTS}",
                    "Paste your account export under the headers. Keep the column names your ICP rows use "
                    "(or a name on the Columns tab); extra columns are kept as they are. Contacts need at "
                    "least a Title.",
                ),
            ],
        ),
        (
            "Score",
            [
                ("Check the model", "icp-sheets check icp_template.xlsx"),
                ("Score this file", "icp-sheets score icp_template.xlsx -o scored.xlsx"),
                ("Score an export", "icp-sheets score icp_template.xlsx accounts.csv -o scored.csv"),
                (
                    "",
                    "Scoring writes a new file; this workbook is not changed. check lists every problem "
                    "with its tab, row and column, and what to do about it.",
                ),
            ],
        ),
        ("Read the results", [("Tiers", tiers), *results]),
        (LIVE_FUNCTIONS_TITLE, live),
    ]


def _choice_lists(model: IcpModel) -> dict[str, list[tuple[str, str]]]:
    """The drop-down lists (header -> [(choice, explanation)]), shown on Start here."""
    lists: dict[str, list[tuple[str, str]]] = {}
    for tab in MODEL_TABS:
        for column in layout.TABS[tab].columns:
            if column.choices and not column.list_of and column.header not in lists:
                lists[column.header] = [(choice, _explain(column.header, choice)) for choice in column.choices]
    return lists


def _explain(header: str, choice: str) -> str:
    if header == "Condition" and KINDS[Op(choice)].example != choice:
        return f"e.g. {KINDS[Op(choice)].example}"
    return _MEANINGS.get(choice, "")


def _text_cell(ws: Any, value: str, font: Font = BODY_FONT, fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.font = font
    cell.alignment = WRAP_ALIGN
    if fill is not None:
        cell.fill = fill
    return cell


def _write_start(wb: Workbook, model: IcpModel, live: list[tuple[str, str]]) -> dict[str, str]:
    """Write the Start here tab; return each drop-down's list range, for the validations."""
    ws = wb.create_sheet(START)
    widths = (28, 92)
    for letter, width in zip("AB", widths, strict=True):
        ws.column_dimensions[letter].width = width
    ws.sheet_properties.tabColor = START_TAB_COLOR
    setup_page(ws, landscape=False, title_rows=False)
    protect(ws)
    row = 0

    def line(
        label: str, text: str, label_font: Font = _LABEL_FONT, font: Font = BODY_FONT, fill: PatternFill | None = None
    ) -> None:
        nonlocal row
        row += 1
        lines = max(text_lines(label, widths[0]), text_lines(text, widths[1]))
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
        ws.append([_text_cell(ws, label, label_font, fill), _text_cell(ws, text, font, fill)])

    line("Start here", model.settings.model_name, _TITLE_FONT, _TITLE_FONT)
    for section, lines in [*_start_sections(model, live), ("Drop-down words", [])]:
        line("", "")
        line(section, "", _SECTION_FONT, _SECTION_FONT, _SECTION_FILL)
        for label, text in lines:
            line(label, text, font=_CODE_FONT if text.startswith("icp-sheets ") else BODY_FONT)
    ranges: dict[str, str] = {}
    for header, choices in _choice_lists(model).items():
        line(header, "")
        for choice, explanation in choices:
            line(choice, explanation, BODY_FONT)
        ranges[header] = f"'{START}'!$A${row - len(choices) + 1}:$A${row}"
    return ranges


def _model_tab(tab: str, lists: Mapping[str, str]) -> SheetSpec:
    tab_layout = layout.TABS[tab]
    settings = tab == SETTINGS
    columns = tuple(
        ColumnSpec(c.header, c.note, c.width, wrap=True, locked=settings and c.header != "Value", left=True)
        for c in tab_layout.columns
    )
    validations = {c.header: lists[c.list_of or c.header] for c in tab_layout.columns if c.choices}
    return SheetSpec(
        tab,
        columns,
        TABLE_NAMES[tab],
        protect=tab == SETTINGS,
        tab_color=INPUT_TAB_COLOR,
        validations=validations,
        strict_lists=STRICT_LISTS,
    )


def _account_note(model: IcpModel, header: str) -> str:
    """What the model does with an Accounts column, so a header note tells why it matters."""
    key = header_key(header)
    uses = []
    rows = [c.row for c in model.criteria if header_key(c.column) == key]
    if rows:
        uses.append(f"Scored on the {ICP} tab{_rows(rows)}.")
    rows = [d.row for d in model.disqualifiers if header_key(d.column) == key]
    if rows:
        uses.append(f"Checked by the {ANTI_ICP} tab{_rows(rows)}.")
    uses += [
        f"The date of the '{s.name}' signal ({SIGNALS} tab{_rows([s.row])})."
        for s in model.signals
        if header_key(s.date_column) == key
    ]
    return " ".join(uses) or "Not used by the model; kept as it is."


def _rows(rows: Sequence[int | None]) -> str:
    known = [r for r in rows if r is not None]
    if not known:
        return ""
    return f", row {known[0]}" if len(known) == 1 else f", rows {min(known)}–{max(known)}"


def _data_tab(
    name: str, frame: pd.DataFrame, results: Sequence[str], notes: Mapping[str, str], tiers: Sequence[str] = ()
) -> SheetSpec:
    columns = tuple(
        result_column(h) if h in results else data_column(h, frame.iloc[:, i], notes[h])
        for i, h in enumerate(frame.columns)
    )
    return SheetSpec(name, columns, TABLE_NAMES[name], tab_color=DATA_TAB_COLOR, tiers=tiers)


def _with_results(inputs: pd.DataFrame, results: pd.DataFrame | None, columns: Sequence[str]) -> pd.DataFrame:
    """Input columns (old results dropped) followed by the result columns, blank when not given."""
    inputs = inputs.rename(columns=str)
    inputs = inputs[[c for c in inputs.columns if header_key(c) not in {header_key(r) for r in columns}]]
    if results is None:
        results = pd.DataFrame({c: [None] * len(inputs) for c in columns}, index=inputs.index)
    return pd.concat([inputs.reset_index(drop=True), results[list(columns)].reset_index(drop=True)], axis=1)


def _frame(rows: pd.DataFrame | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))


def build_template(
    model: IcpModel, accounts: pd.DataFrame, contacts: pd.DataFrame, live_steps: LiveSteps | None = None
) -> XlsxBook:
    """The template, ready to save (accounts and contacts carry their result columns)."""
    book = XlsxBook()
    book.wb.properties.creator = "icp-sheets"
    book.wb.properties.title = f"ICP template: {model.settings.model_name}"
    lists = _write_start(book.wb, model, _live_steps(accounts, contacts, live_steps))
    rows = layout.model_rows(model)
    computed = computed_rows(model)
    rows[SETTINGS] = [*rows[SETTINGS], *computed]
    for tab in MODEL_TABS:
        spec = _model_tab(tab, lists)
        if tab == SETTINGS:  # the computed rows come last; row 1 is the header
            spec = replace(spec, locked_rows=frozenset(range(len(rows[tab]) - len(computed) + 2, len(rows[tab]) + 2)))
        book.add_table_sheet(spec, rows[tab], len(rows[tab]))
    account_notes = {h: _account_note(model, h) for h in accounts.columns}
    tiers = (model.settings.top_tier, model.settings.middle_tier)
    spec = _data_tab(ACCOUNTS, accounts, RESULT_COLUMNS, account_notes, tiers)
    book.add_table_sheet(spec, frame_rows(accounts), len(accounts))
    contact_notes = {h: CONTACT_NOTES.get(header_key(h), "Kept as it is.") for h in contacts.columns}
    spec = _data_tab(CONTACTS, contacts, CONTACT_RESULT_COLUMNS, contact_notes)
    book.add_table_sheet(spec, frame_rows(contacts), len(contacts))
    return book


def write_template(
    path: str | Path,
    model: IcpModel | None = None,
    accounts: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
    contacts: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
    account_results: pd.DataFrame | None = None,
    contact_results: pd.DataFrame | None = None,
    live_steps: LiveSteps | None = None,
) -> None:
    """Write the template workbook to ``path``; the Example ICP and its accounts by default.

    ``live_steps`` gives the Start here tab the Excel set-up and formulas for these tables; without
    it the tab only points to them.

    Results are written as values into the result columns right of the inputs
    (blank when not given); the workbook never contains formulas.
    """
    model = model or example.example_model()
    accounts_frame = _frame(example.example_accounts() if accounts is None else accounts)
    contacts_frame = _frame(example.example_contacts() if contacts is None else contacts)
    book = build_template(
        model,
        _with_results(accounts_frame, account_results, RESULT_COLUMNS),
        _with_results(contacts_frame, contact_results, CONTACT_RESULT_COLUMNS),
        live_steps,
    )
    book.save(path, fixed_time=TEMPLATE_TIME)
