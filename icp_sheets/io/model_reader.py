"""Read the model tabs of a workbook into a validated :class:`IcpModel`, with every problem at once.

The reader never stops at the first mistake: each cell that cannot be read
becomes a :class:`Problem` naming the tab, the sheet row and the column, and
the row is left out of the model. If any error was found the whole set is
raised together as one :class:`IcpError`; warnings come back with the model.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from icp_sheets.core.conditions import ConditionError, fmt_number, parse_condition
from icp_sheets.core.decays import Decay
from icp_sheets.core.formats import AccountColumn, ReadAs, column_key
from icp_sheets.core.grades import Axis, Cell, Grades, Tier, grading, mistakes
from icp_sheets.core.models import (
    Criterion,
    Disqualifier,
    IcpModel,
    Layer,
    Narrative,
    Persona,
    Role,
    Settings,
    Signal,
)
from icp_sheets.core.names import (
    ANTI_ICP,
    COLUMNS,
    DATA_TABS,
    GRADES,
    ICP,
    MATRIX,
    MODEL_TABS,
    OPTIONAL_TABS,
    OVERRIDE,
    PERSONAS,
    SETTINGS,
    SIGNALS,
    START,
    close_tab,
    find_tab,
    header_key,
)
from icp_sheets.core.overrides import Override, Target, canonical, choices, header
from icp_sheets.core.problems import Code, IcpError, Problem, Severity, errors
from icp_sheets.core.reach import scale_problem
from icp_sheets.core.spelling import one_spelling
from icp_sheets.core.values import (
    DateError,
    as_1900_serial,
    is_blank,
    norm_text,
    parse_bool,
    parse_date,
    parse_number,
    shown,
    split_list,
)
from icp_sheets.io import layout
from icp_sheets.io.computed_settings import is_computed
from icp_sheets.io.signal_cells import signal_options
from icp_sheets.io.tables import Table, read_xlsx_tabs

_ROLE_SYNONYMS = {
    "buyer": Role.ECONOMIC_BUYER,
    "decision maker": Role.ECONOMIC_BUYER,
    "gatekeeper": Role.TECHNICAL_GATEKEEPER,
    "technical buyer": Role.TECHNICAL_GATEKEEPER,
    "end user": Role.USER,
    "influencer": Role.OTHER,
}


class _TabReader:
    """Cell access for one tab that records problems instead of raising."""

    def __init__(self, table: Table, problems: list[Problem]) -> None:
        self.table = table
        self.tab = table.name
        self.problems = problems
        self.complete = True  # every required header is there

    def problem(
        self,
        code: Code,
        message: str,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(Problem(code, message, self.tab, row, column, value, severity))

    def columns(self) -> dict[str, str | None]:
        """Actual header per layout header; a missing required header is an error."""
        tab_layout = layout.TABS[self.tab]
        found: dict[str, str | None] = {}
        for column in tab_layout.columns:
            actual = self.table.column(column.header)
            if actual is None and column.required:
                self.complete = False
                headers = ", ".join(f"'{h}'" for h in self.table.frame.columns) or "none"
                self.problem(
                    Code.MISSING_HEADER,
                    f"has no '{column.header}' column; add that header in row 1 (headers found: {headers})",
                    row=1,
                    column=column.header,
                )
            found[column.header] = actual
        return found

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(sheet row, {layout header: raw value}) for every non-blank row."""
        columns = self.columns()
        if any(c.required and columns[c.header] is None for c in layout.TABS[self.tab].columns):
            return []
        records = self.table.frame.to_dict("records")
        out = []
        for position, record in enumerate(records):
            cells = {header: (record[actual] if actual is not None else None) for header, actual in columns.items()}
            out.append((self.table.sheet_row(position), cells))
        return out

    def required(self, cells: Mapping[str, Any], row: int, header: str, what: str) -> Any:
        value = cells[header]
        if is_blank(value):
            self.problem(Code.REQUIRED_CELL, f"is blank; {what}", row, header)
            return None
        return value

    def number(self, cells: Mapping[str, Any], row: int, header: str, example: str) -> float | None:
        value = self.required(cells, row, header, f"type a number such as {example}")
        if value is None:
            return None
        number = parse_number(value)
        if number is None:
            self.problem(
                Code.UNREADABLE_NUMBER,
                f"'{shown(value)}' is not a number; type a number such as {example}",
                row,
                header,
                value,
            )
        return number

    def condition(self, cells: Mapping[str, Any], row: int) -> Any:
        value = self.required(cells, row, "Condition", "choose a condition such as 'between 50 and 200'")
        if value is None:
            return None
        try:
            return parse_condition(value)
        except ConditionError as exc:
            code = Code.UNKNOWN_CONDITION if exc.unknown else Code.BAD_CONDITION
            self.problem(code, str(exc), row, "Condition", value)
            return None

    def choice(self, value: Any, row: int, header: str, choices: Mapping[str, Any]) -> Any:
        if is_blank(value):
            return None
        key = norm_text(value)
        if key in choices:
            return choices[key]
        listed = ", ".join(f"'{c}'" for c in dict.fromkeys(str(v) for v in choices.values()))
        self.problem(
            Code.UNKNOWN_VALUE, f"'{shown(value)}' is not one of {listed}; pick one from the list", row, header, value
        )
        return None

    def text(self, value: Any) -> str:
        return "" if is_blank(value) and not isinstance(value, str) else str(value or "").strip()


