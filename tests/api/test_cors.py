"""Cross-origin reads (CORS): /sparql and the read-only API answer pages on other origins,
preflight included, as Wikidata's and DBpedia's endpoints do; the origins are a setting."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dealgraph import open_graph
from dealgraph.api.main import create_app
from dealgraph.api.settings import Settings
from tests.conftest import start_server

ASK = "ASK { ?s ?p ?o }"
ALLOWED = "https://yasgui.example"
OTHER = "https://evil.example"


@pytest.fixture(scope="module")
def kg():
    return open_graph()


@pytest.fixture(scope="module")
def any_origin(kg):
    """The default settings: every origin may read."""
    return TestClient(create_app(kg, Settings()))


@pytest.fixture(scope="module")
def listed(kg):
    """An app whose setting names one origin."""
    return TestClient(create_app(kg, Settings(cors_origins=ALLOWED)))


def _preflight(client, path: str, method: str, headers: str, origin: str = ALLOWED):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_reads_carry_the_header_by_default(any_origin):
    for r in (
        any_origin.get("/health", headers={"Origin": OTHER}),
        any_origin.get("/entities/amazon", headers={"Origin": OTHER}),
        any_origin.get(
            "/sparql", params={"query": ASK}, headers={"Origin": OTHER, "Accept": "application/json"}
        ),
        any_origin.post(
            "/sparql",
            content=ASK,
            headers={"Origin": OTHER, "Content-Type": "application/sparql-query"},
        ),
    ):
        assert r.status_code == 200, r.text
        assert r.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in r.headers


def test_preflight_of_a_sparql_post_and_a_get_with_accept(any_origin):
    post = _preflight(any_origin, "/sparql", "POST", "content-type")
    assert post.status_code in (200, 204)
    assert post.headers["access-control-allow-origin"] == "*"
    assert "POST" in post.headers["access-control-allow-methods"].split(", ")
    assert "content-type" in post.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in post.headers
    get = _preflight(any_origin, "/sparql?query=" + urllib.parse.quote(ASK), "GET", "accept, cache-control")
    assert get.status_code in (200, 204)
    assert "GET" in get.headers["access-control-allow-methods"].split(", ")
    assert "accept" in get.headers["access-control-allow-headers"].lower()
    # an API route too, and never a 405
    assert _preflight(any_origin, "/entities/amazon", "GET", "accept").status_code in (200, 204)


def test_only_listed_origins(listed):
    ok = listed.get("/health", headers={"Origin": ALLOWED})
    assert ok.headers["access-control-allow-origin"] == ALLOWED
    assert "Origin" in ok.headers["vary"]
    other = listed.get("/health", headers={"Origin": OTHER})
    assert other.status_code == 200  # the answer itself is public; the browser withholds it
    assert "access-control-allow-origin" not in other.headers
    refused = _preflight(listed, "/sparql", "POST", "content-type", origin=OTHER)
    assert "access-control-allow-origin" not in refused.headers
    allowed = _preflight(listed, "/sparql", "POST", "content-type")
    assert allowed.status_code in (200, 204)
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "access-control-allow-credentials" not in allowed.headers


def test_writes_and_credentials_are_not_offered(any_origin):
    """Only GET, HEAD and POST (the SPARQL query) are offered, and never credentials."""
    r = _preflight(any_origin, "/sparql", "DELETE", "content-type")
    assert "DELETE" not in r.headers.get("access-control-allow-methods", "")
    r = _preflight(any_origin, "/sparql", "POST", "authorization")
    assert r.status_code == 400 and "authorization" not in r.headers.get("access-control-allow-headers", "")


def test_no_setting_no_cors(kg):
    client = TestClient(create_app(kg, Settings(cors_origins="")))
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": OTHER}).headers
    assert _preflight(client, "/sparql", "POST", "content-type").status_code == 405


def test_a_preflight_spends_no_query_budget(kg):
    """The fair-share gate refuses a client using its one query slot (429); its preflights
    still pass, and the refusal carries the CORS headers, Retry-After readable."""
    app = create_app(kg, Settings(client_max_queries=1))
    client = TestClient(app)
    with app.state.budgets.slot("testclient"):  # TestClient's address: a query is running
        pre = _preflight(client, "/sparql?query=" + urllib.parse.quote(ASK), "GET", "accept")
        assert pre.status_code in (200, 204)
        refused = client.get("/sparql", params={"query": ASK}, headers={"Origin": OTHER})
        assert refused.status_code == 429
        assert refused.headers["access-control-allow-origin"] == "*"
        assert "retry-after" in refused.headers["access-control-expose-headers"].lower()
    for _ in range(5):
        _preflight(client, "/sparql", "POST", "content-type")
    assert client.get("/sparql", params={"query": ASK}, headers={"Accept": "application/json"}).json()[
        "boolean"
    ]


def test_env_var(kg, monkeypatch):
    monkeypatch.setenv("DEALGRAPH_CORS_ORIGINS", f"{ALLOWED}, https://observablehq.com/")
    settings = Settings()
    assert settings.cors_origin_list() == [ALLOWED, "https://observablehq.com"]
    client = TestClient(create_app(kg, settings))
    r = client.get("/health", headers={"Origin": "https://observablehq.com"})
    assert r.headers["access-control-allow-origin"] == "https://observablehq.com"
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": OTHER}).headers


def test_serve_cors_origin_option(monkeypatch):
    """`dealgraph serve --cors-origin A --cors-origin B` serves an app allowing A and B only."""
    import uvicorn

    from dealgraph.cli.main import app

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: served.update(app=application))
    result = CliRunner().invoke(
        app, ["serve", "--cors-origin", ALLOWED, "--cors-origin", "https://observablehq.com"]
    )
    assert result.exit_code == 0, result.output
    assert served["app"].state.settings.cors_origin_list() == [ALLOWED, "https://observablehq.com"]
    client = TestClient(served["app"])
    assert (
        client.get("/health", headers={"Origin": ALLOWED}).headers["access-control-allow-origin"] == ALLOWED
    )
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": OTHER}).headers


def test_real_server_preflight():
    """Over HTTP from `dealgraph serve` (h11, every middleware): the preflight of a SPARQL
    POST is answered, not 405, and the query answers with the origin allowed."""
    proc, base = start_server(env={"DEALGRAPH_CORS_ORIGINS": ALLOWED})
    try:
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request(
            "OPTIONS",
            "/sparql",
            headers={
                "Origin": ALLOWED,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        pre = conn.getresponse()
        pre.read()
        assert pre.status in (200, 204)
        assert pre.getheader("access-control-allow-origin") == ALLOWED
        conn.request(
            "POST",
            "/sparql",
            body=ASK,
            headers={
                "Origin": ALLOWED,
                "Content-Type": "application/sparql-query",
                "Accept": "application/json",
            },
        )
        r = conn.getresponse()
        assert r.status == 200 and b"true" in r.read()
        assert r.getheader("access-control-allow-origin") == ALLOWED
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_plain_options_lists_the_methods_of_the_path(any_origin):
    """OPTIONS without a preflight's headers is answered 204 with ``Allow`` (RFC 9110 9.3.7),
    the methods of the route at that path: /sparql takes GET and POST (SPARQL 1.1 Protocol),
    an entity only GET; an unknown path is 404."""
    assert any_origin.options("/sparql").status_code == 204
    assert any_origin.options("/sparql").headers["allow"] == "GET, POST, OPTIONS"
    assert any_origin.options("/entities/amazon").headers["allow"] == "GET, OPTIONS"
    assert any_origin.options("/no-such-route").status_code == 404
    # a preflight is still the CORS middleware's
    pre = _preflight(any_origin, "/sparql", "POST", "content-type")
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "*"
