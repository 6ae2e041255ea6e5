"""What a cell means, in SQL: the reading of :mod:`icp_sheets.core.values`, value by value.

A :class:`Cell` is one account column seen through its frame of distinct values (``v``, the
cell as text, NULL when empty). Each reading (blank, number, category key, list items,
yes/no, date) becomes frame columns the first time a condition asks for it. The regular
expressions are the core's, rewritten in the subset every dialect shares (see
:mod:`icp_sheets.sql.build`); what they cannot say the same way is in docs/sql.md.
"""

from __future__ import annotations

import re

from sqlglot import exp

from icp_sheets.core.formats import ReadAs
from icp_sheets.core.values import FALSE_WORDS, FORMULA_STARTS, MISSING_MARKERS, TRUE_WORDS
from icp_sheets.sql import build as b
from icp_sheets.sql import text
from icp_sheets.sql.frame import Frame

WS = b.SPACE_CLASS
ANY = "[^~]"  # any character: '~' is replaced before a pattern needs to cross everything
_TAIL = "(employees|people|staff|%)?"
_SUFFIX = "(thousand|k|million|mil|mm|mn|m|billion|bil|bn|b)"
_NUM = f"([0-9]{{1,3}}([,'{b.SPACES}][0-9]{{3}})+([.][0-9]+)?|[0-9]*[.]?[0-9]+(e[-+]?[0-9]+)?)"
_SINGLE = f"^[-+−]?{WS}*[$€£¥]?{WS}*{_NUM}{WS}*({_SUFFIX}s?[.]?)?{WS}*[+]?{WS}*{_TAIL}$"
_FAMILIES = {1e3: "(thousand|k)", 1e6: "(million|mil|mm|mn|m)", 1e9: "(billion|bil|bn|b)"}
_NO_RANGE = 100000  # a position past any cell: no separator there
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FULL_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")  # fmt: skip
_DAY = "(0?[1-9]|[12][0-9]|3[01])"
_EPOCH_SERIAL = 25569  # Excel serial of 1970-01-01
_SERIALS = (3653, 109575)  # values.py's plausible event dates


def _noise(*, keep: str = "") -> str:
    """A class of what category keys drop (punctuation and spaces; not + or #), from the core's
    own rule; backslash and brackets are removed by REPLACE, as classes escape them differently."""
    candidates = [chr(c) for c in range(0x20, 0x7F)] + list(b.SPACES + "–—−‘’“”«»…·•¡¿§¶°©®™€£¥¢")
    dropped = [c for c in candidates if re.fullmatch(r"[^\w+#]|_", c) and c not in keep + "\\[]^-"]
    return "[" + "".join(dropped) + "^-]+"


_NOISE = _noise()
_LIST_NOISE = _noise(keep=",")


def _parse_single(frame: Frame, name: str, source: exp.Expr) -> tuple[exp.Column, exp.Column]:
    """(matches, value) of values.py's single-number reading of lower-case ``source``."""
    s = frame.add(f"{name}_s", b.trim(source))
    ok = frame.add(f"{name}_ok", b.true(b.regex(s, _SINGLE)))
    body = b.regex_delete(s, f"^[-+−]?{WS}*[$€£¥]?{WS}*")
    body = b.regex_delete(body, f"{WS}*({_SUFFIX}s?[.]?)?{WS}*[+]?{WS}*{_TAIL}$")
    digits = b.regex_delete(body, f"[,'{b.SPACES}]")
    scale = b.case(
        [
            (b.regex(s, f"^{ANY}*[0-9]{WS}*{family}s?[.]?{WS}*[+]?{WS}*{_TAIL}$"), b.num(x))
            for x, family in _FAMILIES.items()
        ],
        b.num(1),
    )
    negative = b.case([(b.regex(s, f"^[-−]{ANY}*$"), b.num(-1))], b.num(1))
    value = exp.Mul(this=exp.Mul(this=b.double(digits), expression=scale), expression=negative)
    return ok, frame.add(f"{name}_n", b.case([(ok, value)]))


def _separator(text_col: exp.Expr, mark: str) -> exp.Expr:
    """1-based position of the first ``mark`` after the first character, or _NO_RANGE."""
    found = b.position(b.substring(text_col, 2), mark)
    return b.case(
        [(exp.GT(this=found, expression=b.num(0)), exp.Add(this=found, expression=b.num(1)))], b.num(_NO_RANGE)
    )


