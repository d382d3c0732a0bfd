"""Dates with precision, as the data files write them.

A date string's form gives its precision; the stored date is the first day of the period
(:mod:`dealgraph.ontology.dates` reads the forms, for the graph as well).

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
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..ontology.dates import parse_precise
from ..ontology.dates import period_end as _period_end
from ..ontology.vocab import Precision

__all__ = ["DateValue", "parse_date", "period_end"]


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
    value, precision = parse_precise(text)
    return DateValue(value=value, precision=precision, inferred=inferred, basis=basis, text=text)


def period_end(d: DateValue) -> dt.date:
    """The last day of the period a date stands for.

    >>> period_end(parse_date("2026-Q1"))
    datetime.date(2026, 3, 31)
    """
    return _period_end(d.value, d.precision)
