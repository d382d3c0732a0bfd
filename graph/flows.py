"""Money flows: deals with a payer and a payee, filtered and dated.

As-of semantics: a deal counts from its event date (``dg:date``) or, without one, from
the earliest publication date of its sources; an amount claim counts from the publication
date of its source. Amounts are in base units (5000000000 for $5 billion).

Each flow says whether its sources disagree on its total (``disagreement``, with the figures
against the headline in ``disputed_by``; the rules are in :mod:`~dealgraph.graph.conflicts`).

>>> from dealgraph import open_graph
>>> kg = open_graph()
>>> [f.amount for f in flows(kg, payer="openai", payee="aws")]
[38000000000]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, overload

from .disagreement import flag_deal, tranches_by_deal
from .money import parse_as_of
from .projection import headline_amount
from .results import Flow, FlowEvidence

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

# parse_as_of lives in .money; it stays importable from here for callers that used it
__all__ = ["flows", "flow_of_edge", "flag_tranche_sums", "effective_date", "parse_as_of", "sources_of_flows"]


def effective_date(edge: dict[str, Any]) -> str | None:
    """When a deal starts to count: its date, else its earliest source's publication date."""
    if edge.get("date"):
        return edge["date"]
    dates = [s["published"] for s in edge.get("sources", []) if s.get("published")]
    return min(dates) if dates else None


@overload
def flow_of_edge(
    payer: str, payee: str, key: str, edge: dict[str, Any], as_of: None = None
) -> dict[str, Any]: ...
@overload
def flow_of_edge(
    payer: str, payee: str, key: str, edge: dict[str, Any], as_of: str | None
) -> dict[str, Any] | None: ...
def flow_of_edge(
    payer: str, payee: str, key: str, edge: dict[str, Any], as_of: str | None = None
) -> dict[str, Any] | None:
    """The flow dict of one money edge as known on ``as_of`` (None if not yet known).

    The dict has the fields of :class:`~dealgraph.graph.results.Flow`; callers that add
    fields (an entity card's deals, the API's listings) validate it into their model.
    """
    when = effective_date(edge)
    if as_of is not None and when is not None and when > as_of:
        return None
    claims = [
        a for a in edge["amounts"] if as_of is None or a["published"] is None or a["published"] <= as_of
    ]
    sources = [
        s for s in edge["sources"] if as_of is None or s["published"] is None or s["published"] <= as_of
    ]
    head = headline_amount(claims)
    totals = {(a["value"], a["upper"]) for a in claims if a["rate"] is None}
    return {
        "id": key,
        "kind": edge["kind"],
        "payer": payer,
        "payee": payee,
        "amount": head["value"] if head else None,
        "currency": head["currency"] if head else None,
        "bound": head["bound"] if head else None,
        "rate": head["rate"] if head else None,
        "status": edge["status"],
        "date": edge["date"],
        "date_precision": edge["date_precision"],
        "date_inferred": edge["date_inferred"],
        "effective_date": when,
        "term": edge["term"],
        "part_of": edge["part_of"],
        "includes": edge["includes"],
        "amounts": claims,
        "conflict": len(totals) > 1,
        "sources": [{"document": s["document"], "quote": s["quote"]} for s in sources],
        **flag_deal(claims, head),
    }


def flows(
    kg: KnowledgeGraph,
    payer: str | None = None,
    payee: str | None = None,
    kind: str | None = None,
    as_of: str | dt.date | None = None,
) -> list[Flow]:
    """Money flows, largest first, optionally filtered by payer, payee, kind and as-of date."""
    cut = parse_as_of(as_of)
    every = []
    for u, v, key, data in kg.nx().edges(keys=True, data=True):
        if data.get("edge") == "money":
            f = flow_of_edge(u, v, key, data, cut)
            if f is not None:
                every.append(f)
    flag_tranche_sums(every)
    wanted = {"payer": payer, "payee": payee, "kind": kind}
    out = [f for f in every if all(not want or f[k] == want for k, want in wanted.items())]
    out.sort(key=lambda f: (-(f["amount"] or 0), f["id"]))
    return [Flow.model_validate(f) for f in out]


def flag_tranche_sums(every: list[dict[str, Any]]) -> None:
    """Flag the deals whose tranches, as one document states them all, disagree with their total.

    ``every`` holds flow dicts (:func:`flow_of_edge`), updated in place; a deal is flagged only
    when all its tranches are among them (:func:`flows` passes every money edge).
    """
    by_id = {f["id"]: f for f in every}
    for deal, tranches in tranches_by_deal(every).items():
        f = by_id.get(deal)
        if f is not None:
            head = {"value": f["amount"], "bound": f["bound"]} if f["amount"] is not None else None
            f.update(flag_deal(f["amounts"], head, tranches))


def sources_of_flows(flows: Iterable[Flow]) -> list[FlowEvidence]:
    """The distinct (document, quote) sources of ``flows``, each tagged with its deal id."""
    seen, out = set(), []
    for f in flows:
        for s in f.sources:
            k = (s.document, s.quote)
            if k not in seen:
                seen.add(k)
                out.append(FlowEvidence(document=s.document, quote=s.quote, deal=f.id))
    return out
