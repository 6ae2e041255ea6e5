"""A model as one SELECT: every input column, plus the result columns the core computes.

The query follows the core's plan. Each account column the model reads is read once per
distinct value (a frame of CTEs: number, key, bands, Anti-ICP hits, signal points, their
why texts), as :class:`~icp_sheets.core.distinct.ColumnValues` does; the row results (totals,
DQ, tiers, priority, why) are computed once per distinct combination of those values, as the
core's :class:`~icp_sheets.core.explain.Explainer` does; the accounts are joined back to
their combination. What a condition means in SQL is its kind's (``Kind.sql``), so the query
cannot drift from the core.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlglot import exp

from icp_sheets.core.conditions import Reads, fmt_number
from icp_sheets.core.distinct import day_number
from icp_sheets.core.explain import SEPARATOR, Why
from icp_sheets.core.grades import DQ_ACTION
from icp_sheets.core.models import (
    DISQUALIFIED,
    DQ_PRIORITY,
    IcpModel,
    Scale,
    SignalReads,
    WhenUnreadable,
)
from icp_sheets.core.names import RESULT_COLUMNS
from icp_sheets.core.overrides import Target
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.scoring import _EPS, CHECK, resolve_columns
from icp_sheets.sql import build as b
from icp_sheets.sql import overrides, text
from icp_sheets.sql.cells import Cell, civil_day
from icp_sheets.sql.differences import differences
from icp_sheets.sql.fit import BandSet, and_outputs, capped, column_outputs, fit_sql, scaled
from icp_sheets.sql.frame import Frame
from icp_sheets.sql.reasons import GAP, TIMING, Reason, reason_order
from icp_sheets.sql.signals import gate_column, gated, signal_columns

CURRENT_DATE = "current_date"
AsOf = dt.date | Literal["current_date"] | None
_FORMAT_COLUMNS = ("comma", "day_first")


@dataclass
class Compiled:
    """The query and what it reads differently from the core for this model."""

    query: exp.Expr
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class _Column:
    """One model column: its header in the table, its frame and what it contributes."""

    name: str
    header: str | None
    index: int
    frame: Frame
    cell: Cell
    outputs: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"k{self.index}"


def _tagged(value: exp.Expr) -> exp.Expr:
    """A join key that keeps NULL apart from every text ('n' or 'v' + the text)."""
    return b.case([(exp.Is(this=value, expression=exp.null()), b.lit("n"))], b.concat("v", b.text_of(value)))


def compile_model(
    model: IcpModel,
    *,
    table: str = "accounts",
    headers: Sequence[str] | None = None,
    as_of: AsOf = None,
    why: Why = Why.SHORT,
) -> Compiled:
    """The SELECT that scores ``table`` as :func:`icp_sheets.core.scoring.score` scores a frame.

    ``headers`` are the table's columns (default: the model's own names); they are matched as
    ``score`` matches an export's headers. ``as_of`` overrides the model's as-of day;
    ``"current_date"`` counts signals back from the day the query runs (the default when the
    model sets no day). ``why`` says how much ``icp_why`` holds, as for ``score``.
    """
    found = resolve_columns(model, list(headers) if headers is not None else model.required_columns())
    source = exp.to_table(table).as_("t")
    columns: dict[str, _Column] = {}
    for i, name in enumerate(model.required_columns()):
        frame = Frame(f"icp_c{i}", exp.select(), ["k", "v", *_FORMAT_COLUMNS])
        spec = model.column(name)
        columns[name] = _Column(name, found.get(name), i, frame, Cell(frame, name, spec.read_as))
    day = _as_of(model, as_of)
    sets = _band_sets(model, columns)
    for r, rule in enumerate(model.disqualifiers):
        _disqualifier(columns[rule.column], r, rule.condition, rule.column)
    for s, signal in enumerate(model.signals):
        if signal.reads is SignalReads.EVENT:
            raise IcpError(
                Problem(
                    Code.SQL_DIFFERENCE,
                    f"the signal '{signal.name}' counts events of the Events log, which `icp-sheets sql` does not "
                    "compile yet; score it with `icp-sheets score --events FILE`",
                    "Signals",
                    signal.row,
                )
            )
        column = columns[signal.date_column]
        made = signal_columns(column.cell, s, signal, day)
        reason_order(column.frame, f"s{s}", made.worth, TIMING, made.note)
        column.outputs += [*made.outputs, f"s{s}_grp", f"s{s}_key"]
        if signal.counts_when is not None:
            gate = columns[signal.counts_when.column]
            gate.outputs.append(gate_column(gate.cell, s, signal))
    for r, override in enumerate(model.overrides):
        column = columns[override.column]
        column.outputs.append(overrides.hit_column(column.frame, column.cell, model, r))
    ctes: list[tuple[str, exp.Select]] = []
    keys = [b.alias(_key_of(c), c.key) for c in columns.values()]
    ctes.append(("icp_keys", exp.select(*keys).distinct().from_(source.copy())))
    for column in columns.values():
        ctes += _column_ctes(column)
    results = _results(model, list(columns.values()), sets, why)
    ctes += results.ctes()
    final = exp.select(
        exp.Column(this=exp.Star(), table=exp.to_identifier("t")), *(exp.column(c, table="r") for c in RESULT_COLUMNS)
    )
    final = final.from_(source.copy())
    on = b.all_of(*(exp.EQ(this=exp.column(c.key, table="r"), expression=_key_of(c)) for c in columns.values()))
    final = final.join(exp.to_table(results.name).as_("r"), on=on, join_type="inner", copy=False)
    small = {c.frame.name for c in columns.values()}
    for name, query in ctes:
        final = final.with_(name, as_=query, materialized=True if name in small else None, copy=False)
    return Compiled(b.parenthesized(final), differences(model, headers is None))


def _key_of(column: _Column) -> exp.Expr:
    if column.header is None:
        return b.lit("n")
    return _tagged(exp.column(column.header, table="t", quoted=True))


def _as_of(model: IcpModel, as_of: AsOf) -> exp.Expr:
    day = as_of if as_of is not None else model.settings.as_of
    if isinstance(day, dt.date):
        return b.num(day_number(day))
    today = exp.CurrentDate()
    parts = [b.double(f(this=today)) for f in (exp.Year, exp.Month, exp.Day)]
    return civil_day(*parts)


def _band_sets(model: IcpModel, columns: dict[str, _Column]) -> list[BandSet]:
    """Each band set's values in its column's frame (and its AND columns' frames)."""
    sets = []
    firsts: set[str] = set()
    for j, bands in enumerate(model.band_sets()):
        column = columns[bands[0].column]
        anded = any(c.and_condition is not None for c in bands)
        tag = str(j) if anded or column.name in firsts else ""  # AND values land in other columns' frames too
        firsts.add(column.name)
        band_set = BandSet(bands, tag, anded)
        column.outputs += column_outputs(band_set, column.frame, column.cell, column.name)
        for other in dict.fromkeys(c.and_column for c in bands if c.and_condition is not None):
            target = columns[other]
            target.outputs += and_outputs(band_set, target.frame, target.cell, other)
        sets.append(band_set)
    return sets


def _unreadable(condition_reads: Reads, cell: Cell) -> exp.Expr:
    """matching.unreadable: which values a condition cannot judge."""
    if condition_reads in (Reads.BLANK, Reads.ANYTHING):
        return exp.false()
    unknown: list[exp.Expr] = [cell.blank]
    if condition_reads is Reads.NUMBER:
        unknown.append(exp.Is(this=cell.number, expression=exp.null()))
    elif condition_reads is Reads.BOOL:
        unknown.append(exp.LT(this=cell.truth, expression=b.num(0)))
    return b.any_of(*unknown)


def _disqualifier(column: _Column, r: int, condition: object, name: str) -> None:
    from icp_sheets.core.conditions import Condition

    assert isinstance(condition, Condition)
    cell, frame = column.cell, column.frame
    hit = frame.add(f"dq{r}", b.true(condition.kind.sql(condition, cell)))
    frame.add(f"unk{r}", b.all_of(b.true(_unreadable(condition.kind.reads, cell)), b.not_(hit)))
    frame.add(f"chk{r}", b.concat(f"{name} ", cell.unreadable_words))
    column.outputs += [f"dq{r}", f"unk{r}", f"chk{r}"]


def _column_ctes(column: _Column) -> list[tuple[str, exp.Select]]:
    """Distinct values, the column's own decisions (decimal comma, day/month), then the frame."""
    name = column.frame.name
    untagged = b.case(
        [(exp.EQ(this=exp.column(column.key), expression=b.lit("n")), exp.null())],
        b.substring(exp.column(column.key), 2),
    )
    values = exp.select(b.alias(exp.column(column.key), "k"), b.alias(untagged, "v")).distinct().from_("icp_keys")
    decided = [
        b.alias(_decision(what, column.cell) if what in column.cell.formats else exp.null(), what)
        for what in _FORMAT_COLUMNS
    ]
    formats = exp.select(*decided)  # one row: aggregates over the values, or constants alone
    if column.cell.formats:
        formats = formats.from_(f"{name}_v")
    base = exp.select("*").from_(f"{name}_v").join(f"{name}_f", join_type="cross")
    column.frame.source = base
    return [(f"{name}_v", values), (f"{name}_f", formats), *column.frame.ctes()]


def _flag(condition: exp.Expr) -> exp.Expr:
    return exp.Max(this=b.case([(b.true(condition), b.num(1))], b.num(0)))


def _decision(what: str, cell: Cell) -> exp.Expr:
    """column_formats' decision over the column's distinct values (1, 0 or NULL for open)."""
    v = b.func("replace", exp.column("v"), b.lit("~"), b.lit(" "))
    if what == "comma":
        comma = b.any_of(
            b.regex(v, "^[^~]*[0-9],([0-9]{1,2}|[0-9]{4,})([^0-9][^~]*)?$"),
            b.regex(v, "^[^~]*[0-9][.][0-9]{3},[0-9][^~]*$"),
            b.regex(v, "^[^~]*[0-9][.][0-9]{3}[.][0-9]{3}[^~]*$"),
        )
        point = b.any_of(
            b.regex(v, "^[^~]*[0-9][.]([0-9]{1,2}|[0-9]{4,})([^0-9][^~]*)?$"),
            b.regex(v, "^[^~]*[0-9],[0-9]{3}[.][0-9][^~]*$"),
            b.regex(v, "^[^~]*[0-9],[0-9]{3},[0-9]{3}[^~]*$"),
        )
        yes = b.all_of(exp.EQ(this=_flag(comma), expression=b.num(1)), exp.EQ(this=_flag(point), expression=b.num(0)))
        return b.case([(yes, b.num(1))], b.num(0))
    trimmed = b.trim(v)
    dated = b.regex(trimmed, "^[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{4}$")
    first = b.double(b.case([(dated, b.regex_delete(trimmed, "[./][^~]*$"))]))
    second = b.double(b.case([(dated, b.regex_delete(b.regex_delete(trimmed, "^[0-9]+[./]"), "[./][^~]*$"))]))
    days = _flag(exp.GT(this=first, expression=b.num(12)))
    months = _flag(exp.GT(this=second, expression=b.num(12)))
    one, none = b.num(1), b.num(0)
    return b.case(
        [
            (b.all_of(exp.EQ(this=days, expression=one), exp.EQ(this=months, expression=none)), one),
            (b.all_of(exp.EQ(this=months, expression=one), exp.EQ(this=days, expression=none)), none),
        ],
        exp.null(),
    )


def _results(model: IcpModel, columns: list[_Column], sets: list[BandSet], why: Why) -> Frame:
    """Row results over the distinct combinations of the columns' values."""
    picked: list[exp.Expr] = [exp.column(c.key, table="icp_keys") for c in columns]
    for c in columns:
        picked += [b.alias(exp.column(out, table=c.frame.name), f"{c.key}_{out}") for out in c.outputs]
    query = exp.select(*picked).from_("icp_keys")
    for c in columns:
        query = query.join(
            c.frame.name,
            on=exp.EQ(this=exp.column("k", table=c.frame.name), expression=exp.column(c.key, table="icp_keys")),
        )
    frame = Frame("icp_r", query, [c.key for c in columns] + [f"{c.key}_{o}" for c in columns for o in c.outputs])
    by_name = {c.name: c for c in columns}

    def out(column: str, what: str) -> exp.Column:
        return frame.get(f"{by_name[column].key}_{what}")

    settings = model.settings
    fit, reasons = fit_sql(model, sets, frame, out)
    gates = [out(s.counts_when.column, f"g{i}") if s.counts_when else None for i, s in enumerate(model.signals)]
    reasons += [
        Reason(
            gated(gates[i], out(s.date_column, f"sw{i}"), b.lit("")),
            out(s.date_column, f"s{i}_grp"),
            out(s.date_column, f"s{i}_key"),
        )
        for i, s in enumerate(model.signals)
    ]
    timing = _sum([gated(gates[i], out(s.date_column, f"sp{i}"), b.num(0.0)) for i, s in enumerate(model.signals)])
    timing = capped(frame, "timing", "timing", timing, settings.timing_cap, reasons, TIMING)
    fit, timing, score = scaled(model, fit, timing)
    fit_col = frame.add("icp_fit", b.double(fit))
    timing_col = frame.add("icp_timing", b.double(timing))
    if settings.scale is Scale.POINTS:
        score = exp.Add(this=fit_col, expression=timing_col)
    total = frame.add("icp_score", score)

    rules = list(enumerate(model.disqualifiers))
    by_rule = frame.add("dq_rule", b.case([(out(d.column, f"dq{r}"), b.lit(d.reason)) for r, d in rules]))
    unsure = b.case([(out(d.column, f"unk{r}"), out(d.column, f"chk{r}")) for r, d in rules])
    check = frame.add("dq_check", b.case([(exp.Is(this=by_rule, expression=exp.null()), unsure)]))
    if settings.when_unreadable is WhenUnreadable.DISQUALIFY:
        by_rule = frame.add("dq_any", b.func("coalesce", by_rule, check))
        check_lead: exp.Expr = b.lit("")
    else:
        check_lead = b.func("coalesce", b.concat(CHECK, check), b.lit(""))
    below = exp.LT(this=total, expression=b.num(settings.middle_tier_at - _EPS))
    six = frame.add(
        "r6", exp.Div(this=text._half_even(exp.Mul(this=total, expression=b.num(1e6))), expression=b.num(1e6))
    )
    two = frame.add(
        "r2", exp.Div(this=text._half_even(exp.Mul(this=six, expression=b.num(100))), expression=b.num(100))
    )
    score_text = text.fmt_number(frame, "score_t", two)
    floor_reason = b.concat(
        "Score ", score_text, f" is below the {settings.middle_tier} floor of {fmt_number(settings.middle_tier_at)}"
    )
    reason = frame.add(
        "dq", b.case([(b.not_(exp.Is(this=by_rule, expression=exp.null())), by_rule), (below, floor_reason)])
    )
    frame.add("icp_dq", b.func("coalesce", reason, b.lit("")))
    out_dq = b.not_(exp.Is(this=reason, expression=exp.null()))
    open_row = exp.Is(this=reason, expression=exp.null())
    graded = model.grading()
    tiers = {Target.FIT_TIER: list(graded.fit), Target.TIMING_TIER: list(graded.timing)}

    def forced(target: Target) -> list[tuple[exp.Expr, exp.Expr]]:
        """The overrides forcing ``target``: the label, or for a tier list its index."""
        made = overrides.branches(model, out, open_row, target)
        if target in tiers:
            return [(when, b.num(tiers[target].index(label))) for when, label in made]
        return [(when, b.lit(label)) for when, label in made]

    tier = b.case(
        [
            (out_dq, b.lit(DISQUALIFIED)),
            *forced(Target.TIER),
            (exp.GTE(this=total, expression=b.num(settings.top_tier_at - _EPS)), b.lit(settings.top_tier)),
            (exp.GTE(this=total, expression=b.num(settings.middle_tier_at - _EPS)), b.lit(settings.middle_tier)),
        ],
        b.lit(DISQUALIFIED),
    )
    frame.add("icp_tier", tier)
    fit_tier = frame.add("fit_tier", b.case(forced(Target.FIT_TIER), _grade(fit_col, graded.fit_at)))
    timing_tier = frame.add("timing_tier", b.case(forced(Target.TIMING_TIER), _grade(timing_col, graded.timing_at)))
    pinned = overrides.branches(model, out, open_row, Target.PRIORITY)
    cell = frame.add(
        "cell", exp.Add(this=exp.Mul(this=fit_tier, expression=b.num(len(graded.timing))), expression=timing_tier)
    )

    def by_cell(labels: Sequence[str], dq: str, pins: Sequence[tuple[exp.Expr, exp.Expr]]) -> exp.Expr:
        branches = [(exp.EQ(this=cell, expression=b.num(i)), b.lit(label)) for i, label in enumerate(labels)]
        return b.case([(out_dq, b.lit(dq)), *pins, *branches], b.lit(""))

    priority_pins = [(when, b.lit(label)) for when, label in pinned]
    action_pins = [(when, b.lit(graded.priority_action(label))) for when, label in pinned]
    frame.add("icp_priority", by_cell(graded.priorities, DQ_PRIORITY, priority_pins))
    frame.add("icp_action", by_cell(graded.actions, DQ_ACTION, action_pins))

    leads: list[exp.Expr] = [frame.add("why_dq", b.func("coalesce", b.concat("Disqualified: ", reason), b.lit("")))]
    leads.append(frame.add("why_check", check_lead))
    leads += overrides.leads(model, out, open_row, frame)
    _why(frame, leads, reasons, why)
    return frame


def _why(frame: Frame, leads: list[exp.Expr], reasons: list[Reason], why: Why) -> None:
    """Explainer.coded: the leads, then the reasons ranked by (group, key, model order); the gaps
    (group GAP) go to icp_data_gaps and, with ``why`` full, after the rest in icp_why."""
    said = [exp.NEQ(this=r.text, expression=b.lit("")) for r in reasons]
    ranks = []
    for i, mine in enumerate(reasons):
        before = []
        for j, other in enumerate(reasons):
            if j == i:
                continue
            ahead = (exp.LTE if j < i else exp.LT)(this=other.key, expression=mine.key)
            same = b.all_of(exp.EQ(this=other.group, expression=mine.group), ahead)
            earlier = b.any_of(exp.LT(this=other.group, expression=mine.group), same)
            before.append(b.case([(b.all_of(said[j], earlier), b.num(1))], b.num(0)))
        ranks.append(frame.add(f"why_rank{i}", _sum(before)))
    shown, gaps = [], []
    for place in range(len(reasons)):
        at = [(i, b.all_of(said[i], exp.EQ(this=rank, expression=b.num(place)))) for i, rank in enumerate(ranks)]
        gap = [exp.EQ(this=reasons[i].group, expression=b.num(GAP)) for i in range(len(reasons))]
        visible = [(b.all_of(here, b.not_(gap[i])) if why is Why.SHORT else here, reasons[i].text) for i, here in at]
        shown.append(frame.add(f"why_at{place}", b.case(visible, b.lit(""))))
        gaps.append(
            frame.add(
                f"gap_at{place}", b.case([(b.all_of(here, gap[i]), reasons[i].text) for i, here in at], b.lit(""))
            )
        )
    frame.add("icp_why", _joined([*leads, *shown]))
    frame.add("icp_data_gaps", _joined(gaps, said_once=False))


def _sum(values: Sequence[exp.Expr]) -> exp.Expr:
    total: exp.Expr = b.num(0.0)
    for value in values:
        total = exp.Add(this=total, expression=value)
    return total


def _grade(value: exp.Expr, thresholds: Sequence[float]) -> exp.Expr:
    """grades.tier_codes: 0 for the best tier, 1 for the next, …"""
    branches = [(exp.GTE(this=value, expression=b.num(t - _EPS)), b.num(i)) for i, t in enumerate(thresholds)]
    return b.case(branches, b.num(len(thresholds)))


def _ends_with(text_col: exp.Expr, tail: exp.Expr) -> exp.Expr:
    start = exp.Sub(this=b.length(text_col), expression=exp.Add(this=b.length(tail), expression=b.num(1)))
    return b.all_of(
        exp.GTE(this=start, expression=b.num(1)),
        exp.EQ(this=b.substring(text_col, start), expression=b.concat(": ", tail)),
    )


def _joined(parts: Sequence[exp.Expr], *, said_once: bool = True) -> exp.Expr:
    """The non-empty parts in order; with ``said_once`` (explain.said), a part left out when an
    earlier one says it already (the same text, or '…: text')."""
    pieces: list[exp.Expr] = []
    for k, part in enumerate(parts):
        said = [
            b.all_of(exp.NEQ(this=earlier, expression=part), b.not_(b.true(_ends_with(earlier, part))))
            for earlier in (parts[:k] if said_once else [])
        ]
        keep = b.all_of(exp.NEQ(this=part, expression=b.lit("")), *said)
        pieces.append(b.case([(keep, b.concat(SEPARATOR, part))], b.lit("")))
    joined = b.concat(*pieces)
    return b.case([(exp.EQ(this=joined, expression=b.lit("")), b.lit(""))], b.substring(joined, len(SEPARATOR) + 1))
