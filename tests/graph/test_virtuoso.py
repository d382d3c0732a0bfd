"""The virtuoso layout against a real Virtuoso 7.2 (Debian's virtuoso-opensource, started on
loopback by tests/graph/conftest.py; skipped with the reason where it is not installed).

Virtuoso's default graph is the union of all its graphs, its own system graphs included: the
data is kept in the named graph ``DATA_GRAPH`` and every query names it. The store keeps the
:class:`StoreBackend` contract (the conformance tests run here too), answers as the
in-memory store does, and reads back the terms Virtuoso stores as numbers.
"""

from __future__ import annotations

import http.server
import json
import logging
import threading
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph

from dealgraph import bundled_data_dir, open_graph
from dealgraph.graph import KnowledgeGraph, flows
from dealgraph.graph.export_rdf import DATA_GRAPH
from dealgraph.graph.exposure import exposure
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.graph.stores import RemoteStore, open_store
from dealgraph.loaders import load_directory

# The store contract, checked on Virtuoso: the conformance tests with their fixtures, and an
# ``opened`` of this module's own (the Virtuoso store, written through itself).
from tests.graph.test_store_conformance import (  # noqa: F401  (collected and used here)
    fill,
    store,
    test_a_valid_file_load_adds_the_data,
    test_a_valid_load_adds_the_data,
    test_an_invalid_load_changes_nothing,
    test_close_releases_the_store,
    test_is_a_store_backend_named_by_its_spec,
    test_optional_capabilities,
    test_query_with_bindings_and_forms,
    test_run_checked_runs_the_judged_query,
    valid,
    writable,
)


@pytest.fixture
def opened(virtuoso):
    s = open_store(virtuoso)
    yield s, virtuoso
    s.close()


@pytest.fixture(scope="module")
def loaded(virtuoso_server):
    """The bundled data set loaded into an emptied Virtuoso (treat as read-only)."""
    kg = KnowledgeGraph(virtuoso_server.clear())
    kg.load(load_directory(bundled_data_dir()))
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def memory():
    return open_graph()


def test_the_data_is_in_its_named_graph_and_nothing_else_is_seen(loaded, memory, virtuoso_server):
    backend = loaded._store
    assert isinstance(backend, RemoteStore) and backend.endpoints.data_graph == str(DATA_GRAPH)
    # the server holds its own graphs too (thousands of triples), never counted or queried
    union = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    url = virtuoso_server.url + "/sparql?" + urllib.parse.urlencode({"query": union, "format": "json"})
    everything = json.loads(urllib.request.urlopen(url, timeout=30).read())
    assert int(everything["results"]["bindings"][0]["n"]["value"]) > len(memory) + 1000
    assert len(loaded) == len(memory)
    assert loaded.rows("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1") == []
    assert loaded.rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": len(memory)}]


# the entities with a dg:subsidiaryOf tie that a stated relationship also records
SUBSIDIARY_TIES = {"amazon", "aws", "annapurna-labs"}


def test_same_answers_as_memory(loaded, memory):
    assert flows(loaded) == flows(memory)
    assert vendor_financed_loops(loaded) == vendor_financed_loops(memory)
    for org in ("amazon", "microsoft", "google", "nvidia"):
        assert exposure(loaded, org) == exposure(memory, org), org
    assert loaded.entity_ids() == memory.entity_ids()
    for entity in sorted(memory.entity_ids() - SUBSIDIARY_TIES):
        assert loaded.entity(entity) == memory.entity(entity), entity


def test_subsidiary_ties_as_memory(loaded, memory):
    """Virtuoso 7.2 drops a FILTER NOT EXISTS that shares its group with an OPTIONAL; the
    projection's subsidiary branch keeps them apart, so a tie a stated relationship records
    comes once, as on memory."""
    for entity in sorted(SUBSIDIARY_TIES):
        assert loaded.entity(entity) == memory.entity(entity), entity


def test_durations_read_back_as_written_without_tracebacks(loaded, memory, caplog):
    """Virtuoso stores P5Y as the number 60 (months); it comes back as P5Y, not "60", and
    rdflib logs no conversion failure. The terms are the seed documents' (data/sources:
    term: P5Y, P3Y, P10Y, P7Y)."""
    text = "SELECT ?deal ?term WHERE { ?deal dg:term ?term } ORDER BY ?deal ?term"
    with caplog.at_level(logging.WARNING):
        terms = loaded.rows(text)
        triples = {(s, o) for s, _, o in loaded.rdf.triples((None, None, None)) if "duration" in str(o.n3())}
    assert not [r for r in caplog.records if "Failed to convert" in r.getMessage()]
    assert {r["term"] for r in terms} == {"P5Y", "P3Y", "P10Y", "P7Y"}
    assert terms == memory.rows(text)
    assert {str(o) for _, o in triples} == {"P5Y", "P3Y", "P10Y", "P7Y"}


def test_an_export_equals_the_memory_export(loaded, memory):
    """Every triple comes back as loaded (the data graph serialized through the rdflib view)."""
    ours, theirs = Graph(), Graph()
    ours.parse(data=loaded.serialize("nt"), format="nt")
    theirs.parse(data=memory.serialize("nt"), format="nt")
    assert len(ours) == len(theirs)
    assert {(s, p, o.toPython() if hasattr(o, "toPython") else o) for s, p, o in ours} == {
        (s, p, o.toPython() if hasattr(o, "toPython") else o) for s, p, o in theirs
    }


class _CutAnswer(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint answering as Virtuoso 7.2 does when a SELECT reaches its
    ``ResultSetMaxRows`` (seen with the limit set to 5: five rows and ``X-SPARQL-MaxRows: 5``)."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        rows = ", ".join('{"s": {"type": "uri", "value": "urn:x"}}' for _ in range(5))
        body = ('{"head": {"vars": ["s"]}, "results": {"bindings": [' + rows + "]}}").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("X-SPARQL-MaxRows", "5")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_answer_cut_at_the_servers_row_limit_is_an_error_not_a_short_answer():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CutAnswer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cut = RemoteStore(f"http://127.0.0.1:{server.server_address[1]}#virtuoso")
    try:
        with pytest.raises(ValueError, match="cut the answer at 5 rows.*ResultSetMaxRows"):
            cut.query("SELECT ?s WHERE { ?s ?p ?o }", {})
    finally:
        cut.close()
        server.shutdown()
        server.server_close()
