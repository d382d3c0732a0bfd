"""/deals/{id} and /between/{a}/{b}."""

from __future__ import annotations

from fastapi import APIRouter

from ...graph import KnowledgeGraph
from ...graph.cards import DealNotOnDatesError, UnknownDealError, deal_card
from ...graph.flows import flag_tranche_sums, flow_of_edge
from ...graph.results import Between, Deal
from ...graph.timeline import Timeline
from ..deps import AsOf, GraphDep, KnownAt, Slug, require_entity
from ..errors import ApiError
from ..schemas import ERROR_RESPONSES

router = APIRouter(tags=["deals"], responses=ERROR_RESPONSES)


@router.get("/deals/{deal_id}", operation_id="get_deal", summary="A deal with every amount claim")
def get_deal(kg: GraphDep, deal_id: Slug, as_of: AsOf = None, known_at: KnownAt = None) -> Deal:
    """The deal's payer, payee, kind, status, dates, every amount claim and its evidence."""
    try:
        return kg.kept(
            "answer",
            ("deal", deal_id, as_of, known_at),
            lambda: deal_card(kg.scoped_deals([deal_id]), deal_id, as_of=as_of, known_at=known_at),
        )
    except (UnknownDealError, DealNotOnDatesError) as exc:
        raise ApiError(404, str(exc), suggestions=exc.suggestions) from None


@router.get(
    "/between/{a}/{b}", operation_id="get_between", summary="Every relationship and deal between two entities"
)
def between(kg: GraphDep, a: Slug, b: Slug, as_of: AsOf = None, known_at: KnownAt = None) -> Between:
    return kg.kept("answer", ("between", a, b, as_of, known_at), lambda: _between(kg, a, b, as_of, known_at))


def _between(kg: KnowledgeGraph, a: str, b: str, as_of: str | None, known_at: str | None) -> Between:
    """The answer of :func:`between`, read from the two entities' neighbourhoods."""
    kg = kg.scoped([a, b])
    require_entity(kg, a)
    require_entity(kg, b)
    cut = Timeline.of(as_of, known_at)
    g = kg.nx()
    items = []
    for u, v in ((a, b), (b, a)):
        for key, data in (g.get_edge_data(u, v) or {}).items():
            if data["edge"] == "money":
                f = flow_of_edge(u, v, key, data, cut)
                if f is not None:
                    items.append({"type": "deal", **f})
            else:
                items.append(
                    {
                        "type": "relationship",
                        "id": data["relationship"],
                        "kind": data["kind"],
                        "subject": u,
                        "object": v,
                    }
                )
    flag_tranche_sums([i for i in items if i["type"] == "deal"])  # totals their tranches dispute
    return Between.model_validate({"a": a, "b": b, "items": items})
