"""Issue 10: the built wheel, installed in a fresh virtual environment, can report, validate
and serve.

An editable install reads the checkout and hides what a wheel leaves out (it once left out
``dealgraph.api.routers``, so ``dealgraph serve`` died with ModuleNotFoundError). Here the
wheel is built from a copy of the checkout and installed into a new venv; the dependencies
come from the test's own environment through a ``.pth`` line (no download, and no
``__editable__`` hook, since ``.pth`` files of a directory added that way are not run), and
every command runs from a folder outside the checkout, so only the wheel's own files can
answer.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120


def _env() -> dict[str, str]:
    """The environment without anything that could point Python or dealgraph elsewhere."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH", "VIRTUAL_ENV")
        and not k.startswith("DEALGRAPH_")
    }


def _run(args: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env or _env(), text=True, capture_output=True, timeout=TIMEOUT
    )


def _mapped_folders() -> dict[str, str]:
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["setuptools"]["package-dir"]


def _setuptools_major() -> int:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return int(version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return 0


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the checkout (no build/ or egg-info left in it)."""
    work = tmp_path_factory.mktemp("wheel-build")
    src = work / "src"
    top = {
        ".git",
        ".venv",
        "venv",
        "build",
        "dist",
        ".hypothesis",
        ".pytest_cache",
        ".ruff_cache",
        "artifacts",
        "node_modules",
    }
    shutil.copytree(
        ROOT,
        src,
        ignore=lambda d, names: {
            n
            for n in names
            if n == "__pycache__" or (Path(d) == ROOT and (n in top or n.endswith(".egg-info")))
        },
    )
    # What a later change might add: a subpackage, and an asset in a subfolder.
    (src / "api" / "wheelprobe").mkdir()
    (src / "api" / "wheelprobe" / "__init__.py").write_text("")
    (src / "graph" / "assets" / "probe-dir").mkdir()
    (src / "graph" / "assets" / "probe-dir" / "probe.svg").write_text("<svg/>")
    # The build needs setuptools>=77: this environment's when it has one (no index at all),
    # else pip takes it from the configured index or links, failing fast when unreachable.
    env = dict(_env(), PIP_RETRIES="0", PIP_DEFAULT_TIMEOUT="20")
    isolation = [] if _setuptools_major() < 77 else ["--no-build-isolation"]
    r = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "--wheel-dir", work / "dist", src],
        cwd=work,
        env=env,
    )
    if r.returncode != 0:
        out = r.stdout + r.stderr
        if re.search(
            r"No matching distribution found for setuptools|Could not find a version "
            r"that satisfies the requirement setuptools",
            out,
        ):
            pytest.skip(
                "cannot build the wheel offline: no setuptools>=77 (the build backend) "
                "in the configured package index or find-links"
            )
        pytest.fail(f"building the wheel failed:\n{out[-4000:]}")
    (whl,) = (work / "dist").glob("dealgraph-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed (dependencies seen through a .pth line)."""
    root = tmp_path_factory.mktemp("wheel-venv")
    venv = root / "venv"
    r = _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=root)
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    site = Path(
        _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root).stdout.strip()
    )
    # This environment's site directories (and any it chains to), never the checkout itself.
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]} | {
        p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")
    }
    (site / "_dealgraph_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    # --ignore-installed: the test environment's own (editable) dealgraph is visible through
    # the .pth and must be neither taken as "already satisfied" nor uninstalled.
    r = _run(
        [
            py,
            "-m",
            "pip",
            "install",
            "--no-index",
            "--no-deps",
            "--ignore-installed",
            "--disable-pip-version-check",
            wheel,
        ],
        cwd=root,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    return venv


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """A working directory outside the checkout."""
    return tmp_path_factory.mktemp("elsewhere")


def test_wheel_ships_every_package_and_data_file(wheel):
    """Every file the checkout tracks in a mapped folder (modules and data), and new ones."""
    names = set(zipfile.ZipFile(wheel).namelist())
    folders = _mapped_folders()
    tracked = _run(["git", "ls-files", "--", *folders.values()], cwd=ROOT)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout: " + tracked.stderr.strip())
    missing = []
    for rel in tracked.stdout.splitlines():
        head, _, rest = rel.partition("/")
        (pkg,) = [p for p, f in folders.items() if f == head]
        target = pkg.replace(".", "/") + "/" + rest
        if not (ROOT / rel).exists() or Path(rel).name.startswith("."):
            continue  # deleted in the work tree (not yet committed), or hidden (.gitkeep)
        if target not in names:
            missing.append(rel)
    assert not missing, f"left out of the wheel: {missing}"
    assert {
        "dealgraph/api/routers/__init__.py",
        "dealgraph/api/wheelprobe/__init__.py",
        "dealgraph/graph/assets/probe-dir/probe.svg",
    } <= names
    assert not any("__pycache__" in n for n in names)


def test_installed_wheel_is_what_runs(venv, outside):
    code = (
        "import dealgraph, dealgraph.api.main, dealgraph.cli.main, sys, json; "
        "print(json.dumps({n: getattr(m, '__file__', None) for n, m in sys.modules.items() "
        "if n == 'dealgraph' or n.startswith('dealgraph.')}))"
    )
    r = _run([venv / "bin" / "python", "-c", code], cwd=outside)
    assert r.returncode == 0, r.stderr
    files = json.loads(r.stdout)
    site = (venv / "lib").resolve()
    assert "dealgraph.api.routers" in files
    for name, f in files.items():
        assert f is None or Path(f).resolve().is_relative_to(site), (name, f)
    assert Path(files["dealgraph"]).resolve().parent.parent.name == "site-packages"


def test_report_and_validate(venv, outside):
    exe = venv / "bin" / "dealgraph"
    report = _run([exe, "report"], cwd=outside)
    assert report.returncode == 0, report.stdout + report.stderr
    assert "Traceback" not in report.stderr and len(report.stdout.splitlines()) > 10
    validate = _run([exe, "validate"], cwd=outside)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "valid" in validate.stdout
    queries = _run([exe, "query", "flows-by-payer", "--format", "json"], cwd=outside)
    assert queries.returncode == 0, queries.stdout + queries.stderr  # a named .rq query


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.status, resp.read()


def test_serve(venv, outside):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [str(venv / "bin" / "dealgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=outside,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/health")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("dealgraph serve exited:\n" + proc.stdout.read().decode())
                if time.monotonic() > deadline:
                    pytest.fail("dealgraph serve did not start in 60 s")
                time.sleep(0.1)
        status, page = _get(base + "/")
        assert status == 200 and b"<html" in page.lower()
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page.decode())
        assert assets, "the explorer page references no asset"
        for path in assets:
            status, body = _get(base + path)
            assert status == 200 and body, path
        status, body = _get(base + "/entities/amazon")
        assert status == 200 and json.loads(body)["id"] == "amazon"
        status, body = _get(base + "/queries")
        assert status == 200 and "flows-by-payer" in json.loads(body)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