def parse_number(frame: Frame, name: str, source: exp.Expr) -> dict[str, exp.Column]:
    """values.parse_number of lower-case, trimmed ``source``: the number and how it was read."""
    s = frame.add(f"{name}_t", source)
    ok, single = _parse_single(frame, f"{name}_1", s)
    to = b.position(s, " to ")
    marks = [_separator(s, m) for m in "-–—"]
    marks.append(
        b.case([(exp.GT(this=to, expression=b.num(0)), exp.Add(this=to, expression=b.num(1)))], b.num(_NO_RANGE))
    )
    at = frame.add(f"{name}_at", exp.Least(this=marks[0], expressions=marks[1:]))
    words = frame.add(f"{name}_tw", exp.EQ(this=at, expression=marks[3]))
    width = b.case([(words, b.num(2))], b.num(1))
    found = exp.LT(this=at, expression=b.num(_NO_RANGE))
    low_text = b.case([(found, b.substring(s, 1, exp.Sub(this=at, expression=b.num(1))))])
    high_text = b.case([(found, b.substring(s, exp.Add(this=at, expression=width)))])
    low_ok, low = _parse_single(frame, f"{name}_lo", low_text)
    high_ok, high = _parse_single(frame, f"{name}_hi", high_text)
    ranged = frame.add(f"{name}_r", b.all_of(b.not_(ok), low_ok, high_ok, b.true(exp.LTE(this=low, expression=high))))
    middle = exp.Div(this=exp.Add(this=low, expression=high), expression=b.num(2))
    number = frame.add(f"{name}_v", b.case([(ok, single), (ranged, middle)]))
    plus = b.regex(s, f"^{ANY}*[0-9]{WS}*({_SUFFIX}s?[.]?)?{WS}*[+]{WS}*{_TAIL}$")
    suffix = b.regex(s, f"^{ANY}*[0-9]{WS}*{_SUFFIX}s?[.]?{WS}*[+]?{WS}*{_TAIL}$")
    style = b.case(
        [
            (b.all_of(ok, plus), b.lit(", the lower bound")),
            (b.all_of(ok, suffix), b.lit("")),
            (ranged, b.lit(", the midpoint")),
        ]
    )
    return {"number": number, "style": frame.add(f"{name}_style", style)}


