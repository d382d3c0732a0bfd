"""The money map the explorer opens on: ``GET /map`` (see :mod:`dealgraph.graph.moneymap`)."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Query

from ...graph import KnowledgeGraph
from ...graph.moneymap import TOP, money_map
from ...graph.results import MoneyMap
from ...graph.timeline import Date
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
    return kept_map(kg, as_of, known_at, top)


def kept_map(kg: KnowledgeGraph, as_of: Date = None, known_at: Date = None, top: int = TOP) -> MoneyMap:
    """The map, computed once per load and question (:meth:`KnowledgeGraph.kept`: a request
    that comes while it is being computed waits for it)."""
    return kg.kept("answer", ("map", as_of, known_at, top), lambda: money_map(kg, as_of, known_at, top))


def warm_map(kg: KnowledgeGraph) -> threading.Thread:
    """Compute the map the explorer opens on in the background (a large store's server starts
    answering at once; the first page then finds the map ready, or waits for this one)."""
    thread = threading.Thread(target=kept_map, args=(kg,), name="dealgraph-warm-map", daemon=True)
    thread.start()
    return thread
