"""ruff runs as part of the test suite, and the layers import one way only."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# layer -> the project layers it may import
ALLOWED = {
    "ontology": set(),
    "loaders": {"ontology"},
    "graph": {"ontology"},
    "api": {"ontology", "loaders", "graph", "api"},
    "cli": {"ontology", "loaders", "graph", "api", "cli"},
}


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.fail("ruff is not installed (pip install -e '.[dev]')")
    result = subprocess.run([ruff, "check", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run([ruff, "format", "--check", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# the folders of the import package ``dealgraph`` (pyproject's package-dir)
PACKAGE_DIRS = {"dealgraph": "dealgraph", **{layer: f"dealgraph.{layer}" for layer in ALLOWED}}


def _package_files():
    """(path, dotted module name) of every module of the package."""
    for folder, package in PACKAGE_DIRS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield path, ".".join([package, *parts])


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an ``from ... import`` names (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(path: Path, module: str = "") -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            out.add(_absolute(node, module, path.name == "__init__.py"))
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_data_flow_is_one_way():
    bad = []
    for layer, allowed in ALLOWED.items():
        for path, module in _package_files():
            if module.split(".")[1:2] != [layer]:
                continue
            for mod in _imports(path, module):
                parts = mod.split(".")
                if parts[0] == "dealgraph" and len(parts) > 1 and parts[1] in ALLOWED:
                    if parts[1] != layer and parts[1] not in allowed:
                        bad.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert bad == []


# front-end libraries: only the API and the CLI may import them
FRONT_ENDS = {"rich", "typer", "fastapi", "starlette", "uvicorn", "click"}


def test_core_layers_import_no_front_end_library():
    bad = []
    for path, module in _package_files():
        if module.split(".")[1:2] in (["ontology"], ["loaders"], ["graph"]):
            for mod in _imports(path, module):
                if mod.split(".")[0] in FRONT_ENDS:
                    bad.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert bad == []


def test_relative_imports_resolve():
    """The resolver above is right: an import inside the package names a module that exists."""
    known = {module for _, module in _package_files()}
    seen = set()
    for path, module in _package_files():
        for mod in _imports(path, module):
            if mod.startswith("dealgraph."):
                seen.add(mod)
                assert mod in known or mod.rsplit(".", 1)[0] in known, f"{path}: {mod}"
    assert "dealgraph.ontology.vocab" in seen and "dealgraph.graph.results" in seen


def test_no_import_upward_even_relative():
    """A relative import that climbs into a higher layer is caught like an absolute one."""
    node = ast.parse("from ...api.deps import GraphDep").body[0]
    assert _absolute(node, "dealgraph.graph.sub.mod", False) == "dealgraph.api.deps"
    node = ast.parse("from .flows import flows").body[0]
    assert _absolute(node, "dealgraph.graph", True) == "dealgraph.graph.flows"
    assert _absolute(node, "dealgraph.graph.loops", False) == "dealgraph.graph.flows"


# -- house rules (CONTRIBUTING.md) ------------------------------------------------------------

MAX_FUNCTION_LINES = 60
# dependencies that may be missing (extras): the only imports allowed inside a function
OPTIONAL_MODULES = {"pyoxigraph", "oxrdflib", "igraph", "uvloop", "httptools", "playwright"}
# (file, module) imported inside a function for start-up time: the web stack costs every
# other command 250-320 ms (measured with python -X importtime); only `serve` needs it
LAZY_FOR_START_UP = {
    ("cli/main.py", "uvicorn"),
    ("cli/main.py", "..api.main"),
    ("cli/main.py", "..api.settings"),
}


def test_no_function_runs_over_60_lines():
    long = []
    for path, _ in _package_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []


def test_imports_inside_functions_only_for_optional_dependencies():
    """Module-level imports show the dependencies (and any cycle) at once; a function may
    import only a dependency that an extra provides."""
    local = []
    for path, _ in _package_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    names = [a.name for a in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    names = ["." * inner.level + (inner.module or "")]
                else:
                    continue
                for name in names:
                    if (str(path.relative_to(ROOT)), name) in LAZY_FOR_START_UP:
                        continue
                    if name.split(".")[0] not in OPTIONAL_MODULES:
                        local.append(f"{path.relative_to(ROOT)}:{inner.lineno} {name}")
    assert sorted(set(local)) == []
