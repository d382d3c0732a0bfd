"""mypy checks the whole package, as it is imported (``dealgraph.graph.flows`` and so on).

The folders of the design card (``graph/``, ``ontology/``...) become the subpackages of
``dealgraph`` through pyproject's ``package-dir``. Imports inside the package are relative,
so they resolve by path too; mypy is given the same tree by a folder of links that mirrors
``package-dir`` (the installed layout), and checks it with the settings in pyproject.toml.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _package_dirs() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-dir"]


def _installed_layout(where: Path) -> Path:
    """Links that lay the folders out as the installed package is laid out."""
    for package, folder in _package_dirs().items():
        target = where.joinpath(*package.split("."))
        if package == "dealgraph":
            target.mkdir(parents=True)
            (target / "__init__.py").symlink_to(ROOT / folder / "__init__.py")
        elif package != "dealgraph.data":  # data files only
            target.symlink_to(ROOT / folder, target_is_directory=True)
    return where


def test_mypy_passes_over_the_whole_package(tmp_path):
    pytest.importorskip("mypy")
    tree = _installed_layout(tmp_path / "tree")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "-p",
            "dealgraph",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(tree)},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "no issues found" in result.stdout
    # every module was checked (a package mypy could not find would be skipped silently)
    checked = int(result.stdout.split("in ")[-1].split()[0])
    assert checked >= sum(1 for f in _package_dirs().values() for _ in (ROOT / f).rglob("*.py")) - 1
