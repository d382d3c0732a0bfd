"""Shared fixtures: the bundled graph (loaded once), the mini fixture, the seeds folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def kg():
    """The bundled data set, loaded once per test session (treat as read-only)."""
    from dealgraph import open_graph

    return open_graph()


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
    args = [str(Path(sys.executable).parent / "dealgraph"), "serve", "--host", "127.0.0.1",
            "--port", str(port)]
    if data_dir is not None:
        args += ["--data", str(data_dir)]
    proc = subprocess.Popen(args, env=dict(os.environ, **(env or {})),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
