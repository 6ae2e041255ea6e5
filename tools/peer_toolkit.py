"""Write tests/data/peer_toolkit.xlsx: an open-source ICP toolkit's model as an icp-sheets template.

The model is darkanalytica1/icp-scoring-toolkit 1.0.0 (MIT) as its example config sets it
up; tests/test_peer_toolkit.py restates its rules. Weighted firmographic bands for fit, and
for timing 12 points per open role up to 100, a 45-day half-life with a floor of 5 at any age, and
two signals that count only when their flag is true. Every weight is multiplied into the
points here (85 points × 0.30 = 25.5), so fit and timing are the toolkit's raw scores, on
its own input columns, without preprocessing. Run ``python -m tools.peer_toolkit``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from icp_sheets.core.conditions import parse_condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.formats import AccountColumn
from icp_sheets.core.gates import parse_gate
from icp_sheets.core.models import Criterion, IcpModel, Layer, Settings, Signal, SignalReads
from icp_sheets.io.template import write_template

PATH = Path(__file__).resolve().parent.parent / "tests" / "data" / "peer_toolkit.xlsx"

# (column, condition, band points, weight): the first matching row of a column counts.
_FIT = [
    ("revenue_eur", "at most 200000", 20, 0.30, "micro, also 0 and negative revenue"),
    ("revenue_eur", "at most 1000000", 55, 0.30, "small"),
    ("revenue_eur", "at most 10000000", 100, 0.30, "mid"),
    ("revenue_eur", "at most 50000000", 85, 0.30, "upper_mid"),
    ("revenue_eur", "above 50000000", 45, 0.30, "enterprise; a missing revenue scores 0"),
    ("headcount", "below 10", 25, 0.20, "micro: the toolkit truncates 9.9 to 9, and -3 to 0"),
    ("headcount", "below 50", 60, 0.20, "small"),
    ("headcount", "below 250", 100, 0.20, "medium"),
    ("headcount", "below 1000", 80, 0.20, "large"),
    ("headcount", "at least 1000", 40, 0.20, "enterprise; a missing headcount scores 0"),
    ("industry", "one of software, it_services, telecom", 100, 0.35, "technology"),
    (
        "industry",
        "one of professional_services, financial_services, healthcare, education",
        85,
        0.35,
        "services",
    ),
    (
        "industry",
        "one of manufacturing, industrial_equipment, construction, logistics, wholesale_distribution",
        70,
        0.35,
        "industrial",
    ),
    ("industry", "one of retail, hospitality, consumer_goods", 40, 0.35, "commercial"),
    ("industry", "any other value", 15, 0.35, "other: public_sector, agriculture, anything unmapped or missing"),
    *(
        ("region", f"is {region}", points, 0.15, "any other region or none scores 0")
        for region, points in (
            ("DACH", 90),
            ("Benelux", 85),
            ("Nordics", 80),
            ("UK_I", 95),
            ("CEE", 75),
            ("Iberia", 60),
            ("Southern_EU", 55),
            ("Overseas", 30),
        )
    ),
]
# Decimal points of band points × weight as people write them (85 × 0.35 is 29.75, not the
# double 29.749999999999996): the sums stay within 1e-14 of the toolkit's.
_WEIGHTED = {(p, w): round(p * w, 10) for _, _, p, w, _ in _FIT}

NOTES = {
    "A1": "Best-fit account, active buying signal now. Call today.",
    "A2": "Best-fit account, moderate signal. Nurture into a trigger event.",
    "A3": "Best-fit account, no signal. Long-cycle nurture, not a cold call target.",
    "B1": "Workable fit, strong timing. Worth a call despite imperfect fit.",
    "B2": "Workable fit, moderate timing. Standard pipeline.",
    "B3": "Workable fit, no timing. Low priority, marketing-only.",
    "C1": (
        "Poor fit, active signal. Usually noise (wrong-size company reacting to something unrelated); "
        "verify before calling."
    ),
    "C2": "Poor fit, moderate signal. Deprioritize.",
    "C3": "Poor fit, no signal. Suppress from active lists.",
}
INPUTS = (
    "revenue_eur",
    "headcount",
    "industry",
    "region",
    "hiring_open_roles",
    "funding_event_days_ago",
    "expansion_signal",
    "expansion_signal_days_ago",
    "tech_adoption_signal",
    "tech_adoption_signal_days_ago",
)


def _decayed(name: str, column: str, full: float, weight: float, flag: str | None, row: int) -> Signal:
    """A recency signal: full × weight points halving every 45 days, never below 5 × weight,
    at any age; an age before the as-of day counts too (the toolkit does not clamp it)."""
    return Signal(
        name=name,
        date_column=column,
        points=round(full * weight, 10),
        decay=Decay.parse(f"half-life 45 days, floor {round(5 * weight, 10)}"),
        reads=SignalReads.DAYS_AGO,
        counts_when=parse_gate(f"{flag} is true") if flag else None,
        count_ahead=True,
        row=row,
    )


def peer_model() -> IcpModel:
    """The toolkit's model: icp_fit is its fit_score_raw, icp_timing its intent_score_raw."""
    criteria = tuple(
        Criterion(
            column=column,
            condition=parse_condition(condition),
            points=_WEIGHTED[(points, weight)],
            layer=Layer.FIRMOGRAPHIC,
            note=f"{points} points × weight {weight:.2f}; {note}",
            row=row,
        )
        for row, (column, condition, points, weight, note) in enumerate(_FIT, start=2)
    )
    signals = (
        Signal(
            name="Hiring",
            date_column="hiring_open_roles",
            points=round(12 * 0.35, 10),
            reads=SignalReads.PER_UNIT,
            cap=round(100 * 0.35, 10),
            row=2,
        ),
        _decayed("Funding", "funding_event_days_ago", 100, 0.30, None, 3),
        _decayed("Expansion", "expansion_signal_days_ago", 70, 0.20, "expansion_signal", 4),
        _decayed("Tech adoption", "tech_adoption_signal_days_ago", 60, 0.15, "tech_adoption_signal", 5),
    )
    settings = Settings(
        model_name="Peer ICP toolkit (icp-scoring-toolkit 1.0.0, example config)",
        model_version="1.0.0",
        top_tier="Pursue",
        top_tier_at=0,
        middle_tier="Keep",
        middle_tier_at=-1_000_000,  # the toolkit disqualifies nobody
        fit_a_at=82,
        fit_b_at=58,
        timing_1_at=25,
        timing_2_at=8,
        actions=NOTES,
    )
    columns = tuple(AccountColumn(name=c, required=False, row=i) for i, c in enumerate(INPUTS, start=2))
    return IcpModel(settings=settings, criteria=criteria, signals=signals, columns=columns)


