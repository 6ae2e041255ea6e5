"""Each condition word is one definition: its words, text, evaluation and interval agree."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from icp_sheets.core.conditions import KINDS, Op, parse_condition
from icp_sheets.core.distinct import ColumnValues


@pytest.mark.parametrize("op", list(Op))
def test_every_word_and_synonym_parses_to_its_kind(op: Op) -> None:
    kind = KINDS[op]
    example = parse_condition(kind.example)
    assert example.op is op
    assert parse_condition(example.text()) == example
    rest = kind.example.casefold().removeprefix(op.value)
    for word in kind.words:
        assert parse_condition(f"{word.upper()}{rest}").op is op


@pytest.mark.parametrize("op", [op for op in Op if KINDS[op].interval(parse_condition(KINDS[op].example))])
def test_range_evaluation_agrees_with_the_interval_check_reasons_about(op: Op) -> None:
    condition = parse_condition(KINDS[op].example)
    low, low_open, high, high_open = condition.interval()  # type: ignore[misc]
    probes = [x for x in (low, high) if math.isfinite(x)]
    probes += [math.nextafter(x, d) for x in probes for d in (-math.inf, math.inf)]
    hit = condition.matches(ColumnValues(pd.Series(probes, dtype=float)))
    inside = [(low < x or (x == low and not low_open)) and (x < high or (x == high and not high_open)) for x in probes]
    assert hit.tolist() == inside


def test_only_the_catch_all_has_no_preference() -> None:
    values = ColumnValues(pd.Series(["a", None, "n/a"], dtype=object))
    assert [op for op, kind in KINDS.items() if kind.catch_all] == [Op.ANY_OTHER]
    assert np.all(parse_condition("any other value").matches(values))
