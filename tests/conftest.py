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
