"""/sparql: a read-only SPARQL 1.1 Protocol endpoint with content negotiation.

GET with ``query=``, POST form-encoded (``query=``) and POST ``application/sparql-query``.
SELECT/ASK answer SPARQL results JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE answer
Turtle (default), N-Triples, JSON-LD or RDF/XML, chosen by the ``Accept`` header. A GET
without a query returns the service description (Turtle).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dealgraph.api.deps import GraphDep, SettingsDep
from dealgraph.api.errors import ApiError
from dealgraph.api.query_runner import GRAPH_TYPES, RESULT_TYPES, run_query
from dealgraph.api.schemas import ERROR_RESPONSES
from dealgraph.api.sparql_guard import check_query

router = APIRouter(tags=["sparql"], responses=ERROR_RESPONSES)

_RESULT_ACCEPT = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
_GRAPH_ACCEPT = {
    "text/turtle": "turtle", "application/x-turtle": "turtle",
    "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "json-ld", "application/json": "json-ld",
    "application/rdf+xml": "xml",
}

SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .

[] a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_XML> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_TSV> ,
        <http://www.w3.org/ns/formats/Turtle> ,
        <http://www.w3.org/ns/formats/N-Triples> ,
        <http://www.w3.org/ns/formats/JSON-LD> ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ; void:triples {triples} ] ] .
"""


def _negotiate(accept: str, table: dict[str, str], default: str) -> str:
    """Pick a format from an Accept header (q-values honoured, first best wins)."""
    best, best_q = None, -1.0
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        fmt = table.get(media) or (default if media in ("*/*", "") else None)
        if fmt and q > best_q and q > 0:
            best, best_q = fmt, q - i * 1e-6
    if best is None:
        if accept.strip():
            raise ApiError(406, f"cannot answer in any of: {accept}",
                           available=sorted(set(table)))
        return default
    return best


def _answer(kg, settings, text: str | None, accept: str) -> Response:
    if text is None or not text.strip():
        raise ApiError(400, "missing 'query' parameter")
    checked = check_query(text)
    if checked.type in ("SELECT", "ASK"):
        fmt = _negotiate(accept, _RESULT_ACCEPT, "json")
    else:
        fmt = _negotiate(accept, _GRAPH_ACCEPT, "turtle")
    result = run_query(kg, checked.text, fmt, timeout=settings.query_timeout,
                       max_rows=settings.max_rows)
    headers = {"X-Dealgraph-Truncated": "true" if result.truncated else "false",
               "X-Dealgraph-Rows": str(result.rows), "Vary": "Accept"}
    return Response(result.body, media_type=result.media_type, headers=headers)


@router.get("/sparql", operation_id="sparql_get", summary="SPARQL query (GET)",
            responses={200: {"content": {m: {} for m in (*RESULT_TYPES.values(),
                                                         *GRAPH_TYPES.values())}}})
def sparql_get(request: Request, kg: GraphDep, settings: SettingsDep,
               query: Annotated[str | None, Query(min_length=1, description=(
                   "The SPARQL query; without it the service description is returned."))
               ] = None) -> Response:
    if query is None and "update" not in request.query_params:
        body = SERVICE_DESCRIPTION.replace("{endpoint}", str(request.url_for("sparql_get")))
        body = body.replace("{triples}", str(len(kg)))
        return Response(body, media_type="text/turtle")
    if "update" in request.query_params:
        raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if len(query) > settings.max_query_length:
        raise ApiError(414, f"query longer than {settings.max_query_length} characters")
    return _answer(kg, settings, query, request.headers.get("accept", ""))


@router.post("/sparql", operation_id="sparql_post", summary="SPARQL query (POST)",
             openapi_extra={"requestBody": {"content": {
                 "application/sparql-query": {"schema": {"type": "string"}},
                 "application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "properties": {"query": {"type": "string"}}}}}}})
async def sparql_post(request: Request, kg: GraphDep, settings: SettingsDep) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if ctype == "application/sparql-update":
        raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if ctype == "application/sparql-query":
        text = raw.decode("utf-8", errors="replace")
    elif ctype == "application/x-www-form-urlencoded":
        form = parse_qs(raw.decode("utf-8", errors="replace"))
        if "update" in form:
            raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        text = (form.get("query") or [None])[0]
    else:
        raise ApiError(415, "POST a query as application/sparql-query or as form field "
                            "'query' (application/x-www-form-urlencoded)")
    if text is not None and len(text) > settings.max_query_length:
        raise ApiError(413, f"query longer than {settings.max_query_length} characters")
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_answer, kg, settings, text, request.headers.get("accept", ""))
