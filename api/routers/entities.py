"""/entities: search, entity cards, relationships with filters."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

from ...graph import KnowledgeGraph, entity_card
from ...graph.cards import entity_texts
from ...graph.flows import flag_tranche_sums, flow_of_edge
from ...graph.results import EntityCard, EntityPage, RelatedPage
from ...graph.timeline import Timeline
from ...loaders.models import DealKind, RelationshipKind
from ..deps import AsOf, EntityId, GraphDep, KnownAt, Limit, Offset, SettingsDep, page, require_entity
from ..schemas import ERROR_RESPONSES

router = APIRouter(prefix="/entities", tags=["entities"], responses=ERROR_RESPONSES)


@router.get("", operation_id="search_entities", summary="Search entities by name or alias")
def search_entities(
    kg: GraphDep,
    settings: SettingsDep,
    q: Annotated[
        str,
        Query(
            max_length=200,
            description="Case-insensitive prefix or substring of an id, name or alias.",
            examples=["amaz"],
        ),
    ] = "",
    offset: Offset = 0,
    limit: Limit = None,
) -> EntityPage:
    """Typeahead search: prefix matches first, then substring matches."""
    needle = q.strip().lower()
    scored = []
    texts = entity_texts(kg)
    for n, d in kg.nx().nodes(data=True):
        names = [n, d["name"]] + texts.get(n, {}).get("aliases", [])
        lowered = [x.lower() for x in names]
        if not needle:
            rank = 2
        elif any(x.startswith(needle) for x in lowered):
            rank = 0
        elif any(needle in x for x in lowered):
            rank = 1
        else:
            continue
        scored.append(
            (
                rank,
                d["name"].lower(),
                {"id": n, "name": d["name"], "type": d["type"], "roles": d["roles"], "aliases": names[2:]},
            )
        )
    scored.sort(key=lambda t: (t[0], t[1]))
    return EntityPage.model_validate(page([s[2] for s in scored], offset, limit, settings))


@router.get(
    "/{entity_id}",
    operation_id="get_entity",
    summary="The entity card",
    response_model=None,
    responses={200: {"model": EntityCard, "description": "The entity card"}},
)
async def get_entity(
    kg: GraphDep, entity_id: EntityId, as_of: AsOf = None, known_at: KnownAt = None
) -> Response:
    """Types, names, group, relationships, deals and observations, each with its sources.

    Cards are rendered to JSON once per load and then served from memory: lookups stay
    fast under many clients, and on the event loop, never waiting for the threadpool.
    A card cut on a timeline (``as_of``, ``known_at``) is rendered each time.
    """
    cut = as_of is not None or known_at is not None
    body = None if cut else kg.memo_peek(f"card-json:{entity_id}")
    if body is None:
        body = await run_in_threadpool(card_json, kg, entity_id, as_of, known_at)
    return Response(body, media_type="application/json")


def card_json(kg, entity_id: str, as_of: str | None = None, known_at: str | None = None) -> bytes:
    """The entity card as JSON bytes, rendered once per load from the
    :class:`~dealgraph.graph.results.EntityCard` model (strict JSON: no NaN or Infinity).

    A card cut on a timeline is not kept (the dates asked are unbounded). A large store
    renders it from the entity's neighbourhood (:meth:`KnowledgeGraph.scoped`)."""
    view = kg.scoped([entity_id])
    require_entity(view, entity_id)

    def render() -> bytes:
        return json.dumps(
            entity_card(view, entity_id, as_of, known_at).model_dump(mode="json", by_alias=True),
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        ).encode()

    if as_of is not None or known_at is not None:
        return render()
    return kg.memo(f"card-json:{entity_id}", render)


@router.get(
    "/{entity_id}/relationships",
    operation_id="get_entity_relationships",
    summary="An entity's relationships and deals, filtered",
)
def get_relationships(
    kg: GraphDep,
    settings: SettingsDep,
    entity_id: EntityId,
    kind: DealKind | RelationshipKind | None = None,
    direction: Literal["in", "out", "both"] = "both",
    counterparty: Annotated[str | None, Query(max_length=100)] = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    min_amount: Annotated[
        float | None,
        Query(ge=0, description="Smallest amount (base units); relationships without amounts are dropped."),
    ] = None,
    offset: Offset = 0,
    limit: Limit = None,
) -> RelatedPage:
    key = ("relationships", entity_id, kind, direction, counterparty, as_of, known_at, min_amount)

    def answer() -> RelatedPage:  # the page, validated once while it is kept
        items = kg.kept(
            "answer",
            key,
            lambda: _related(kg, entity_id, kind, direction, counterparty, as_of, known_at, min_amount),
        )
        return RelatedPage.model_validate(page(items, offset, limit, settings))

    return kg.kept("answer", (*key, offset, limit), answer)


def _related(
    kg: KnowledgeGraph,
    entity_id: str,
    kind: str | None,
    direction: str,
    counterparty: str | None,
    as_of: str | None,
    known_at: str | None,
    min_amount: float | None,
) -> list[dict]:
    """The items of :func:`get_relationships`, read from the entity's neighbourhood."""
    kg = kg.scoped([entity_id])
    require_entity(kg, entity_id)
    cut = Timeline.of(as_of, known_at)
    g = kg.nx()
    items = []
    # the card's relationships as the timelines asked leave them (start, status on as_of,
    # inferred reasoning); keyed by edge, since a bare subsidiary-of link has no id
    card_rels = {
        (r.kind, r.subject, r.object): r for r in entity_card(kg, entity_id, as_of, known_at).relationships
    }
    for d, edges in (
        ("out", g.out_edges(entity_id, keys=True, data=True)),
        ("in", g.in_edges(entity_id, keys=True, data=True)),
    ):
        if direction not in (d, "both"):
            continue
        for u, v, key, data in edges:
            other = v if d == "out" else u
            if counterparty and other != counterparty:
                continue
            if kind and data["kind"] != kind:
                continue
            if data["edge"] == "money":
                f = flow_of_edge(u, v, key, data, cut)
                if f is None or (min_amount is not None and (f["amount"] or 0) < min_amount):
                    continue
                items.append({"type": "deal", "direction": d, "counterparty": other, **f})
            else:
                if min_amount is not None:
                    continue
                rel = card_rels.get((data["kind"], u, v))
                if rel is None:
                    continue  # the card leaves it out on the timelines asked
                items.append({"type": "relationship", **rel.model_dump()})
    items.sort(key=lambda i: (i["type"], -(i.get("amount") or 0), str(i["id"])))
    flag_tranche_sums([i for i in items if i["type"] == "deal"])  # totals their tranches dispute
    return items