def _read_icp(reader: _TabReader) -> list[Criterion]:
    layers = {layer.value: layer for layer in Layer} | {"behavioral": Layer.BEHAVIOURAL}
    out = []
    caps: dict[str, tuple[float, int]] = {}
    for row, cells in reader.rows():
        column = reader.required(cells, row, "Column", "type the account column this row scores, e.g. 'Employees'")
        condition = reader.condition(cells, row)
        points = reader.number(cells, row, "Points", "2 or -1")
        layer = reader.choice(cells["Layer"], row, "Layer", layers)
        cap = None if is_blank(cells["Cap"]) else reader.number(cells, row, "Cap", "30, or -20 for a negative group")
        and_column, and_condition = _and_condition(reader, cells, row)
        if column is None or condition is None or points is None or and_column is None:
            continue
        if cap is None and not is_blank(cells["Cap"]):
            continue
        criterion = Criterion(
            column=str(column).strip(),
            condition=condition,
            points=points,
            layer=layer,
            note=reader.text(cells["Note"]),
            row=row,
            group=reader.text(cells["Group"]),
            cap=cap,
            and_column=and_column,
            and_condition=and_condition,
        )
        if cap is not None:
            first = caps.setdefault(criterion.group_key(), (cap, row))
            if first[0] != cap:
                reader.problem(
                    Code.BAD_THRESHOLDS,
                    f"caps this group at {fmt_number(cap)} but row {first[1]} caps it at {fmt_number(first[0])}; "
                    "write the cap on one row of the group",
                    row,
                    "Cap",
                    cells["Cap"],
                )
        out.append(criterion)
    return out


def _and_condition(reader: _TabReader, cells: Mapping[str, Any], row: int) -> tuple[str | None, Any]:
    """('', None) without an AND; (column, condition) with one; (None, None) after a problem."""
    column, text = cells["And column"], cells["And condition"]
    if is_blank(column) and is_blank(text):
        return "", None
    if is_blank(column) or is_blank(text):
        missing = "And column" if is_blank(column) else "And condition"
        reader.problem(
            Code.REQUIRED_CELL,
            "is blank; an AND needs both the other column and its condition, e.g. 'Industry' and 'is Software'",
            row,
            missing,
        )
        return None, None
    try:
        return str(column).strip(), parse_condition(text)
    except ConditionError as exc:
        code = Code.UNKNOWN_CONDITION if exc.unknown else Code.BAD_CONDITION
        reader.problem(code, str(exc), row, "And condition", text)
        return None, None


def _read_anti(reader: _TabReader) -> list[Disqualifier]:
    out = []
    for row, cells in reader.rows():
        column = reader.required(cells, row, "Column", "type the account column this row checks")
        condition = reader.condition(cells, row)
        if column is None or condition is None:
            continue
        reason = _reason(reader, cells, row, f"Anti-ICP: {str(column).strip()} {condition.text()}", "")
        out.append(Disqualifier(column=str(column).strip(), condition=condition, reason=reason, row=row))
    return out


