"""The docstring examples of every module of the package run, on the modules as imported.

The package's modules are imported by their real names (``dealgraph.graph.flows``), so their
relative imports resolve; pytest's ``--doctest-modules`` would import ``graph/flows.py`` as a
top-level ``graph.flows`` instead, where ``from ..ontology import ...`` cannot resolve.
"""

from __future__ import annotations

import doctest
import importlib
import io
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    out = []
    for package, folder in config["tool"]["setuptools"]["package-dir"].items():
        for path in sorted((ROOT / folder).glob("*.py")) + sorted((ROOT / folder).glob("*/*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__main__":
                continue
            if parts[-1] == "__init__":
                parts.pop()
            out.append(".".join([package, *parts]))
    return sorted(set(out))


MODULES = _modules()


def test_every_module_is_collected():
    assert "dealgraph.graph.money" in MODULES and "dealgraph.api.routers.plugins" in MODULES
    assert not any(m.startswith(("graph.", "ontology.")) for m in MODULES)


def test_a_failing_example_fails():
    """The runner used below reports a wrong example (so the tests can fail)."""
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    test = doctest.DocTestParser().get_doctest(">>> 1 + 1\n3\n", {}, "wrong", "wrong.py", 0)
    runner.run(test, out=io.StringIO().write)
    assert runner.summarize(verbose=False).failed == 1


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    out = io.StringIO()
    for test in doctest.DocTestFinder().find(module, name):
        # only the module's own docstrings (not those of names it imports)
        if test.filename and Path(test.filename).resolve() != Path(module.__file__ or "").resolve():
            continue
        runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, out.getvalue()[-5000:]
