"""The ICP model: the single source of truth every surface reads and writes.

These pydantic models are what a filled-in template *means*. The field
descriptions here are the template's header and Settings notes (io.layout reads
them with :func:`describe`), the docs' tab tables and the JSON schema
(``icp-sheets schema``); the enums give the drop-down lists.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from icp_sheets.core.conditions import Condition
from icp_sheets.core.decays import Decay, DecayKind
from icp_sheets.core.formats import AccountColumn, column_key
from icp_sheets.core.grades import DEFAULT_FIT, DEFAULT_TIMING, Grades, Grading, grading, mistakes
from icp_sheets.core.grades import DQ_PRIORITY as DQ_PRIORITY  # where every surface has imported it from
from icp_sheets.core.overrides import Override
from icp_sheets.core.overrides import mistakes as override_mistakes


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Layer(StrEnum):
    FIRMOGRAPHIC = "firmographic"
    TECHNOGRAPHIC = "technographic"
    BEHAVIOURAL = "behavioural"


class Role(StrEnum):
    """A persona's part in the deal."""

    ECONOMIC_BUYER = "economic buyer"
    CHAMPION = "champion"
    TECHNICAL_GATEKEEPER = "technical gatekeeper"
    USER = "user"
    OTHER = "other"


class Criterion(Frozen):
    """One row of the ICP tab: points when an account column meets a condition."""

    column: str = Field(description="The account column this row reads, spelled as in the Accounts header.")
    condition: Condition = Field(
        description=(
            "When the row counts, e.g. 'between 50 and 200', 'one of Series A, Series B', 'contains any of "
            "Salesforce, HubSpot', 'any other value', 'per unit up to 100'. Rows for the same column are bands: "
            "the first match from the top counts."
        )
    )
    points: float = Field(
        description=(
            "Points when the row counts; negative and fractional allowed. For 'per unit', points per unit of the "
            "cell's number."
        )
    )
    layer: Layer | None = Field(
        None, description="Firmographic (who they are), technographic (what they run) or behavioural (what they do)."
    )
    note: str = Field("", description="Why this row is in the ICP, in your words: the evidence behind it.")
    row: int | None = Field(None, description="Sheet row it was read from, for messages")
    group: str = Field(
        "",
        description=(
            "Optional: rows of a column in the same group are bands (first match counts); rows in different "
            "groups add up, e.g. one group per title keyword. Blank = the column's own group."
        ),
    )
    cap: float | None = Field(
        None,
        description=(
            "Optional: the most points the row's group adds (its rows on every column together); a negative cap "
            "is the most it takes away. Write it on one row of the group."
        ),
    )
    and_column: str = Field("", description="Optional: another account column the row also needs, e.g. 'Industry'.")
    and_condition: Condition | None = Field(
        None, description="With 'And column': the condition that column must also meet, e.g. 'is Software'."
    )

    @model_validator(mode="after")
    def _and_pair(self) -> Criterion:
        if bool(self.and_column.strip()) != (self.and_condition is not None):
            raise ValueError("'And column' and 'And condition' go together: fill in both or neither")
        return self

    def group_key(self) -> str:
        """Which cap the row's points fall under: its group, or its column's own."""
        return f"group {norm_group(self.group)}" if self.group.strip() else f"column {column_key(self.column)}"

    def band_key(self) -> tuple[str, str]:
        """Rows with the same band key are bands of one another: first match from the top counts."""
        return column_key(self.column), norm_group(self.group)


def norm_group(name: str) -> str:
    """Group names compare like headers: case and spacing do not count."""
    return " ".join(name.split()).casefold()


class Disqualifier(Frozen):
    """One row of the Anti-ICP tab: any match disqualifies the account."""

    column: str = Field(description="The account column this row reads.")
    condition: Condition = Field(description="When the account is disqualified, in the same words as the ICP tab.")
    reason: str = Field(description="What reps see as the reason, e.g. 'Public sector: 12-month cycles'.")
    row: int | None = None