def _reason(reader: _TabReader, cells: dict[str, Any], row: int, fallback: str, shown_as: str) -> str:
    """The row's Reason; a blank one reads as ``fallback``, with a warning saying what reps will see."""
    reason = reader.text(cells["Reason"])
    if not reason:
        reason = fallback
        reader.problem(
            Code.REQUIRED_CELL,
            f"is blank; reps will see '{reason}'{shown_as}; write {'it' if shown_as else 'the reason'} in your words",
            row,
            "Reason",
            severity=Severity.WARNING,
        )
    return reason


def _read_signals(reader: _TabReader) -> list[Signal]:
    out = []
    for row, cells in reader.rows():
        name = reader.required(cells, row, "Signal", "name the event, e.g. 'Funding round'")
        column = reader.required(cells, row, "Date column", "type the account column holding the event date")
        points = reader.number(cells, row, "Points", "1")
        window = _window(reader, cells, row)
        try:
            decay = Decay.parse(cells["Decay"])
        except ValueError as exc:
            reader.problem(Code.UNKNOWN_VALUE, str(exc), row, "Decay", cells["Decay"])
            continue
        options = signal_options(reader, cells, row)
        if name is None or column is None or points is None or window is False or options is None:
            continue
        try:
            signal = Signal(
                name=str(name).strip(),
                date_column=str(column).strip(),
                points=points,
                window_days=window,
                decay=decay,
                row=row,
                **options,
            )
        except ValidationError as exc:
            message = exc.errors()[0]["msg"].removeprefix("Value error, ")
            reader.problem(Code.BAD_CONDITION, message, row, "Reads", cells["Reads"])
            continue
        out.append(signal)
    return out


def _window(reader: _TabReader, cells: Mapping[str, Any], row: int) -> int | bool | None:
    """Whole days (blank = forever), or False when unreadable (reported)."""
    value = cells["Window (days)"]
    if is_blank(value):
        return None
    window = parse_number(value)
    if window is None or window < 0 or not float(window).is_integer():
        reader.problem(
            Code.UNREADABLE_NUMBER,
            f"'{shown(value)}' must be a whole number of days, 0 or more, such as 90 (blank: forever)",
            row,
            "Window (days)",
            value,
        )
        return False
    return int(window)


def _read_personas(reader: _TabReader) -> list[Persona]:
    roles = {role.value: role for role in Role} | _ROLE_SYNONYMS
    out = []
    for row, cells in reader.rows():
        name = reader.required(cells, row, "Persona", "name the persona, e.g. 'Sales leader'")
        role = reader.choice(cells["Role"], row, "Role", roles)
        if role is None and is_blank(cells["Role"]):
            reader.problem(Code.REQUIRED_CELL, "is blank; pick the persona's part in the deal", row, "Role")
        keywords = split_list(
            reader.required(cells, row, "Title keywords", "list words of a job title, e.g. 'VP Sales, CRO'")
        )
        if name is None or role is None or not keywords:
            continue
        out.append(
            Persona(
                name=str(name).strip(),
                role=role,
                title_keywords=tuple(keywords),
                department=reader.text(cells["Department"]),
                seniority=reader.text(cells["Seniority"]),
                angle=reader.text(cells["Opening angle"]),
                row=row,
            )
        )
    return out


def _read_settings(reader: _TabReader) -> Settings:
    by_label = {header_key(s.label): s for s in layout.SETTING_ROWS}
    values: dict[str, Any] = {}
    seen: set[str] = set()
    unreadable: set[str] = set()  # already reported
    for row, cells in reader.rows():
        label = cells["Setting"]
        if is_blank(label) or is_computed(label):  # written by icp-sheets for people, never input
            continue
        setting = by_label.get(header_key(label))
        if setting is None:
            reader.problem(
                Code.UNKNOWN_SETTING,
                f"'{shown(label)}' is not a setting I know; fix its spelling or delete the row",
                row,
                "Setting",
                label,
            )
            continue
        seen.add(setting.path)
        value = _setting_value(reader, setting, cells["Value"], row)
        if value is not None:
            values[setting.path] = value
        elif not is_blank(cells["Value"]):
            unreadable.add(setting.path)
    if reader.complete:
        _unset_settings(reader, values, seen, unreadable)
    return _settings_from(values, reader)