class Cell:
    """One account column's readings over its distinct values, added to ``frame`` on demand."""

    def __init__(self, frame: Frame, column: str, read_as: ReadAs | None) -> None:
        self.frame = frame
        self.column = column
        self.read_as_format = read_as
        self.formats: dict[str, exp.Expr] = {}  # what the column decides over its values

    @property
    def v(self) -> exp.Column:
        return self.frame.get("v")

    @property
    def trimmed(self) -> exp.Column:
        return self.frame.once("s", b.trim(b.func("replace", self.v, b.lit("~"), b.lit(" "))))

    @property
    def lower(self) -> exp.Column:
        return self.frame.once("l", b.lower(self.trimmed))

    @property
    def blank(self) -> exp.Column:
        markers = sorted(MISSING_MARKERS)
        value = b.true(
            b.any_of(
                exp.Is(this=self.v, expression=exp.null()),
                exp.EQ(this=self.trimmed, expression=b.lit("")),
                b.one_of(self.lower, markers),
            )
        )
        return self.frame.once("blank", value)

    @property
    def empty(self) -> exp.Column:
        value = b.true(
            b.any_of(exp.Is(this=self.v, expression=exp.null()), exp.EQ(this=self.trimmed, expression=b.lit("")))
        )
        return self.frame.once("empty", value)

    @property
    def shown(self) -> exp.Column:
        """shown(raw).strip(): the cell as messages quote it, cut at 40 characters."""
        cut = b.case(
            [(exp.LTE(this=b.length(self.v), expression=b.num(40)), self.v)], b.concat(b.substring(self.v, 1, 37), "…")
        )
        return self.frame.once("shown", b.trim(cut))

    @property
    def shown_quoted(self) -> exp.Column:
        """:attr:`shown` in quotes when it starts like a formula (``'=Series B'``), as a value's
        reason shows it, so no why starts with + - = @."""
        formula = b.one_of(b.substring(self.shown, 1, 1), [c for c in FORMULA_STARTS if c.strip()])  # shown is trimmed
        return self.frame.once("shown_q", b.case([(formula, b.concat("'", self.shown, "'"))], self.shown))

    @property
    def norm(self) -> exp.Column:
        """norm_text: spaces collapsed, lower case ('' for an empty cell)."""
        collapsed = exp.RegexpReplace(this=self.trimmed, expression=b.lit(f"{WS}+"), replacement=b.lit(" "))
        return self.frame.once("norm", b.func("coalesce", b.lower(collapsed), b.lit("")))

    @property
    def key(self) -> exp.Column:
        """category_key: case, spacing and punctuation do not count."""
        if "ckey" not in self.frame:
            cleaned = b.regex_delete(_without_brackets(self.norm), _NOISE)
            self.frame.add("ckey", b.func("coalesce", b.func("nullif", cleaned, b.lit("")), self.norm))
        return self.frame.get("ckey")

    def has_item(self, item: str) -> exp.Expr:
        """Whether one of the cell's list items (commas, semicolons, new lines) has ``item``'s key."""
        from icp_sheets.core.values import category_key

        if "items" not in self.frame:
            joined: exp.Expr = self.lower
            for mark in ";\n\r":
                joined = b.replace(joined, mark, ",")
            listed = b.concat(",", b.regex_delete(_without_brackets(joined), _LIST_NOISE), ",")
            self.frame.add("items", b.func("coalesce", listed, b.lit("")))
        return exp.GT(this=b.position(self.frame.get("items"), f",{category_key(item)},"), expression=b.num(0))

    def mentions(self, needle: str) -> exp.Expr:
        """Whether the cell's words (values.word_text) hold ``needle``, itself a word_text."""
        if "words" not in self.frame:
            spaced: exp.Expr = self.norm
            for mark in "\\[]^":
                spaced = b.replace(spaced, mark, " ")
            words = exp.RegexpReplace(this=spaced, expression=b.lit(_NOISE), replacement=b.lit(" "))
            self.frame.add("words", b.concat(" ", words, " "))
        return exp.GT(this=b.position(self.frame.get("words"), needle), expression=b.num(0))

    @property
    def truth(self) -> exp.Column:
        """parse_bool: 1 for yes, 0 for no, -1 for anything else."""
        value = b.case(
            [(b.one_of(self.norm, sorted(TRUE_WORDS)), b.num(1)), (b.one_of(self.norm, sorted(FALSE_WORDS)), b.num(0))],
            b.num(-1),
        )
        return self.frame.once("truth", value)

    @property
    def number(self) -> exp.Column:
        """parse_number with the column's decimal separator (NULL for blank or unreadable)."""
        if "num" not in self.frame:
            comma = self._decided("comma")
            swapped = b.replace(b.replace(self.lower, ".", ""), ",", ".")
            source = swapped if comma is True else self.lower
            if comma is None:
                source = b.case(
                    [(b.true(exp.EQ(this=self.frame.get("comma"), expression=b.num(1))), swapped)], self.lower
                )
            read = parse_number(self.frame, "n", source)
            self.frame.add("num", b.case([(self.blank, exp.null())], read["number"]))
            if comma is False:
                self.frame.add("style", read["style"])
            else:  # how a band was read, by the reading without decimal commas, as number_style does
                self.frame.add("style", parse_number(self.frame, "p", self.lower)["style"])
        return self.frame.get("num")

    def read_as(self, tag: str) -> exp.Expr:
        """read_as's " ('51-200' read as 125.5, the midpoint)", or '' for a plain number."""
        number = self.number
        style = self.frame.get("style")
        shown = text.fmt_number(self.frame, f"{tag}_rn", number)
        said = b.concat(" ('", self.shown, "' read as ", shown, style, ")")
        return b.case([(exp.Is(this=style, expression=exp.null()), b.lit(""))], said)

    def _decided(self, what: str) -> bool | None:
        """A Format setting decides (True/False), else the column's values do (None: a frame column)."""
        fixed = {
            "comma": {ReadAs.DECIMAL_COMMA: True, ReadAs.DECIMAL_POINT: False},
            "day_first": {ReadAs.DAY_MONTH: True, ReadAs.MONTH_DAY: False},
        }[what]
        if self.read_as_format in fixed:
            return fixed[self.read_as_format]
        self.formats[what] = exp.null()
        return None

    @property
    def unreadable_words(self) -> exp.Expr:
        """cell_words: blank, unknown ('n/a') or unreadable ('lots')."""
        quoted = b.concat("('", self.shown, "')")
        return b.case(
            [(b.all_of(self.blank, self.empty), b.lit("blank")), (self.blank, b.concat("unknown ", quoted))],
            b.concat("unreadable ", quoted),
        )

    @property
    def day(self) -> exp.Column:
        """parse_date as days since 1970-01-01 (NULL for blank or unreadable)."""
        if "day" not in self.frame:
            self.frame.add("day", b.case([(self.blank, exp.null())], _day_number(self, self._decided("day_first"))))
        return self.frame.get("day")


