"""One account scored alone by ``score_rows`` gives exactly what the pandas path (``score``) gives,
for random models that use every condition word and every decay.

Each drawn model spreads every condition word (``Op``, one kind each) over four columns, as
bands in a random order with numbers and words drawn from one small pool, and has one
signal per decay kind; its thresholds, its Anti-ICP setting and each column's Format
are drawn too. Each drawn cell is a value of that pool (so bands, band edges,
Anti-ICP rows and signal windows are hit exactly, and just missed), a blank, a 'no
data' marker, an unreadable value, or anything a spreadsheet cell can hold.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pandas as pd
from conftest import cells, same_results
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from icp_sheets.core.conditions import Condition, Op
from icp_sheets.core.decays import Decay, DecayKind
from icp_sheets.core.formats import AccountColumn, ReadAs
from icp_sheets.core.models import Criterion, Disqualifier, IcpModel, Settings, Signal, WhenUnreadable
from icp_sheets.core.names import RESULT_COLUMNS
from icp_sheets.core.scoring import score, score_rows

AS_OF = dt.date(2026, 3, 2)
COLUMNS = ("Size", "Kind", "Stack", "Active")  # read as numbers, texts, lists and yes/no by most bands
DATES = ("Funded", "Hired", "Moved")  # one signal per decay kind
EVERY_HEADER = ("Company", *COLUMNS, *DATES)
NUMBERS = (0, 0.1, 0.2, 0.3, 1, 49.5, 50, 200, 1000)
WORDS = ("Fintech", "Series B", "SaaS", "HubSpot", "Zoho", "C++")
WINDOW = 30

numbers = st.sampled_from(NUMBERS)
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True).map(tuple)


def _condition(op: Op, draw: st.DrawFn) -> Condition:
    """A condition of this word, with its numbers or words from the pools."""
    if op is Op.BETWEEN:
        low, high = sorted((draw(numbers), draw(numbers)))
        return Condition(op=op, low=low, high=high)
    if op in (Op.BELOW, Op.ABOVE, Op.AT_LEAST, Op.AT_MOST):
        return Condition(op=op, low=draw(numbers))
    if op in (Op.IS, Op.IS_NOT):
        return Condition(op=op, items=(draw(st.sampled_from(WORDS)),))
    if op in (Op.ONE_OF, Op.NOT_ONE_OF, Op.CONTAINS_ANY, Op.NOT_CONTAINS_ANY):
        return Condition(op=op, items=draw(words))
    if op is Op.PER_UNIT:
        return Condition(op=op, cap=draw(st.none() | numbers))
    return Condition(op=op)


def _decay(kind: DecayKind, draw: st.DrawFn) -> Decay:
    if kind is not DecayKind.HALF_LIFE:
        return Decay(kind=kind)
    half_life = draw(st.sampled_from([1, 7.5, 30]))
    return Decay(kind=kind, half_life_days=half_life, floor=draw(st.none() | numbers))


@st.composite
def models(draw: st.DrawFn) -> IcpModel:
    """A model using every condition kind (spread over the columns) and every decay kind."""
    ops = draw(st.permutations(list(Op)))
    columns = [draw(st.sampled_from(COLUMNS)) for _ in ops]
    points = st.sampled_from([-1, 0.1, 0.2, 0.5, 1, 2, 3])
    criteria = tuple(
        Criterion(column=c, condition=_condition(op, draw), points=draw(points))
        for c, op in zip(columns, ops, strict=True)
    )
    anti = tuple(
        Disqualifier(column=draw(st.sampled_from(COLUMNS)), condition=_condition(op, draw), reason=f"no {op.value}")
        for op in draw(st.lists(st.sampled_from(list(Op)), max_size=3))
    )
    decays = draw(st.permutations(list(DecayKind)))
    signals = tuple(
        Signal(name=f"{d} signal", date_column=d, points=draw(points), window_days=WINDOW, decay=_decay(k, draw))
        for d, k in zip(DATES, decays, strict=True)
    )
    middle = draw(st.sampled_from([0, 0.3, 1, 2]))
    fit_b = draw(st.sampled_from([0, 0.3, 1]))
    timing_2 = draw(st.sampled_from([0, 0.5, 1]))
    thresholds = Settings(
        as_of=AS_OF,
        middle_tier_at=middle,
        top_tier_at=middle + draw(st.sampled_from([0, 0.3, 2])),
        fit_b_at=fit_b,
        fit_a_at=fit_b + draw(st.sampled_from([0, 1, 3])),
        timing_2_at=timing_2,
        timing_1_at=timing_2 + draw(st.sampled_from([0, 1])),
        when_unreadable=draw(st.sampled_from(list(WhenUnreadable))),
        actions={"A1": "Call today", "C3": "Wait"},
    )
    formats = st.none() | st.sampled_from(list(ReadAs))
    specs = tuple(
        AccountColumn(name=name, read_as=draw(formats), required=draw(st.booleans())) for name in (*COLUMNS, *DATES)
    )
    return IcpModel(settings=thresholds, criteria=criteria, disqualifiers=anti, signals=signals, columns=specs)


def _just_off(x: float) -> list[float]:
    return [math.nextafter(x, -math.inf), math.nextafter(x, math.inf)]


def _cell(header: str) -> st.SearchStrategy[Any]:
    """A cell of this column: a pool value, a band edge just missed, a blank or marker, or anything."""
    odd = st.sampled_from(["", "  ", "n/a", "tbd", "lots", "51-200", "1.200", "12,5", "yes", "no", "x", "0"])
    if header in DATES:
        ages = st.sampled_from([-1, 0, 1, 7, WINDOW - 1, WINDOW, WINDOW + 1])
        day = ages.map(lambda age: AS_OF - dt.timedelta(days=age))
        written = st.one_of(
            day,
            day.map(lambda d: dt.datetime(d.year, d.month, d.day, 13, 30)),
            day.map(dt.date.isoformat),
            day.map(lambda d: d.strftime("%d/%m/%Y")),
            st.sampled_from(["soon", "2026-02-30", "last week"]),
        )
        return st.one_of(written, odd, cells)
    pool = st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from([x for n in NUMBERS for x in _just_off(n)]),
        st.sampled_from(NUMBERS).map(str),
        st.sampled_from(WORDS),
        words.map("; ".join),
        st.booleans(),
    )
    return st.one_of(pool, odd, cells)


@st.composite
def accounts(draw: st.DrawFn) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A header (a column the model says is not required may be missing, and order varies) and rows."""
    model_columns = [h for h in EVERY_HEADER if h == "Company" or draw(st.integers(0, 9)) > 0]
    header = draw(st.permutations(model_columns))
    rows = draw(st.lists(st.tuples(*(_cell(h) for h in header)), min_size=1, max_size=5))
    return list(header), rows


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text whose reading its column decides (day/month order, decimal comma: core.column_formats) can by
# design read otherwise alone than among other rows; every other cell must read the same.
DECIDED_BY_COLUMN = re.compile(r"\d[.,/]\d")