def _setting_value(reader: _TabReader, setting: layout.SettingRow, value: Any, row: int) -> Any:
    """The cell as the setting's kind, or None (blank, or a problem recorded)."""
    if is_blank(value):
        return None
    if setting.kind == "number":
        number = parse_number(value)
        if number is None:
            reader.problem(
                Code.UNREADABLE_NUMBER, f"'{shown(value)}' is not a number; type a number", row, "Value", value
            )
        return number
    if setting.kind == "date":
        try:
            return parse_date(as_1900_serial(value, reader.table.date_system))
        except DateError as exc:
            reader.problem(Code.UNREADABLE_DATE, str(exc), row, "Value", value)
            return None
    if setting.kind == "choice":
        return reader.choice(value, row, "Value", {choice: choice for choice in setting.choices})
    return shown(value) if not isinstance(value, str) else value.strip()


def _unset_settings(reader: _TabReader, values: Mapping[str, Any], seen: set[str], unreadable: set[str]) -> None:
    """A required setting left out is an error; an optional one with a default is noted."""
    for setting in layout.SETTING_ROWS:
        if setting.path in values or setting.path in unreadable:
            continue
        where = "is blank" if setting.path in seen else "has no row"
        if setting.required:
            reader.problem(
                Code.MISSING_SETTING,
                f"'{setting.label}' {where}; type its value (the template has {_default_text(setting)})",
                column=setting.label,
            )
        elif (default := _default_text(setting)) is not None:
            reader.problem(
                Code.DEFAULT_SETTING,
                f"'{setting.label}' {where}, so {default} is used",
                column=setting.label,
                severity=Severity.INFO,
            )


def _default_text(setting: layout.SettingRow) -> str | None:
    """The default a blank setting falls back to, as words; None when blank simply means none."""
    if setting.path == "as_of":
        return "today"
    field = Settings.model_fields.get(setting.path)
    if field is None or field.default in (None, ""):
        return None
    default = field.default
    return fmt_number(default) if isinstance(default, int | float) else f"'{default}'"


def _settings_from(values: Mapping[str, Any], reader: _TabReader) -> Settings:
    fields: dict[str, Any] = {}
    actions: dict[str, str] = {}
    narrative: dict[str, str] = {}
    for path, value in values.items():
        head, _, rest = path.partition(".")
        if head == "actions":
            actions[rest] = value
        elif head == "narrative":
            narrative[rest] = value
        else:
            fields[head] = value
    try:
        return Settings(**fields, actions=actions, narrative=Narrative(**narrative))
    except ValidationError as exc:
        for error in exc.errors():
            reader.problem(
                Code.BAD_THRESHOLDS, f"{error['msg'].removeprefix('Value error, ')}; fix the thresholds", column="Value"
            )
        return Settings(actions=actions, narrative=Narrative(**narrative))


_FORMATS = {column_key(word.value): word for word in ReadAs}


def _read_columns(reader: _TabReader) -> list[AccountColumn]:
    out = []
    for row, cells in reader.rows():
        name = reader.required(
            cells, row, "Column", "type the account column as the ICP tab names it, e.g. 'Employees'"
        )
        required = _yes_no(reader, cells["Required"], row)
        read_as = _format(reader, cells["Format"], row)
        if name is None or required is None or read_as is False:
            continue
        also = tuple(split_list(cells["Also called"]))
        out.append(AccountColumn(name=str(name).strip(), also_called=also, required=required, read_as=read_as, row=row))
    return out


def _yes_no(reader: _TabReader, value: Any, row: int) -> bool | None:
    """Required: blank is yes (a missing column stops the run, as without the tab)."""
    if is_blank(value):
        return True
    answer = parse_bool(value)
    if answer is None:
        reader.problem(
            Code.UNKNOWN_VALUE,
            f"'{shown(value)}' is not yes or no; type yes (a missing column stops the run) or no "
            "(a missing column reads as blank)",
            row,
            "Required",
            value,
        )
    return answer


