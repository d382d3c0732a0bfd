"""The package list and package data, discovered rather than written by hand.

``pyproject.toml`` maps the top-level folders into the import package ``dealgraph``
(``[tool.setuptools] package-dir``: ``api/`` is ``dealgraph.api``, ...). Every folder under
a mapped folder ships as a subpackage, ``__init__.py`` or not (so a new one such as
``api/routers`` cannot be left out of the wheel, and data folders such as ``graph/assets``
are namespace packages as setuptools wants them), and every file in them that is not Python
source or bytecode ships as package data (ontology ``.ttl``, ``queries/*.rq``,
``graph/assets/`` with its subfolders, the bundled data set, ...). The project's metadata
stays in ``pyproject.toml``.
"""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

from setuptools import find_namespace_packages, setup

ROOT = Path(__file__).resolve().parent
SKIP_SUFFIXES = {".py", ".pyc", ".pyo", ".swp", ".orig", ".rej"}


def _package_dir() -> dict[str, str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["setuptools"]["package-dir"]


def _packages(package_dir: dict[str, str]) -> dict[str, Path]:
    """Each mapped package and every folder under it (caches and hidden folders aside)."""
    found = {}
    for name, folder in package_dir.items():
        found[name] = ROOT / folder
        for sub in find_namespace_packages(str(ROOT / folder), exclude=["__pycache__", "*.__pycache__"]):
            found[f"{name}.{sub}"] = ROOT / folder / sub.replace(".", "/")
    return found


def _data_files(folder: Path) -> list[str]:
    """The files of ``folder`` (not its subfolders) that are neither Python nor hidden."""
    return sorted(
        glob.escape(p.name)
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix not in SKIP_SUFFIXES
        and not p.name.startswith(".")
        and not p.name.endswith("~")
    )


PACKAGES = _packages(_package_dir())
setup(
    packages=sorted(PACKAGES),
    package_data={name: files for name, folder in PACKAGES.items() if (files := _data_files(folder))},
)
