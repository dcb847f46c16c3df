"""Reading one cell as a percentage, a date, a wave or a status.

Each parser takes a `reading.Cell` (its value and Excel number format) and
returns the value or raises `ValueProblem` with a message for the preview.
Danish spreadsheets write "45,3 %" and "15-01-2014"; Excel cells hold
numbers, and a cell formatted as a percentage holds 0.453 for 45.3 %.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _


class ValueProblem(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def text(cell):
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def is_blank(cell):
    return text(cell) == ""


def percentage(cell):
    """A share 0–100 with one decimal, from 45, 45.3, "45,3 %" or a cell
    formatted as a percentage (0.453)."""
    value = cell.value
    if isinstance(value, bool):
        raise ValueProblem(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if "%" in (cell.number_format or ""):
            number *= 100
    else:
        raw = text(cell)
        cleaned = raw.replace("%", "").replace("\u00a0", "").replace(" ", "")
        # Danish decimal comma; a lone point is a decimal point too.
        if "," in cleaned:
            cleaned = cleaned.replace(".", "").replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValueProblem(
                _("“%(value)s” is not a percentage (write e.g. 45 or 45,3).") % {"value": raw}
            ) from None
        if not number.is_finite():
            raise ValueProblem(_("“%(value)s” is not a number.") % {"value": raw})
    if number < 0 or number > 100:
        raise ValueProblem(
            _("%(value)s %% is outside 0–100 %%.") % {"value": _decimal_text(number)}
        )
    return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _decimal_text(number):
    return format(number.normalize(), "f").replace(".", ",")


DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$"), ("d", "m", "y")),
]


def date(cell):
    """A date from a date cell, "2014-01-15", "15-01-2014", "15.1.2014" or
    "15/01/2014" (day first, as in Denmark)."""
    value = cell.value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(cell)
    raw_date = raw.split(" ")[0]
    for pattern, order in DATE_PATTERNS:
        match = pattern.match(raw_date)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return datetime.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise ValueProblem(
        _("“%(value)s” is not a date (write e.g. 2014-01-15 or 15-01-2014).") % {"value": raw}
    )


class WaveIndex:
    """Waves by number ("1", 1, "Bølge 1"), name, or quarter ("Q2 2014",
    "2. kvartal 2014"). `waves` are (number, name, starts_on) tuples."""

    def __init__(self, waves):
        self.numbers = {number for number, _name, _starts in waves}
        self.by_key = {}
        for number, name, starts_on in waves:
            quarter = (starts_on.month - 1) // 3 + 1
            for key in (
                str(number),
                f"bølge {number}",
                f"bolge {number}",
                f"wave {number}",
                name,
                f"q{quarter} {starts_on.year}",
                f"{quarter}. kvartal {starts_on.year}",
                f"{quarter} kvartal {starts_on.year}",
            ):
                self.by_key[_key(key)] = number

    def parse(self, cell):
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        number = self.by_key.get(_key(str(value)))
        if number is None:
            choices = ", ".join(str(n) for n in sorted(self.numbers))
            raise ValueProblem(
                _("“%(value)s” is not a wave (write the wave's number: %(choices)s).")
                % {"value": text(cell), "choices": choices}
            )
        return number


def _key(value):
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def choice(cell, options, *, what):
    """One of `options` ({spelling: value}), compared case-insensitively."""
    key = _key(text(cell))
    for spelling, value in options.items():
        if _key(spelling) == key:
            return value
    raise ValueProblem(
        _("“%(value)s” is not a known %(what)s.") % {"value": text(cell), "what": what}
    )