def _format(reader: _TabReader, value: Any, row: int) -> ReadAs | bool | None:
    """A Format word (any case or punctuation), None when blank, False when unknown (reported)."""
    if is_blank(value):
        return None
    word = _FORMATS.get(column_key(value))
    if word is not None:
        return word
    close = difflib.get_close_matches(column_key(value), list(_FORMATS), n=1, cutoff=0.5)
    hint = f"did you mean '{_FORMATS[close[0]].value}'? " if close else ""
    listed = ", ".join(f"'{w.value}'" for w in ReadAs)
    reader.problem(
        Code.UNKNOWN_VALUE,
        f"'{shown(value)}' is not a Format word; {hint}use one of {listed}, or leave it blank",
        row,
        "Format",
        value,
    )
    return False


def _read_grades(reader: _TabReader) -> list[Tier]:
    axes = {axis.value: axis for axis in Axis} | {"intent": Axis.TIMING, "engagement": Axis.TIMING}
    out = []
    for row, cells in reader.rows():
        axis = reader.choice(cells["Grade"], row, "Grade", axes)
        if axis is None and is_blank(cells["Grade"]):
            reader.problem(Code.REQUIRED_CELL, "is blank; type fit or timing", row, "Grade")
        label = reader.required(cells, row, "Tier", "name the tier, e.g. 'very good' or 'A'")
        at = None if is_blank(cells["From"]) else reader.number(cells, row, "From", "85")
        if axis is None or label is None or (at is None and not is_blank(cells["From"])):
            continue
        out.append(Tier(axis=axis, label=str(label).strip(), at=at, row=row))
    return out


def _read_matrix(reader: _TabReader) -> list[Cell]:
    out = []
    for row, cells in reader.rows():
        fit = reader.required(cells, row, "Fit tier", "type a fit tier from the Grades tab, e.g. 'A'")
        timing = reader.required(cells, row, "Timing tier", "type a timing tier from the Grades tab, e.g. '1'")
        priority = reader.required(cells, row, "Priority", "name the priority reps see, e.g. 'A1'")
        if fit is None or timing is None or priority is None:
            continue
        out.append(
            Cell(
                fit=shown(fit).strip(),
                timing=shown(timing).strip(),
                priority=shown(priority).strip(),
                action=reader.text(cells["Action"]),
                row=row,
            )
        )
    return out


def _graded(parts: Mapping[str, Any], problems: list[Problem]) -> Grades:
    """The Grades and Matrix tabs, checked against each other and the Settings. An axis the Grades
    tab lists needs no Settings thresholds, so their 'missing' errors no longer apply."""
    grades = Grades(tiers=tuple(parts.get(GRADES, ())), cells=tuple(parts.get(MATRIX, ())))
    unused = {"fit_a_at", "fit_b_at"} if grades.listed(Axis.FIT) else set()
    unused |= {"timing_1_at", "timing_2_at"} if grades.listed(Axis.TIMING) else set()
    labels = {s.label for s in layout.SETTING_ROWS if s.path in unused}
    problems[:] = [p for p in problems if not (p.code is Code.MISSING_SETTING and p.column in labels)]
    settings = parts.get(SETTINGS, Settings())
    problems += [Problem(Code.BAD_GRADES, m.message, m.tab, m.row, m.column) for m in mistakes(settings, grades)]
    return grades


