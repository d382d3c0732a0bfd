"""Money arithmetic that never mixes kinds of money.

Every flow falls in one *bucket*:

``committed``
    committed or completed money whose figure is exact, about or at least;
``announced``
    money a party has announced but not (yet) committed (status ``announced``): kept apart
    from committed money unless ``include_announced`` is asked, when it counts as committed;
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
{'committed': 5, 'announced': 0, 'contingent': 20, 'upper_bound': 0, 'forecast': 0, 'aggregate': 0,
 'unknown_amounts': 0, 'committed_bound': 'exact'}

Figures that are not money (capacity, chips, shares, a stake) are never added to money;
:func:`quantity_text` and :func:`deal_text` write them next to the money, so a deal without
a money figure reads "money unknown, capacity 10 GW", never as nothing or as $0.
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
    "sum_bound",
    "countable",
    "parents_with_tranches",
    "parse_as_of",
    "MoneyStyle",
    "SHORT",
    "WORDS",
    "PLAIN",
    "LABEL",
    "format_money",
    "quantity_text",
    "quantities_text",
    "deal_text",
]

BUCKETS = ("committed", "announced", "contingent", "upper_bound", "forecast", "aggregate")


def bucket(flow: Flow | dict[str, Any], include_announced: bool = False) -> str:
    """The bucket a flow's money belongs to (see the module docstring).

    ``include_announced`` counts announced money as committed (``--include-announced``).

    >>> f = {"kind": "equity-investment", "status": "announced", "bound": "exact"}
    >>> bucket(f), bucket(f, include_announced=True), bucket(f | {"bound": "up-to"})
    ('announced', 'committed', 'upper_bound')
    """
    if flow["kind"] == "aggregate" or flow.get("status") == "aggregate":
        return "aggregate"
    if flow.get("status") == "contingent":
        return "contingent"
    if flow.get("status") == "forecast":
        return "forecast"
    if flow.get("bound") == "up-to":
        return "upper_bound"
    if flow.get("status") == "announced" and not include_announced:
        return "announced"
    return "committed"


def tally(flows: Iterable[Flow | dict[str, Any]], include_announced: bool = False) -> dict[str, Any]:
    """Sum flows' headline amounts per bucket; flows without a total are counted apart.

    A flow whose headline is a recurring rate ($1.25 billion a month) states no total, so it
    is counted with those without a figure, never added to totals. ``include_announced``
    adds announced money to ``committed`` (the ``announced`` bucket then stays 0).
    ``committed_bound`` is the bound of the committed sum (:func:`sum_bound`): "more than
    $100 billion" committed stays at least $100 billion.
    """
    out: dict[str, Any] = {b: 0 for b in BUCKETS}
    out["unknown_amounts"] = 0
    committed = []
    for f in flows:
        if f.get("amount") is None or f.get("rate") is not None:
            out["unknown_amounts"] += 1
        else:
            out[bucket(f, include_announced)] += f["amount"]
            if bucket(f, include_announced) == "committed":
                committed.append(f)
    out["committed_bound"] = sum_bound(committed)
    return out


def sum_bound(flows: Iterable[Flow | dict[str, Any]]) -> str | None:
    """The bound of a sum of flows' figures: ``about`` if a part is about, ``at-least`` if a
    part is at least (the sum is then a floor), else ``exact``; None for no flows.

    >>> sum_bound([{"bound": "exact"}, {"bound": "at-least"}]), sum_bound([])
    ('at-least', None)
    """
    bounds = {f.get("bound") for f in flows}
    if not bounds:
        return None
    return "about" if "about" in bounds else "at-least" if "at-least" in bounds else "exact"


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

PLAIN = MoneyStyle(
    scales=SHORT.scales,
    small=SHORT.small,
    missing="money unknown",
    bounds={"about": "about ", "at-least": "at least ", "up-to": "up to "},
    rates=SHORT.rates,
)
"""Short figures with their bounds in words (loop legs, ratio bases): ``at least $100B``."""

LABEL = MoneyStyle(
    scales=((1e12, "T"), (1e9, "B"), (1e6, "M")),
    small=",.0f",
    missing="undisclosed",
    bounds=SHORT.bounds,
    rates=SHORT.rates,
)
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


def _count(v: float) -> str:
    """A count or size in words: ``160 million``, ``3.5``, ``1,200``."""
    for div, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if abs(v) >= div:
            return f"{v / div:.2f}".rstrip("0").rstrip(".") + word
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def quantity_text(q: Any, style: MoneyStyle = SHORT) -> str:
    """One non-money figure of a deal (a :class:`~dealgraph.graph.results.QuantityClaim` or its
    dict) as text, with its bound, range and rate; never added to money.

    >>> quantity_text({"measure": "capacity", "value": 10, "unit": "GW", "bound": "exact"})
    'capacity 10 GW'
    >>> quantity_text({"measure": "shares", "value": 160_000_000, "unit": "shares", "bound": "exact"})
    '160 million shares'
    >>> quantity_text({"measure": "chip-count", "value": 1e6, "unit": "chips", "bound": "up-to"}, WORDS)
    'up to 1 million chips'
    >>> quantity_text({"measure": "stake", "value": 7, "unit": "percent", "bound": "about"})
    'stake ~7%'
    >>> quantity_text({"measure": "stake-value", "value": 135e9, "unit": "USD", "bound": "exact"})
    'stake worth $135B'
    """
    measure, value, upper = q["measure"], q["value"], q.get("upper")
    if measure in ("exercise-price", "stake-value"):
        figure = format_money(value, q.get("bound"), q.get("rate"), style)
        figure += f"–{format_money(upper, style=style)}" if upper is not None else ""
        return f"exercise price {figure} a share" if measure == "exercise-price" else f"stake worth {figure}"
    figure = style.bounds.get(q.get("bound") or "", "") + _count(value)
    figure += f"–{_count(upper)}" if upper is not None else ""
    rate = style.rates.get(q.get("rate") or "", "")
    if measure == "capacity":
        return f"capacity {figure} {q['unit']}{rate}"
    if measure == "stake":
        return f"stake {figure}%{rate}"
    return f"{figure} {q['unit']}{rate}"


def quantities_text(quantities: Iterable[Any], style: MoneyStyle = SHORT) -> str:
    """A deal's non-money figures, each distinct one once, joined by commas ('' when none)."""
    seen: dict[tuple, str] = {}
    for q in quantities:
        key = (q["measure"], q["value"], q.get("upper"), q["unit"], q.get("bound"), q.get("rate"))
        seen.setdefault(key, quantity_text(q, style))
    return ", ".join(seen.values())


