"""Does the score predict outcomes? Conversion and lift by tier, priority cell and score band.

Each opportunity is scored as of the day it was created when a created-date column
exists, so signals count as a rep would have seen them then and a later funding
round cannot flatter the model. Rows whose outcome is neither good nor bad (open
deals) are left out of every rate and counted apart.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from icp_sheets.core.checks import check_model
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.models import DISQUALIFIED, DQ_PRIORITY, IcpModel
from icp_sheets.core.names import find_column
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.scoring import score
from icp_sheets.core.values import whole
from icp_sheets.evidence.market import blank_missing_columns
from icp_sheets.evidence.outcomes import OutcomeMap, find_header, outcome_column, read_outcomes

CREATED_HEADERS = ("Created date", "Created", "Created on", "Created at", "Create date", "Date created",
                   "Opportunity created", "Opportunity created date")  # fmt: skip
NAME_HEADERS = ("Company", "Account", "Account name", "Company name", "Name", "Domain")
USEFUL_RATIO = 3.0
DROP_POINTS = 0.10
GROUP_COLUMNS = ("Group", "Accounts", "Won", "Conversion", "Lift")


@dataclass(frozen=True)
class RunFigures:
    """The headline figures of one run, kept in the Validation tab to compare the next run with."""

    run_on: dt.date
    model_version: str
    outcomes: int
    base_rate: float
    top_conversion: float | None
    ratio: float | None


@dataclass(frozen=True)
class ValidationReport:
    """Conversion tables, the lists to look at, and warnings grounded in practice."""

    model_name: str
    figures: RunFigures
    top_tier: str
    bottom_tier: str
    won: int
    open: int
    created_column: str | None
    by_tier: pd.DataFrame
    by_priority: pd.DataFrame
    by_band: pd.DataFrame
    pursue_lost: pd.DataFrame
    dq_won: pd.DataFrame
    warnings: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    @property
    def useful(self) -> bool:
        return self.figures.ratio is not None and self.figures.ratio >= USEFUL_RATIO

    def verdict(self) -> str:
        ratio, top, bottom = self.figures.ratio, self.top_tier, self.bottom_tier
        if ratio is None:
            return f"No conversion ratio: {top} or {bottom} has no decided outcomes."
        shown = "∞" if math.isinf(ratio) else f"{ratio:.1f}×"
        if self.useful:
            return f"{top} converts {shown} as often as {bottom}: a useful model (3× or more)."
        return (
            f"{top} converts only {shown} as often as {bottom}: the model is weak (useful models "
            "reach 3×); revisit the criteria."
        )

    def lines(self) -> list[str]:
        """The short terminal summary."""
        f = self.figures
        when = f"as of each row's '{self.created_column}'" if self.created_column else "as of the model's date"
        left_out = f"; {self.open:,} undecided rows left out." if self.open else "."
        out = [
            f"{self.model_name} v{f.model_version}: {f.outcomes:,} decided outcomes ({self.won:,} won, base "
            f"rate {f.base_rate:.1%}), scored {when}{left_out}",
        ]
        out += list(self.notes)
        out += [
            f"  {g:<14}{n:>8,}  {c:6.1%}  lift {lift:4.2f}"
            for g, n, _, c, lift in self.by_tier.itertuples(index=False)
            if n
        ]
        out.append(self.verdict())
        out.append(
            f"{len(self.pursue_lost):,} {self.top_tier} accounts lost; {len(self.dq_won):,} "
            f"{DISQUALIFIED} accounts won (listed in the Validation tab)."
        )
        out += [f"warning: {w}" for w in self.warnings]
        return out


def validate(
    model: IcpModel,
    outcomes: pd.DataFrame,
    *,
    outcome: str | None = None,
    created: str | bool = True,
    mapping: OutcomeMap | None = None,
    previous: RunFigures | None = None,
    today: dt.date | None = None,
) -> ValidationReport:
    """Score each outcome row and measure conversion against the model's tiers.

    ``created``: True finds a created-date column (Created date, Created, …), a name
    uses that column, False scores every row as of the model's date. ``previous``
    is the last run's figures, for the drop warning.
    """
    today = today or dt.date.today()
    labels = read_outcomes(outcomes[outcome_column(outcomes, outcome)], mapping or OutcomeMap())
    created_column = _created_column(outcomes, created)
    notes = [n for n in [labels.unknown_note()] if n]
    outcomes, missing = blank_missing_columns(model, outcomes)
    notes += [f"The outcomes have no '{c}' column: counted as blank." for c in missing]
    as_of = None
    if created_column:
        as_of, undated = _created_days(model, outcomes[created_column])
        if undated:
            notes.append(
                f"{undated:,} rows have no readable '{created_column}' and were scored as of "
                f"{_fallback(model).isoformat()}."
            )
    results = score(model, outcomes, as_of=as_of)

    decided = labels.labelled.to_numpy()
    won = labels.good.to_numpy()
    base = won[decided].mean() if decided.any() else 0.0
    s = model.settings
    tiers = (s.top_tier, s.middle_tier, DISQUALIFIED)
    by_tier = _groups(results["icp_tier"], tiers, decided, won, base)
    by_priority = _groups(
        results["icp_priority"], (*dict.fromkeys(model.grading().priorities), DQ_PRIORITY), decided, won, base
    )
    bands, band_order = score_bands(results["icp_score"].to_numpy())
    by_band = _groups(bands, band_order, decided, won, base)

    counted = by_tier[by_tier["Accounts"] > 0]
    top = _rate(by_tier, s.top_tier)
    bottom_tier = str(counted["Group"].iloc[-1]) if len(counted) else DISQUALIFIED
    bottom = _rate(by_tier, bottom_tier)
    ratio = (
        None
        if top is None or bottom is None or bottom_tier == s.top_tier
        else (math.inf if bottom == 0 and top > 0 else None if bottom == 0 else top / bottom)
    )
    figures = RunFigures(today, s.model_version, int(decided.sum()), float(base), top, ratio)

    lists = _lists(outcomes, results)
    tier = results["icp_tier"].to_numpy(dtype=object)
    warnings = _warnings(model, figures, previous, today)
    return ValidationReport(
        model_name=s.model_name, figures=figures, top_tier=s.top_tier, bottom_tier=bottom_tier,
        won=int((won & decided).sum()), open=int((~decided).sum()), created_column=created_column,
        by_tier=by_tier, by_priority=by_priority, by_band=by_band,
        pursue_lost=lists[(tier == s.top_tier) & labels.bad.to_numpy()],
        dq_won=lists[(tier == DISQUALIFIED) & won],
        warnings=tuple(warnings), notes=tuple(notes),
    )  # fmt: skip


def _created_column(frame: pd.DataFrame, created: str | bool) -> str | None:
    if created is False:
        return None
    if isinstance(created, str):
        found = find_column(frame, created)
        if found is None:
            raise IcpError(
                Problem(
                    Code.MISSING_COLUMN,
                    f"no column '{created}' for creation dates; columns found: {', '.join(map(str, frame.columns))}",
                    column=created,
                )
            )
        return found
    return find_header(frame.columns, CREATED_HEADERS)


def _fallback(model: IcpModel) -> dt.date:
    return model.settings.as_of or dt.date.today()


def _created_days(model: IcpModel, column: pd.Series) -> tuple[pd.Series, int]:
    """Each row's creation day, and how many rows fell back to the model's as-of date (blank or
    unreadable creation dates)."""
    values = ColumnValues(column)
    days = values.per_row(values.day_numbers)
    stamps = pd.Series(pd.to_datetime(days, unit="D", errors="coerce"), index=column.index)
    return stamps.fillna(pd.Timestamp(_fallback(model))), int(stamps.isna().sum())


def score_bands(scores: np.ndarray) -> tuple[pd.Series, list[str]]:
    """Each score's band (lower bound included) with a round step giving at most 8 bands."""
    finite = scores[np.isfinite(scores)]
    if finite.size == 0:
        return pd.Series([""] * len(scores)), []
    low, high = math.floor(finite.min()), finite.max()
    step = next(
        s for s in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, math.inf) if (high - low) / s < 8 or math.isinf(s)
    )
    step = step if math.isfinite(step) else max(high - low, 1)
    index = np.floor((scores - low) / step).astype(int)
    labels = [f"{_num(low + i * step)} to <{_num(low + (i + 1) * step)}" for i in range(int(index.max()) + 1)]
    return pd.Series(np.asarray(labels, dtype=object)[index]), labels


