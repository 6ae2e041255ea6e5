"""Propose an ICP from evidence: what the best customers share and the worst do not.

Every guide says to build the profile from the best customers and the anti-profile
from the worst. :func:`learn` does that column by column, the way an analyst would
with a pivot table, and proposes only what the evidence carries:

* a **criterion** covers at least ``common`` (70%) of the best and at most ``rare``
  (30%) of the worst: a category or a set of them (``one of``), a numeric band with
  round 1-2-5 boundaries (``between 50 and 200``), or tech-stack items
  (``contains any of``);
* an **Anti-ICP row** covers at least ``anti_common`` (50%) of the worst and at most
  ``anti_rare`` (10%) of the best, because a disqualifier overrides every point;
* each proposal must also pass a one-sided Fisher exact test at ``alpha`` divided by
  the number of attributes tried (Bonferroni), so columns of noise propose nothing.

Too few best or worst customers, or no contrast at all, give a refusal instead of a
profile. Cells are read by :class:`~icp_sheets.core.distinct.ColumnValues`, the reader
scoring uses, so a proposal means the same thing when it is scored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from icp_sheets.core.conditions import Condition, Op
from icp_sheets.core.distinct import ColumnValues
from icp_sheets.core.models import Criterion, Disqualifier, Layer
from icp_sheets.core.values import category_key, norm_text, parse_number, shown, split_list
from icp_sheets.evidence.outcomes import OutcomeMap, Outcomes, find_header, outcome_column, read_outcomes, text_keys

SOURCE_HEADERS = ("Source", "Lead source", "Acquisition channel", "Channel")
REFERRAL_WORDS = ("referr", "word of mouth")
REFERRAL_HEALTHY = 0.30
_MANTISSAS = (1.0, 2.0, 5.0)


@dataclass(frozen=True)
class LearnRules:
    """How much evidence a proposal needs; the defaults follow common ICP practice."""

    min_best: int = 10
    min_worst: int = 10
    common: float = 0.70
    rare: float = 0.30
    anti_common: float = 0.50
    anti_rare: float = 0.10
    alpha: float = 0.05
    max_items: int = 4


@dataclass(frozen=True)
class Evidence:
    """One proposed row and the counts behind it."""

    column: str
    condition: Condition
    best: int
    n_best: int
    worst: int
    n_worst: int
    p_value: float
    layer: Layer | None = None

    @property
    def contrast(self) -> float:
        """Share of best minus share of worst (negative for an Anti-ICP row)."""
        return self.best / self.n_best - self.worst / self.n_worst

    def counts(self) -> str:
        return f"{self.best} of {self.n_best} best · {self.worst} of {self.n_worst} worst"

    def note(self) -> str:
        """The Note cell of a proposed row: marked as proposed, with its evidence."""
        return f"proposed · {self.counts()}"

    def points(self) -> int:
        """+3 for a near-perfect split (≥ 80 points of contrast), +2 from 60, else +1."""
        strength = abs(self.contrast)
        return 3 if strength >= 0.8 else 2 if strength >= 0.6 else 1

    def criterion(self) -> Criterion:
        return Criterion(
            column=self.column, condition=self.condition, points=self.points(), layer=self.layer, note=self.note()
        )

    def disqualifier(self) -> Disqualifier:
        return Disqualifier(
            column=self.column, condition=self.condition, reason=f"{self.column} {self.condition.text()}: {self.note()}"
        )


@dataclass(frozen=True)
class Referral:
    """How many customers came by referral: a referred base mirrors the ICP well."""

    referred: int
    total: int

    @property
    def share(self) -> float:
        return self.referred / self.total if self.total else 0.0

    def line(self) -> str:
        head = f"Referral share: {self.referred} of {self.total} customers ({self.share:.0%}) came by referral"
        if self.share >= REFERRAL_HEALTHY:
            return head + "; 30% or more means the base mirrors the ICP well."
        return head + (
            "; under 30%, so the base may show where you sold more than who fits best: "
            "weigh the proposals with that in mind."
        )


@dataclass(frozen=True)
class LearnReport:
    """What learning found: proposals, or the reason it refused, plus the counts."""

    n_best: int
    n_worst: int
    criteria: tuple[Evidence, ...] = ()
    anti: tuple[Evidence, ...] = ()
    refusal: str | None = None
    referral: Referral | None = None
    notes: tuple[str, ...] = field(default=())

    def proposed_criteria(self) -> list[Criterion]:
        return [e.criterion() for e in self.criteria]

    def proposed_disqualifiers(self) -> list[Disqualifier]:
        return [e.disqualifier() for e in self.anti]

    def lines(self) -> list[str]:
        """The terminal summary."""
        out = [f"Learned from {self.n_best} best and {self.n_worst} worst customers.", *self.notes]
        if self.refusal:
            return [*out, self.refusal, *([self.referral.line()] if self.referral else [])]
        width = max(len(f"{e.column} {e.condition.text()}") for e in (*self.criteria, *self.anti))
        if self.criteria:
            out.append("Proposed ICP rows:")
            out += [
                f"  {e.points():+d}  {e.column + ' ' + e.condition.text():<{width}}  {e.note()}" for e in self.criteria
            ]
        if self.anti:
            out.append("Proposed Anti-ICP rows:")
            out += [f"  DQ  {e.column + ' ' + e.condition.text():<{width}}  {e.note()}" for e in self.anti]
        if self.referral:
            out.append(self.referral.line())
        return out


def learn(
    customers: pd.DataFrame,
    *,
    outcome: str | None = None,
    outcomes: OutcomeMap | None = None,
    rules: LearnRules | None = None,
    exclude: Iterable[str] = (),
) -> LearnReport:
    """Proposals from a customers table with an outcome column (best/won… vs worst/churned…).

    ``exclude`` names columns never to profile (the outcome and source columns never are).
    """
    rules = rules or LearnRules()
    column = outcome_column(customers, outcome)
    labels = read_outcomes(customers[column], outcomes or OutcomeMap())
    source = find_header(customers.columns, SOURCE_HEADERS)
    notes = tuple(n for n in [labels.unknown_note()] if n)
    n_best, n_worst = int(labels.good.sum()), int(labels.bad.sum())
    referral = _referral(customers[source], labels) if source else None
    base = LearnReport(n_best, n_worst, referral=referral, notes=notes)
    thin = _thin(n_best, n_worst, rules)
    if thin:
        return replace(base, refusal=thin)

    skip = {norm_text(c) for c in (column, source, *exclude) if c}
    kept = labels.labelled.to_numpy()
    frame = customers.loc[kept]
    best = labels.good.to_numpy()[kept]
    studies = [
        s
        for c in frame.columns
        if norm_text(c) not in skip and not str(c).startswith("icp_")
        if (s := _study(str(c), ColumnValues(frame[c]), best, rules)) is not None
    ]
    alpha = rules.alpha / max(1, sum(s.tries for s in studies))
    criteria = [e for s in studies if (e := s.criterion) and e.p_value <= alpha]
    anti = [e for s in studies if (e := s.anti) and e.p_value <= alpha]
    criteria.sort(key=lambda e: (-e.points(), -e.contrast))
    anti.sort(key=lambda e: e.contrast)
    if not criteria and not anti:
        return replace(base, refusal=_no_contrast(studies))
    return replace(base, criteria=tuple(criteria), anti=tuple(anti))


def _thin(n_best: int, n_worst: int, rules: LearnRules) -> str | None:
    if n_best < rules.min_best:
        return (
            f"Only {n_best} best customers: too few to tell a pattern from luck (learning needs at "
            f"least {rules.min_best}). No profile proposed; mark more customers as best, or write the "
            "ICP by hand."
        )
    if n_worst < rules.min_worst:
        return (
            f"Only {n_worst} worst customers: too few to contrast the best with (learning needs at "
            f"least {rules.min_worst}). No profile proposed; mark churned or lost customers as worst."
        )
    return None


def _no_contrast(studies: list[_Study]) -> str:
    near = [e for s in studies for e in (s.criterion, s.anti, *s.misses) if e is not None]
    closest = min(near, key=lambda e: e.p_value, default=None)
    text = "No attribute separates the best customers from the worst beyond chance, so no profile is proposed"
    if closest is not None:
        text += (
            f"; the closest was {closest.column} {closest.condition.text()} ({closest.counts()}, "
            f"p = {closest.p_value:.2g})"
        )
    return text + ". Add customers or columns that describe them, or write the ICP by hand."


def _referral(column: pd.Series, labels: Outcomes) -> Referral | None:
    keys = text_keys(column)
    given = keys.ne("") & labels.labelled
    if not given.any():
        return None
    referred = keys[given].str.contains("|".join(REFERRAL_WORDS), regex=True)
    return Referral(int(referred.sum()), int(given.sum()))


# --- statistics -------------------------------------------------------------------------------


def fisher_greater(hits_for: int, n_for: int, hits_against: int, n_against: int) -> float:
    """One-sided Fisher exact p-value that the attribute is more common in the 'for' group."""
    total, hits = n_for + n_against, hits_for + hits_against
    if hits == 0 or hits_for * total <= hits * n_for:
        return 1.0
    top = min(hits, n_for)
    log_first = _log_comb(hits, hits_for) + _log_comb(total - hits, n_for - hits_for) - _log_comb(total, n_for)
    term = math.exp(log_first)
    p, x = term, hits_for
    while x < top and term > p * 1e-17:
        term *= (hits - x) * (n_for - x) / ((x + 1) * (total - hits - n_for + x + 1))
        p += term
        x += 1
    return min(p, 1.0)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


@dataclass(frozen=True)
class _Side:
    """One direction of the contrast: criteria look for the best, Anti-ICP rows for the worst."""

    for_best: bool
    min_for: float
    max_against: float
    max_items: int

    def shares(self, best: np.ndarray, n_best: int, worst: np.ndarray, n_worst: int) -> tuple[np.ndarray, ...]:
        """(share of the group looked for, share of the other group)."""
        sb, sw = best / n_best, worst / n_worst
        return (sb, sw) if self.for_best else (sw, sb)


@dataclass
class _Candidates:
    """Candidate conditions of one column with their counts among best and worst."""

    conditions: list[Condition]
    best: np.ndarray
    worst: np.ndarray
    width: np.ndarray


@dataclass
class _Study:
    """What one column offers: qualified proposals, the closest misses, and how many tries it took."""

    criterion: Evidence | None
    anti: Evidence | None
    misses: list[Evidence]
    tries: int


def _study(name: str, values: ColumnValues, best: np.ndarray, rules: LearnRules) -> _Study | None:
    """The best criterion and Anti-ICP row one column offers, or None for columns to skip."""
    per_best = np.bincount(values.codes[best], minlength=len(values))
    per_worst = np.bincount(values.codes[~best], minlength=len(values))
    counts = per_best + per_worst
    present = ~values.blank & (counts > 0)
    filled = int(counts[present].sum())
    if filled == 0:
        return None
    # An Anti-ICP row overrides every point, so it names one value the worst share, never a
    # collection of leftovers that merely happen to be absent among the best.
    sides = (
        _Side(True, rules.common, rules.rare, rules.max_items),
        _Side(False, rules.anti_common, rules.anti_rare, 1),
    )
    if _identifier(values, filled):
        return None
    readable = present & ~np.isnan(values.numbers)
    layer: Layer | None = None
    if counts[readable].sum() >= 0.8 * filled:
        ladder = nice_ladder(values.numbers[readable])
        if len(ladder) < 2:
            return None
        nums = values.per_row(values.numbers)
        known = ~np.isnan(nums)
        cands = _bands(ladder, np.sort(nums[best & known]), np.sort(nums[~best & known]))
        tries = len(ladder)
    else:
        is_list = counts[present & np.array([len(i) > 1 for i in values.items])].sum() >= 0.2 * filled
        if not is_list and len(set(values.text[present])) > max(20, 0.5 * filled):
            return None  # an identifier such as Company or Domain
        if np.isfinite(values.day_numbers[present]).mean() >= 0.8:
            return None  # a date column: signals say when, not who
        layer = Layer.TECHNOGRAPHIC if is_list else None
        cands, tries = _item_sets(values, per_best, per_worst, is_list, sides)
    n_best, n_worst = int(best.sum()), int((~best).sum())
    picked = [_pick(name, c, side, n_best, n_worst, layer) for c, side in zip(cands, sides, strict=True)]
    (crit, crit_ok), (anti, anti_ok) = picked
    misses = [e for e, ok in picked if e is not None and not ok]
    return _Study(crit if crit_ok else None, anti if anti_ok else None, misses, 2 * tries)


def _identifier(values: ColumnValues, filled: int, sample: int = 500) -> bool:
    """A column of mostly distinct text (Company, Domain, an id): nothing to profile.

    Decided on a sample of the distinct values, so a 100,000-name column costs nothing.
    """
    if len(values) <= max(20, 0.5 * filled):
        return False
    raw = pd.Series(values.raw[:sample]).astype(str)
    numeric = pd.Series(values.raw[:sample]).map(parse_number).notna().mean()
    listed = raw.str.contains(r"[,;\n]", regex=True).mean()
    return bool(numeric < 0.8 and listed < 0.2)


def nice_ladder(numbers: np.ndarray) -> np.ndarray:
    """Round 1-2-5 boundaries (…, 10, 20, 50, 100, …) spanning the positive values, one step beyond."""
    positive = numbers[numbers > 0]
    if positive.size == 0:
        return np.array([])
    low, high = positive.min(), positive.max()
    ladder = np.array(
        [
            m * 10.0**e
            # 10.0**309 overflows; a float's largest power of ten is 308
            for e in range(math.floor(math.log10(low)) - 1, min(math.ceil(math.log10(high)) + 1, 309))
            for m in _MANTISSAS
        ]
    )
    first = np.searchsorted(ladder, low, "right") - 1  # the step at or below the smallest value
    last = np.searchsorted(ladder, high, "left")  # the step at or above the largest
    return ladder[first : last + 1]


def _in_range(sorted_values: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_values, high, "right") - np.searchsorted(sorted_values, low, "left")


def _bands(ladder: np.ndarray, best: np.ndarray, worst: np.ndarray) -> tuple[_Candidates, _Candidates]:
    """Criteria: 'between a and b', 'at least a', 'at most b'. Anti-ICP rows: 'below a', 'above b'."""
    n = len(ladder)
    i, j = np.triu_indices(n, 1)
    crit = [Condition(op=Op.BETWEEN, low=ladder[a], high=ladder[b]) for a, b in zip(i, j, strict=True)]
    crit += [Condition(op=Op.AT_LEAST, low=x) for x in ladder] + [Condition(op=Op.AT_MOST, low=x) for x in ladder]
    steps = np.arange(n)
    crit_width = np.concatenate([j - i, n - steps, steps + 1]).astype(float)
    anti = [Condition(op=Op.BELOW, low=x) for x in ladder] + [Condition(op=Op.ABOVE, low=x) for x in ladder]
    anti_width = np.concatenate([steps, n - 1 - steps]).astype(float)
    out = []
    for conditions, width in ((crit, crit_width), (anti, anti_width)):
        low, high = np.array([c.bounds() for c in conditions]).T
        out.append(_Candidates(conditions, _in_range(best, low, high), _in_range(worst, low, high), width))
    return out[0], out[1]


def _item_sets(
    values: ColumnValues, per_best: np.ndarray, per_worst: np.ndarray, is_list: bool, sides: tuple[_Side, _Side]
) -> tuple[tuple[_Candidates, _Candidates], int]:
    """Sets of categories ('one of') or list items ('contains any of'), grown greedily per side.

    Items are taken in order of contrast; an item that would push the other group's
    share over its limit is skipped. Every set on the way is a candidate.
    """
    keys = values.items if is_list else [frozenset([t]) if t else frozenset() for t in values.text]
    names = _display_names(values, is_list)
    item_keys = sorted({k for ks in keys for k in ks})
    holds = np.array([[k in ks for ks in keys] for k in item_keys], dtype=bool).reshape(len(item_keys), len(keys))
    n_best, n_worst = int(per_best.sum()), int(per_worst.sum())
    op = Op.CONTAINS_ANY if is_list else Op.ONE_OF
    out = []
    for side in sides:
        share_for, share_against = side.shares(holds @ per_best, n_best, holds @ per_worst, n_worst)
        order = [i for i in np.argsort(-(share_for - share_against), kind="stable") if share_for[i] > share_against[i]]
        chosen: list[int] = []
        cover = np.zeros(len(keys), dtype=bool)
        sets, bests, worsts = [], [], []
        for i in order:
            trial = cover | holds[i]
            b, w = int(per_best[trial].sum()), int(per_worst[trial].sum())
            if side.shares(np.array([b]), n_best, np.array([w]), n_worst)[1][0] > side.max_against + 1e-12:
                continue
            chosen.append(i)
            cover = trial
            sets.append(list(chosen))
            bests.append(b)
            worsts.append(w)
            if len(chosen) == side.max_items:
                break
        conditions = [_set_condition(op, [names[item_keys[i]] for i in s]) for s in sets]
        out.append(
            _Candidates(
                conditions,
                np.array(bests, dtype=int),
                np.array(worsts, dtype=int),
                np.array([len(s) for s in sets], dtype=float),
            )
        )
    tries = int(((holds @ (per_best + per_worst)) >= 2).sum())
    return (out[0], out[1]), max(tries, 1)


def _set_condition(op: Op, items: list[str]) -> Condition:
    return Condition(op=Op.IS if op is Op.ONE_OF and len(items) == 1 else op, items=tuple(items))


def _display_names(values: ColumnValues, is_list: bool) -> dict[str, str]:
    """Each key's spelling as people typed it (the first seen)."""
    names: dict[str, str] = {}
    for raw, key in zip(values.raw, values.text, strict=True):
        if is_list:
            for item in split_list(raw):
                names.setdefault(category_key(item), item)
        elif key:  # keyed as scoring keys it: 120.0 is '120', whatever str() says
            names.setdefault(key, shown(raw) if isinstance(raw, float) else str(raw).strip())
    return names


