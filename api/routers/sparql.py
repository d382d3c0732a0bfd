"""/sparql: a read-only SPARQL 1.1 Protocol endpoint with content negotiation.

GET with ``query=``, POST form-encoded (``query=``) and POST ``application/sparql-query``.
SELECT answers SPARQL results JSON (default), XML, CSV or TSV; ASK answers JSON or XML
(the CSV and TSV result formats define no boolean); CONSTRUCT/DESCRIBE answer Turtle
(default), N-Triples, JSON-LD or RDF/XML, chosen by the ``Accept`` header. A GET without a
query returns the service description (Turtle). Each protocol parameter is taken once
(``query`` twice is a 400); ``default-graph-uri`` and ``named-graph-uri`` are refused, as
are updates. Every query is judged and run by :mod:`dealgraph.api.query_runner`, within the
client's fair share (:mod:`dealgraph.api.fairness`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..deps import GraphDep, SettingsDep
from ..errors import ApiError
from ..query_runner import GRAPH_TYPES, RESULT_TYPES, run_query
from ..schemas import ERROR_RESPONSES

router = APIRouter(tags=["sparql"], responses=ERROR_RESPONSES)

_RESULT_ACCEPT = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_ACCEPT = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
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
            raise ApiError(406, f"cannot answer in any of: {accept}", available=sorted(set(table)))
        return default
    return best


# SPARQL 1.1 Query Results CSV and TSV define no form for a boolean (ASK) result
_ASK_ACCEPT = {m: f for m, f in _RESULT_ACCEPT.items() if f in ("json", "xml")}


def _negotiator(accept: str):
    """Map a query type to a result format for this Accept header (406 when none fits)."""

    def negotiate(kind: str) -> str:
        if kind == "ASK":
            return _negotiate(accept, _ASK_ACCEPT, "json")
        if kind == "SELECT":
            return _negotiate(accept, _RESULT_ACCEPT, "json")
        return _negotiate(accept, _GRAPH_ACCEPT, "turtle")

    return negotiate


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _answer(request: Request, text: str | None) -> Response:
    kg, settings = request.app.state.kg, request.app.state.settings
    if text is None or not text.strip():
        raise ApiError(400, "missing 'query' parameter")
    with request.app.state.budgets.slot(_client(request)):
        result = run_query(
            kg,
            text,
            _negotiator(request.headers.get("accept", "")),
            timeout=settings.query_timeout,
            max_rows=settings.max_rows,
        )
    headers = {
        "X-Dealgraph-Truncated": "true" if result.truncated else "false",
        "X-Dealgraph-Rows": str(result.rows),
        "Vary": "Accept",
    }
    return Response(result.body, media_type=result.media_type, headers=headers)


def _one(params: dict[str, list[str]], name: str) -> str | None:
    """The single value of protocol parameter ``name``; 400 when it is given twice."""
    values = params.get(name) or []
    if len(values) > 1:
        raise ApiError(
            400, f"the '{name}' parameter is given {len(values)} times; the SPARQL protocol takes exactly one"
        )
    return values[0] if values else None


def _refuse_protocol_extras(params: dict[str, list[str]]) -> None:
    if "update" in params:
        raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only")
    for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
        if name in params:
            raise ApiError(400, f"'{name}' is not supported: queries run over this dataset only")


@router.get(
    "/sparql",
    operation_id="sparql_get",
    summary="SPARQL query (GET)",
    responses={200: {"content": {m: {} for m in (*RESULT_TYPES.values(), *GRAPH_TYPES.values())}}},
)
def sparql_get(
    request: Request,
    settings: SettingsDep,
    kg: GraphDep,
    query: Annotated[
        str | None,
        Query(
            min_length=1, description=("The SPARQL query; without it the service description is returned.")
        ),
    ] = None,
) -> Response:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    _refuse_protocol_extras(params)
    if "query" not in params:
        body = SERVICE_DESCRIPTION.replace("{endpoint}", str(request.url_for("sparql_get")))
        body = body.replace("{triples}", str(len(kg)))
        return Response(body, media_type="text/turtle")
    text = _one(params, "query")
    if text is not None and len(text) > settings.max_query_length:
        raise ApiError(414, f"query longer than {settings.max_query_length} characters")
    return _answer(request, text)


@router.post(
    "/sparql",
    operation_id="sparql_post",
    summary="SPARQL query (POST)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/sparql-query": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"query": {"type": "string"}}}
                },
            }
        }
    },
)
async def sparql_post(request: Request, settings: SettingsDep) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    url_params = parse_qs(request.url.query, keep_blank_values=True)
    if ctype == "application/sparql-update":
        raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only")
    _refuse_protocol_extras(url_params)
    if ctype == "application/sparql-query":
        if "query" in url_params:
            raise ApiError(400, "a query in the body and another in the URL: send one")
        text = _decode(raw)
    elif ctype == "application/x-www-form-urlencoded":
        form = parse_qs(_decode(raw), keep_blank_values=True)
        _refuse_protocol_extras(form)
        if "query" in url_params:
            raise ApiError(400, "a query in the form and another in the URL: send one")
        text = _one(form, "query")
    else:
        raise ApiError(
            415,
            "POST a query as application/sparql-query or as form field "
            "'query' (application/x-www-form-urlencoded)",
        )
    if text is not None and len(text) > settings.max_query_length:
        raise ApiError(413, f"query longer than {settings.max_query_length} characters")
    return await run_in_threadpool(_answer, request, text)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the request body is not UTF-8 (byte {exc.start})") from None
