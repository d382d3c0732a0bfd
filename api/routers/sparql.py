"""/sparql: a read-only SPARQL 1.1 Protocol endpoint with content negotiation.

GET with ``query=``, POST form-encoded (``query=``) and POST ``application/sparql-query``.
SELECT answers SPARQL results JSON (default), XML, CSV or TSV; ASK answers JSON or XML
(the CSV and TSV result formats define no boolean); CONSTRUCT/DESCRIBE answer Turtle
(default), N-Triples, JSON-LD or RDF/XML, chosen by the ``Accept`` header. A GET without a
query returns the service description (Turtle). Each protocol parameter is taken once
(``query`` twice is a 400); ``default-graph-uri`` and ``named-graph-uri`` are refused, as
are updates. Every query is judged and run by :mod:`dealgraph.api.query_runner`, within the
client's fair share (:mod:`dealgraph.api.fairness`); the format is chosen by
:func:`dealgraph.api.negotiation.sparql_format`.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..deps import GraphDep, SettingsDep
from ..errors import ApiError
from ..negotiation import GRAPH_TYPES, RESULT_TYPES, sparql_format
from ..query_runner import run_sandboxed
from ..schemas import ERROR_RESPONSES

router = APIRouter(tags=["sparql"], responses=ERROR_RESPONSES)

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


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _answer(request: Request, text: str | None) -> Response:
    kg, settings = request.app.state.kg, request.app.state.settings
    if text is None or not text.strip():
        raise ApiError(400, "missing 'query' parameter")
    with request.app.state.budgets.slot(_client(request)):
        result = run_sandboxed(
            kg,
            text,
            partial(sparql_format, request.headers.get("accept", "")),
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
    text: str | None
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
