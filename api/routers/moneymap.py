"""The money map the explorer opens on: ``GET /map`` (see :mod:`dealgraph.graph.moneymap`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...graph.moneymap import TOP, money_map
from ...graph.results import MoneyMap
from ..deps import AsOf, GraphDep, KnownAt
from ..schemas import ERROR_RESPONSES

router = APIRouter(tags=["explorer"], responses=ERROR_RESPONSES)

#: the ``top`` query parameter: how many corporate groups a large store's map shows
Top = Annotated[
    int,
    Query(ge=1, le=500, description="On a large store, how many corporate groups (by money) the map shows."),
]


@router.get(
    "/map",
    operation_id="get_money_map",
    summary="The money map: entities, corporate groups and the deals between them",
    response_model=MoneyMap,
)
def get_map(kg: GraphDep, as_of: AsOf = None, known_at: KnownAt = None, top: Top = TOP) -> MoneyMap:
    """Every entity and deal on a small store; on a large one the top groups by money and the
    largest deals among them. Each edge says from when it counts on both timelines."""
    return kg.kept("answer", ("map", as_of, known_at, top), lambda: money_map(kg, as_of, known_at, top))
