"""/export/{format}: the graph in any registered export format, with the CLI's filters.

The format enum (OpenAPI) and the media types come from :mod:`dealgraph.graph.registry`:
``router`` is built when the app is created (each :func:`dealgraph.api.main.create_app`
gets a router with the formats registered at that moment, plugins included).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ...graph.exports import SVG_CSP, render_bytes
from ...graph.html import HTML_CSP
from ...graph.registry import export_format, exports
from ...graph.sankey import SANKEY_PAGE_CSP
from ..deps import AsOf, GraphDep, KnownAt, OptSlug, require_entity
from ..errors import ApiError
from ..schemas import ERROR_RESPONSES

__all__ = ["build_router"]  # and ``router``, built on access

# Every export is served with nosniff and a Content-Security-Policy. SVG may carry no
# script; the interactive page is self-contained (it must also work from disk), so its
# inline scripts run by hash (graph/html.py's HTML_CSP, also in the page's <meta>); any
# other format is data that a browser has no business running anything in.
_CSP_FRAMES = "; frame-ancestors 'none'"
_DATA_CSP = "default-src 'none'; sandbox" + _CSP_FRAMES


def _policy(fmt: str) -> str:
    return {
        "svg": SVG_CSP + _CSP_FRAMES,
        "html": HTML_CSP + _CSP_FRAMES,
        "sankey": SANKEY_PAGE_CSP + _CSP_FRAMES,
    }.get(fmt, _DATA_CSP)


def build_router() -> APIRouter:
    """The /export router for the formats registered now."""
    formats = exports()
    ExportFormat: Any = Literal[tuple(f.name for f in formats)]  # noqa: N806 - a type
    media = sorted({f.media_type for f in formats})
    router = APIRouter(tags=["exports"], responses=ERROR_RESPONSES)

    def export(
        kg: GraphDep,
        fmt: str,
        focus: OptSlug = None,
        depth: Annotated[int, Query(ge=1, le=6)] = 1,
        kind: Annotated[str | None, Query(max_length=50)] = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
        loops_only: bool = False,
        connected_only: Annotated[
            bool,
            Query(description="Graph files: leave out the entities without a deal or relationship."),
        ] = False,
    ) -> Response:
        plugin = export_format(fmt)
        if focus and "focus" in plugin.options:
            require_entity(kg, focus)
        filters = {
            "focus": focus,
            "depth": depth,
            "kind": kind,
            "loops_only": loops_only,
            "connected_only": connected_only,
        }
        try:
            body = render_bytes(kg, fmt, as_of=as_of, known_at=known_at, **filters)
        except RuntimeError as exc:  # Graphviz missing on this server
            raise ApiError(503, str(exc)) from None
        return Response(
            body,
            media_type=plugin.media_type,
            headers={"Content-Security-Policy": _policy(fmt), "X-Content-Type-Options": "nosniff"},
        )

    export.__annotations__["fmt"] = ExportFormat  # the registered names, as an enum
    router.get(
        "/export/{fmt}",
        operation_id="export_graph",
        summary="Export the graph",
        description="Formats: " + "; ".join(f"`{f.name}` ({f.media_type}): {f.description}" for f in formats),
        responses={200: {"content": {m: {} for m in media}}},
    )(export)
    return router


def __getattr__(name: str) -> APIRouter:
    if name == "router":  # built per app, so formats registered by plugins are served
        return build_router()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
