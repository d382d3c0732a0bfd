"""Whole-graph analytics the way a user runs them: ``dealgraph loops`` and ``dealgraph report``, cold.

Each command runs as its own process on an Oxigraph store (bulk-loaded from ``--nt`` into
``--store`` when that directory does not exist yet), timed end to end with its peak memory
(``/usr/bin/time``: the process's own maximum resident set). ``loops`` runs twice: first with no
saved edge table (it reads the table from the store and saves it beside it), then again (it
reads the saved table back, as every later process does until a load changes the data).
``--baseline`` also runs the loops as they were computed before the edge table (the full
projection, then the search) and checks that both give the same loops.

    python benchmarks/bench_loops.py --deals 100000 --nt /work/bench/100k.nt --store /tmp/s100k
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_entity import ensure_store  # noqa: E402  (the same bulk load of --nt)

DEALGRAPH = str(Path(sys.executable).with_name("dealgraph"))

#: the loops as computed before the edge table (tests/graph/test_loops_lean.py keeps that code)
BASELINE = """
import json, sys
from dealgraph.graph.knowledge_graph import KnowledgeGraph
from tests.graph.test_loops_lean import reference_loops
kg = KnowledgeGraph(sys.argv[1])
print(json.dumps([lp.model_dump(mode="json") for lp in reference_loops(kg)]))
"""


def run(cmd: list[str], timeout: float) -> dict:
    """Run ``cmd`` under ``/usr/bin/time``: its wall time, its own peak memory (MB), exit code and
    output (None on timeout)."""
    with tempfile.NamedTemporaryFile(suffix=".time") as measured:
        timed = ["/usr/bin/time", "-f", "%e %M", "-o", measured.name, *cmd]
        try:
            done = subprocess.run(timed, cwd=ROOT, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"seconds": None, "peak_mb": None, "code": None, "out": None}
        seconds, peak_kb = Path(measured.name).read_text().split()[-2:]
    if done.returncode:
        print(done.stderr.decode()[-2000:], file=sys.stderr)
    return {
        "seconds": float(seconds),
        "peak_mb": int(peak_kb) // 1024,
        "code": done.returncode,
        "out": done.stdout,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deals", type=int, required=True, help="deals in the file (for the record)")
    ap.add_argument("--nt", type=Path, required=True)
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--baseline", action="store_true", help="also run the full-projection loops")
    ap.add_argument("--skip-report", action="store_true")
    args = ap.parse_args()
    ensure_store(args.nt, args.store)
    spec = f"oxigraph:{args.store}"
    saved = args.store.with_name(args.store.name + ".edges.json")
    saved.unlink(missing_ok=True)
    results: dict[str, dict] = {}
    loops_cmd = [DEALGRAPH, "loops", "--store", spec, "--json"]
    results["loops (reads the table from the store)"] = run(loops_cmd, args.timeout)
    results["loops (reads the saved table)"] = run(loops_cmd, args.timeout)
    if not args.skip_report:
        results["report"] = run([DEALGRAPH, "report", "--store", spec, "--json"], args.timeout)
    if args.baseline:
        results["loops before (full projection)"] = run([sys.executable, "-c", BASELINE, spec], args.timeout)
    print(f"\n{args.deals:,} deals ({args.nt.name}), each command cold in its own process:")
    for name, r in results.items():
        took = "did not finish" if r["seconds"] is None else f"{r['seconds']} s"
        print(f"- {name}: {took}, peak memory {r['peak_mb']} MB, exit {r['code']}")
    lean = results["loops (reads the saved table)"]["out"]
    first = results["loops (reads the table from the store)"]["out"]
    if lean is not None:
        print(f"loops found: {len(json.loads(lean))}; both runs agree: {lean == first}")
    before = results.get("loops before (full projection)", {}).get("out")
    if before is not None and lean is not None:
        same = json.loads(before) == json.loads(lean)
        secs = results["loops before (full projection)"]["seconds"]
        ratio = secs / results["loops (reads the saved table)"]["seconds"]
        print(f"same loops as the full projection: {same}; the saved table is x{ratio:.1f} faster")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
