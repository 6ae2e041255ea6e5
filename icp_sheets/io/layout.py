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
from icp_sheets.core.conditions import KINDS
from icp_sheets.core.models import PRIORITY_CELLS, IcpModel, Layer, Role, WhenUnreadable

# The "X as X" imports serve only sheets/sync.py until it imports them from core.names (issue 12 owns it).
from icp_sheets.core.names import ACCOUNTS as ACCOUNTS
from icp_sheets.core.names import ANTI_ICP, ICP, PERSONAS, SETTINGS, SIGNALS
from icp_sheets.core.names import CONTACT_RESULT_COLUMNS as CONTACT_RESULT_COLUMNS
from icp_sheets.core.names import CONTACTS as CONTACTS
from icp_sheets.core.names import DATA_TABS as DATA_TABS
from icp_sheets.core.names import MODEL_TABS as MODEL_TABS
from icp_sheets.core.names import RESULT_COLUMNS as RESULT_COLUMNS
from icp_sheets.core.values import whole


@dataclass(frozen=True)
class Column:
    header: str
    note: str
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 18


@dataclass(frozen=True)
class TabLayout:
    name: str
    columns: tuple[Column, ...]
    purpose: str

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


CONDITION_CHOICES = tuple(op.value for op in KINDS)
DECAY_CHOICES = tuple(decays.CHOICES)

