"""The explorer page at ``/``, its vendored assets, and the named queries it preloads."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from ...graph.html import asset, legend_html
from ...graph.sparql import named_queries
from ..errors import ApiError
from ..schemas import ERROR_RESPONSES

router = APIRouter(tags=["explorer"], responses=ERROR_RESPONSES)

# The explorer's scripts are files served from here ('self'); it has no inline script. Styles
# allow 'unsafe-inline' for the page's <style>, the legend's style attributes and the
# <style> element Cytoscape.js adds; the page talks only to this API (connect-src 'self').
EXPLORER_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
#: the legend fragment, fetched by the page; opened on its own it may run nothing
LEGEND_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
_NOSNIFF = {"X-Content-Type-Options": "nosniff"}

_MEDIA = {".js": "text/javascript", ".css": "text/css", ".json": "application/json"}


def _served(folder: str) -> dict[str, str]:
    """File name -> media type for the scripts and styles in ``graph/assets/<folder>``: the only
    names ``/assets/...`` answers (a fixed list read once; a path never reaches the disk)."""
    root = resources.files("dealgraph.graph") / "assets"
    if folder:
        root = root / folder
    return {
        p.name: _MEDIA[Path(p.name).suffix]
        for p in root.iterdir()
        if p.is_file() and Path(p.name).suffix in _MEDIA and not p.name.endswith(".vendor.json")
    }


_ASSETS = _served("")
_VENDORED = _served("vendor")


@router.get("/", include_in_schema=False)
def explorer() -> HTMLResponse:
    return HTMLResponse(asset("explorer.html"), headers={"Content-Security-Policy": EXPLORER_CSP, **_NOSNIFF})


@router.get("/assets/{name}", include_in_schema=False)
def get_asset(name: str) -> Response:
    if name == "legend.html":
        return HTMLResponse(legend_html(), headers={"Content-Security-Policy": LEGEND_CSP, **_NOSNIFF})
    if name not in _ASSETS:
        raise ApiError(404, f"no asset {name!r}")
    return Response(
        asset(name), media_type=_ASSETS[name], headers={"Cache-Control": "public, max-age=3600", **_NOSNIFF}
    )


@router.get("/assets/vendor/{name}", include_in_schema=False)
def get_vendored(name: str) -> Response:
    """A vendored third-party script or style (graph/assets/vendor; see its *.vendor.json)."""
    if name not in _VENDORED:
        raise ApiError(404, f"no vendored asset {name!r}")
    return Response(
        asset("vendor/" + name),
        media_type=_VENDORED[name],
        headers={"Cache-Control": "public, max-age=86400", **_NOSNIFF},
    )


@router.get(
    "/queries", operation_id="list_named_queries", summary="The named SPARQL queries (name -> query text)"
)
def queries() -> dict[str, str]:
    return dict(sorted(named_queries().items()))
