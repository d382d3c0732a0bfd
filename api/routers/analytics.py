"""The analytics: flows, trace, exposure, loops, paths, conflicts, share, sources."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ...graph import flows as flows_of
from ...graph import sources as sources_of
from ...graph.conflicts import conflicts as conflicts_of
from ...graph.exposure import exposure as exposure_of
from ...graph.exposure import two_sided_bets
from ...graph.loops import vendor_financed_loops
from ...graph.paths import paths as paths_of
from ...graph.paths import share as share_of
from ...graph.results import Conflict, Exposure, FlowPage, Loop, Share, Source, Trace
from ...graph.results import Path as MoneyPath
from ...graph.timeline import Timeline
from ...graph.trace import trace as trace_of
from ...loaders.models import DealKind
from ..deps import AsOf, GraphDep, KnownAt, Limit, Offset, OptSlug, SettingsDep, Slug, page, require_entity
from ..schemas import ERROR_RESPONSES

router = APIRouter(tags=["analytics"], responses=ERROR_RESPONSES)

#: the ``include_announced`` query parameter of the routes that total money
IncludeAnnounced = Annotated[
    bool,
    Query(description="Count announced (not yet committed) money as committed; by default it is kept apart."),
]


@router.get("/flows", operation_id="list_flows", summary="Money flows, largest first")
def list_flows(
    kg: GraphDep,
    settings: SettingsDep,
    payer: OptSlug = None,
    payee: OptSlug = None,
    kind: DealKind | None = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    offset: Offset = 0,
    limit: Limit = None,
) -> FlowPage:
    ends = [e for e in (payer, payee) if e]
    kg = kg.scoped(ends) if ends else kg  # one entity's flows: its neighbourhood only
    for e in ends:
        require_entity(kg, e)
    result = flows_of(kg, payer=payer, payee=payee, kind=kind, as_of=as_of, known_at=known_at)
    return FlowPage.model_validate(page(result, offset, limit, settings))


@router.get("/trace/{entity_id}", operation_id="trace_money", summary="Follow money hop by hop")
def trace(
    kg: GraphDep,
    entity_id: Slug,
    depth: Annotated[int, Query(ge=1, le=6)] = 2,
    direction: Literal["down", "up"] = "down",
    as_of: AsOf = None,
    known_at: KnownAt = None,
    include_announced: IncludeAnnounced = False,
) -> Trace:
    def answer() -> Trace:
        view = kg.scoped([entity_id], hops=depth - 1, direction="out" if direction == "down" else "in")
        require_entity(view, entity_id)
        return trace_of(view, entity_id, depth, direction, as_of, known_at, include_announced)

    return kg.kept(
        "answer", ("trace", entity_id, depth, direction, as_of, known_at, include_announced), answer
    )


@router.get(
    "/exposure/{entity_id}", operation_id="get_exposure", summary="One organization's ties to competing labs"
)
def exposure(
    kg: GraphDep,
    entity_id: Slug,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    include_announced: IncludeAnnounced = False,
) -> Exposure:
    def answer() -> Exposure:
        view = kg.scoped([entity_id], rivals=True)
        require_entity(view, entity_id)
        return exposure_of(
            view, entity_id, as_of=as_of, known_at=known_at, include_announced=include_announced
        )

    return kg.kept("answer", ("exposure", entity_id, as_of, known_at, include_announced), answer)


@router.get(
    "/exposure", operation_id="list_two_sided_bets", summary="Every organization with bets on both sides"
)
def two_sided(
    kg: GraphDep, as_of: AsOf = None, known_at: KnownAt = None, include_announced: IncludeAnnounced = False
) -> list[Exposure]:
    return two_sided_bets(kg, as_of=as_of, known_at=known_at, include_announced=include_announced)


@router.get("/loops", operation_id="list_loops", summary="Vendor-financed loops")
def loops(
    kg: GraphDep,
    max_length: Annotated[int, Query(ge=2, le=6)] = 4,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    include_announced: IncludeAnnounced = False,
) -> list[Loop]:
    # computed once per question, then served from memory until the next load clears kg.memo
    cut = Timeline.of(as_of, known_at)
    key = f"api-loops {max_length} {cut.as_of} {cut.known_at} {include_announced}"
    return kg.memo(
        key,
        lambda: vendor_financed_loops(
            kg, max_length=max_length, as_of=as_of, known_at=known_at, include_announced=include_announced
        ),
    )


@router.get("/paths/{a}/{b}", operation_id="list_paths", summary="Paths between two entities")
def paths(
    kg: GraphDep,
    a: Slug,
    b: Slug,
    max_length: Annotated[int, Query(ge=1, le=5)] = 3,
    mode: Literal["money", "any"] = "money",
    as_of: AsOf = None,
    known_at: KnownAt = None,
) -> list[MoneyPath]:
    def answer() -> list[MoneyPath]:
        view = kg.scoped_paths(a, b, max_length, mode == "any")
        require_entity(view, a)
        require_entity(view, b)
        return paths_of(view, a, b, max_length=max_length, mode=mode, as_of=as_of, known_at=known_at)

    return kg.kept("answer", ("paths", a, b, max_length, mode, as_of, known_at), answer)


@router.get(
    "/share/{payer}/{payee}",
    operation_id="get_share",
    summary="A payee's share of a payer's total commitments",
)
def share(
    kg: GraphDep,
    payer: Slug,
    payee: Slug,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    include_announced: IncludeAnnounced = False,
) -> Share:
    def answer() -> Share:
        view = kg.scoped([payer, payee])
        require_entity(view, payer)
        require_entity(view, payee)
        return share_of(
            view, payer, payee, as_of=as_of, known_at=known_at, include_announced=include_announced
        )

    return kg.kept("answer", ("share", payer, payee, as_of, known_at, include_announced), answer)


@router.get("/conflicts", operation_id="list_conflicts", summary="Figures on which sources disagree")
def conflicts(kg: GraphDep, as_of: AsOf = None, known_at: KnownAt = None) -> list[Conflict]:
    return conflicts_of(kg, as_of=as_of, known_at=known_at)


@router.get(
    "/sources", operation_id="list_sources", summary="Source documents with the claims resting on each"
)
def sources(kg: GraphDep) -> list[Source]:
    return sources_of(kg)