TABS: dict[str, TabLayout] = {
    ICP: TabLayout(
        ICP,
        (
            Column("Column", "The account column this row reads, spelled as in the Accounts header.", True, width=18),
            Column(
                "Condition",
                "When the row counts, e.g. 'between 50 and 200', 'one of Series A, Series B', "
                "'contains any of Salesforce, HubSpot', 'any other value', 'per unit up to 100'. Rows for "
                "the same column are bands: the first match from the top counts.",
                True,
                CONDITION_CHOICES,
                width=38,
            ),
            Column(
                "Points",
                "Points when the row counts; negative and fractional allowed. For 'per unit', "
                "points per unit of the cell's number.",
                True,
                width=9,
            ),
            Column(
                "Layer",
                "Firmographic (who they are), technographic (what they run) or behavioural (what they do).",
                False,
                tuple(layer.value for layer in Layer),
                width=15,
            ),
            Column("Note", "Why this row is in the ICP, in your words: the evidence behind it.", width=52),
        ),
        "Fit criteria: which accounts are worth the effort.",
    ),
    ANTI_ICP: TabLayout(
        ANTI_ICP,
        (
            Column("Column", "The account column this row reads.", True),
            Column(
                "Condition",
                "When the account is disqualified, in the same words as the ICP tab.",
                True,
                CONDITION_CHOICES,
                width=32,
            ),
            Column("Reason", "What reps see as the reason, e.g. 'Public sector: 12-month cycles'.", True, width=52),
        ),
        "Who we will not sell to, whatever the points say.",
    ),
    SIGNALS: TabLayout(
        SIGNALS,
        (
            Column("Signal", "The event, e.g. 'Funding round'.", True, width=16),
            Column("Date column", "The account column holding the event's date.", True, width=20),
            Column("Points", "Points on the day of the event.", True, width=9),
            Column("Window (days)", "How many days after the event it still counts.", True, width=15),
            Column(
                "Decay",
                "'none' (full points in the window), 'linear' (down to 0 at the end) or "
                "'half-life N days' with an optional ', floor F'.",
                False,
                DECAY_CHOICES,
                width=28,
            ),
        ),
        "Trigger events: when to reach out.",
    ),
    PERSONAS: TabLayout(
        PERSONAS,
        (
            Column("Persona", "A name for the person, e.g. 'Sales leader'.", True, width=18),
            Column("Role", "Their part in the deal.", True, tuple(role.value for role in Role), width=20),
            Column(
                "Title keywords", "Words in a job title that mean this persona, separated by commas.", True, width=44
            ),
            Column("Department", "Optional: the department, when contacts carry one.", width=14),
            Column("Seniority", "Optional: the seniority, when contacts carry one.", width=12),
            Column("Opening angle", "How a rep opens the conversation with this person.", width=60),
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
    SettingRow("Model name", "model_name", "Shown in reports and exports."),
    SettingRow("Model version", "model_version", "Bump it whenever you change the scoring."),
    SettingRow(
        "Last reviewed", "last_reviewed", "The day the team last reviewed the ICP; review it every quarter.", "date"
    ),
    SettingRow("As-of date", "as_of", "Signals count back from this day. Leave blank to use today.", "date"),
    SettingRow("Top tier", "top_tier", "Name of the best tier."),
    SettingRow(
        "Top tier from score", "top_tier_at", "Total score from which an account is in the top tier.", "number", True
    ),
    SettingRow("Middle tier", "middle_tier", "Name of the middle tier."),
    SettingRow(
        "Middle tier from score",
        "middle_tier_at",
        "The floor: below this score an account is Disqualified.",
        "number",
        True,
    ),
    SettingRow(
        "When a disqualifier cannot be read",
        "when_unreadable",
        "An Anti-ICP row that cannot read an account's cell (blank, or 'Opted out' on a yes/no rule): 'flag' "
        "keeps the score and starts icp_why with 'Check: …'; 'disqualify' disqualifies it. Blank = flag.",
        "choice",
        choices=tuple(choice.value for choice in WhenUnreadable),
    ),
    SettingRow("Fit tier A from", "fit_a_at", "Fit points from which fit tier is A.", "number", True),
    SettingRow("Fit tier B from", "fit_b_at", "Fit points from which fit tier is B; below is C.", "number", True),
    SettingRow("Timing tier 1 from", "timing_1_at", "Signal points from which timing tier is 1.", "number", True),
    SettingRow(
        "Timing tier 2 from", "timing_2_at", "Signal points from which timing tier is 2; below is 3.", "number", True
    ),
    *(
        SettingRow(
            f"Action {cell}",
            f"actions.{cell}",
            f"What a rep does with a {cell} account (fit tier {cell[0]}, timing tier {cell[1]}).",
        )
        for cell in PRIORITY_CELLS
    ),
    SettingRow("ICP company", "narrative.company", "The company that buys, stays and refers."),
    SettingRow("ICP situation", "narrative.situation", "What is going on there when they need you."),
    SettingRow("ICP trigger", "narrative.trigger", "The event that makes now the moment."),
    SettingRow("ICP alternative", "narrative.alternative", "What they do if they do not buy."),
    SettingRow("ICP urgency", "narrative.urgency", "Why it cannot wait."),
    SettingRow(
        "Google Sheet",
        "google_sheet",
        "The Google Sheet this workbook syncs with; set by 'icp-sheets sync push --sheet URL', never by the sheet.",
    ),
    SettingRow(
        "Trusted sheet functions",
        "trusted_sheet_functions",
        "Functions beyond the safe list (docs/sheets.md) that formulas typed in the Google Sheet may call here, "
        "comma separated. Only the workbook sets this.",
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
        [c.column, c.condition.text(), _points(c.points), c.layer.value if c.layer else "", c.note] for c in m.criteria
    ],
    ANTI_ICP: lambda m: [[d.column, d.condition.text(), d.reason] for d in m.disqualifiers],
    SIGNALS: lambda m: [[s.name, s.date_column, _points(s.points), s.window_days, s.decay.text()] for s in m.signals],
    PERSONAS: lambda m: [
        [p.name, p.role.value, ", ".join(p.title_keywords), p.department, p.seniority, p.angle] for p in m.personas
    ],
    SETTINGS: lambda m: [[s.label, _setting_cell(_setting_value(m, s.path)), s.note] for s in SETTING_ROWS],
}


def _setting_cell(value: Any) -> Any:
    if isinstance(value, float):
        return _points(value)
    return "" if value is None else value


def model_rows(model: IcpModel) -> dict[str, list[list[Any]]]:
    """The model as the rows of each model tab (headers excluded), in tab order."""
    return {tab: _ROWS[tab](model) for tab in MODEL_TABS}
