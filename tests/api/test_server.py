"""The real server (``dealgraph serve``) on a loopback port, exercised over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import STORES, _store_spec, start_server

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module", params=STORES)
def server(request, tmp_path_factory, oxigraph_servers):
    import shutil

    data = tmp_path_factory.mktemp("data") / "mini"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "mini", data)
    store = _store_spec(request.param, oxigraph_servers, tmp_path_factory.mktemp("store"), "api-server")
    proc, base = start_server(
        data,
        env={
            "DEALGRAPH_QUERY_TIMEOUT": "2",
            "DEALGRAPH_MAX_ROWS": "5",
            "DEALGRAPH_MAX_BODY_BYTES": "5000",
            "DEALGRAPH_MAX_QUERY_LENGTH": "2000",
            "DEALGRAPH_MAX_URL_LENGTH": "4000",
            "DEALGRAPH_STORE": store,
        },
    )
    yield base
    proc.terminate()
    proc.wait(10)


def _get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _post(url, body: bytes, ctype: str, headers=None):
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": ctype, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select_in_every_result_format(server, fmt):
    from SPARQLWrapper import SPARQLWrapper

    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?name WHERE { <https://w3id.org/dealgraph/id/entity/lab-a> rdfs:label ?name }"
    )
    sw.setReturnFormat(fmt)
    result = sw.query().convert()
    if fmt == "json":
        assert result["results"]["bindings"][0]["name"]["value"] == "Lab A"
    elif fmt == "xml":
        assert "Lab A" in result.toxml()
    else:
        text = result.decode() if isinstance(result, bytes) else result
        assert "Lab A" in text


@pytest.mark.parametrize(
    "fmt,needle", [("turtle", "Lab A"), ("n3", "Lab A"), ("json-ld", "Lab A"), ("xml", "Lab A")]
)
def test_sparqlwrapper_construct(server, fmt, needle):
    from SPARQLWrapper import SPARQLWrapper

    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(
        "CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } WHERE "
        "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }"
    )
    sw.setReturnFormat(fmt)
    out = sw.query().convert()
    text = (
        out.serialize(format="turtle")
        if hasattr(out, "serialize")
        else (out.decode() if isinstance(out, bytes) else str(out))
    )
    assert needle in text


def test_sparqlwrapper_ask_and_post(server):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    sw = SPARQLWrapper(server + "/sparql")
    sw.setMethod(POST)
    sw.setQuery("ASK { ?s ?p ?o }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True


def test_post_sparql_query_body_and_form(server):
    q = b"SELECT ?s WHERE { ?s a <https://w3id.org/dealgraph/ontology#Deal> }"
    status, headers, body = _post(server + "/sparql", q, "application/sparql-query", {"Accept": "text/csv"})
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert len(body.decode().strip().splitlines()) == 4  # header + 3 deals
    form = urllib.parse.urlencode({"query": q.decode()}).encode()
    status, _, body = _post(server + "/sparql", form, "application/x-www-form-urlencoded")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 3


def test_updates_are_refused(server):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    for body, ctype in (
        (update.encode(), "application/sparql-update"),
        (urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"),
        (update.encode(), "application/sparql-query"),
    ):
        status, _, out = _post(server + "/sparql", body, ctype)
        assert status == 403 and "read-only" in json.loads(out)["error"]["message"]
    status, _, _ = _get(server + "/sparql?query=" + urllib.parse.quote("LOAD <http://x/>"))
    assert status == 403
    # nothing was written
    s, _, out = _get(server + "/sparql?query=" + urllib.parse.quote("ASK { <urn:a> ?p ?o }"))
    assert json.loads(out)["boolean"] is False


def test_service_and_from_never_reach_the_network(server):
    hits = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                hits.append(conn.recv(1000))
                conn.close()
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    target = f"http://127.0.0.1:{port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ]
    try:
        for q in queries:
            status, _, body = _get(server + "/sparql?query=" + urllib.parse.quote(q))
            assert status == 400, q
            assert "not allowed" in json.loads(body)["error"]["message"]
        time.sleep(0.5)
    finally:
        stop.set()
        t.join(2)
        listener.close()
    assert hits == []


def test_slow_query_is_stopped_and_lookups_stay_fast(server):
    result = {}

    def slow():
        t0 = time.monotonic()
        result["slow"] = _get(server + "/sparql?query=" + urllib.parse.quote(SLOW))
        result["slow_seconds"] = time.monotonic() - t0

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    lookups = []
    for _ in range(10):
        t0 = time.monotonic()
        status, _, _ = _get(server + "/entities/lab-a")
        lookups.append((status, time.monotonic() - t0))
    t.join(30)
    status, _, body = result["slow"]
    assert status == 504 and "time limit" in json.loads(body)["error"]["message"]
    assert result["slow_seconds"] < 10  # stopped at the 2 s limit, not run to the end
    assert all(s == 200 for s, _ in lookups)
    # every lookup answered while the slow query was still running
    assert sum(d for _, d in lookups) < result["slow_seconds"]


def test_row_cap_is_explicit(server):
    q = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
    status, headers, body = _get(server + "/sparql?query=" + q)
    assert status == 200, body
    assert headers["x-dealgraph-truncated"] == "true"
    doc = json.loads(body)
    assert doc["truncated"] is True and len(doc["results"]["bindings"]) == 5
    _, headers, body = _get(server + "/sparql?query=" + q, {"Accept": "application/sparql-results+xml"})
    assert headers["x-dealgraph-truncated"] == "true" and b"urn:dealgraph:truncated" in body
    _, headers, _ = _get(server + "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
    assert headers["x-dealgraph-truncated"] == "false"


def test_size_limits(server):
    host, port = server.removeprefix("http://").split(":")
    big = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 6000
    status, _, body = _post(server + "/sparql", big, "application/sparql-query")
    assert status == 413 and "error" in json.loads(body)
    # chunked body with no Content-Length
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("POST", "/sparql")
    conn.putheader("Content-Type", "application/sparql-query")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    chunk = b"#" + b"y" * 999
    try:
        for _ in range(8):
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
    except OSError:
        pass  # the server may close as soon as the limit is passed
    resp = conn.getresponse()
    assert resp.status == 413
    conn.close()
    status, _, _ = _get(server + "/sparql?query=" + "x" * 5000)
    assert status == 414
    long_query = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } #" + "z" * 2500)
    status, _, _ = _get(server + "/sparql?query=" + long_query)
    assert status == 414


def test_bad_requests_are_json_4xx(server):
    for url in (
        "/sparql?query=" + urllib.parse.quote("SELECT nonsense {"),
        "/entities/NOT_A_SLUG",
        "/flows?as_of=yesterday",
    ):
        status, headers, body = _get(server + url)
        assert 400 <= status < 500 and "message" in json.loads(body)["error"]
    status, _, _ = _post(server + "/sparql", b"query", "text/plain")
    assert status == 415


def test_service_description(server):
    status, headers, body = _get(server + "/sparql")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    from rdflib import Graph

    g = Graph().parse(data=body.decode(), format="turtle")
    assert len(g) > 5


def test_query_child_dies_with_its_time_limit_even_if_the_server_is_killed(tmp_path):
    """A server killed mid-query must not leave its query process running."""
    import shutil as _shutil

    data = tmp_path / "mini"
    _shutil.copytree(Path(__file__).parents[1] / "fixtures" / "mini", data)
    proc, base = start_server(data, env={"DEALGRAPH_QUERY_TIMEOUT": "1"})
    t = threading.Thread(target=lambda: _get(base + "/sparql?query=" + urllib.parse.quote(SLOW)), daemon=True)
    t.start()
    time.sleep(0.5)
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    os.kill(proc.pid, 9)
    proc.wait(10)
    time.sleep(4)  # the 1 s limit plus the child's own margin
    alive = [
        c
        for c in children
        if Path(f"/proc/{c}").exists() and "zombie" not in Path(f"/proc/{c}/status").read_text().lower()
    ]
    assert children and alive == []
