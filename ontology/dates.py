"""Dates with a precision, as the data files write them: the one parser for every layer.

A date string's form gives its precision (``2026-04-13`` a day, ``2026-04`` a month,
``2026-Q2`` a quarter, ``2026-H1`` a half-year, ``2026`` a year); the date it stands for
is the first day of that period, and :func:`period_end` gives the last.

>>> start, precision = parse_precise("2026-H2")
>>> start, precision, period_end(start, precision)
(datetime.date(2026, 7, 1), 'half-year', datetime.date(2026, 12, 31))

What is not one of the forms, or not a date, is a :class:`ValueError` saying so (the loaders
report it with the file, line and field):

>>> for text in ("2026-Q5", "2026-13"):
...     try:
...         parse_precise(text)
...     except ValueError as exc:
...         print(exc)
date '2026-Q5' is not YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY
date '2026-13' is not a date (month must be in 1..12)
"""

from __future__ import annotations

import datetime as dt
import re

from .vocab import Precision

__all__ = ["parse_precise", "period_end"]

_FORMS: tuple[tuple[re.Pattern[str], Precision], ...] = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$"), "half-year"),
    (re.compile(r"^(\d{4})$"), "year"),
)
# how many months each precision spans (a day: none)
_MONTHS: dict[str, int] = {"day": 0, "month": 1, "quarter": 3, "half-year": 6, "year": 12}


def _first_day(m: re.Match[str], precision: Precision) -> dt.date:
    year = int(m.group(1))
    if precision == "day":
        return dt.date(year, int(m.group(2)), int(m.group(3)))
    if precision == "year":
        return dt.date(year, 1, 1)
    number = int(m.group(2))  # the month, quarter or half-year
    return dt.date(year, _MONTHS[precision] * (number - 1) + 1, 1)


def parse_precise(text: str) -> tuple[dt.date, Precision]:
    """The first day of the period ``text`` names, and its precision.

    Raises :class:`ValueError` saying what is wrong with ``text``.
    """
    for pattern, precision in _FORMS:
        m = pattern.match(text)
        if m:
            try:
                return _first_day(m, precision), precision
            except ValueError as exc:  # 2026-02-30, 2026-13
                raise ValueError(f"date {text!r} is not a date ({exc})") from None
    raise ValueError(f"date {text!r} is not YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY")


def period_end(start: dt.date, precision: str) -> dt.date:
    """The last day of the period of ``precision`` that begins on ``start``.

    A precision that is not one of :data:`~dealgraph.ontology.vocab.PRECISIONS` counts as
    a day.

    >>> period_end(dt.date(2025, 1, 1), "year"), period_end(dt.date(2025, 3, 9), "day")
    (datetime.date(2025, 12, 31), datetime.date(2025, 3, 9))
    """
    months = _MONTHS.get(precision, 0)
    if not months:
        return start
    m = start.month - 1 + months
    return dt.date(start.year + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)
