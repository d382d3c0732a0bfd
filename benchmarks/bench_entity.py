"""Answers about one entity on a large Oxigraph store (issue 13): cold CLI runs and the server.

    python benchmarks/bench_entity.py --deals 100000 --nt /work/bench/100k.nt [--store DIR] [--baseline]

* **cold CLI**: each of ``entity X``, ``flows --payer X``, ``flows --payee X``,
  ``trace X --depth 2``, ``exposure X``, ``paths X Y`` and ``share X Y`` as a fresh
  ``dealgraph`` process (process start included), wall time and peak memory; X is the
  busiest organization of the synthetic graph (the most deals), Y the second busiest.
  ``--baseline`` also runs the card the way it was answered before scoped views (a fresh
  process building the whole projection, ``kg.nx()``) and prints the ratio;
* **serve**: ``dealgraph serve`` on the store: seconds until ``/health`` answers, then p50/p99
  of ``/entities/X``, ``/entities/X/relationships``, ``/exposure/X``, ``/trace/X`` and
  ``/paths/X/Y`` under 50 concurrent keep-alive clients (``benchmarks/run.py``'s ``_load``);
* ``python -X importtime`` of ``dealgraph.cli.main`` (the import part of every cold run).

The store is bulk-loaded from ``--nt`` with raw pyoxigraph into ``--store`` when that
directory does not exist yet, and reused after.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import _load  # noqa: E402

DEALGRAPH = str(Path(sys.executable).parent / "dealgraph")
ENTITY_IRI = re.compile(r"<https://w3id\.org/dealgraph/id/entity/([^>]+)>")

BASELINE = """
import sys
from dealgraph.graph import KnowledgeGraph, entity_card
kg = KnowledgeGraph(sys.argv[1])
kg.nx()  # the whole projection, as every analytic read it before scoped views
print(len(entity_card(kg, sys.argv[2]).deals))
"""


def busiest(nt: Path, n: int = 2) -> list[str]:
    """The ``n`` entities in the most deals (payer or payee) of an N-Triples file."""
    counts: Counter[str] = Counter()
    with open(nt, encoding="utf-8") as fh:
        for line in fh:
            if "#payer>" in line or "#payee>" in line:
                m = ENTITY_IRI.search(line.rsplit(" ", 2)[-2])
                if m:
                    counts[m.group(1)] += 1
    return [e for e, _ in counts.most_common(n)]


def ensure_store(nt: Path, store: Path) -> None:
    """Bulk-load ``nt`` into a new Oxigraph store at ``store`` (kept when it exists)."""
    if store.exists():
        return
    import pyoxigraph as ox

    t0 = time.perf_counter()
    s = ox.Store(str(store))
    s.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    s.flush()
    del s
    print(f"bulk-loaded {nt} in {time.perf_counter() - t0:.1f} s")


def cold(args: list[str]) -> dict:
    """Run ``args`` as a fresh process: wall seconds, peak RSS (MB), exit code, output size."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)  # reaped here: its own peak memory
        wall = time.perf_counter() - t0
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
        size = out.tell()
        err.seek(0)
        error = err.read().decode()[-300:] if rc else None
    return {"seconds": round(wall, 2), "peak_mb": round(usage.ru_maxrss / 1024), "rc": rc, "bytes": size} | (
        {"error": error} if error else {}
    )


def cli_runs(spec: str, x: str, y: str, baseline: bool) -> dict:
    """The cold CLI runs (see module docstring)."""
    commands = {
        "entity": ["entity", x],
        "flows --payer": ["flows", "--payer", x],
        "flows --payee": ["flows", "--payee", x],
        "trace --depth 2": ["trace", x, "--depth", "2"],
        "exposure": ["exposure", x],
        "paths": ["paths", x, y],
        "share": ["share", x, y],
    }
    out = {}
    for name, cmd in commands.items():
        out[name] = cold([DEALGRAPH, *cmd, "--store", spec, "--json"])
        print(f"  {name:16} {out[name]}", flush=True)
    if baseline:
        out["baseline entity (whole projection)"] = base = cold([sys.executable, "-c", BASELINE, spec, x])
        ratio = base["seconds"] / out["entity"]["seconds"]
        print(f"  baseline entity  {base}  -> scoped is {ratio:.1f}x faster", flush=True)
    return out


def serve(spec: str, x: str, y: str, clients: int, requests: int) -> dict:
    """Seconds until ``dealgraph serve`` answers /health, then p50/p99 per route under load."""
    port = 8765 + os.getpid() % 1000
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [DEALGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", spec],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("dealgraph serve ended") from None
                time.sleep(0.05)
        out: dict = {"ready_seconds": round(time.perf_counter() - t0, 2), "clients": clients}
        print(f"  /health ready in {out['ready_seconds']} s", flush=True)
        for path in (
            f"/entities/{x}",
            f"/entities/{x}/relationships",
            f"/exposure/{x}",
            f"/trace/{x}",
            f"/paths/{x}/{y}",
        ):
            t1 = time.perf_counter()
            size = len(urllib.request.urlopen(base + path, timeout=600).read())  # the first answer, cold
            first = {"first_ms": round((time.perf_counter() - t1) * 1000), "bytes": size}
            try:
                out[path] = _load(base, path, clients, requests, 0.0) | first
            except OSError as exc:  # a hub's answer of tens of MB, 50 times over
                out[path] = first | {"error": repr(exc)}
            print(f"  {path:32} {out[path]}", flush=True)
    finally:
        proc.kill()
        proc.wait(30)
    return out


def import_time() -> float:
    """Seconds ``python -X importtime`` reports for ``import dealgraph.cli.main``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import dealgraph.cli.main"],
        capture_output=True,
        text=True,
    )
    last = [line for line in done.stderr.splitlines() if line.rstrip().endswith("dealgraph.cli.main")]
    return int(last[-1].split("|")[1]) / 1e6 if last else float("nan")


def main() -> None:  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deals", type=int, required=True, help="the size of the --nt graph (for the report)")
    ap.add_argument("--nt", type=Path, required=True, help="benchmarks/generate.py output")
    ap.add_argument("--store", type=Path, help="the Oxigraph store directory (default: next to --nt)")
    ap.add_argument("--baseline", action="store_true", help="also time the whole-projection card")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=20, help="requests per client per route")
    ap.add_argument("--skip-serve", action="store_true")
    ap.add_argument(
        "--entity", nargs=2, metavar=("X", "Y"), help="ask about X and Y (default: the busiest two)"
    )
    ap.add_argument("--json", type=Path, help="write the results here")
    a = ap.parse_args()
    store = a.store or a.nt.with_suffix(".oxigraph")
    ensure_store(a.nt, store)
    spec = f"oxigraph:{store}"
    x, y = a.entity or busiest(a.nt)
    print(f"{a.deals} deals; X = {x}, Y = {y}; import dealgraph.cli.main: {import_time():.2f} s", flush=True)
    results = {"deals": a.deals, "x": x, "y": y, "import_seconds": import_time()}
    results["cli"] = cli_runs(spec, x, y, a.baseline)
    if not a.skip_serve:
        results["serve"] = serve(spec, x, y, a.clients, a.requests)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
