"""/export/{format}: the graph as RDF or as a graph file, with the CLI's filters."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from dealgraph.api.deps import AsOf, GraphDep, require_entity
from dealgraph.api.errors import ApiError
from dealgraph.api.schemas import ERROR_RESPONSES

router = APIRouter(tags=["exports"], responses=ERROR_RESPONSES)

_MEDIA = {
    "turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples",
    "trig": "application/trig", "graphml": "application/graphml+xml", "gexf": "application/xml",
    "cytoscape": "application/json", "d3": "application/json", "dot": "text/vnd.graphviz",
    "mermaid": "text/plain", "svg": "image/svg+xml", "png": "image/png",
    "html": "text/html", "sankey": "text/html",
}
# Every export is served with nosniff and a Content-Security-Policy. SVG may carry no
# script; the interactive page is self-contained (it must also work from disk), so its
# inline scripts run by hash (graph/html.py's HTML_CSP, also in the page's <meta>); any
# other format is data that a browser has no business running anything in.
_CSP_FRAMES = "; frame-ancestors 'none'"
_DATA_CSP = "default-src 'none'; sandbox" + _CSP_FRAMES
ExportFormat = Literal["turtle", "jsonld", "ntriples", "trig", "graphml", "gexf", "cytoscape",
                       "d3", "dot", "mermaid", "svg", "png", "html", "sankey"]


@router.get("/export/{fmt}", operation_id="export_graph", summary="Export the graph",
            responses={200: {"content": {m: {} for m in sorted(set(_MEDIA.values()))}}})
def export(kg: GraphDep, fmt: ExportFormat,
           focus: Annotated[str | None, Query(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
                                              max_length=100)] = None,
           depth: Annotated[int, Query(ge=1, le=6)] = 1,
           kind: Annotated[str | None, Query(max_length=50)] = None,
           as_of: AsOf = None, loops_only: bool = False) -> Response:
    from dealgraph.graph.export_rdf import RDF_FORMATS
    from dealgraph.graph.exports import SVG_CSP, render_bytes
    from dealgraph.graph.html import HTML_CSP, SANKEY_CSP

    if fmt in RDF_FORMATS:
        body = kg.serialize(fmt).encode("utf-8")
    else:
        if focus:
            require_entity(kg, focus)
        try:
            body = render_bytes(kg, fmt, focus=focus, depth=depth, kind=kind,
                                as_of=as_of, loops_only=loops_only)
        except RuntimeError as exc:  # Graphviz missing on this server
            raise ApiError(503, str(exc)) from None
    policy = {"svg": SVG_CSP + _CSP_FRAMES, "html": HTML_CSP + _CSP_FRAMES,
              "sankey": SANKEY_CSP + _CSP_FRAMES}.get(fmt, _DATA_CSP)
    return Response(body, media_type=_MEDIA[fmt],
                    headers={"Content-Security-Policy": policy,
                             "X-Content-Type-Options": "nosniff"})