def _read_overrides(reader: _TabReader) -> list[Override]:
    """The Override rows as typed; their labels are checked against the grades by :func:`_overridden`."""
    out = []
    for row, cells in reader.rows():
        column = reader.required(cells, row, "Column", "type the account column this row reads, e.g. 'Strategic'")
        condition = reader.condition(cells, row)
        forced = {t: "" if is_blank(cells[header(t)]) else shown(cells[header(t)]).strip() for t in Target}
        if not any(forced.values()):
            reader.problem(
                Code.REQUIRED_CELL,
                "forces nothing; fill in the fit tier, timing tier, tier or priority these accounts get",
                row,
                header(Target.FIT_TIER),
            )
        if column is None or condition is None or not any(forced.values()):
            continue
        reason = _reason(reader, cells, row, f"{str(column).strip()} {condition.text()}", " as the override's reason")
        out.append(
            Override(
                column=str(column).strip(),
                condition=condition,
                fit_tier=forced[Target.FIT_TIER],
                timing_tier=forced[Target.TIMING_TIER],
                tier=forced[Target.TIER],
                priority=forced[Target.PRIORITY],
                reason=reason,
                row=row,
            )
        )
    return out


def _overridden(parts: Mapping[str, Any], grades: Grades, problems: list[Problem]) -> list[Override]:
    """The Override rows with each forced label spelt as the model spells it (any case or spacing
    is accepted); a label the model does not have is an error naming its cell and the choices."""
    settings = parts.get(SETTINGS, Settings())
    if mistakes(settings, grades):
        return []  # the Grades and Matrix tabs' own errors come first
    graded = grading(settings, grades)
    tiers = (settings.top_tier, settings.middle_tier)
    out = []
    for override in parts.get(OVERRIDE, ()):
        fields: dict[str, str] = {}
        for target in Target:
            label = override.forced(target)
            allowed = choices(graded, tiers, target)
            spelt = canonical(label, allowed) if label else ""
            if spelt is None:
                listed = ", ".join(f"'{a}'" for a in allowed)
                problems.append(
                    Problem(
                        Code.UNKNOWN_VALUE,
                        f"'{label}' is not a {target.value} of this model; type one of {listed}",
                        OVERRIDE,
                        override.row,
                        header(target),
                        label,
                    )
                )
                spelt = label
            fields[target.name.lower()] = spelt
        out.append(override.model_copy(update=fields))
    return out


_TAB_READERS: dict[str, Callable[[_TabReader], Any]] = {
    ICP: _read_icp,
    ANTI_ICP: _read_anti,
    SIGNALS: _read_signals,
    PERSONAS: _read_personas,
    SETTINGS: _read_settings,
    COLUMNS: _read_columns,
    GRADES: _read_grades,
    MATRIX: _read_matrix,
    OVERRIDE: _read_overrides,
}


def _duplicates(reader_tab: str, names: list[tuple[str, int | None]], what: str, problems: list[Problem]) -> None:
    seen: dict[str, int | None] = {}
    for name, row in names:
        key = norm_text(name)
        if key in seen:
            problems.append(
                Problem(
                    Code.DUPLICATE,
                    f"{what} '{name}' is also on row {seen[key]}; give each a different name",
                    reader_tab,
                    row,
                    severity=Severity.WARNING,
                )
            )
        else:
            seen[key] = row


def _unused_columns(model: IcpModel, problems: list[Problem]) -> None:
    """A Columns row no ICP, Anti-ICP or Signals row reads is most likely a misspelt name: its
    settings would do nothing, so say so (with the closest name the model does read)."""
    used = {column_key(c): c for c in model.required_columns()}
    seen: dict[str, int | None] = {}
    for spec in model.columns:
        row, key = spec.row, column_key(spec.name)
        if key in seen:
            problems.append(
                Problem(
                    Code.DUPLICATE,
                    f"'{spec.name}' is also on row {seen[key]}; only the first row counts, so keep one row per column",
                    COLUMNS,
                    row,
                    "Column",
                    severity=Severity.WARNING,
                )
            )
            continue
        seen[key] = row
        if key in used:
            continue
        close = difflib.get_close_matches(key, list(used), n=1, cutoff=0.6)
        hint = f"did you mean '{used[close[0]]}'? " if close else ""
        problems.append(
            Problem(
                Code.UNKNOWN_VALUE,
                f"'{spec.name}' is not a column the ICP, Anti-ICP or Signals tabs read, so this row does "
                f"nothing; {hint}fix its spelling or delete the row",
                COLUMNS,
                row,
                "Column",
                severity=Severity.WARNING,
            )
        )