def _pick(
    column: str, cands: _Candidates, side: _Side, n_best: int, n_worst: int, layer: Layer | None
) -> tuple[Evidence | None, bool]:
    """The candidate one side proposes, and whether it qualifies.

    Among qualifying candidates: contrast within 5 points of the strongest, then the
    narrowest (fewest 1-2-5 steps or items), then the strongest. When none qualifies,
    the strongest contrast comes back unqualified, for the refusal message.
    """
    if not cands.conditions:
        return None, False
    share_for, share_against = side.shares(cands.best, n_best, cands.worst, n_worst)
    contrast = share_for - share_against
    ok = (share_for >= side.min_for - 1e-12) & (share_against <= side.max_against + 1e-12)
    if ok.any():
        near = np.flatnonzero(ok & (contrast >= contrast[ok].max() - 0.05))
        chosen = int(near[np.lexsort((-contrast[near], cands.width[near]))[0]])
    else:
        chosen = int(np.argmax(contrast))
        if contrast[chosen] <= 0:
            return None, False
    best, worst = int(cands.best[chosen]), int(cands.worst[chosen])
    p = fisher_greater(best, n_best, worst, n_worst) if side.for_best else fisher_greater(worst, n_worst, best, n_best)
    return Evidence(column, cands.conditions[chosen], best, n_best, worst, n_worst, p, layer), bool(ok.any())
