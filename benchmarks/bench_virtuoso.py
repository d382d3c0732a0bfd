"""The benchmark data set in a real Virtuoso beside Oxigraph: load, loops, one entity.

    python benchmarks/bench_virtuoso.py --deals 100000 --nt /work/bench/100k.nt --dir /work/bench/me

Needs Debian's ``virtuoso-opensource`` (``scripts/setup-system.sh``). A ``virtuoso-t`` is
started on loopback ports with its database under ``--dir`` (tests/graph/virtuoso.py), and
an Oxigraph store is made there too. Measured, each beside its Oxigraph counterpart:

* **load**: ``dealgraph load FILE --store URL#virtuoso`` (the file posted to a staging graph
  over the Graph Store Protocol, every shape checked by SPARQL on the server, one ``ADD``
  into the data graph) vs the Oxigraph store's load of the same file; then Virtuoso's own
  bulk loader (``ld_dir`` + ``rdf_loader_run``, no checks) vs raw ``pyoxigraph`` bulk_load;
* **loops**: ``dealgraph loops`` as a command, cold (process start included);
* **entity**: ``dealgraph entity amazon`` as a command, cold.

Results are printed (seconds and Virtuoso/Oxigraph ratios); nothing is written. ``--clean``
removes ``--dir`` afterwards.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.graph.virtuoso: the server the tests start

from tests.graph.virtuoso import MISSING, VirtuosoServer  # noqa: E402

DATA_GRAPH = "https://w3id.org/dealgraph/id/graph/data"
DEALGRAPH = str(Path(sys.executable).parent / "dealgraph")


def command(*args: str, timeout: float = 3600) -> tuple[float, str]:
    """Run ``dealgraph ARGS`` cold: (seconds, what it printed, or its error)."""
    t = time.perf_counter()
    done = subprocess.run([DEALGRAPH, *args], capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - t
    status = "" if done.returncode == 0 else f"[exit {done.returncode}] "
    return seconds, status + (done.stdout.strip() or done.stderr.strip())


def last(said: str) -> str:
    lines = said.splitlines()
    return lines[-1][:100] if lines else ""


def oxigraph_loads(nt: Path, work: Path) -> tuple[str, dict[str, float]]:
    """Raw pyoxigraph bulk_load, then dealgraph's load, of ``nt``: (the store spec, seconds)."""
    import pyoxigraph as ox

    raw = work / "ox-raw"
    shutil.rmtree(raw, ignore_errors=True)
    t = time.perf_counter()
    store = ox.Store(str(raw))
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    times = {"bulk": time.perf_counter() - t}
    del store
    shutil.rmtree(raw, ignore_errors=True)
    spec = f"oxigraph:{work / 'ox'}"
    for leftover in (work / "ox", work / "ox.checkpoint"):
        shutil.rmtree(leftover, ignore_errors=True)
    times["load"], said = command("load", str(nt), "--store", spec)
    print(f"  oxigraph: dealgraph load {times['load']:.1f} s ({last(said)})", flush=True)
    return spec, times


def virtuoso_loads(server: VirtuosoServer, nt: Path, http_load: bool) -> dict[str, float]:
    """Virtuoso's bulk loader into the data graph (after ``dealgraph load``, when asked,
    which is timed first and then undone): seconds."""
    times: dict[str, float] = {}
    if http_load:
        times["load"], said = command("load", str(nt), "--store", server.spec)
        print(f"  virtuoso: dealgraph load {times['load']:.1f} s ({last(said)})", flush=True)
        server.clear()
    t = time.perf_counter()
    server.isql(f"ld_dir('{nt.parent}', '{nt.name}', '{DATA_GRAPH}');")
    server.isql("rdf_loader_run();")
    server.isql("checkpoint;")
    times["bulk"] = time.perf_counter() - t
    server.isql(f"DELETE FROM DB.DBA.load_list WHERE ll_file LIKE '%{nt.name}';")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--deals", type=int, default=100_000, help="deals in --nt (for the printout)")
    ap.add_argument("--nt", type=Path, required=True, help="the generated N-Triples (benchmarks/generate.py)")
    ap.add_argument("--dir", type=Path, required=True, help="where the stores are made")
    ap.add_argument("--buffers", type=int, default=200_000, help="Virtuoso page buffers (8 kB each)")
    ap.add_argument("--entity", default="lab-0", help="the entity looked up (generate.py's ids)")
    ap.add_argument("--no-http-load", action="store_true", help="skip dealgraph load into Virtuoso")
    ap.add_argument("--clean", action="store_true", help="remove --dir afterwards")
    args = ap.parse_args()
    if MISSING:
        sys.exit(MISSING)
    nt = args.nt.resolve()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"{args.deals} deals, {nt}", flush=True)
    ox_spec, ox = oxigraph_loads(nt, args.dir)
    shutil.rmtree(args.dir / "virtuoso", ignore_errors=True)
    t = time.perf_counter()
    server = VirtuosoServer(args.dir / "virtuoso", buffers=args.buffers, dirs=str(nt.parent))
    print(f"  virtuoso: started in {time.perf_counter() - t:.1f} s", flush=True)
    try:
        vt = virtuoso_loads(server, nt, not args.no_http_load)
        rows = [
            ("dealgraph load", vt.get("load"), ox["load"]),
            ("bulk load (no checks)", vt["bulk"], ox["bulk"]),
        ]
        for name, cmd in (("loops", ["loops"]), (f"entity {args.entity}", ["entity", args.entity])):
            v, v_said = command(*cmd, "--store", server.spec)
            o, o_said = command(*cmd, "--store", ox_spec)
            same = (
                "the same answer" if v_said == o_said else f"DIFFERENT: {last(v_said)!r} vs {last(o_said)!r}"
            )
            print(f"  {name}: {same} ({len(o_said.splitlines())} lines)", flush=True)
            rows.append((name + " (cold command)", v, o))
    finally:
        server.stop()
    print(f"\n{'':32} {'virtuoso':>10} {'oxigraph':>10} {'ratio':>7}")
    for name, v, o in rows:
        vs = f"{v:10.1f}" if v is not None else f"{'-':>10}"
        ratio = f"{v / o:6.1f}x" if v is not None else ""
        print(f"{name:32} {vs} {o:10.1f} {ratio:>7}")
    if args.clean:
        shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