#: statuses a deal's text names after its money (committed and completed money is the norm)
_STATUS_NOTE = ("announced", "contingent", "forecast", "aggregate")


def deal_text(flow: Flow | dict[str, Any], style: MoneyStyle = SHORT, status: bool = False) -> str:
    """A deal's figures as every printer writes them: its money (with bound and rate), then its
    capacity, chips, shares or stake; "money unknown" when it has no money figure, never $0.

    ``status`` adds the status when the money is not committed (``up to $100B, contingent``).

    >>> deal_text({"amount": None, "quantities": [
    ...     {"measure": "capacity", "value": 10, "unit": "GW", "bound": "exact"}]})
    'money unknown, capacity 10 GW'
    >>> deal_text({"amount": 1e11, "bound": "up-to", "status": "contingent"}, WORDS, status=True)
    'up to $100 billion, contingent'
    >>> deal_text({"amount": None})
    'money unknown'
    """
    parts = [
        "money unknown"
        if flow.get("amount") is None
        else format_money(flow["amount"], flow.get("bound"), flow.get("rate"), style)
    ]
    if status and flow.get("status") in _STATUS_NOTE:
        parts.append(str(flow.get("status")))
    qty = quantities_text(flow.get("quantities") or [], style)
    return ", ".join(parts + ([qty] if qty else []))
