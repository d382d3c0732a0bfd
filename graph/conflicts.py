"""Figures on which sources disagree: every disagreeing pair, classified, with its sources.

What is compared:

- **Deal totals**: the amount claims of one deal (totals, not rates), and for a deal with
  tranches, a document that states every tranche and not the deal: the sum of its tranche
  claims ("$5 billion today ... up to $20 billion more" is $5B to $25B).
- **Metrics**: observations of the same subject, metric, unit, rate, segment, accounting
  basis and forecast flag. Two observations of one document are compared only when their
  quotes differ and they are about the same time (a document's own time series, "$9 billion
  in January, $19 billion in March", is not a disagreement).
- **Entity facts** (``subsidiary_of``, roles) are not compared: the data gives each once, in
  ``entities.yaml``, not per document.

Each figure is an interval: exact ``[v, v]`` (``[v, upper]`` for a range), about ±10%, at
least ``[v, ∞)``, up to ``(-∞, v]``. Intervals that come within 25% of each other meet (two
sources rounding differently). "As stated", a figure's least and most: "$25B" states 25 and
25, "$5B plus up to $20B" states 5 and 25, "over $2.5B" states 2.5 and nothing.

**About the same time** (a deal's total is one quantity; observations whose dates overlap at
their precision: "April 2026" and "27 April 2026" do):

- ``contradictory``: the intervals do not meet. The Oracle contract: "$300 billion" (001)
  and "$30 billion five-year" (000). "About $100 billion" and "$150 billion" in January.
- ``superseded`` (metrics): two "at least" figures more than 25% apart: a count passes 500
  before it passes 1,000, so "surpassed 1,000" is the later news and "over 500" is out of
  date, not wrong. A forecast for one time restated differently by a document published
  later: the later forecast revises the earlier.
- ``divergent``: the intervals meet but the figures as stated are more than 2x apart:
  Amazon's 2026 money in Anthropic, "$25 billion investment commitment" (003) against "$5
  billion" plus "up to $20 billion" on milestones (002): the firm parts are 5x apart. "Up to
  $100B" and "$10B".
- otherwise the sources agree (not listed).

**Dated apart** (metrics of different documents whose dates do not overlap): the quantity
may have changed in between, so such a pair is never contradictory. Earlier- and later-dated:

- ``superseded``: the same figure dated earlier by a document published later: 1.9 GW is
  "current" in 000 (14 April 2026) and "2025" in 002 (27 April 2026); the later report
  dates it.
- ``divergent``: the later-dated figure is more than 2x below the earlier one (run-rates,
  valuations, capacities and counts grow; time does not explain a fall that size): Claude
  Code "$10 billion in annualized revenue by January 2026" (002) and "by February 2026, it
  exceeded $2.5 billion" (003).
- ``superseded``: the earlier figure was current when its document was published (its date
  covers the publication date) and a document published later gives another figure for a
  later date: OpenAI "last reported valuation was around $300 billion" (002, 27 April 2026),
  then "$852 billion" (003, 29 May 2026).
- otherwise a time series (each figure true at its date; Anthropic's ~$9B at the end of 2025
  and $45B in May 2026): not listed.

Each :class:`~dealgraph.graph.results.Conflict` carries its class, a one-line reason and
both figures with document, publication date and quote (earlier reporting first). A deal's
flow carries the strongest class (``disagreement``) and the figures against its headline
(``disputed_by``), so no headline is printed without them (see
:mod:`~dealgraph.graph.disagreement` for the comparison itself).

>>> from dealgraph import open_graph
>>> [(c.id, c.disagreement) for c in conflicts(open_graph()) if c.type == "deal"][-1]
('openai-oracle-compute', 'contradictory')
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from ..ontology.dates import parse_precise, period_end
from .cards import observations
from .disagreement import Fig, Pair, compare, deal_figures, deal_pairs, tranches_by_deal
from .flows import flows as all_flows
from .results import Conflict, Flow, Observation
from .timeline import Date, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["conflicts"]


def conflicts(kg: KnowledgeGraph, as_of: Date = None, known_at: Date = None) -> list[Conflict]:
    """Every disagreeing pair of figures (deal totals, then metrics), classified, with sources."""
    cut = Timeline.of(as_of, known_at)
    out = _deal_conflicts(all_flows(kg, as_of=cut.as_of, known_at=cut.known_at))
    groups: dict[tuple, list[Observation]] = defaultdict(list)
    for o in observations(kg):
        if not cut.observation(o):
            continue
        key = (o.subject, o.metric, o.unit, o.rate, o.segment, o.basis, o.forecast)
        groups[key].append(o)
    for key, obs in groups.items():
        figs = [_observation_fig(o) for o in obs]
        for i, a in enumerate(figs):
            for b in figs[i + 1 :]:
                pair = compare(a, b)
                if pair is not None:
                    out.append(_observation_conflict(key, pair))
    out.sort(key=lambda c: (c["type"], c["id"], c["figures"][0]["document"], c["figures"][1]["document"]))
    return _CONFLICTS.validate_python(out)


_CONFLICTS: TypeAdapter[list[Conflict]] = TypeAdapter(list[Conflict])


def _deal_conflicts(flows: list[Flow]) -> list[dict[str, Any]]:
    """Each disagreeing pair of each deal's figures (its claims and its tranche sums)."""
    dicts = [f.model_dump() for f in flows]
    tranches = tranches_by_deal(dicts)
    out = []
    for f in dicts:
        for cls, a, b, reason in deal_pairs(deal_figures(f["amounts"], tranches.get(f["id"], []))):
            out.append(
                {
                    "type": "deal",
                    "id": f["id"],
                    "what": f"{f['kind']} {f['payer']} -> {f['payee']}",
                    "disagreement": cls,
                    "reason": reason,
                    "figures": [a.data, b.data],
                }
            )
    return out


def _observation_fig(o: Observation) -> Fig:
    span = _span(o)
    start, end = span if span else (None, None)
    data: dict[str, Any] = {"value": o.value, "upper": o.upper, "bound": o.bound, "unit": o.unit}
    data["when"] = _when(o)
    data["observation"] = o.id
    data |= {"document": o.sources[0].document, "published": o.published, "quote": o.sources[0].quote}
    return Fig(
        o.value,
        o.upper,
        o.bound,
        data["document"],
        o.published,
        data["quote"],
        unit=o.unit,
        start=start,
        end=end,
        when=data["when"],
        forecast=o.forecast,
        data=data,
    )


def _observation_conflict(key: tuple, pair: Pair) -> dict[str, Any]:
    cls, a, b, reason = pair
    return {
        "type": "observation",
        "id": f"{a.data['observation']}+{b.data['observation']}",
        "what": f"{key[1]} of {key[0]} ({a.when} vs {b.when})",
        "disagreement": cls,
        "reason": reason,
        "figures": [a.data, b.data],
    }


def _when(o: Observation) -> str:
    """The date or period a figure is about, at its precision ("2026-04", "2025")."""
    if o.as_of:
        return o.as_of[: _DIGITS.get(o.as_of_precision or "day", 10)]
    return str(o.period or "")


_DIGITS = {"month": 7, "year": 4}


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
