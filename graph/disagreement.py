"""How two figures of one quantity disagree: the classes of :mod:`dealgraph.graph.conflicts`.

The rules, with examples, are in that module's docstring. This module holds the comparison
itself, over :class:`Fig` (a figure, its bounds, its date and its source), so that
:mod:`~dealgraph.graph.flows` can flag a deal's headline and
:mod:`~dealgraph.graph.conflicts` can list every pair with the same rules.

>>> a = Fig(300e9, None, "exact", "001.txt", "2025-11-01", "pledged $300 billion")
>>> b = Fig(30e9, None, "exact", "000.txt", "2026-04-14", "a $30 billion contract")
>>> same_time(a, b)
('contradictory', '$300B (001.txt) and $30B (000.txt) cannot both hold')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .money import SHORT, MoneyStyle, format_money
from .results import Disagreement, Flow

__all__ = [
    "Fig",
    "Pair",
    "RANK",
    "compare",
    "deal_figures",
    "deal_pairs",
    "disputed_note",
    "figure_text",
    "flag_deal",
    "same_time",
    "tranches_by_deal",
]

FACTOR = 2.0
"""Figures more than this many times apart diverge."""
TOLERANCE = 0.25
"""Figures whose intervals come within 25% of each other are the same figure (rounding)."""
RANK: dict[str, int] = {"contradictory": 0, "divergent": 1, "superseded": 2}
"""Strongest first."""
_INF = float("inf")


@dataclass(frozen=True)
class Fig:
    """One source's figure: value, bounds, source and (for a metric) the time it is about."""

    value: float
    upper: float | None
    bound: str
    document: str
    published: str | None
    quote: str
    unit: str = "USD"
    start: dt.date | None = None
    end: dt.date | None = None
    when: str = ""
    forecast: bool = False
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    def text(self, bound: bool = True) -> str:
        """The figure in words: ``$300B``, ``≥ $2.5B``, ``$5B–$25B``, ``~1.9 GW``."""
        bound_ = self.bound if bound else "exact"
        return figure_text(self.value, self.upper, bound_, self.unit, summed=bool(self.data.get("tranches")))

    def label(self) -> str:
        """The figure and its document: ``$300B (001.txt)``."""
        return f"{self.text()} ({self.document})"


def figure_text(
    value: float,
    upper: float | None,
    bound: str,
    unit: str = "USD",
    style: MoneyStyle = SHORT,
    summed: bool = False,
) -> str:
    """A figure with its bound and unit: ``$300B``, ``≥ $2.5B``, ``$5B–$25B``, ``~1.9 GW``.

    A sum of tranches (``summed``) with an upper end reads ``$5B + up to $20B``.
    """
    if unit == "USD" and summed and upper is not None:
        return f"{format_money(value, style=style)} + up to {format_money(upper - value, style=style)}"
    if unit == "USD":
        span = format_money(value, style=style)
        span += "" if upper is None else "–" + format_money(upper, style=style)
    else:
        span = f"{value:g}" + ("" if upper is None else f"–{upper:g}") + f" {unit}"
    return style.bounds.get(bound, "") + span


def disputed_note(
    flow: Flow | dict[str, Any], style: MoneyStyle = SHORT, label: Callable[[str], str] = str
) -> str:
    """What a deal's headline must say when its sources contradict or diverge from it, else "".

    >>> from dealgraph import open_graph
    >>> from dealgraph.graph.flows import flows
    >>> disputed_note(flows(open_graph(), payee="oracle")[0])
    ' (sources disagree: $300B in 001_930f0b1a03446070.txt)'
    """
    if flow.get("disagreement") not in ("contradictory", "divergent"):
        return ""  # (a plain flow dict without the field has no disagreement to tell)
    disputed = flow["disputed_by"]
    # item access: a flow's figures may be models or, in a dumped flow, dicts
    texts = [
        figure_text(d["value"], d["upper"], d["bound"], style=style, summed=bool(d["tranches"]))
        for d in disputed
    ]
    bits = [f"{t} in {label(d['document'])}" for t, d in zip(texts, disputed, strict=True)]
    return f" (sources disagree: {'; '.join(bits)})"


Pair = tuple[Disagreement, Fig, Fig, str]
"""A disagreeing pair: its class, the two figures (earlier reporting first) and the reason."""


def _interval(f: Fig) -> tuple[float, float]:
    v, up = float(f.value), float(f.upper if f.upper is not None else f.value)
    if f.bound == "at-least":
        return v, _INF
    if f.bound == "up-to":
        return -_INF, up
    if f.bound == "about":
        return min(v * 0.9, v * 1.1), max(up * 0.9, up * 1.1)
    return v, up


