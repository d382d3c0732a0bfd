"""A remote store: a real ``oxigraph serve`` on a loopback port (PyPI package oxigraph).

The analytics answer the same over the server as over the in-memory store.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dealgraph import bundled_data_dir, open_graph
from dealgraph.graph import KnowledgeGraph, flows
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.exposure import two_sided_bets
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.loaders import load_directory, load_files
from dealgraph.ontology.errors import DataError
from tests.conftest import _free_port

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


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
    bad.write_text("@prefix dg: <https://w3id.org/dealgraph/ontology#> .\n"
                   "<https://w3id.org/dealgraph/id/deal/x> a dg:Deal .\n")
    with pytest.raises(DataError):
        remote.load(load_files([bad]))
    assert len(remote) == before