def _required_present(model: IcpModel, header: list[str]) -> bool:
    return all(h in header for h in model.required_columns() if model.column(h).required)


def _through_pandas(
    model: IcpModel, header: list[str], rows: list[tuple[Any, ...]], *, typed: bool = False
) -> list[tuple[Any, ...]]:
    frame = pd.DataFrame([list(r) for r in rows], columns=header, dtype=None if typed else object)
    results = score(model, frame)
    return list(zip(*(results[name].tolist() for name in RESULT_COLUMNS), strict=True))


@FAST
@given(models(), accounts())
def test_one_account_alone_scores_as_the_pandas_path_scores_it(
    model: IcpModel, table: tuple[list[str], list[tuple[Any, ...]]]
) -> None:
    """Alone against a one-row frame; in a block against the block as ``score`` reads a file (dtypes
    inferred, so number, date and yes/no columns take pandas' typed branches); and alone against
    its row of the block, unless the row holds text its column decides how to read."""
    header, rows = table
    assume(_required_present(model, header))
    alone = [score_rows(model, header, [row])[0] for row in rows]
    assert same_results(alone, [_through_pandas(model, header, [row])[0] for row in rows])
    block = score_rows(model, header, rows)
    assert same_results(block, _through_pandas(model, header, rows, typed=True))
    plain = [i for i, row in enumerate(rows) if not any(_decided(c) for c in row)]
    event(f"rows read alone as in the block: {len(plain)} of {len(rows)}")
    assert same_results([alone[i] for i in plain], [block[i] for i in plain])


def _decided(cell: Any) -> bool:
    return isinstance(cell, str) and DECIDED_BY_COLUMN.search(cell) is not None


def test_the_drawn_models_use_every_condition_and_decay_kind() -> None:
    """The strategy's promise, checked on a few draws rather than trusted."""

    @settings(max_examples=20, deadline=None)
    @given(models())
    def check(model: IcpModel) -> None:
        assert {c.condition.op for c in model.criteria} == set(Op)
        assert {s.decay.kind for s in model.signals} == set(DecayKind)

    check()