def _meet(a: Fig, b: Fig, tolerance: float = TOLERANCE) -> bool:
    """True when both figures can hold at once (their intervals meet, within ``tolerance``)."""
    (lo_a, hi_a), (lo_b, hi_b) = _interval(a), _interval(b)
    lo, hi = max(lo_a, lo_b), min(hi_a, hi_b)
    return lo <= hi or lo - hi <= tolerance * max(abs(lo), abs(hi))


def _ratio(x: float | None, y: float | None) -> float:
    if x is None or y is None or min(x, y) <= 0:
        return 1.0
    return max(x, y) / min(x, y)


def _stated(f: Fig) -> tuple[float | None, float | None]:
    """The least and the most the figure states (None where it states no such end)."""
    lo = None if f.bound == "up-to" else float(f.value)
    hi = None if f.bound == "at-least" else float(f.upper if f.upper is not None else f.value)
    return lo, hi


def _apart(a: Fig, b: Fig) -> float:
    """How many times apart the figures are as stated: their lower ends, and their upper ends.

    "$25B" and "$5B plus up to $20B" are 5x apart (the firm parts); "up to $33B" and "$13B plus
    up to $20B" are not (neither states more than the other).
    """
    (lo_a, hi_a), (lo_b, hi_b) = _stated(a), _stated(b)
    return max(_ratio(lo_a, lo_b), _ratio(hi_a, hi_b))


def same_time(a: Fig, b: Fig, metric: bool = False) -> tuple[Disagreement, str] | None:
    """The class of two figures of one quantity at one time (``a`` reported first), or None."""
    if metric and a.forecast and a.published != b.published and not (_meet(a, b) and _apart(a, b) <= FACTOR):
        return "superseded", f"{b.label()} revises the forecast {a.label()}: a forecast is restated"
    if not _meet(a, b):
        return "contradictory", f"{a.label()} and {b.label()} cannot both hold"
    if metric and a.bound == b.bound == "at-least" and _ratio(a.value, b.value) > 1 + TOLERANCE:
        low, high = sorted((a, b), key=lambda f: f.value)
        return "superseded", (
            f"{high.label()} is later news than {low.label()}: a figure passes {low.text(False)} "
            f"before it passes {high.text(False)}"
        )
    times = _apart(a, b)
    if times > FACTOR:
        return "divergent", f"{a.label()} and {b.label()} can both hold but are {times:.1f}x apart"
    return None


def _covers_publication(f: Fig) -> bool:
    """True when the figure is dated at its document's publication (the document's "now")."""
    if not (f.published and f.start and f.end):
        return False
    return f.start <= dt.date.fromisoformat(f.published) <= f.end


def _dated_apart(e: Fig, later: Fig) -> tuple[Disagreement, str] | None:
    """The class of two figures of a quantity that may have changed from ``e``'s time to ``later``'s."""
    late, early = later.published or "", e.published or ""
    if late < early and _meet(e, later) and _apart(e, later) <= FACTOR:
        return "superseded", (
            f"{later.text()} is dated {later.when} by {later.document} ({late}) and {e.when} by "
            f"{e.document}, published later ({early})"
        )
    lo_e, hi_e = _stated(e)
    lo_l, hi_l = _stated(later)
    fall = max(
        _ratio(lo_e, lo_l) if (lo_e or 0) > (lo_l or 0) else 1.0,
        _ratio(hi_e, hi_l) if (hi_e or 0) > (hi_l or 0) else 1.0,
    )
    if fall > FACTOR:
        return "divergent", (
            f"{later.label()} for {later.when} is {fall:.1f}x below {e.label()} for {e.when}: "
            "time does not explain a fall that size"
        )
    if _covers_publication(e) and late > early and not (_meet(e, later) and _apart(e, later) <= FACTOR):
        return "superseded", (
            f"{e.label()} was current on {early}; {later.document} reports {later.text()} for "
            f"{later.when} (published {late})"
        )
    return None


def compare(a: Fig, b: Fig) -> Pair | None:
    """How two figures of one metric disagree (see :mod:`dealgraph.graph.conflicts`), or None."""
    if a.document == b.document and a.quote == b.quote:
        return None
    if a.start is None or b.start is None or a.end is None or b.end is None:
        return None
    if a.start <= b.end and b.start <= a.end:
        first, second = sorted((a, b), key=lambda f: (f.published or "", f.document))
        found = same_time(first, second, metric=True)
    elif a.document == b.document:
        return None  # a time series the document states itself
    else:
        first, second = sorted((a, b), key=lambda f: (f.start or dt.date.min, f.end or dt.date.min))
        found = _dated_apart(first, second)
    return None if found is None else (found[0], first, second, found[1])


