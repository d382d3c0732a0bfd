"""Dates with precision, as the data files write them.

A date string's form gives its precision; the stored date is the first day of the period.

>>> parse_date("2026-04-13")
DateValue(value=datetime.date(2026, 4, 13), precision='day', inferred=False, basis=None, text='2026-04-13')
>>> parse_date("2026-Q2").value, parse_date("2026-Q2").precision
(datetime.date(2026, 4, 1), 'quarter')
>>> parse_date({"value": "2026-04-27", "inferred": True, "basis": "'on Monday'"}).inferred
True
>>> parse_date("April 2026")
Traceback (most recent call last):
...
ValueError: date 'April 2026' is not YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY
>>> parse_date("2026-02-30")
Traceback (most recent call last):
...
ValueError: date '2026-02-30' is not a date (day is out of range for month)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["DateValue", "parse_date", "period_end"]

Precision = Literal["day", "month", "quarter", "half-year", "year"]

_FORMS = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$"), "half-year"),
    (re.compile(r"^(\d{4})$"), "year"),
]


class DateValue(BaseModel):
    """A date with its precision, whether it was inferred, and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: dt.date
    precision: Precision
    inferred: bool = False
    basis: str | None = None
    text: str

    def __str__(self) -> str:
        return self.text


def _from_text(text: str) -> tuple[dt.date, str]:
    for pattern, precision in _FORMS:
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        try:
            if precision == "day":
                return dt.date(year, int(m.group(2)), int(m.group(3))), precision
            if precision == "month":
                return dt.date(year, int(m.group(2)), 1), precision
        except ValueError as exc:  # 2026-02-30, 2026-13
            raise ValueError(f"date {text!r} is not a date ({exc})") from None
        if precision == "quarter":
            return dt.date(year, 3 * (int(m.group(2)) - 1) + 1, 1), precision
        if precision == "half-year":
            return dt.date(year, 6 * (int(m.group(2)) - 1) + 1, 1), precision
        return dt.date(year, 1, 1), precision
    raise ValueError(f"date {text!r} is not YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY")


def parse_date(raw: Any) -> DateValue:
    """Parse a date as written in the data files (string, YAML date, year, or mapping)."""
    if isinstance(raw, DateValue):
        return raw
    inferred, basis = False, None
    if isinstance(raw, dict):
        unknown = set(raw) - {"value", "inferred", "basis"}
        if unknown:
            raise ValueError(f"unknown key(s) in date: {', '.join(sorted(unknown))}")
        if "value" not in raw:
            raise ValueError("a date mapping needs 'value'")
        inferred = bool(raw.get("inferred", False))
        basis = raw.get("basis")
        raw = raw["value"]
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
    value, precision = _from_text(text)
    return DateValue(value=value, precision=precision, inferred=inferred, basis=basis, text=text)


def period_end(d: DateValue) -> dt.date:
    """The last day of the period a date stands for.

    >>> period_end(parse_date("2026-Q1"))
    datetime.date(2026, 3, 31)
    """
    months = {"day": 0, "month": 1, "quarter": 3, "half-year": 6, "year": 12}[d.precision]
    if months == 0:
        return d.value
    m = d.value.month - 1 + months
    first_next = dt.date(d.value.year + m // 12, m % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)
