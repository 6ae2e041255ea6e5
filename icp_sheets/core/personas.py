"""Match contacts to personas by job title, with department and seniority as tie-breakers.

Titles are written a hundred ways ("VP, Sales", "Vice President of Sales",
"SVP Sales"), so titles and keywords are both reduced to the same word form
before matching, and a keyword counts when its words appear together in the
title. The keyword with the most words (then letters) wins; department, then
seniority, break ties.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from icp_sheets.core.models import IcpModel, Persona
from icp_sheets.core.names import CONTACT_RESULT_COLUMNS, find_column
from icp_sheets.core.problems import Code, IcpError, Problem
from icp_sheets.core.values import category_key, norm_text

_PHRASES = (
    (r"\bvice[- ]president\b", "vp"), (r"\b[se]vp\b", "vp"), (r"\bv\.?p\.?\b", "vp"),
    (r"\bsr\.?\b", "senior"), (r"\bjr\.?\b", "junior"), (r"\bmgr\.?\b", "manager"),
    (r"\bdir\.?\b", "director"), (r"\bops\b", "operations"), (r"\brevops\b", "revenue operations"),
    (r"\bsalesops\b", "sales operations"), (r"\badmin\b", "administrator"), (r"&", " and "),
)  # fmt: skip
_FILLER = {"of", "the", "for", "and", "a"}
_NON_WORD = re.compile(r"(?:[^\w+]|_)+")


def title_words(text: object) -> tuple[str, ...]:
    """A title or keyword reduced to comparable words: 'VP, Sales' and 'Vice President of Sales' agree."""
    lowered = norm_text(text)
    for pattern, replacement in _PHRASES:
        lowered = re.sub(pattern, replacement, lowered)
    return tuple(w for w in _NON_WORD.split(lowered) if w and w not in _FILLER)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return size > 0 and any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def match_persona(model: IcpModel, title: object, department: object = "", seniority: object = "") -> Persona | None:
    """The persona whose title keywords fit best, or None when no keyword appears in the title."""
    words = title_words(title)
    if not words:
        return None
    department_key, seniority_key = category_key(department), category_key(seniority)
    best: tuple[tuple[int, ...], Persona] | None = None
    for order, persona in enumerate(model.personas):
        longest = max(
            ((len(p), len(" ".join(p))) for k in persona.title_keywords if _contains(words, p := title_words(k))),
            default=None,
        )
        if longest is None:
            continue
        rank = (
            *longest,
            int(bool(department_key) and department_key == category_key(persona.department)),
            int(bool(seniority_key) and seniority_key == category_key(persona.seniority)),
            -order,
        )
        if best is None or rank > best[0]:
            best = (rank, persona)
    return best[1] if best else None


def match_personas(model: IcpModel, contacts: pd.DataFrame) -> pd.DataFrame:
    """Persona, role and opening angle for every contact row (empty strings when none matches)."""
    title = find_column(contacts.columns, "Title") or find_column(contacts.columns, "Job title")
    if title is None:
        listed = ", ".join(f"'{c}'" for c in contacts.columns) or "none"
        raise IcpError(
            Problem(
                Code.MISSING_COLUMN,
                f"the contacts have no 'Title' column; add it (columns found: {listed})",
                column="Title",
            )
        )
    department = find_column(contacts.columns, "Department")
    seniority = find_column(contacts.columns, "Seniority")
    keys = pd.DataFrame(
        {
            "title": contacts[title].map(norm_text),
            "department": contacts[department].map(category_key) if department else "",
            "seniority": contacts[seniority].map(category_key) if seniority else "",
        }
    )
    codes, distinct = pd.factorize(pd.MultiIndex.from_frame(keys))
    found = [match_persona(model, *combo) for combo in distinct]
    columns = (
        [p.name if p else "" for p in found],
        [p.role.value if p else "" for p in found],
        [p.angle if p else "" for p in found],
    )
    return pd.DataFrame(
        {
            name: np.asarray(values, dtype=object)[codes]
            for name, values in zip(CONTACT_RESULT_COLUMNS, columns, strict=True)
        },
        index=contacts.index,
    )