def _claim_fig(claim: dict[str, Any]) -> Fig:
    return Fig(
        claim["value"],
        claim["upper"],
        claim["bound"],
        claim["document"],
        claim["published"],
        claim["quote"],
        data={
            k: claim[k] for k in ("value", "upper", "bound", "rate", "term", "document", "published", "quote")
        },
    )


def _sum_fig(document: str, parts: Sequence[tuple[str, dict[str, Any]]]) -> Fig:
    """One document's claims on every tranche, added up: firm parts, then "up to" parts."""
    claims = [c for _, c in parts]
    firm = sum(c["value"] for c in claims if c["bound"] != "up-to")
    most = firm + sum(c["upper"] or c["value"] for c in claims if c["bound"] == "up-to")
    bounds = {c["bound"] for c in claims}
    bound = (
        "at-least"
        if "at-least" in bounds
        else "up-to"
        if not firm
        else "about"
        if "about" in bounds
        else "exact"
    )
    upper = most if most != firm and bound != "up-to" else None
    value = most if bound == "up-to" else firm
    published = max((c["published"] or "" for c in claims), default="") or None
    quote = " … ".join(dict.fromkeys(c["quote"] for c in claims))
    data = {"value": value, "upper": upper, "bound": bound, "rate": None, "term": None}
    data |= {"document": document, "published": published, "quote": quote, "tranches": [i for i, _ in parts]}
    return Fig(value, upper, bound, document, published, quote, data=data)


def deal_figures(claims: Iterable[dict[str, Any]], tranches: Sequence[dict[str, Any]] = ()) -> list[Fig]:
    """A deal's figures for its total: its own claims (totals, not rates), then tranche sums.

    A document that states every tranche of the deal (``tranches``: their flow dicts) and not
    the deal itself states the total as their sum.
    """
    own = [_claim_fig(c) for c in claims if c["rate"] is None]
    stated = {f.document for f in own}
    per_doc: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for t in tranches:
        for doc in dict.fromkeys(c["document"] for c in t["amounts"] if c["rate"] is None):
            claim = next(c for c in t["amounts"] if c["rate"] is None and c["document"] == doc)
            per_doc.setdefault(doc, []).append((t["id"], claim))
    sums = [
        _sum_fig(doc, parts)
        for doc, parts in per_doc.items()
        if doc not in stated and len(parts) == len(tranches) and tranches
    ]
    return own + sums


def tranches_by_deal(flows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each deal's tranches (``includes`` and ``part_of``) among ``flows``; none if one is missing."""
    parts: dict[str, set[str]] = {f["id"]: set(f["includes"]) for f in flows}
    for f in flows:
        if f["part_of"]:
            parts.setdefault(f["part_of"], set()).add(f["id"])
    by_id = {f["id"]: f for f in flows}
    out = {}
    for deal, ids in parts.items():
        if ids and ids <= by_id.keys():
            out[deal] = [by_id[i] for i in sorted(ids)]
    return out


def deal_pairs(figs: Sequence[Fig]) -> list[Pair]:
    """Every disagreeing pair of a deal's figures (a deal's total is one quantity at one time)."""
    out: list[Pair] = []
    for i, a in enumerate(figs):
        for b in figs[i + 1 :]:
            if a.document == b.document and a.quote == b.quote:
                continue
            first, second = sorted((a, b), key=lambda f: (f.published or "", f.document))
            found = same_time(first, second)
            if found is not None:
                out.append((found[0], first, second, found[1]))
    return out


def flag_deal(
    claims: Iterable[dict[str, Any]], head: dict[str, Any] | None, tranches: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """A flow's ``disagreement`` (strongest class) and ``disputed_by`` (figures against the headline)."""
    pairs = deal_pairs(deal_figures(claims, tranches))
    if not pairs:
        return {"disagreement": None, "disputed_by": []}
    strongest = min((p[0] for p in pairs), key=RANK.__getitem__)
    key = (head["value"], head["bound"]) if head else None
    disputed = [f.data for p in pairs if p[0] != "superseded" for f in p[1:3] if (f.value, f.bound) != key]
    unique = list({(d["document"], d["quote"]): d for d in disputed}.values())
    return {"disagreement": strongest, "disputed_by": unique}
