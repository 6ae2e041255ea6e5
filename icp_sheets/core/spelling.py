"""One spelling per account column: ``Title`` and ``title`` on the model tabs are one column.

Headers of an export are matched without case or punctuation (:func:`column_key`); the model
tabs' column names are matched the same way, so rows typed ``Title`` and ``title`` form one band
set instead of two. The first spelling from the top (ICP, then Anti-ICP, then Signals, then Override) is kept.
"""

from __future__ import annotations

from icp_sheets.core.formats import column_key
from icp_sheets.core.models import IcpModel


def one_spelling(model: IcpModel) -> IcpModel:
    """``model`` with every column name spelt as its first use spells it."""
    first: dict[str, str] = {}

    def spelt(name: str) -> str:
        return first.setdefault(column_key(name), name)

    criteria = tuple(c.model_copy(update={"column": spelt(c.column)}) for c in model.criteria)
    criteria = tuple(c.model_copy(update={"and_column": spelt(c.and_column)}) if c.and_column else c for c in criteria)
    disqualifiers = tuple(d.model_copy(update={"column": spelt(d.column)}) for d in model.disqualifiers)
    signals = tuple(s.model_copy(update={"date_column": spelt(s.date_column)}) for s in model.signals)
    overrides = tuple(o.model_copy(update={"column": spelt(o.column)}) for o in model.overrides)
    return model.model_copy(
        update={"criteria": criteria, "disqualifiers": disqualifiers, "signals": signals, "overrides": overrides}
    )