def peer_examples() -> pd.DataFrame:
    """The worked examples of the description, as the toolkit's input rows."""
    rows = [
        ("SYN-00001", 19398300, 234, "financial_services", "DACH", 6, None, "false", None, "true", 117),
        ("SYN-00002", 1141300, 15, "industrial_equipment", "CEE", 9, None, "false", None, "false", None),
        ("SYN-00924", 1227700, 7, "telecom", "Nordics", 0, None, "false", None, "false", None),
        ("SYN-00085", 1500000, 9, "retail", "Iberia", 0, None, "false", None, "false", None),
        ("SYN-00004", 2000000, 7, "retail", "UK_I", 0, None, "false", None, "false", None),
        ("SYN-00364", 2000000, 15, "retail", "UK_I", 0, None, "false", None, "true", 8),
        ("SYN-00203", 1231900, 16, "professional_services", "CEE", 8, 8, "false", None, "true", 334),
        ("EDGE-039", 2000000, 15, "retail", "UK_I", 0, None, "true", None, "false", None),
        ("EDGE-040", 2000000, 15, "retail", "UK_I", 0, None, "false", 10, "false", None),
    ]
    return pd.DataFrame(rows, columns=["company_id", *INPUTS], dtype=object)


def main() -> None:
    PATH.parent.mkdir(parents=True, exist_ok=True)
    write_template(PATH, peer_model(), peer_examples(), pd.DataFrame({"title": []}))
    print(f"wrote {PATH}")


if __name__ == "__main__":
    main()
