"""A remote store: a real ``oxigraph serve`` on a loopback port (PyPI package oxigraph).

The analytics answer the same over the server as over the in-memory store.
"""

from __future__ import annotations

import pytest

from dealgraph import bundled_data_dir, open_graph
from dealgraph.graph import KnowledgeGraph, flows
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.exposure import two_sided_bets
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.loaders import load_directory, load_files
from dealgraph.ontology.errors import DataError


@pytest.fixture(scope="module")
def server(oxigraph_servers):
    """An emptied ``oxigraph serve`` of this module's own (see tests/conftest.py)."""
    return oxigraph_servers.clear("remote-store-module")


@pytest.fixture(scope="module")
def remote(server):
    kg = KnowledgeGraph(server)
    kg.load(load_directory(bundled_data_dir()))
    return kg


def test_same_answers_as_memory(remote):
    memory = open_graph()
    assert len(remote) == len(memory)
    assert flows(remote) == flows(memory)
    assert vendor_financed_loops(remote) == vendor_financed_loops(memory)
    assert two_sided_bets(remote) == two_sided_bets(memory)
    assert conflicts(remote) == conflicts(memory)
    assert remote.entity("anthropic") == memory.entity("anthropic")


def test_failed_load_leaves_remote_store_unchanged(remote, tmp_path):
    before = len(remote)
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix dg: <https://w3id.org/dealgraph/ontology#> .\n"
        "<https://w3id.org/dealgraph/id/deal/x> a dg:Deal .\n"
    )
    with pytest.raises(DataError):
        remote.load(load_files([bad]))
    assert len(remote) == before
