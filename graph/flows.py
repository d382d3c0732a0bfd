"""Money flows: deals with a payer and a payee, filtered and dated.

Two timelines (:mod:`~dealgraph.graph.timeline`): ``as_of`` is valid time (a deal and its
amounts count from its event date, or undated from its earliest source's publication);
``known_at`` is knowledge time (only claims and sources of documents published by then).
Amounts are in base units (5000000000 for $5 billion).

Each flow says whether its sources disagree on its total (``disagreement``, with the figures
against the headline in ``disputed_by``; the rules are in :mod:`~dealgraph.graph.conflicts`).

>>> from dealgraph import open_graph
>>> kg = open_graph()
>>> [f.amount for f in flows(kg, payer="openai", payee="aws")]
[38000000000]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, overload

from .disagreement import flag_deal, tranches_by_deal
from .money import parse_as_of
from .projection import evidence_ref, headline_amount
from .results import Flow, FlowEvidence
from .timeline import Date, Timeline, deal_date

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

# parse_as_of lives in .money; it stays importable from here for callers that used it
__all__ = ["flows", "flow_of_edge", "flag_tranche_sums", "effective_date", "parse_as_of", "sources_of_flows"]


#: when a deal starts to count on valid time (kept under its old name)
effective_date = deal_date


@overload
def flow_of_edge(
    payer: str, payee: str, key: str, edge: dict[str, Any], cut: None = None
) -> dict[str, Any]: ...
@overload
def flow_of_edge(
    payer: str, payee: str, key: str, edge: dict[str, Any], cut: Timeline
) -> dict[str, Any] | None: ...
def flow_of_edge(
    payer: str, payee: str, key: str, edge: dict[str, Any], cut: Timeline | None = None
) -> dict[str, Any] | None:
    """The flow dict of one money edge on the timelines ``cut`` (None if it does not count then).

    The dict has the fields of :class:`~dealgraph.graph.results.Flow`; callers that add
    fields (an entity card's deals, the API's listings) validate it into their model.
    """
    kept = (cut or Timeline()).deal(edge)
    if kept is None:
        return None
    claims, sources = kept
    when = deal_date(edge)
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
        "quantities": [q for q in edge.get("quantities", []) if (cut or Timeline()).known(q["published"])],
        "chips": edge.get("chips", []),
        "conditions": edge.get("conditions", []),
        "beneficiary": edge.get("beneficiary"),
        "conflict": len(totals) > 1,
        "sources": [evidence_ref(s) for s in sources],
        **flag_deal(claims, head),
    }


def flows(
    kg: KnowledgeGraph,
    payer: str | None = None,
    payee: str | None = None,
    kind: str | None = None,
    as_of: Date = None,
    known_at: Date = None,
) -> list[Flow]:
    """Money flows, largest first, optionally filtered by payer, payee, kind and the two timelines."""
    cut = Timeline.of(as_of, known_at)
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
