"""Figures on which sources disagree, side by side with their sources.

Two kinds: a deal whose amount claims give different totals (one deal node, several
claims), and observations of the same subject, metric, time, segment and basis whose
values differ between documents.

>>> from dealgraph import open_graph
>>> "openai-oracle-compute" in [c["id"] for c in conflicts(open_graph())]
True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from dealgraph.graph.cards import observations
from dealgraph.graph.flows import flows as all_flows

if TYPE_CHECKING:  # pragma: no cover
    from dealgraph.graph.knowledge_graph import KnowledgeGraph

__all__ = ["conflicts"]


def conflicts(kg: KnowledgeGraph, as_of: str | dt.date | None = None) -> list[dict[str, Any]]:
    """Deals and metrics with disagreeing figures (each figure with its source)."""
    out = []
    for f in all_flows(kg, as_of=as_of):
        if f["conflict"]:
            out.append({
                "type": "deal", "id": f["id"], "what": f"{f['kind']} {f['payer']} -> {f['payee']}",
                "figures": [{"value": a["value"], "upper": a["upper"], "bound": a["bound"],
                             "rate": a["rate"], "term": a["term"], "document": a["document"],
                             "published": a["published"], "quote": a["quote"]}
                            for a in f["amounts"] if a["rate"] is None],
            })
    cut = None if as_of is None else str(as_of)
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for o in observations(kg):
        if cut is not None and (o["published"] or "") > cut:
            continue
        key = (o["subject"], o["metric"], o["as_of"], str(o["period"]), o["segment"], o["basis"],
               o["forecast"], o["unit"], o["rate"])
        groups[key].append(o)
    for key, obs in groups.items():
        values = {(o["value"], o["upper"]) for o in obs}
        documents = {s["document"] for o in obs for s in o["sources"]}
        if len(values) > 1 and len(documents) > 1:
            out.append({
                "type": "observation", "id": "+".join(sorted(o["id"] for o in obs)),
                "what": f"{key[1]} of {key[0]} ({key[2] or key[3]})",
                "figures": [{"value": o["value"], "upper": o["upper"], "bound": o["bound"],
                             "observation": o["id"], "document": s["document"],
                             "published": o["published"], "quote": s["quote"]}
                            for o in obs for s in o["sources"][:1]],
            })
    out.sort(key=lambda c: (c["type"], c["id"]))
    return out
