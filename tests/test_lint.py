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


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_data_flow_is_one_way():
    bad = []
    for layer, allowed in ALLOWED.items():
        for path in (ROOT / layer).rglob("*.py"):
            for mod in _imports(path):
                parts = mod.split(".")
                if parts[0] == "dealgraph" and len(parts) > 1 and parts[1] in ALLOWED:
                    if parts[1] != layer and parts[1] not in allowed:
                        bad.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert bad == []


# front-end libraries: only the API and the CLI may import them
FRONT_ENDS = {"rich", "typer", "fastapi", "starlette", "uvicorn", "click"}


def test_core_layers_import_no_front_end_library():
    bad = []
    for layer in ("ontology", "loaders", "graph"):
        for path in (ROOT / layer).rglob("*.py"):
            for mod in _imports(path):
                if mod.split(".")[0] in FRONT_ENDS:
                    bad.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert bad == []
