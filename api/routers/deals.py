"""/deals/{id} and /between/{a}/{b}."""

from __future__ import annotations

import difflib

from fastapi import APIRouter

from ...graph.flows import flag_tranche_sums, flow_of_edge
from ...graph.results import Between, Deal
from ..deps import AsOf, GraphDep, Slug, require_entity
from ..errors import ApiError
from ..schemas import ERROR_RESPONSES

router = APIRouter(tags=["deals"], responses=ERROR_RESPONSES)


@router.get("/deals/{deal_id}", operation_id="get_deal", summary="A deal with every amount claim")
def get_deal(kg: GraphDep, deal_id: Slug) -> Deal:
    """The deal's payer, payee, kind, status, dates, every amount claim and its evidence."""
    for u, v, key, data in kg.nx().edges(keys=True, data=True):
        if key == deal_id and data.get("edge") == "money":
            flow = flow_of_edge(u, v, key, data)
            parts = [
                flow_of_edge(a, b, k, d)
                for a, b, k, d in kg.nx().edges(keys=True, data=True)
                if d.get("part_of") == deal_id
            ]
            flag_tranche_sums([flow, *parts])  # a total its tranches disagree with says so
            tranches = sorted(p["id"] for p in parts)
            return Deal.model_validate(flow | {"tranches": tranches, "all_sources": data["sources"]})
    deals = sorted(k for *_, k, d in kg.nx().edges(keys=True, data=True) if d.get("edge") == "money")
    close = difflib.get_close_matches(deal_id, deals, n=3, cutoff=0.6)
    raise ApiError(404, f"unknown deal {deal_id!r}", suggestions=close)


@router.get(
    "/between/{a}/{b}", operation_id="get_between", summary="Every relationship and deal between two entities"
)
def between(kg: GraphDep, a: Slug, b: Slug, as_of: AsOf = None) -> Between:
    require_entity(kg, a)
    require_entity(kg, b)
    cut = as_of
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
