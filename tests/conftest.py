"""Shared fixtures: the bundled graph (loaded once), the mini fixture, the seeds folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"


# Every analytics and API test that takes ``kg`` or ``empty_kg`` runs against each store:
# rdflib in memory, a persistent Oxigraph store, and a real ``oxigraph serve`` on loopback.
STORES = ("memory", "oxigraph", "remote")
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


class OxigraphServers:
    """``oxigraph serve`` processes on loopback ports, started on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.procs: dict[str, tuple[subprocess.Popen, str]] = {}

    def url(self, name: str) -> str:
        if name not in self.procs:
            if not Path(OXIGRAPH).exists():
                pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
            port = _free_port()
            proc = subprocess.Popen(
                [OXIGRAPH, "serve", "--location", str(self.root / name), "--bind", f"127.0.0.1:{port}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            self.procs[name] = (proc, base)
        return self.procs[name][1]

    def clear(self, name: str) -> str:
        """The server ``name``, emptied (every graph dropped)."""
        base = self.url(name)
        req = urllib.request.Request(
            base + "/update",
            data=b"update=DROP%20ALL",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        urllib.request.urlopen(req, timeout=30).read()
        return base

    def close(self) -> None:
        for proc, _ in self.procs.values():
            proc.terminate()
            proc.wait(10)


@pytest.fixture(scope="session")
def oxigraph_servers(tmp_path_factory):
    servers = OxigraphServers(tmp_path_factory.mktemp("oxigraph-servers"))
    yield servers
    servers.close()


def _store_spec(kind: str, servers: OxigraphServers, where: Path, name: str) -> str:
    if kind == "memory":
        return "memory"
    if kind == "oxigraph":
        pytest.importorskip("pyoxigraph")
        return f"oxigraph:{where / name}"
    return servers.clear(name)


@pytest.fixture(scope="session", params=STORES)
def kg(request, oxigraph_servers, tmp_path_factory):
    """The bundled data set in each store, loaded once per session (treat as read-only)."""
    from dealgraph import open_graph

    spec = _store_spec(request.param, oxigraph_servers, tmp_path_factory.mktemp("kg"), "bundled")
    graph = open_graph(store=spec)
    yield graph
    graph.close()


@pytest.fixture(params=STORES)
def empty_kg(request, oxigraph_servers, tmp_path):
    """An empty KnowledgeGraph in each store (the remote one on a server of its own)."""
    from dealgraph.graph import KnowledgeGraph

    graph = KnowledgeGraph(_store_spec(request.param, oxigraph_servers, tmp_path, "scratch"))
    yield graph
    graph.close()


@pytest.fixture
def mini_dir(tmp_path) -> Path:
    """A writable copy of the tiny hand-made data set."""
    dst = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dst)
    return dst


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present (quote checks need the source documents)")
    return SEEDS


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path | None = None, env: dict | None = None):
    """Start ``dealgraph serve`` on a free loopback port; return (process, base URL)."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    args = [
        str(Path(sys.executable).parent / "dealgraph"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    if data_dir is not None:
        args += ["--data", str(data_dir)]
    proc = subprocess.Popen(
        args, env=dict(os.environ, **(env or {})), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return proc, base
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode()) from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")
