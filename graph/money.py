"""Money arithmetic that never mixes kinds of money.

Every flow falls in one *bucket*:

``committed``
    committed, completed or announced money whose figure is exact, about or at least;
``contingent``
    money that depends on milestones or conditions (status ``contingent``);
``upper_bound``
    "up to" figures that are not contingent;
``forecast``
    projections (status ``forecast``);
``aggregate``
    totals over several deals (kind or status ``aggregate``), reported for reference and
    never added to the deals they sum.

:func:`tally` adds flows per bucket, so committed and contingent money are never summed
together silently. A deal split into tranches (deals ``part_of`` it) is counted through its
tranches only (when the tranches carry figures); :func:`countable` drops such parents and
aggregates.

>>> tally([{"amount": 5, "status": "committed", "bound": "exact", "kind": "equity-investment"},
...        {"amount": 20, "status": "contingent", "bound": "up-to", "kind": "equity-investment"}])
{'committed': 5, 'contingent': 20, 'upper_bound': 0, 'forecast': 0, 'aggregate': 0, 'unknown_amounts': 0}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..ontology.vocab import RATES

if TYPE_CHECKING:  # pragma: no cover
    from .results import Flow

# A flow: the typed Flow the analytics return, or the dict it is built from (flow_of_edge).
# Both are read with item access (Flow keeps a read-only one: see dealgraph.graph.results).
F = TypeVar("F", "Flow", dict[str, Any])

__all__ = [
    "BUCKETS",
    "bucket",
    "tally",
    "countable",
    "parents_with_tranches",
    "parse_as_of",
    "MoneyStyle",
    "SHORT",
    "WORDS",
    "LABEL",
    "format_money",
]

BUCKETS = ("committed", "contingent", "upper_bound", "forecast", "aggregate")


def bucket(flow: Flow | dict[str, Any]) -> str:
    """The bucket a flow's money belongs to (see the module docstring)."""
    if flow["kind"] == "aggregate" or flow.get("status") == "aggregate":
        return "aggregate"
    if flow.get("status") == "contingent":
        return "contingent"
    if flow.get("status") == "forecast":
        return "forecast"
    if flow.get("bound") == "up-to":
        return "upper_bound"
    return "committed"


def tally(flows: Iterable[Flow | dict[str, Any]]) -> dict[str, int | float]:
    """Sum flows' headline amounts per bucket; flows without a figure are counted apart."""
    out: dict[str, int | float] = {b: 0 for b in BUCKETS}
    out["unknown_amounts"] = 0
    for f in flows:
        if f.get("amount") is None:
            out["unknown_amounts"] += 1
        else:
            out[bucket(f)] += f["amount"]
    return out


def parents_with_tranches(flows: Iterable[Flow | dict[str, Any]]) -> set[str]:
    """Ids of deals that tranches with a figure are ``part_of`` (their money is counted there).

    A part without a figure (distribution rights that came with an investment, say) does
    not stand for its parent's money, so it does not make the parent uncountable.
    """
    return {f["part_of"] for f in flows if f.get("part_of") and f.get("amount") is not None}


def countable(flows: list[F]) -> list[F]:
    """Flows that may be added up: no aggregates, no parents counted through tranches."""
    parents = parents_with_tranches(flows)
    return [f for f in flows if f["id"] not in parents and bucket(f) != "aggregate"]


def parse_as_of(as_of: str | dt.date | None, what: str = "as-of") -> str | None:
    """Normalise an as-of (or known-at: ``what``) date to ``YYYY-MM-DD`` (``None``: no cut-off).

    Every analytic cuts with this one form (see :class:`~dealgraph.graph.timeline.Timeline`):
    dates of deals and sources are compared with it as ISO text.

    >>> parse_as_of("2026-04-14"), parse_as_of(dt.date(2025, 1, 2)), parse_as_of(None)
    ('2026-04-14', '2025-01-02', None)
    """
    if as_of is None:
        return None
    if isinstance(as_of, dt.date):
        return as_of.isoformat()
    try:
        return dt.date.fromisoformat(str(as_of)).isoformat()
    except ValueError:
        raise ValueError(f"{what} date {as_of!r} is not YYYY-MM-DD") from None


@dataclass(frozen=True)
class MoneyStyle:
    """How :func:`format_money` writes an amount: scales, small amounts, bounds, rates."""

    scales: tuple[tuple[float, str], ...]
    """(divisor, suffix), largest first; an amount at least that large is written scaled."""
    small: str
    """Format spec for an amount below every scale (``"g"``: 500, ``",.0f"``: 5,000)."""
    missing: str
    """What an amount without a figure reads as."""
    bounds: dict[str, str] = field(default_factory=dict)
    """Prefix per bound (``up-to`` -> ``"up to "``)."""
    rates: dict[str, str] = field(default_factory=dict)
    """Suffix per rate (``per-month`` -> ``"/month"``)."""


# each rate of the vocabulary and the period it is per
_PERIOD = {rate: rate.removeprefix("per-") for rate in RATES}

SHORT = MoneyStyle(
    scales=((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")),
    small="g",
    missing="—",
    bounds={"about": "~", "at-least": "≥ ", "up-to": "up to "},
    rates={rate: f"/{period}" for rate, period in _PERIOD.items()},
)
"""Tables: ``$38B``, ``~$1.4T``, ``up to $20B``, ``$1.25B/month``; no figure is a dash."""

WORDS = MoneyStyle(
    scales=((1e12, " trillion"), (1e9, " billion"), (1e6, " million")),
    small=",.0f",
    missing="an undisclosed amount",
    bounds={"about": "about ", "at-least": "at least ", "up-to": "up to "},
    rates={rate: f" {'an' if period == 'hour' else 'a'} {period}" for rate, period in _PERIOD.items()},
)
"""Prose (the briefing): ``$38 billion``, ``up to $20 billion``, ``$1.25 billion a month``."""

LABEL = MoneyStyle(scales=((1e12, "T"), (1e9, "B"), (1e6, "M")), small=",.0f", missing="undisclosed")
"""Edge labels of the graph exports: ``$38B``, ``$5,000``; no figure is ``undisclosed``."""


def format_money(
    value: float | None, bound: str | None = None, rate: str | None = None, style: MoneyStyle = SHORT
) -> str:
    """An amount in base units as text, in ``style`` (the one money formatter).

    >>> format_money(38_000_000_000), format_money(1_250_000_000, rate="per-month")
    ('$38B', '$1.25B/month')
    >>> format_money(20_000_000_000, "up-to"), format_money(None)
    ('up to $20B', '—')
    >>> format_money(1_400_000_000_000, "about", style=WORDS), format_money(None, style=WORDS)
    ('about $1.4 trillion', 'an undisclosed amount')
    >>> format_money(5_000, style=LABEL), format_money(5_000), format_money(float("inf"))
    ('$5,000', '$5K', 'not a finite number')
    """
    if value is None:
        return style.missing
    v = float(value)
    if not math.isfinite(v):  # loads refuse such figures; never print "$inf"
        return "not a finite number"
    for div, suffix in style.scales:
        if abs(v) >= div:
            text = f"{v / div:.2f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        text = format(v, style.small)
    return f"{style.bounds.get(bound or '', '')}${text}{style.rates.get(rate or '', '')}"