def _without_brackets(x: exp.Expr) -> exp.Expr:
    for mark in "\\[]^":
        x = b.replace(x, mark, "")
    return x


def _int(x: exp.Expr) -> exp.Expr:
    return b.double(x)


def _day_number(cell: Cell, day_first: bool | None) -> exp.Expr:
    """The core's date forms: ISO (with a time or not), Excel serials, d/m/y or m/d/y by the
    column's order, '5 Mar 2026', 'March 5, 2026' and 2026/03/05."""
    f = cell.frame
    text_col = f.add("dt", exp.RegexpReplace(this=cell.trimmed, expression=b.lit(f"{WS}+"), replacement=b.lit(" ")))
    low = f.add("dl", b.lower(text_col))
    utc = b.case(
        [
            (
                exp.Like(this=text_col, expression=b.lit("% UTC")),
                b.substring(text_col, 1, exp.Sub(this=b.length(text_col), expression=b.num(4))),
            )
        ],
        text_col,
    )
    iso = b.regex(utc, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    time_pattern = (
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}[^~]([01][0-9]|2[0-3])(:?[0-5][0-9](:?[0-5][0-9]([.,][0-9]+)?)?)?"
        "(Z|[-+][0-9]{2}(:?[0-9]{2})?)?$"
    )
    stamped = b.regex(utc, time_pattern)
    serial = b.regex(text_col, "^[0-9]+([.][0-9]+)?$")
    numeric = b.regex(text_col, "^[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{4}$")
    day_name = b.regex(low, f"^{_DAY} [a-z]+ [0-9]{{4}}$")
    month_name = b.regex(low, f"^[a-z]+ {_DAY},? [0-9]{{4}}$")
    slashed = b.regex(text_col, f"^[0-9]{{4}}/(0?[1-9]|1[0-2])/{_DAY}$")
    kind = f.add(
        "dk",
        b.case(
            [
                (b.any_of(iso, stamped), b.lit("iso")),
                (serial, b.lit("serial")),
                (numeric, b.lit("numeric")),
                (day_name, b.lit("day_name")),
                (month_name, b.lit("month_name")),
                (slashed, b.lit("slashed")),
            ],
            b.lit(""),
        ),
    )

    def when(name: str) -> exp.Expr:
        return exp.EQ(this=kind, expression=b.lit(name))

    first = b.regex_delete(text_col, f"[./]{ANY}*$")
    second = b.regex_delete(b.regex_delete(text_col, "^[0-9]+[./]"), f"[./]{ANY}*$")
    a = f.add("da", b.case([(when("numeric"), _int(first))]))
    bb = f.add("db", b.case([(when("numeric"), _int(second))]))
    decided = f.get("day_first") if day_first is None else b.num(1 if day_first else 0)
    order = f.add(
        "dord",
        b.case(
            [
                (b.true(exp.EQ(this=decided, expression=b.num(1))), b.num(1)),
                (b.true(exp.EQ(this=decided, expression=b.num(0))), b.num(0)),
                (exp.GT(this=a, expression=b.num(12)), b.num(1)),
                (exp.GT(this=bb, expression=b.num(12)), b.num(0)),
                (exp.EQ(this=a, expression=bb), b.num(0)),
            ]
        ),
    )
    word = b.regex_delete(low, "[^a-z]")
    month_of_word = b.case(
        [
            (b.one_of(word, [short, full]), b.num(i))
            for i, (short, full) in enumerate(zip(_MONTHS, _FULL_MONTHS, strict=True), start=1)
        ]
    )
    last_word = _int(b.regex_delete(low, f"^{ANY}* "))
    year = b.case(
        [
            (when("iso"), _int(b.substring(text_col, 1, 4))),
            (when("numeric"), _int(b.regex_delete(text_col, f"^{ANY}*[./]"))),
            (b.any_of(when("day_name"), when("month_name")), last_word),
            (when("slashed"), _int(b.substring(text_col, 1, 4))),
        ]
    )
    month = b.case(
        [
            (when("iso"), _int(b.substring(text_col, 6, 2))),
            (
                when("numeric"),
                b.case([(exp.EQ(this=order, expression=b.num(1)), bb), (exp.EQ(this=order, expression=b.num(0)), a)]),
            ),
            (b.any_of(when("day_name"), when("month_name")), month_of_word),
            (when("slashed"), _int(b.regex_delete(b.regex_delete(text_col, "^[0-9]{4}/"), f"/{ANY}*$"))),
        ]
    )
    day = b.case(
        [
            (when("iso"), _int(b.substring(text_col, 9, 2))),
            (
                when("numeric"),
                b.case([(exp.EQ(this=order, expression=b.num(1)), a), (exp.EQ(this=order, expression=b.num(0)), bb)]),
            ),
            (when("day_name"), _int(b.regex_delete(low, f" {ANY}*$"))),
            (when("month_name"), _int(b.regex_delete(b.regex_delete(low, "^[a-z]+ "), f"[ ,]{ANY}*$"))),
            (when("slashed"), _int(b.regex_delete(text_col, f"^{ANY}*/"))),
        ]
    )
    y, m, d = f.add("dy", year), f.add("dm", month), f.add("dd", day)
    serial_value = f.add("ds", b.case([(when("serial"), b.double(text_col))]))
    valid = f.add(
        "dv",
        b.true(
            b.all_of(
                exp.GTE(this=y, expression=b.num(1)),
                exp.Between(this=m, low=b.num(1), high=b.num(12)),
                exp.Between(this=d, low=b.num(1), high=_days_in_month(y, m)),
            )
        ),
    )
    in_range = b.true(exp.Between(this=serial_value, low=b.num(_SERIALS[0]), high=b.num(_SERIALS[1])))
    return b.case(
        [
            (in_range, exp.Sub(this=b.floor(serial_value), expression=b.num(_EPOCH_SERIAL))),
            (valid, civil_day(y, m, d)),
        ]
    )


