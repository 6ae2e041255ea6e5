"""Where the model lives in a workbook: tab names, headers, header notes, drop-downs.

Every writer (the template, the Google sync) and the reader use these
declarations, so a header is spelled in exactly one place. Headers are matched
case- and space-insensitively when reading, so people may rename "Points" to
"points" or reorder columns without breaking anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from icp_sheets.core import decays
from icp_sheets.core.conditions import KINDS, fmt_number
from icp_sheets.core.formats import AccountColumn, ReadAs
from icp_sheets.core.grades import Axis, Cell, Tier
from icp_sheets.core.models import (
    PRIORITY_CELLS,
    Criterion,
    Disqualifier,
    IcpModel,
    Layer,
    Narrative,
    Persona,
    Role,
    Scale,
    Settings,
    Signal,
    SignalReads,
    WhenUnreadable,
    describe,
)

# The "X as X" imports serve only sheets/sync.py until it imports them from core.names (issue 12 owns it).
from icp_sheets.core.names import (
    ANTI_ICP,
    COLUMNS,
    GRADES,
    ICP,
    MATRIX,
    MODEL_TABS,
    OVERRIDE,
    PERSONAS,
    SETTINGS,
    SIGNALS,
)
from icp_sheets.core.overrides import Override, Target, header
from icp_sheets.core.values import whole


@dataclass(frozen=True)
class Column:
    header: str
    note: str
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 18
    list_of: str = ""  # the header whose drop-down list this column shares (its choices are that list's)


@dataclass(frozen=True)
class TabLayout:
    name: str
    columns: tuple[Column, ...]
    purpose: str

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


CONDITION_CHOICES = tuple(op.value for op in KINDS)
YES_NO = ("yes", "no")
FORMAT_CHOICES = tuple(word.value for word in ReadAs)
DECAY_CHOICES = tuple(decays.CHOICES)
READS_CHOICES = ("date", "days ago", "per unit", "per unit up to 100", "event")
AHEAD_CHOICES = ("ignore", "count")

TABS: dict[str, TabLayout] = {
    ICP: TabLayout(
        ICP,
        (
            Column("Column", describe(Criterion, "column"), True, width=18),
            Column(
                "Condition",
                describe(Criterion, "condition"),
                True,
                CONDITION_CHOICES,
                width=38,
            ),
            Column(
                "Points",
                describe(Criterion, "points"),
                True,
                width=9,
            ),
            Column(
                "Layer",
                describe(Criterion, "layer"),
                False,
                tuple(layer.value for layer in Layer),
                width=15,
            ),
            Column("Note", describe(Criterion, "note"), width=52),
            Column("Group", describe(Criterion, "group"), width=16),
            Column("Cap", describe(Criterion, "cap"), width=8),
            Column("And column", describe(Criterion, "and_column"), width=16),
            Column(
                "And condition",
                describe(Criterion, "and_condition"),
                choices=CONDITION_CHOICES,
                width=28,
                list_of="Condition",
            ),
        ),
        "Fit criteria: which accounts are worth the effort.",
    ),
    ANTI_ICP: TabLayout(
        ANTI_ICP,
        (
            Column("Column", describe(Disqualifier, "column"), True),
            Column(
                "Condition",
                describe(Disqualifier, "condition"),
                True,
                CONDITION_CHOICES,
                width=32,
            ),
            Column("Reason", describe(Disqualifier, "reason"), True, width=52),
        ),
        "Who we will not sell to, whatever the points say.",
    ),
    SIGNALS: TabLayout(
        SIGNALS,
        (
            Column("Signal", describe(Signal, "name"), True, width=16),
            Column("Date column", describe(Signal, "date_column"), True, width=20),
            Column("Points", describe(Signal, "points"), True, width=9),
            Column("Window (days)", describe(Signal, "window_days"), True, width=15),
            Column(
                "Decay",
                describe(Signal, "decay"),
                False,
                DECAY_CHOICES,
                width=28,
            ),
            Column("Reads", describe(Signal, "reads"), False, READS_CHOICES, width=18),
            Column("Counts when", describe(Signal, "counts_when"), False, width=28),
            Column("Max events", describe(Signal, "max_events"), False, width=11),
            Column("At least", describe(Signal, "at_least"), False, width=10),
            Column("Dated after as-of", describe(Signal, "count_ahead"), False, AHEAD_CHOICES, width=17),
        ),
        "Trigger events: when to reach out.",
    ),
    PERSONAS: TabLayout(
        PERSONAS,
        (
            Column("Persona", describe(Persona, "name"), True, width=18),
            Column("Role", describe(Persona, "role"), True, tuple(role.value for role in Role), width=20),
            Column("Title keywords", describe(Persona, "title_keywords"), True, width=44),
            Column("Department", describe(Persona, "department"), width=14),
            Column("Seniority", describe(Persona, "seniority"), width=12),
            Column("Opening angle", describe(Persona, "angle"), width=60),
        ),
        "The people inside an account and how to open with each.",
    ),
    SETTINGS: TabLayout(
        SETTINGS,
        (
            Column("Setting", "The setting's name; leave these as they are.", True, width=24),
            Column("Value", "Your value.", True, width=60),
            Column("Notes", "What the setting does.", width=60),
        ),
        "Names, dates, thresholds and the priority matrix.",
    ),
    COLUMNS: TabLayout(
        COLUMNS,
        (
            Column("Column", describe(AccountColumn, "name"), True, width=20),
            Column("Also called", describe(AccountColumn, "also_called"), width=60),
            Column("Required", describe(AccountColumn, "required"), choices=YES_NO, width=11),
            Column("Format", describe(AccountColumn, "read_as"), choices=FORMAT_CHOICES, width=16),
        ),
        "What each account column is called in your exports, and how to read it.",
    ),
    GRADES: TabLayout(
        GRADES,
        (
            Column("Grade", describe(Tier, "axis"), True, tuple(axis.value for axis in Axis), width=10),
            Column("Tier", describe(Tier, "label"), True, width=18),
            Column("From", describe(Tier, "at"), width=12),
        ),
        "Your own fit and timing tiers, 2 to 6 each, best first; leave it empty for A/B/C and 1/2/3 from Settings.",
    ),
    MATRIX: TabLayout(
        MATRIX,
        (
            Column("Fit tier", describe(Cell, "fit"), True, width=14),
            Column("Timing tier", describe(Cell, "timing"), True, width=14),
            Column("Priority", describe(Cell, "priority"), True, width=12),
            Column("Action", describe(Cell, "action"), width=60),
        ),
        "The priority and action of each fit tier × timing tier; leave it empty for A1…C3 and the Settings' actions.",
    ),
    OVERRIDE: TabLayout(
        OVERRIDE,
        (
            Column("Column", describe(Override, "column"), True, width=18),
            Column("Condition", describe(Override, "condition"), True, CONDITION_CHOICES, width=28),
            Column(header(Target.FIT_TIER), describe(Override, "fit_tier"), width=14),
            Column(header(Target.TIMING_TIER), describe(Override, "timing_tier"), width=14),
            Column(header(Target.TIER), describe(Override, "tier"), width=12),
            Column(header(Target.PRIORITY), describe(Override, "priority"), width=12),
            Column("Reason", describe(Override, "reason"), True, width=44),
        ),
        "Accounts whose grade is forced after scoring, whatever their points (a strategic account list); "
        "leave it empty for none. Disqualified accounts stay disqualified.",
    ),
}


@dataclass(frozen=True)
class SettingRow:
    label: str
    path: str  # dotted path into Settings, e.g. "narrative.company" or "actions.A1"
    note: str
    kind: str = "text"  # text | number | date | choice (one of ``choices``)
    required: bool = False  # blank or missing is an error, never a silent default
    choices: tuple[str, ...] = ()  # kind 'choice': the words it takes


SETTING_ROWS: tuple[SettingRow, ...] = (
    SettingRow("Model name", "model_name", describe(Settings, "model_name")),
    SettingRow("Model version", "model_version", describe(Settings, "model_version")),
    SettingRow("Last reviewed", "last_reviewed", describe(Settings, "last_reviewed"), "date"),
    SettingRow("As-of date", "as_of", describe(Settings, "as_of"), "date"),
    SettingRow("Top tier", "top_tier", describe(Settings, "top_tier")),
    SettingRow("Top tier from score", "top_tier_at", describe(Settings, "top_tier_at"), "number", True),
    SettingRow("Middle tier", "middle_tier", describe(Settings, "middle_tier")),
    SettingRow(
        "Middle tier from score",
        "middle_tier_at",
        describe(Settings, "middle_tier_at"),
        "number",
        True,
    ),
    SettingRow(
        "When a disqualifier cannot be read",
        "when_unreadable",
        describe(Settings, "when_unreadable"),
        "choice",
        choices=tuple(choice.value for choice in WhenUnreadable),
    ),
    SettingRow("Fit tier A from", "fit_a_at", describe(Settings, "fit_a_at"), "number", True),
    SettingRow("Fit tier B from", "fit_b_at", describe(Settings, "fit_b_at"), "number", True),
    SettingRow("Timing tier 1 from", "timing_1_at", describe(Settings, "timing_1_at"), "number", True),
    SettingRow("Timing tier 2 from", "timing_2_at", describe(Settings, "timing_2_at"), "number", True),
    SettingRow("Fit cap", "fit_cap", describe(Settings, "fit_cap"), "number"),
    SettingRow("Timing cap", "timing_cap", describe(Settings, "timing_cap"), "number"),
    SettingRow(
        "Scale", "scale", describe(Settings, "scale"), "choice", choices=tuple(choice.value for choice in Scale)
    ),
    *(
        SettingRow(
            f"Action {cell}",
            f"actions.{cell}",
            f"What a rep does with a {cell} account (fit tier {cell[0]}, timing tier {cell[1]}).",
        )
        for cell in PRIORITY_CELLS
    ),
    SettingRow("ICP company", "narrative.company", describe(Narrative, "company")),
    SettingRow("ICP situation", "narrative.situation", describe(Narrative, "situation")),
    SettingRow("ICP trigger", "narrative.trigger", describe(Narrative, "trigger")),
    SettingRow("ICP alternative", "narrative.alternative", describe(Narrative, "alternative")),
    SettingRow("ICP urgency", "narrative.urgency", describe(Narrative, "urgency")),
    SettingRow(
        "Google Sheet",
        "google_sheet",
        describe(Settings, "google_sheet"),
    ),
    SettingRow(
        "Trusted sheet functions",
        "trusted_sheet_functions",
        describe(Settings, "trusted_sheet_functions"),
    ),
    SettingRow(
        "Sync deletion limit",
        "sync_deletion_limit",
        describe(Settings, "sync_deletion_limit"),
        "number",
    ),
)


def _setting_value(model: IcpModel, path: str) -> Any:
    value: Any = model.settings
    for part in path.split("."):
        value = value.get(part, "") if isinstance(value, dict) else getattr(value, part)
    return value


def _points(value: float) -> float | int:
    return whole(value)


_ROWS: dict[str, Callable[[IcpModel], list[list[Any]]]] = {
    ICP: lambda m: [
        [
            c.column,
            c.condition.text(),
            _points(c.points),
            c.layer.value if c.layer else "",
            c.note,
            c.group,
            "" if c.cap is None else _points(c.cap),
            c.and_column,
            c.and_condition.text() if c.and_condition else "",
        ]
        for c in m.criteria
    ],
    ANTI_ICP: lambda m: [[d.column, d.condition.text(), d.reason] for d in m.disqualifiers],
    SIGNALS: lambda m: [_signal_row(s) for s in m.signals],
    PERSONAS: lambda m: [
        [p.name, p.role.value, ", ".join(p.title_keywords), p.department, p.seniority, p.angle] for p in m.personas
    ],
    SETTINGS: lambda m: [[s.label, _setting_cell(_setting_value(m, s.path)), s.note] for s in SETTING_ROWS],
    COLUMNS: lambda m: [
        [c.name, ", ".join(c.also_called), YES_NO[not c.required], c.read_as.value if c.read_as else ""]
        for c in m.columns
    ],
    GRADES: lambda m: [[t.axis.value, t.label, "" if t.at is None else _points(t.at)] for t in m.grades.tiers],
    MATRIX: lambda m: [[c.fit, c.timing, c.priority, c.action] for c in m.grades.cells],
    OVERRIDE: lambda m: [[o.column, o.condition.text(), *(o.forced(t) for t in Target), o.reason] for o in m.overrides],
}


def _signal_row(s: Signal) -> list[Any]:
    reads = "" if s.reads is SignalReads.DATE else s.reads.value
    if s.cap is not None:
        reads = f"{reads} up to {fmt_number(s.cap)}"
    window = "" if s.window_days is None else s.window_days
    gate = s.counts_when.text() if s.counts_when is not None else ""
    extra = [reads, gate, s.max_events or "", s.at_least or "", AHEAD_CHOICES[1] if s.count_ahead else ""]
    return [s.name, s.date_column, _points(s.points), window, s.decay.text(), *extra]


def _setting_cell(value: Any) -> Any:
    if isinstance(value, float):
        return _points(value)
    return "" if value is None else value


def model_rows(model: IcpModel) -> dict[str, list[list[Any]]]:
    """The model as the rows of each model tab (headers excluded), in tab order."""
    return {tab: _ROWS[tab](model) for tab in MODEL_TABS}