class SignalReads(StrEnum):
    """What a signal's column holds: the event's date, its age in days, a count, or an event name."""

    DATE = "date"  # one date, or several in one cell (each is an event)
    DAYS_AGO = "days ago"  # the age of the event in days, as a number
    PER_UNIT = "per unit"  # a count: points per unit, no date (open roles: 12 a role up to 100)
    EVENT = "event"  # the name of an event in the Events log


class Gate(Frozen):
    """'Counts when': a condition on another column that must hold for a signal to count."""

    column: str = Field(description="The account column the gate reads, e.g. 'Expansion signal'.")
    condition: Condition = Field(description="What that column must meet, e.g. 'is true'.")

    def text(self) -> str:
        return f"{self.column} {self.condition.text()}"


class Signal(Frozen):
    """A trigger event: points while the event is recent enough."""

    name: str = Field(description="The event, e.g. 'Funding round'.")
    date_column: str = Field(
        description=(
            "The account column holding the event's date (several dates in one cell, separated by ';', are each "
            "an event), its age in days, or a count, as Reads says; for Reads 'event', the event's name in the "
            "Events log."
        )
    )
    points: float = Field(description="Points on the day of the event; for 'per unit', points per unit.")
    window_days: int | None = Field(
        None, ge=0, description="How many days after the event it still counts. Blank = forever."
    )
    decay: Decay = Field(
        default_factory=Decay,
        description=(
            "'none' (full points in the window), 'linear' (down to 0 at the end) or 'half-life N days' with an "
            "optional ', floor F'."
        ),
    )
    reads: SignalReads = Field(
        SignalReads.DATE,
        description=(
            "What the column holds: 'date' (blank = date), 'days ago' (the event's age in days), 'per unit' or "
            "'per unit up to 100' (a count, points per unit, no date) or 'event' (an event of the Events log)."
        ),
    )
    cap: float | None = Field(None, ge=0, description="Most points a 'per unit' signal gives")
    counts_when: Gate | None = Field(
        None,
        description=(
            "Optional: a condition on another column that must hold for the signal to count, e.g. "
            "'Expansion signal is true'."
        ),
    )
    max_events: int | None = Field(
        None, ge=1, description="Optional: at most this many events count (the most recent); blank = all."
    )
    at_least: int | None = Field(
        None,
        ge=1,
        description=(
            "Optional: the signal counts only when at least this many events fall in the window, and then once, "
            "from the most recent (e.g. 2 pricing-page visits in the last 14 days)."
        ),
    )
    count_ahead: bool = Field(
        False,
        description=(
            "An event dated after the as-of day (or a negative days-ago): 'ignore' (blank; icp_why says so) or "
            "'count' (the decay runs backwards, above the full points)."
        ),
    )
    row: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Signal:
        counting = self.reads in (SignalReads.DATE, SignalReads.EVENT)
        if self.reads is SignalReads.PER_UNIT and (self.decay.kind is not DecayKind.NONE or self.window_days):
            raise ValueError("a 'per unit' signal counts a number, not a date: leave Window and Decay blank")
        if self.cap is not None and self.reads is not SignalReads.PER_UNIT:
            raise ValueError("only a 'per unit' signal takes a cap ('per unit up to 100')")
        if (self.max_events is not None or self.at_least is not None) and not counting:
            raise ValueError("'Max events' and 'At least' count events: use them with Reads 'date' or 'event'")
        if self.decay.kind is DecayKind.LINEAR and self.window_days is None:
            raise ValueError("a 'linear' decay falls to 0 at the end of the window: give the window in days")
        return self

    def points_after(self, days: float) -> float:
        """Points ``days`` after the event (negative: before it happened, when the signal counts those)."""
        window = math.inf if self.window_days is None else self.window_days
        if days < 0 and not self.count_ahead:
            return 0.0
        return self.decay.points_after(self.points, days, window, ahead=self.count_ahead)

    def columns(self) -> list[str]:
        """The account columns this signal reads (its own, unless it reads the Events log, and its gate's)."""
        own = [] if self.reads is SignalReads.EVENT else [self.date_column]
        return own + ([self.counts_when.column] if self.counts_when is not None else [])


