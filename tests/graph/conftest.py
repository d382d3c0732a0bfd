"""Fixtures of the graph tests: a real Virtuoso for the remote store suite (tests/graph/virtuoso.py)."""

from __future__ import annotations

import pytest

from tests.graph.virtuoso import MISSING, VirtuosoServer


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A ``virtuoso-t`` on loopback for the session (skipped, with the reason, where missing)."""
    if MISSING:
        pytest.skip(MISSING)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture
def virtuoso(virtuoso_server):
    """The store spec (``http://127.0.0.1:PORT#virtuoso``) of that server, emptied."""
    return virtuoso_server.clear()
