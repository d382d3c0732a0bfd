"""The FastAPI application: REST lookups, analytics, and the SPARQL endpoint.

Run it with ``dealgraph serve`` or any ASGI server (``uvicorn dealgraph.api.main:app``).

>>> from fastapi.testclient import TestClient
>>> client = TestClient(create_app())
>>> client.get("/health").json()["status"]
'ok'
"""

from __future__ import annotations

from fastapi import FastAPI

from .. import open_graph
from ..graph import KnowledgeGraph
from ..graph.cards import observations, relationship_sources
from .errors import install_error_handlers
from .fairness import ClientBudgets, FairShareGate
from .limits import RequestLimits
from .routers import (
    analytics,
    deals,
    entities,
    explorer,
    exports,
    health,
    moneymap,
    sparql,
)
from .routers.plugins import analytics_router
from .settings import Settings

__all__ = ["create_app"]


def create_app(kg: KnowledgeGraph | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app around a loaded graph (default: load ``settings.data`` or the bundle)."""
    settings = settings or Settings()
    if kg is None:
        kg = open_graph(settings.data, store=settings.store)
    application = FastAPI(
        title="dealgraph",
        version="0.1.0",
        description="The money behind AI: entities, deals, flows, loops, two-sided bets and a "
        "read-only SPARQL endpoint. Amounts are in base units (USD).",
    )
    application.state.kg = kg
    application.state.settings = settings
    application.state.budgets = ClientBudgets(
        settings.client_max_queries, settings.client_query_seconds, settings.max_queries
    )
    if kg.is_small():
        # build the projection and the per-load caches once, before the first request, so a
        # burst of first requests does not compute them many times over
        kg.nx()
        observations(kg)
        relationship_sources(kg)
        if kg.nx().number_of_nodes() <= settings.warm_cards:
            for entity_id in kg.nx().nodes:
                entities.card_json(kg, entity_id)
    # a large store is ready at once: questions about one entity read its neighbourhood
    # (KnowledgeGraph.scoped); those about the whole graph build the projection when asked
    install_error_handlers(application)
    for r in (
        health.router,
        entities.router,
        deals.router,
        analytics.router,
        exports.router,
        sparql.router,
        explorer.router,
        moneymap.router,
        analytics_router(),  # one route per registered analytic (graph.registry.Analytic)
    ):
        application.include_router(r)
    application.add_middleware(FairShareGate, budgets=application.state.budgets)
    application.add_middleware(
        RequestLimits, max_body_bytes=settings.max_body_bytes, max_url_length=settings.max_url_length
    )
    return application


def __getattr__(name: str):  # lazily build the default app for ``uvicorn dealgraph.api.main:app``
    if name == "app":
        return create_app()
    raise AttributeError(name)