class Persona(Frozen):
    """A person inside an account, matched from a contact's job title."""

    name: str = Field(description="A name for the person, e.g. 'Sales leader'.")
    role: Role = Field(description="Their part in the deal.")
    title_keywords: tuple[str, ...] = Field(
        description="Words in a job title that mean this persona, separated by commas."
    )
    department: str = Field("", description="Optional: the department, when contacts carry one.")
    seniority: str = Field("", description="Optional: the seniority, when contacts carry one.")
    angle: str = Field("", description="How a rep opens the conversation with this person.")
    row: int | None = None


FIT_TIERS = DEFAULT_FIT
TIMING_TIERS = DEFAULT_TIMING
PRIORITY_CELLS = tuple(f + t for f in FIT_TIERS for t in TIMING_TIERS)
DISQUALIFIED = "Disqualified"


class Narrative(Frozen):
    """The ICP in sentences, for people who never open the ICP tab."""

    company: str = Field("", description="The company that buys, stays and refers.")
    situation: str = Field("", description="What is going on there when they need you.")
    trigger: str = Field("", description="The event that makes now the moment.")
    alternative: str = Field("", description="What they do if they do not buy.")
    urgency: str = Field("", description="Why it cannot wait.")


class Scale(StrEnum):
    """How icp_fit, icp_timing and icp_score are shown, and the thresholds read."""

    POINTS = "points"  # the points as they add up
    PERCENT = "0-100"  # 100 = the most points the model can give after caps


class WhenUnreadable(StrEnum):
    """What an Anti-ICP row that cannot read an account's cell does: never a silent pass."""

    FLAG = "flag"  # keep the score; icp_why says 'Check: …' (after a disqualification, if any)
    DISQUALIFY = "disqualify"  # disqualified, with the unreadable cell as the reason


class Settings(Frozen):
    """The Settings tab: names, dates, thresholds and the priority matrix."""

    model_name: str = Field("ICP model", description="Shown in reports and exports.")
    model_version: str = Field("1", description="Bump it whenever you change the scoring.")
    last_reviewed: dt.date | None = Field(
        None, description="The day the team last reviewed the ICP; review it every quarter."
    )
    as_of: dt.date | None = Field(None, description="Signals count back from this day. Leave blank to use today.")
    top_tier: str = Field("Pursue", description="Name of the best tier.")
    top_tier_at: float = Field(3, description="Total score from which an account is in the top tier.")
    middle_tier: str = Field("Nurture", description="Name of the middle tier.")
    middle_tier_at: float = Field(
        2,
        description="The floor: below this score an account is Disqualified.",
    )
    fit_a_at: float = Field(4, description="Fit points from which fit tier is A.")
    fit_b_at: float = Field(2, description="Fit points from which fit tier is B; below is C.")
    timing_1_at: float = Field(2, description="Signal points from which timing tier is 1.")
    timing_2_at: float = Field(1, description="Signal points from which timing tier is 2; below is 3.")
    fit_cap: float | None = Field(
        None, description="Optional: the most fit points an account can have, whatever its rows add up to."
    )
    timing_cap: float | None = Field(None, description="Optional: the most timing (signal) points an account can have.")
    scale: Scale = Field(
        Scale.POINTS,
        description=(
            "'points' (blank) shows scores as points; '0-100' shows fit, timing and score as a share of the most "
            "the model can give after caps (100), never below 0. Thresholds are in the scale chosen."
        ),
    )
    when_unreadable: WhenUnreadable = Field(
        WhenUnreadable.FLAG,
        description=(
            "An Anti-ICP row that cannot read an account's cell (blank, or 'Opted out' on a yes/no rule): 'flag' "
            "keeps the score and leads icp_why with 'Check: …'; 'disqualify' disqualifies it. Blank = flag."
        ),
    )
    actions: dict[str, str] = Field(default_factory=dict, description="Action for each priority cell A1…C3")
    narrative: Narrative = Field(default_factory=Narrative)
    google_sheet: str = Field(
        "",
        description=(
            "The Google Sheet this workbook syncs with; set by 'icp-sheets sync push --sheet URL', never by the sheet."
        ),
    )
    trusted_sheet_functions: str = Field(
        "",
        description=(
            "Functions beyond the safe list (docs/sheets.md) that formulas typed in the Google Sheet may call "
            "here, comma separated. Only the workbook sets this."
        ),
    )
    sync_deletion_limit: int | None = Field(
        None,
        ge=0,
        description=(
            "How many rows of a tab one sync may delete without --allow-delete. Blank: 10 rows or 20% of the "
            "tab, whichever is larger. Only the workbook sets this."
        ),
    )

    @model_validator(mode="after")
    def _ordered(self) -> Settings:
        if self.top_tier_at < self.middle_tier_at:
            raise ValueError("the top tier must start at a score at least the middle tier's")
        if self.fit_a_at < self.fit_b_at or self.timing_1_at < self.timing_2_at:
            raise ValueError("tier A / 1 must start at or above tier B / 2")
        return self


