"""The read-only ``sparql:URL`` store over a real SPARQL endpoint: the query endpoint of an
``oxigraph serve`` on a loopback port (see tests/conftest.py), filled through the remote store.

The analytics answer the same as over the in-memory store; loads and updates are refused
and leave the server as it was; the public SPARQL endpoint answers over it.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dealgraph import bundled_data_dir, open_graph
from dealgraph.api.main import create_app
from dealgraph.graph import KnowledgeGraph, flows
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.graph.registry import store_help
from dealgraph.graph.store_sparql_readonly import ReadOnlyStoreError, SparqlEndpointStore
from dealgraph.graph.stores import open_store
from dealgraph.loaders import load_directory

DEALS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a dg:Deal }"


@pytest.fixture(scope="module")
def server(oxigraph_servers):
    """An ``oxigraph serve`` holding the bundled data (written through the remote store)."""
    base = oxigraph_servers.clear("sparql-readonly-module")
    writer = KnowledgeGraph(base)
    writer.load(load_directory(bundled_data_dir()))
    writer.close()
    return base


@pytest.fixture(scope="module")
def readonly(server):
    kg = KnowledgeGraph(f"sparql:{server}/query")
    yield kg
    kg.close()


def test_the_spec_opens_the_read_only_store():
    store = open_store("sparql:https://query.example.org/sparql")
    assert isinstance(store, SparqlEndpointStore) and store.read_only
    assert store.endpoints.query == "https://query.example.org/sparql"
    assert "sparql:URL" in store_help()


def test_same_answers_as_memory(readonly):
    memory = open_graph()
    assert len(readonly) == len(memory)
    assert flows(readonly) == flows(memory)
    assert vendor_financed_loops(readonly) == vendor_financed_loops(memory)
    assert readonly.entity("anthropic") == memory.entity("anthropic")


def test_loads_and_updates_are_refused_and_change_nothing(readonly, server, tmp_path):
    before = len(readonly)
    f = tmp_path / "more.nt"
    f.write_text(
        "<https://w3id.org/dealgraph/id/entity/x> <http://www.w3.org/2000/01/rdf-schema#label> 'X' .\n"
    )
    with pytest.raises(ReadOnlyStoreError, match="read-only SPARQL endpoint"):
        readonly.load(load_directory(bundled_data_dir()))
    with pytest.raises(ReadOnlyStoreError):
        readonly.load(files=[f])
    with pytest.raises(ReadOnlyStoreError):
        readonly._store.update("CLEAR DEFAULT")
    assert len(readonly) == before
    # the server itself is as it was: its own (writable) store sees the same
    assert open_store(server).count() == before


def test_the_public_endpoint_answers_over_it(readonly):
    client = TestClient(create_app(readonly))
    r = client.get("/sparql", params={"query": DEALS}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    [row] = r.json()["results"]["bindings"]
    expected = int(next(iter(open_graph().query(DEALS)))[0])
    assert int(row["n"]["value"]) == expected > 0
    r = client.get("/sparql", params={"query": "ASK { ?d a dg:Deal }"}, headers={"Accept": "text/csv"})
    assert r.status_code == 406
