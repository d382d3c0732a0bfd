"""The explorer page at ``/``, its vendored assets, and the named queries it preloads."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from dealgraph.api.errors import ApiError
from dealgraph.api.schemas import ERROR_RESPONSES
from dealgraph.graph.html import asset

router = APIRouter(tags=["explorer"], responses=ERROR_RESPONSES)

_ASSETS = {
    "cytoscape.min.js": "text/javascript",
    "explorer.js": "text/javascript",
    "page.css": "text/css",
}


@router.get("/", include_in_schema=False)
def explorer() -> HTMLResponse:
    return HTMLResponse(asset("explorer.html"))


@router.get("/assets/{name}", include_in_schema=False)
def get_asset(name: str) -> Response:
    if name == "legend.html":
        from dealgraph.graph.html import legend_html

        return HTMLResponse(legend_html())
    if name not in _ASSETS:
        raise ApiError(404, f"no asset {name!r}")
    return Response(asset(name), media_type=_ASSETS[name],
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/queries", operation_id="list_named_queries",
            summary="The named SPARQL queries (name -> query text)")
def queries() -> dict[str, str]:
    from dealgraph.graph.sparql import named_queries

    return dict(sorted(named_queries().items()))
