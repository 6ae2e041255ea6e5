"""The ICP model: the single source of truth every surface reads and writes.

These pydantic models are what a filled-in template *means*. The template's
drop-down lists, the JSON schema and the documentation tables are generated
from the enums and field descriptions here.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from icp_sheets.core.conditions import Condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.formats import AccountColumn, column_key


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

    column: str = Field(description="Account column the row reads, matched by header name")
    condition: Condition = Field(description="When the row counts")
    points: float = Field(description="Points added (may be negative or fractional; per unit: per unit)")
    layer: Layer | None = Field(None, description="Firmographic, technographic or behavioural")
    note: str = Field("", description="Why the row is there, in the team's words")
    row: int | None = Field(None, description="Sheet row it was read from, for messages")


class Disqualifier(Frozen):
    """One row of the Anti-ICP tab: any match disqualifies the account."""

    column: str = Field(description="Account column the row reads")
    condition: Condition = Field(description="When the account is disqualified")
    reason: str = Field(description="What people see as the disqualification reason")
    row: int | None = None


class Signal(Frozen):
    """A trigger event: points while the event is recent enough."""

    name: str = Field(description="What happened, e.g. 'Funding round'")
    date_column: str = Field(description="Account column holding the event date")
    points: float = Field(description="Points on the day of the event")
    window_days: int = Field(ge=0, description="Days after the event that it still counts")
    decay: Decay = Field(default_factory=Decay, description="How points fade inside the window")
    row: int | None = None

    def points_after(self, days: float) -> float:
        return self.decay.points_after(self.points, days, self.window_days)


class Persona(Frozen):
    """A person inside an account, matched from a contact's job title."""

    name: str = Field(description="Persona name, e.g. 'Sales leader'")
    role: Role = Field(description="Part in the deal")
    title_keywords: tuple[str, ...] = Field(description="Words in a job title that mean this persona")
    department: str = Field("", description="Department, when contacts carry one")
    seniority: str = Field("", description="Seniority, when contacts carry one")
    angle: str = Field("", description="How to open the conversation")
    row: int | None = None


FIT_TIERS = ("A", "B", "C")
TIMING_TIERS = ("1", "2", "3")
PRIORITY_CELLS = tuple(f + t for f in FIT_TIERS for t in TIMING_TIERS)
DISQUALIFIED = "Disqualified"
DQ_PRIORITY = "DQ"


class Narrative(Frozen):
    """The ICP in sentences, for people who never open the ICP tab."""

    company: str = Field("", description="The company that buys, stays and refers")
    situation: str = Field("", description="What is going on there when they need us")
    trigger: str = Field("", description="The event that makes now the moment")
    alternative: str = Field("", description="What they do if they do not buy")
    urgency: str = Field("", description="Why it cannot wait")


class WhenUnreadable(StrEnum):
    """What an Anti-ICP row that cannot read an account's cell does: never a silent pass."""

    FLAG = "flag"  # keep the score; icp_why starts with 'Check: …'
    DISQUALIFY = "disqualify"  # disqualified, with the unreadable cell as the reason


class Settings(Frozen):
    """The Settings tab: names, dates, thresholds and the priority matrix."""

    model_name: str = Field("ICP model", description="Name shown in reports")
    model_version: str = Field("1", description="Bump when the scoring changes")
    last_reviewed: dt.date | None = Field(None, description="Day the team last reviewed the ICP")
    as_of: dt.date | None = Field(None, description="Day signals are counted from; blank = today")
    top_tier: str = Field("Pursue", description="Name of the best tier")
    top_tier_at: float = Field(3, description="Score from which an account is in the best tier")
    middle_tier: str = Field("Nurture", description="Name of the middle tier")
    middle_tier_at: float = Field(
        2,
        description="Score from which an account is in the middle tier; "
        "below it the account is disqualified (the floor)",
    )
    fit_a_at: float = Field(4, description="Fit points from which fit tier is A")
    fit_b_at: float = Field(2, description="Fit points from which fit tier is B (else C)")
    timing_1_at: float = Field(2, description="Timing points from which timing tier is 1")
    timing_2_at: float = Field(1, description="Timing points from which timing tier is 2 (else 3)")
    when_unreadable: WhenUnreadable = Field(
        WhenUnreadable.FLAG,
        description="When an Anti-ICP row cannot read an account's cell (blank or unreadable): "
        "flag the account for a check, or disqualify it",
    )
    actions: dict[str, str] = Field(default_factory=dict, description="Action for each priority cell A1…C3")
    narrative: Narrative = Field(default_factory=Narrative)
    google_sheet: str = Field("", description="Google Sheet the workbook syncs with (shown; set by sync --sheet)")
    trusted_sheet_functions: str = Field(
        "", description="Functions, beyond the safe list, that formulas from the Google Sheet may call"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Settings:
        if self.top_tier_at < self.middle_tier_at:
            raise ValueError("the top tier must start at a score at least the middle tier's")
        if self.fit_a_at < self.fit_b_at or self.timing_1_at < self.timing_2_at:
            raise ValueError("tier A / 1 must start at or above tier B / 2")
        return self

    def action(self, priority: str) -> str:
        if priority == DQ_PRIORITY:
            return "Do not pursue; revisit only if the disqualifying fact changes."
        return self.actions.get(priority, "")


class IcpModel(Frozen):
    """A validated ICP: fit criteria, disqualifiers, signals, personas, settings and column names."""

    settings: Settings = Field(default_factory=Settings)
    criteria: tuple[Criterion, ...] = ()
    disqualifiers: tuple[Disqualifier, ...] = ()
    signals: tuple[Signal, ...] = ()
    personas: tuple[Persona, ...] = ()
    columns: tuple[AccountColumn, ...] = ()

    def column(self, name: str) -> AccountColumn:
        """The Columns tab's row for ``name`` (any case or spacing), or the default: required, no aliases."""
        key = column_key(name)
        return next((c for c in self.columns if column_key(c.name) == key), AccountColumn(name=name))

    def scored_columns(self) -> list[str]:
        """Distinct account columns the fit criteria read, in first-use order."""
        return list(dict.fromkeys(c.column for c in self.criteria))

    def required_columns(self) -> list[str]:
        """Every account column scoring needs: criteria, disqualifiers, signal dates."""
        columns = [c.column for c in self.criteria]
        columns += [d.column for d in self.disqualifiers]
        columns += [s.date_column for s in self.signals]
        return list(dict.fromkeys(columns))

    def to_text(self) -> str:
        """Compact, stable JSON text, for a model cell or a file."""
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_text(cls, text: str) -> IcpModel:
        return cls.model_validate_json(text)