def _num(x: float) -> str:
    n = whole(float(x))
    return str(n) if isinstance(n, int) else f"{x:g}"


def _groups(
    keys: pd.Series | np.ndarray, order: tuple[str, ...] | list[str], decided: np.ndarray, won: np.ndarray, base: float
) -> pd.DataFrame:
    """Accounts with a decided outcome, wins, conversion and lift per group, in ``order``."""
    frame = pd.DataFrame({"key": np.asarray(keys, dtype=object)[decided], "won": won[decided]})
    counts = frame.groupby("key")["won"].agg(["size", "sum"]).reindex(list(order), fill_value=0)
    accounts, wins = counts["size"].to_numpy(int), counts["sum"].to_numpy(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        conversion = np.where(accounts > 0, wins / np.maximum(accounts, 1), np.nan)
        lift = conversion / base if base else np.full(len(order), np.nan)
    return pd.DataFrame(dict(zip(GROUP_COLUMNS, (list(order), accounts, wins, conversion, lift), strict=True)))


def _rate(table: pd.DataFrame, group: str) -> float | None:
    row = table[table["Group"] == group]
    return None if row.empty or row["Accounts"].iloc[0] == 0 else float(row["Conversion"].iloc[0])


def _lists(outcomes: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """The columns people need to look an account up: its row, name, score, priority and why."""
    name = find_header(outcomes.columns, NAME_HEADERS) or str(outcomes.columns[0])
    return pd.DataFrame({
        "Row": outcomes.index, name: outcomes[name].to_numpy(),
        "Score": results["icp_score"].to_numpy(), "Priority": results["icp_priority"].to_numpy(dtype=object),
        "Why": results["icp_why"].to_numpy(dtype=object),
    })  # fmt: skip


def _warnings(model: IcpModel, figures: RunFigures, previous: RunFigures | None, today: dt.date) -> list[str]:
    out = []
    top, tier = figures.top_conversion, model.settings.top_tier
    if top is not None and top <= figures.base_rate:
        out.append(
            f"{tier} converts at {top:.1%}, no better than the {figures.base_rate:.1%} average: the ICP "
            "is too broad; tighten the criteria or raise the top-tier threshold."
        )
    if (
        previous is not None
        and previous.top_conversion is not None
        and top is not None
        and previous.top_conversion - top > DROP_POINTS
    ):
        out.append(
            f"{tier} conversion dropped from {previous.top_conversion:.1%} on {previous.run_on} to "
            f"{top:.1%}: more than 10 points; time to revisit the ICP."
        )
    out += [
        p.message[0].upper() + p.message[1:] for p in check_model(model, today=today) if p.code is Code.STALE_REVIEW
    ]
    return out