def _missing_tab(tab: str, names: Sequence[str]) -> Problem:
    found = ", ".join(f"'{t}'" for t in names) or "none"
    close = close_tab([n for n in names if find_tab(MODEL_TABS, n) is None], tab)
    fix = (
        f"did you mean '{close}'? Rename it to '{tab}'"
        if close is not None
        else "add it (a tab with only its header row means 'none') or start from 'icp-sheets new'"
    )
    return Problem(Code.MISSING_TAB, f"the workbook has no '{tab}' tab; {fix} (tabs found: {found})", tab)


def _near_tab(tab: str, names: Sequence[str]) -> Problem | None:
    """An optional tab may be left out, but one under a near name (a typo, a singular) is never
    ignored silently: the user meant it, and their settings would not apply."""
    others = [n for n in names if find_tab((*MODEL_TABS, *DATA_TABS, START), n) is None]
    close = close_tab(others, tab)
    if close is None:
        return None
    return Problem(
        Code.MISSING_TAB,
        f"the workbook has no '{tab}' tab but has '{close}'; rename it to '{tab}' if it is meant to be "
        f"that tab, else give it a name less like '{tab}'",
        tab,
    )


def read_model(
    tables: Mapping[str, Table], *, tab_names: Sequence[str] | None = None
) -> tuple[IcpModel, list[Problem]]:
    """The model from the workbook's tabs, plus warnings and notes.

    Tabs are matched by name ignoring case, spaces, hyphens and underscores; every
    model tab must be there (an empty part is a tab with only its header row).
    ``tab_names`` lists all the workbook's tabs, for 'did you mean', when ``tables``
    holds only some. Raises IcpError carrying every error when the model cannot be used.
    """
    names = list(tab_names if tab_names is not None else tables)
    problems: list[Problem] = []
    parts: dict[str, Any] = {}
    for tab, read in _TAB_READERS.items():
        actual = find_tab(tables, tab)
        if actual is None:
            if tab not in OPTIONAL_TABS:
                problems.append(_missing_tab(tab, names))
            elif (near := _near_tab(tab, names)) is not None:
                problems.append(near)
            continue
        table = tables[actual]
        parts[tab] = read(_TabReader(Table(tab, table.frame, table.rows, table.date_system), problems))
    grades = _graded(parts, problems)
    overrides = _overridden(parts, grades, problems)
    if not parts.get(ICP) and not parts.get(SIGNALS) and not errors(problems):
        problems.append(
            Problem(
                Code.REQUIRED_CELL,
                "has no criteria and the Signals tab no signal; add at least one row to either",
                ICP,
            )
        )
    if errors(problems):
        raise IcpError(problems)
    _duplicates(SIGNALS, [(s.name, s.row) for s in parts.get(SIGNALS, [])], "Signal", problems)
    _duplicates(PERSONAS, [(p.name, p.row) for p in parts.get(PERSONAS, [])], "Persona", problems)
    scale = scale_problem(IcpModel(settings=parts[SETTINGS], criteria=tuple(parts[ICP]), signals=tuple(parts[SIGNALS])))
    if scale is not None:
        raise IcpError([*problems, Problem(Code.BAD_THRESHOLDS, scale, SETTINGS, column="Scale")])
    model = one_spelling(
        IcpModel(
            settings=parts[SETTINGS],
            criteria=tuple(parts[ICP]),
            disqualifiers=tuple(parts[ANTI_ICP]),
            signals=tuple(parts[SIGNALS]),
            personas=tuple(parts[PERSONAS]),
            columns=tuple(parts.get(COLUMNS, ())),
            grades=grades,
            overrides=tuple(overrides),
        )
    )
    _unused_columns(model, problems)
    return model, problems


def load_model(path: Path | str) -> tuple[IcpModel, list[Problem]]:
    """Read the model tabs of an .xlsx workbook."""
    path = Path(path)
    if not path.exists():
        raise IcpError(
            Problem(
                Code.UNREADABLE_FILE,
                "no such workbook; check the path or create one with 'icp-sheets new PATH'",
                tab=str(path),
            )
        )
    tables, names = read_xlsx_tabs(path, MODEL_TABS)
    return read_model(tables, tab_names=names)
