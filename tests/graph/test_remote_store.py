"""A remote store: a real ``oxigraph serve`` on a loopback port (PyPI package oxigraph), and a
real Virtuoso (Debian's virtuoso-opensource, tests/graph/virtuoso.py; skipped with the reason
where it is not installed).

The analytics answer the same over each server as over the in-memory store.
"""

from __future__ import annotations

import http.server
import os
import socket
import threading

import pytest

from dealgraph import bundled_data_dir, open_graph
from dealgraph.graph import KnowledgeGraph, flows
from dealgraph.graph.conflicts import conflicts
from dealgraph.graph.exposure import two_sided_bets
from dealgraph.graph.loops import vendor_financed_loops
from dealgraph.graph.stores import RemoteStore
from dealgraph.loaders import load_directory, load_files
from dealgraph.ontology.errors import DataError


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, oxigraph_servers):
    """An emptied ``oxigraph serve`` of this module's own (see tests/conftest.py), or the
    session's Virtuoso emptied (tests/graph/conftest.py)."""
    if request.param == "virtuoso":
        return request.getfixturevalue("virtuoso_server").clear()
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


def test_a_sandboxed_worker_queries_over_the_connection_opened_before_the_fork(remote):
    """The public endpoint's worker may open no connection (seccomp): the httpx client from
    ``query_connection`` holds one, opened in the parent, which the worker's query reuses."""
    sandbox = pytest.importorskip("dealgraph.api.sandbox")
    if not sandbox.supported():
        pytest.skip("no network sandbox on this platform")
    store = remote._store
    client = store.query_connection(30)
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a dg:Deal }"
    expected = int(next(iter(remote.query(text)))[0])
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read)
        code = 1
        try:
            sandbox.forbid_network()
            try:  # the sandbox holds: a new connection is refused
                socket.create_connection(("127.0.0.1", 9), timeout=1)
            except PermissionError:
                (row,) = list(remote.run_checked(text, None, "SELECT", client))
                os.write(write, str(int(row[0])).encode())
                code = 0
        finally:
            os._exit(code)
    os.close(write)
    client.close()  # the parent's copy; the worker keeps its own
    answer = os.read(read, 100).decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert int(answer) == expected > 0


class _OneShotSparql(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint speaking HTTP/1.0 (http.server's default): one answer a connection."""

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"head": {}, "boolean": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_server_that_closes_each_connection_cannot_serve_the_sandboxed_worker():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OneShotSparql)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    store = RemoteStore(f"http://127.0.0.1:{server.server_address[1]}")
    try:
        assert store.query("ASK {}", {}).askAnswer is True  # its queries work
        with pytest.raises(OSError, match="closes its connections after each answer"):
            store.query_connection(5)  # but no connection outlives an answer for the worker
    finally:
        store.close()
        server.shutdown()
        server.server_close()
