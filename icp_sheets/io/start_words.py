"""What the Start here tab says: the workbook's own model in words, and how to use the file.

Pure text, no cells: :mod:`icp_sheets.io.start_here` lays it out. Every sentence about the
model (its name, tiers, thresholds, signals, the commands) is computed from the model and the
file's name each time icp-sheets writes a workbook, so a user's workbook never describes the
Example ICP.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from icp_sheets.core import decays
from icp_sheets.core.conditions import KINDS, Op
from icp_sheets.core.decays import DecayKind
from icp_sheets.core.formats import ReadAs
from icp_sheets.core.grades import DQ_PRIORITY
from icp_sheets.core.models import IcpModel, Layer, Role, Scale, Signal, SignalReads
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
)
from icp_sheets.io import layout

LIVE_FUNCTIONS_TITLE = "Live scores in Excel"
LIVE_FUNCTIONS_STEPS: tuple[str, ...] = (
    "Optional: instead of running icp-sheets score, Excel can score each row as you type, through the "
    "xlwings add-in (=ICP_SCORE(), =ICP_TIER(), =ICP_WHY() and friends). The project's README has the "
    "details under 'Excel functions'.",
)
# (table name per tab, account headers, contact headers) -> the (label, text) rows of set-up and
# formulas: icp_sheets.excel.formulas.start_here_steps; the workbook writers do not know the formulas.
LiveSteps = Callable[[Mapping[str, str], Sequence[str], Sequence[str]], Sequence[tuple[str, str]]]
CHOICES_TITLE = "Drop-down words"
NOTES_LABEL = "Your notes"
NOTES_TEXT = (
    "Everything below this row is yours: type notes, links, your team's rules. icp-sheets rewrites only "
    "the rows above it when it writes this workbook, and moves your rows down with it when it needs more room."
)

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
_PLAIN_NAME = re.compile(r"^[\w.+-]+$")


class Kind(StrEnum):
    """How a line looks."""

    TITLE = "title"
    SECTION = "section"
    TEXT = "text"
    CODE = "code"
    CHOICE = "choice"  # a drop-down word: its cell is what the drop-downs list
    BLANK = "blank"


@dataclass(frozen=True)
class Line:
    """One row of the generated block: a label in column A, a text in column B."""

    label: str
    text: str = ""
    kind: Kind = Kind.TEXT
    choices_of: str = ""  # for a CHOICE line: the header whose drop-down lists it


@dataclass(frozen=True)
class Place:
    """Where the workbook is: its own file name and, for a scored copy, the workbook it was scored from."""

    file_name: str
    source_name: str = ""  # the model workbook a scored copy came from; "" when this file is it


def quoted(name: str) -> str:
    """A file name as typed in a terminal: in double quotes when it holds spaces or other signs."""
    return name if _PLAIN_NAME.match(name) else f'"{name}"'


def number(value: float) -> str:
    return f"{value:g}"


def _tier_words(labels: Sequence[str], thresholds: Sequence[float], unit: str) -> str:
    """'A from 4 fit points, B from 2, C below 2'."""
    parts = [
        f"{label} from {number(at)} {unit}" if i == 0 else f"{label} from {number(at)}"
        for i, (label, at) in enumerate(zip(labels, thresholds, strict=False))
    ]
    if thresholds:
        parts.append(f"{labels[-1]} below {number(thresholds[-1])}")
    return ", ".join(parts) + "."


def model_lines(model: IcpModel, place: Place) -> list[Line]:
    """The model in words: name, version, tiers and thresholds, the matrix, rules and signals."""
    s = model.settings
    graded = model.grading()
    unit = " (on a 0–100 scale)" if s.scale is Scale.PERCENT else ""
    version = f"version {s.model_version}" + (
        f", last reviewed {s.last_reviewed.isoformat()}" if s.last_reviewed else ""
    )
    lines = [Line("Model", f"{s.model_name}, {version}. Review it every quarter ({SETTINGS} tab).")]
    lines.append(Line("File", place.file_name))
    if place.source_name:
        lines.append(Line("Scored from", f"{place.source_name}: edit the model there, then score it again."))
    lines.append(
        Line(
            "Tiers",
            f"{s.top_tier} from a score of {number(s.top_tier_at)}, {s.middle_tier} from "
            f"{number(s.middle_tier_at)}{unit}; Disqualified below {number(s.middle_tier_at)} or on any "
            f"{ANTI_ICP} match.",
        )
    )
    source = f"{GRADES} tab" if model.grades.tiers else f"{SETTINGS} tab"
    lines.append(Line("Fit tiers", f"{_tier_words(graded.fit, graded.fit_at, 'fit points')} From the {source}."))
    lines.append(
        Line("Timing tiers", f"{_tier_words(graded.timing, graded.timing_at, 'signal points')} From the {source}.")
    )
    lines += _matrix_lines(model)
    lines.append(Line("As of", _as_of_words(model)))
    lines.append(Line(f"{ICP} rows", _criteria_words(model)))
    lines.append(Line(f"{ANTI_ICP} rows", _disqualifier_words(model)))
    if model.signals:
        lines += [Line(signal.name, _signal_words(signal)) for signal in model.signals]
    else:
        lines.append(Line(SIGNALS, "None yet: every account is in the last timing tier."))
    personas = "; ".join(f"{p.name} ({p.role.value})" for p in model.personas)
    lines.append(Line(PERSONAS, personas or "None yet: contacts are not matched."))
    return lines


def _matrix_lines(model: IcpModel) -> list[Line]:
    """One line per priority: which pairs of tiers it is and what reps do."""
    graded = model.grading()
    pairs: dict[str, list[str]] = {}
    actions: dict[str, str] = {}
    for i, priority in enumerate(graded.priorities):
        fit, timing = graded.fit[i // len(graded.timing)], graded.timing[i % len(graded.timing)]
        pairs.setdefault(priority, []).append(f"fit {fit} × timing {timing}")
        actions.setdefault(priority, graded.actions[i])
    source = f"the {MATRIX} tab" if model.grades.cells else f"the {SETTINGS} tab's actions"
    lines = [Line("Priorities", f"Each pair of a fit tier and a timing tier, best first, from {source}.")]
    lines += [
        Line(priority or "(no name)", f"{_first_up(', '.join(where))}: {actions[priority] or 'no action given'}")
        for priority, where in pairs.items()
    ]
    lines.append(Line(DQ_PRIORITY, "Disqualified accounts, whatever their tiers."))
    return lines


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def _as_of_words(model: IcpModel) -> str:
    day = model.settings.as_of
    if day is None:
        return "Blank: signals count back from the day you score, so scores change with the calendar."
    return (
        f"{day.isoformat()}: signals count back from this day, so scores stay the same day after day; "
        f"clear it on the {SETTINGS} tab to count from the day you score."
    )


def _criteria_words(model: IcpModel) -> str:
    if not model.criteria:
        return "None yet: every account has 0 fit points."
    columns = model.scored_columns()
    return f"{len(model.criteria)} rows scoring {len(columns)} columns: {', '.join(columns)}."


def _disqualifier_words(model: IcpModel) -> str:
    if not model.disqualifiers:
        return "None: no rule disqualifies an account."
    columns = list(dict.fromkeys(d.column for d in model.disqualifiers))
    return f"{len(model.disqualifiers)} rows checking {', '.join(columns)}; any match disqualifies."


def _signal_words(signal: Signal) -> str:
    """'Last funding date: 1 point, counts 180 days, halving every 60 days'."""
    points = f"{number(signal.points)} point{'s' if signal.points != 1 else ''}"
    if signal.reads is SignalReads.PER_UNIT:
        cap = f", up to {number(signal.cap)}" if signal.cap is not None else ""
        return f"{signal.date_column}: {points} per unit{cap}."
    source = f"the '{signal.date_column}' events" if signal.reads is SignalReads.EVENT else signal.date_column
    window = f"counts {signal.window_days} days" if signal.window_days is not None else "counts forever"
    decay = ""
    if signal.decay.kind is DecayKind.LINEAR:
        decay = ", fading evenly to 0"
    elif signal.decay.kind is DecayKind.HALF_LIFE and signal.decay.half_life_days:
        decay = f", halving every {number(signal.decay.half_life_days)} days"
    return f"{source}: {points}, {window}{decay}."


def command_lines(place: Place) -> list[Line]:
    """The commands for this file, with its real name (for a scored copy: the workbook it came from)."""
    model_file = place.source_name or place.file_name
    stem = model_file.rsplit(".", 1)[0]
    me = quoted(model_file)
    scored = quoted(place.file_name if place.source_name else f"{stem}.scored.xlsx")
    return [
        Line("Check the model", f"icp-sheets check {me}", Kind.CODE),
        Line(
            "Score this file",
            f"icp-sheets score {me} -o {scored}" + (" --force" if place.source_name else ""),
            Kind.CODE,
        ),
        Line("Score an export", f"icp-sheets score {me} accounts.csv -o accounts.scored.csv", Kind.CODE),
        Line(
            "",
            f"Scoring writes a new file ranked best first, with a Pipeline tab; {model_file} is not changed. "
            "check lists every problem with its tab, row and column, and what to do about it.",
        ),
    ]


_GUIDE = [
    (
        f"1. {ICP}",
        "Start from your 10–20 best customers (closed fast, stayed, grew, referred others), not from a wish list. "
        "For each thing most of them share, add a row: the Accounts column it reads, a condition and points. "
        "Rows for the same column are bands: the first matching row from the top counts. Good ICPs score 4–7 "
        "columns.",
    ),
    (
        f"2. {ANTI_ICP}",
        "Who you will not sell to, whatever the points say: look at churned, slow or unhappy customers. Any "
        "match disqualifies the account, and the reason is what reps see.",
    ),
    (
        f"3. {SIGNALS}",
        "Signals are the clock. Fit says who; a signal says when. Each row names an event (funding, a new sales "
        "leader, sales hiring), the Accounts column with its date, the points and how many days it counts. A "
        "great fit without a signal waits; the same account with a fresh signal goes to the top.",
    ),
    (
        f"4. {PERSONAS}",
        "The people to reach in each account, the words in their job titles, their part in the deal and the "
        "opening angle for each.",
    ),
    (
        f"5. {SETTINGS}",
        "Name and version the model, the day you last reviewed it (review every quarter), the as-of date for "
        "signals (blank = today), the tier thresholds and the action for each priority. A set as-of date keeps "
        "scores fixed; clear it to count signals from today.",
    ),
    (
        f"6. {COLUMNS}",
        "What each Accounts column is called in your exports; add your own names to 'Also called'. Required "
        "'no' reads a missing column as blank; Format says how to read dates like 03/04/2026 or numbers like "
        "1.200 when the column's own values leave it open. Without this tab every column is required and found "
        "by its own name or a vendor's.",
    ),
    (
        f"7. {GRADES}, {MATRIX}",
        "Optional, for teams whose grades are not A/B/C × 1/2/3: list your own fit and timing tiers on Grades "
        "(2 to 6 each, best first, each with the score it starts from) and give every pair of tiers a priority "
        "and an action on Matrix (MadKudu's A–E from a 4×4 grid). Left empty, the Settings thresholds and "
        "actions apply.",
    ),
    (
        f"8. {OVERRIDE}",
        "Optional: accounts whose grade you force whatever their points, e.g. 'Strategic account · is true · A' "
        "pins a strategic account list to fit tier A. Each row names a column, a condition, the fit tier, timing "
        "tier, tier or priority it forces and the reason reps see in icp_why. Disqualified accounts stay "
        "disqualified. Left empty, nothing is forced.",
    ),
    (
        f"9. {ACCOUNTS}, {CONTACTS}",
        "Paste your account export under the headers. Keep the column names your ICP rows use (or a name on the "
        "Columns tab); extra columns are kept as they are. Contacts need at least a Title.",
    ),
]


def sections(model: IcpModel, place: Place, live: Sequence[tuple[str, str]]) -> list[tuple[str, list[Line]]]:
    """The Start here tab as (section title, lines) in reading order, the drop-down words last."""
    results = [Line(h, RESULT_NOTES[h]) for h in RESULT_COLUMNS]
    results += [Line(h, CONTACT_RESULT_NOTES[h]) for h in CONTACT_RESULT_COLUMNS]
    intro = [
        Line(
            "",
            "It holds your Ideal Customer Profile (ICP) and turns any list of accounts into a ranked, explained "
            "list: a score, a tier, a priority and the reasons, for every account.",
        ),
        Line(
            "Colours",
            "Blue headers: you type below them. Green headers: icp-sheets writes there (anything typed is "
            "overwritten). Point at a header to read its note.",
        ),
        Line(
            "ICP or persona?",
            "The ICP describes companies: which accounts are worth the effort (size, funding, tools, region). A "
            "persona describes people inside those companies: who signs, who champions, who can block, and how "
            "to open with each. Score accounts with the ICP; choose whom to call with the personas.",
        ),
    ]
    live_lines = [Line("", text) for text in LIVE_FUNCTIONS_STEPS] + [Line(label, text) for label, text in live]
    return [
        ("This workbook's model", model_lines(model, place)),
        ("Score", command_lines(place)),
        ("What this workbook does", intro),
        ("Fill it in, tab by tab", [Line(label, text) for label, text in _GUIDE]),
        ("Read the results", results),
        (LIVE_FUNCTIONS_TITLE, live_lines),
        (CHOICES_TITLE, _choice_lines()),
    ]


def _choice_lines() -> list[Line]:
    """The drop-down lists (each header, then its words with what they mean)."""
    lines: list[Line] = []
    seen: set[str] = set()
    for tab in MODEL_TABS:
        for column in layout.TABS[tab].columns:
            if column.choices and not column.list_of and column.header not in seen:
                seen.add(column.header)
                lines.append(Line(column.header))
                lines += [
                    Line(choice, _explain(column.header, choice), Kind.CHOICE, column.header)
                    for choice in column.choices
                ]
    return lines


def _explain(header: str, choice: str) -> str:
    if header == "Condition" and KINDS[Op(choice)].example != choice:
        return f"e.g. {KINDS[Op(choice)].example}"
    return _MEANINGS.get(choice, "")


def block(model: IcpModel, place: Place, live: Sequence[tuple[str, str]]) -> list[Line]:
    """Every line of the generated block, title first, the 'Your notes' row last."""
    lines = [Line("Start here", model.settings.model_name, Kind.TITLE)]
    for title, body in sections(model, place, live):
        lines += [Line("", kind=Kind.BLANK), Line(title, kind=Kind.SECTION), *body]
    lines += [Line("", kind=Kind.BLANK), Line(NOTES_LABEL, NOTES_TEXT, Kind.SECTION)]
    return lines