def _multiple(x: exp.Expr, n: int) -> exp.Expr:
    return exp.EQ(this=x, expression=exp.Mul(this=b.num(n), expression=b.floor(b.div(x, n))))


def _days_in_month(y: exp.Expr, m: exp.Expr) -> exp.Expr:
    leap = b.any_of(b.all_of(_multiple(y, 4), b.not_(_multiple(y, 100))), _multiple(y, 400))
    return b.case(
        [
            (exp.EQ(this=m, expression=b.num(2)), b.case([(leap, b.num(29))], b.num(28))),
            (exp.In(this=m, expressions=[b.num(x) for x in (4, 6, 9, 11)]), b.num(30)),
        ],
        b.num(31),
    )


def civil_day(y: exp.Expr, m: exp.Expr, d: exp.Expr) -> exp.Expr:
    """Days since 1970-01-01 of a valid year, month and day, by arithmetic alone (no date types,
    whose functions and casts differ in every dialect)."""
    early = b.case([(exp.LTE(this=m, expression=b.num(2)), b.num(1))], b.num(0))
    year = exp.Sub(this=y, expression=early)
    shifted = exp.Sub(this=exp.Add(this=m, expression=exp.Mul(this=b.num(12), expression=early)), expression=b.num(3))
    parts: list[exp.Expr] = [
        d,
        b.floor(b.div(exp.Add(this=exp.Mul(this=b.num(153), expression=shifted), expression=b.num(2)), 5)),
        exp.Mul(this=b.num(365), expression=year),
        b.floor(b.div(year, 4)),
        exp.Neg(this=b.floor(b.div(year, 100))),
        b.floor(b.div(year, 400)),
        b.num(-719469),
    ]
    total = parts[0]
    for part in parts[1:]:
        total = exp.Add(this=total, expression=part)
    return total
