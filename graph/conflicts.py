"""Figures on which sources disagree, side by side with their sources.

Two kinds: a deal whose amount claims give different totals (one deal node, several
claims), and observations from different documents of the same subject, metric, unit,
rate, segment, accounting basis and forecast flag, about the same time (their dates
overlap at their precision: "April 2026" and "27 April 2026" do), whose values differ by
more than ``tolerance`` (25%) and cannot both hold given their bounds ("more than $30
billion" and "$32 billion" can; "about $300 billion" and "$852 billion" cannot).

>>> from dealgraph import open_graph
>>> "openai-oracle-compute" in [c.id for c in conflicts(open_graph())]
True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from ..ontology.dates import parse_precise, period_end
from .cards import observations
from .flows import flows as all_flows
from .money import parse_as_of
from .results import Conflict, Observation

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["conflicts"]


def conflicts(
    kg: KnowledgeGraph, as_of: str | dt.date | None = None, tolerance: float = 0.25
) -> list[Conflict]:
    """Deals and metrics with disagreeing figures (each figure with its source)."""
    out: list[dict[str, Any]] = []
    for f in all_flows(kg, as_of=as_of):
        if f.conflict:
            out.append(
                {
                    "type": "deal",
                    "id": f.id,
                    "what": f"{f.kind} {f.payer} -> {f.payee}",
                    "figures": [a.model_dump(exclude={"currency"}) for a in f.amounts if a.rate is None],
                }
            )
    cut = parse_as_of(as_of)
    groups: dict[tuple, list[Observation]] = defaultdict(list)
    for o in observations(kg):
        if cut is not None and (o.published or "") > cut:
            continue
        key = (o.subject, o.metric, o.unit, o.rate, o.segment, o.basis, o.forecast)
        groups[key].append(o)
    for key, obs in groups.items():
        for a, b in _disagreeing_pairs(obs, tolerance):
            out.append(
                {
                    "type": "observation",
                    "id": f"{a.id}+{b.id}",
                    "what": f"{key[1]} of {key[0]} ({_when(a)} vs {_when(b)})",
                    "figures": [
                        {
                            "value": o.value,
                            "upper": o.upper,
                            "bound": o.bound,
                            "when": _when(o),
                            "observation": o.id,
                            "document": o.sources[0].document,
                            "published": o.published,
                            "quote": o.sources[0].quote,
                        }
                        for o in (a, b)
                    ],
                }
            )
    out.sort(key=lambda c: (c["type"], c["id"]))
    return _CONFLICTS.validate_python(out)


_CONFLICTS: TypeAdapter[list[Conflict]] = TypeAdapter(list[Conflict])


def _when(o: Observation) -> str:
    return str(o.as_of or o.period or "")


def _span(o: Observation) -> tuple[dt.date, dt.date] | None:
    """The first and last day an observation's date stands for, by its precision."""
    if o.as_of:
        start = dt.date.fromisoformat(o.as_of)
        precision = o.as_of_precision or "day"
        return start, period_end(start, precision)
    if o.period:
        first, _, last = str(o.period).partition("/")
        a, b = _parse(first), _parse(last or first)
        if a and b:
            return a[0], period_end(*b)
    return None


def _parse(text: str) -> tuple[dt.date, str] | None:
    try:
        return parse_precise(text)
    except ValueError:
        return None


def _reconciles(a: Observation, b: Observation) -> bool:
    """True when the bounds make both figures possible ("more than $30B" and "$32B")."""
    lo_a, hi_a = _interval(a)
    lo_b, hi_b = _interval(b)
    return max(lo_a, lo_b) <= min(hi_a, hi_b)


def _interval(o: Observation) -> tuple[float, float]:
    v, up = float(o.value), float(o.upper if o.upper is not None else o.value)
    if o.bound == "at-least":
        return v, float("inf")
    if o.bound == "up-to":
        return float("-inf"), up
    if o.bound == "about":
        return v * 0.9, up * 1.1
    return v, up


def _disagreeing_pairs(obs: list[Observation], tolerance: float):
    for i, a in enumerate(obs):
        for b in obs[i + 1 :]:
            docs_a = {s.document for s in a.sources}
            docs_b = {s.document for s in b.sources}
            if docs_a & docs_b:
                continue
            sa, sb = _span(a), _span(b)
            if sa is None or sb is None or sa[0] > sb[1] or sb[0] > sa[1]:
                continue  # not about the same time
            lo, hi = sorted((abs(a.value), abs(b.value)))
            if hi == 0 or (hi - lo) / hi <= tolerance or _reconciles(a, b):
                continue
            yield a, b