def describe(model: type[BaseModel], field: str) -> str:
    """A field's description: the words the template's header notes, the docs and the JSON schema share."""
    description = model.model_fields[field].description
    if description is None:
        raise KeyError(f"{model.__name__}.{field} has no description")
    return description


class IcpModel(Frozen):
    """A validated ICP: fit criteria, disqualifiers, signals, personas, settings, column names, grades and
    overrides."""

    settings: Settings = Field(default_factory=Settings)
    criteria: tuple[Criterion, ...] = ()
    disqualifiers: tuple[Disqualifier, ...] = ()
    signals: tuple[Signal, ...] = ()
    personas: tuple[Persona, ...] = ()
    columns: tuple[AccountColumn, ...] = ()
    grades: Grades = Field(default_factory=Grades)
    overrides: tuple[Override, ...] = ()

    @model_validator(mode="after")
    def _graded(self) -> IcpModel:
        found = mistakes(self.settings, self.grades)
        if not found:
            found += override_mistakes(self.overrides, self.grading(), self.tiers())
        if found:
            raise ValueError(f"{found[0].tab} tab: {found[0].column} {found[0].message}")
        return self

    def tiers(self) -> tuple[str, str]:
        """The tiers an account that is not disqualified can be in, best first."""
        return self.settings.top_tier, self.settings.middle_tier

    def grading(self) -> Grading:
        """The fit and timing tiers and the priority matrix scoring uses (Grades tabs over Settings)."""
        return grading(self.settings, self.grades)

    def column(self, name: str) -> AccountColumn:
        """The Columns tab's row for ``name`` (any case or spacing), or the default: required, no aliases."""
        key = column_key(name)
        return next((c for c in self.columns if column_key(c.name) == key), AccountColumn(name=name))

    def band_sets(self) -> list[tuple[Criterion, ...]]:
        """The rows that are bands of one another (one column, one group), in first-row order."""
        sets: dict[tuple[str, str], list[Criterion]] = {}
        for criterion in self.criteria:
            sets.setdefault(criterion.band_key(), []).append(criterion)
        return [tuple(rows) for rows in sets.values()]

    def group_caps(self) -> dict[str, float]:
        """Each capped group's cap (by group key); the first row that states one sets it."""
        caps: dict[str, float] = {}
        for criterion in self.criteria:
            if criterion.cap is not None:
                caps.setdefault(criterion.group_key(), criterion.cap)
        return caps

    def scored_columns(self) -> list[str]:
        """Distinct account columns the fit criteria read, in first-use order."""
        return list(dict.fromkeys(c.column for c in self.criteria))

    def required_columns(self) -> list[str]:
        """Every account column scoring needs: criteria, disqualifiers, signal dates, overrides."""
        columns = [c.column for c in self.criteria]
        columns += [c.and_column for c in self.criteria if c.and_column]
        columns += [d.column for d in self.disqualifiers]
        columns += [c for s in self.signals for c in s.columns()]
        columns += [o.column for o in self.overrides]
        return list(dict.fromkeys(columns))

    def reads_events(self) -> bool:
        """Whether a Signals row counts events of the Events log."""
        return any(s.reads is SignalReads.EVENT for s in self.signals)

    def to_text(self) -> str:
        """Compact, stable JSON text, for a model cell or a file."""
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_text(cls, text: str) -> IcpModel:
        return cls.model_validate_json(text)
