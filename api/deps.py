"""Dependencies shared by the routers (typed aliases)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator

from ..graph import KnowledgeGraph, UnknownEntityError
from ..ontology.vocab import SLUG_MAX_LENGTH, SLUG_PATTERN
from .errors import ApiError
from .settings import Settings

__all__ = [
    "GraphDep",
    "SettingsDep",
    "AsOf",
    "KnownAt",
    "Offset",
    "Limit",
    "Slug",
    "OptSlug",
    "EntityId",
    "require_entity",
    "page",
]


async def get_graph(request: Request) -> KnowledgeGraph:
    # async: resolved on the event loop, without a trip through the threadpool
    return request.app.state.kg


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


GraphDep = Annotated[KnowledgeGraph, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _real_date(v: str | None) -> str | None:
    if v is not None:
        dt.date.fromisoformat(v)  # ValueError -> 422
    return v


def _date_query(description: str) -> object:
    return Query(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        json_schema_extra={"format": "date"},
        description=description,
        examples=["2026-01-01"],
    )


#: valid time and knowledge time (see dealgraph.graph.timeline)
AsOf = Annotated[
    str | None,
    AfterValidator(_real_date),
    _date_query(
        "Valid time: the deals as they stood on this date (YYYY-MM-DD); a deal's amounts count from its date."
    ),
]
KnownAt = Annotated[
    str | None,
    AfterValidator(_real_date),
    _date_query("Knowledge time: only what documents published by this date (YYYY-MM-DD) said."),
]
#: an id (entity, deal) in the path, as the loaders define ids; OptSlug: one in the query
Slug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
EntityId = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, examples=["aws"])]
OptSlug = Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]
Limit = Annotated[int | None, Query(ge=1, le=1000, description="Page size.")]


def require_entity(kg: KnowledgeGraph, entity_id: str) -> None:
    """404 with close matches when ``entity_id`` is unknown."""
    try:
        kg.require_entity(entity_id)  # the one unknown-entity check
    except UnknownEntityError as exc:
        raise ApiError(404, str(exc), suggestions=exc.suggestions) from None


def page(items: list, offset: int, limit: int | None, settings: Settings) -> dict:
    size = limit or settings.page_size
    return {"items": items[offset : offset + size], "total": len(items), "offset": offset, "limit": size}
