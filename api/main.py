"""The FastAPI application: REST lookups, analytics, and the SPARQL endpoint.

Run it with ``dealgraph serve`` or any ASGI server (``uvicorn dealgraph.api.main:app``).
Pages on other origins may read it (CORS, with the preflight), as Wikidata's and DBpedia's
endpoints allow: the origins are the setting ``cors_origins`` (``DEALGRAPH_CORS_ORIGINS``).

>>> from fastapi.testclient import TestClient
>>> client = TestClient(create_app())
>>> client.get("/health").json()["status"]
'ok'
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

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

__all__ = ["create_app", "CORS_METHODS", "CORS_HEADERS"]

#: what a page on another origin may do: read (GET, HEAD) and query (POST /sparql); the API
#: has nothing to write
CORS_METHODS = ["GET", "HEAD", "POST"]
#: the request headers it may send: content negotiation (Accept), a SPARQL POST body's type
#: (Content-Type: application/sparql-query or a form) and cache validators
CORS_HEADERS = [
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Content-Type",
    "Cache-Control",
    "If-None-Match",
    "If-Modified-Since",
    "X-Requested-With",
]


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
    elif settings.warm_map:  # the map the explorer opens on, computed in the background
        moneymap.warm_map(kg)
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
    _allow_cross_origin(application, settings.cors_origin_list())
    application.add_middleware(AnswerOptions)
    return application


class AnswerOptions:
    """``OPTIONS`` that is not a CORS preflight gets ``204`` with the path's methods in
    ``Allow`` (RFC 9110, 9.3.7), not ``405``; a preflight goes on to the CORS middleware.

    Outermost, before the request limits: it reads nothing and runs no query.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        if (
            scope["type"] != "http"
            or scope["method"] != "OPTIONS"
            or b"access-control-request-method" in headers
        ):
            await self.app(scope, receive, send)
            return
        allowed = self.methods(scope)
        status = 204 if allowed else 404
        response = Response(status_code=status, headers={"Allow": ", ".join(allowed + ["OPTIONS"])})
        await response(scope, receive, send)

    def methods(self, scope: Scope) -> list[str]:
        """The methods some route of the app answers at the request's path."""
        app = scope.get("app")
        routes = getattr(getattr(app, "router", None), "routes", [])
        return [
            m
            for m in ("GET", "HEAD", "POST")
            if any(r.matches({**scope, "method": m})[0] == Match.FULL for r in routes)
        ]


def _allow_cross_origin(application: FastAPI, origins: list[str]) -> None:
    """Answer cross-origin reads and their OPTIONS preflights for ``origins`` (none: CORS off).

    Added last, so outermost: a preflight is answered before the request limits and the
    SPARQL fair-share gate (it spends no query budget and is never refused 429), while the
    answers of those (413, 414, 429 with Retry-After) carry the CORS headers, so a page can
    read why it was refused. Credentials are never allowed (see ``Settings.cors_origin_list``).
    """
    if origins:
        application.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_HEADERS,
            allow_credentials=False,
            expose_headers=["Retry-After", "Content-Disposition"],
            max_age=3600,
        )


def __getattr__(name: str):  # lazily build the default app for ``uvicorn dealgraph.api.main:app``
    if name == "app":
        return create_app()
    raise AttributeError(name)
