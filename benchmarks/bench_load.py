"""Loads into an Oxigraph store: a first bulk load vs raw pyoxigraph, incremental batches.

    python benchmarks/bench_load.py --deals 100000 --nt /work/bench/100k.nt --dir /work/bench/me

Measured in one process, each against its baseline run beside it:

* **first load**: ``OxigraphStore.load`` of the N-Triples file into an empty store (checkpoint,
  bulk load, every shape checked on the whole store) vs raw ``pyoxigraph.Store.bulk_load``
  of the same file; the ratio is dealgraph's rate over raw;
* **incremental batch**: a batch of ``--batch`` new deals (``generate.py``, its deal ids
  renamed so that they are new; its entities mostly already in the store) loaded into the
  store just filled: through ``KnowledgeGraph.load`` in a freshly opened store (the triple
  count included), and the check alone, scoped to the batch (``validate_focus``) vs the
  check of the whole store (``validate_with_sparql``, what every load ran before);
* **a refused batch**: a deal of the batch names a second payer for a deal already in the
  store: the time to find it and restore the store;
* **the bundled data** (``data/``): ``dealgraph load data/`` into a copy of the store, as a
  command (process start included).

Results are printed; nothing is written. The stores are made under ``--dir`` (removed with
``--clean``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import _lines, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def write_batch(path: Path, deals: int, seed: int, tag: str) -> int:
    """``deals`` new deals as N-Triples (ids ``deal/<tag>-...``); the triple count."""
    g = generate(deals, seed=seed)
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for line in _lines(g):
            fh.write(line.replace("/id/deal/", f"/id/deal/{tag}-") + "\n")
            n += 1
    return n


def first_load(nt: Path, work: Path, repeat: int) -> Path:
    """Raw bulk load vs dealgraph's first load of ``nt``, ``repeat`` times in turn (the
    machine is shared: the best of each is compared); returns the dealgraph store's path."""
    runs = [_first_load_once(nt, work) for _ in range(repeat)]
    triples = runs[0][0]
    t_raw, t_dg = min(r[1] for r in runs), min(r[2] for r in runs)
    print(f"first load: {triples} triples; raw bulk_load {t_raw:.1f} s ({triples / t_raw:,.0f}/s)")
    print(f"  dealgraph load {t_dg:.1f} s ({triples / t_dg:,.0f}/s): {t_raw / t_dg:.0%} of raw's rate")
    if repeat > 1:
        each = ", ".join(f"{r[1]:.1f}/{r[2]:.1f}" for r in runs)
        print(f"  (best of {repeat}; each run raw/dealgraph s: {each})")
    return work / "dealgraph"


def _first_load_once(nt: Path, work: Path) -> tuple[int, float, float]:
    import pyoxigraph as ox
    from rdflib import Graph

    from dealgraph.graph.stores import OxigraphStore

    raw, ours = work / "raw", work / "dealgraph"
    for p in (raw, ours, work / "dealgraph.checkpoint", work / "dealgraph.loading"):
        shutil.rmtree(p, ignore_errors=True)
    store = ox.Store(str(raw))
    t = time.perf_counter()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    t_raw = time.perf_counter() - t
    triples = len(store)
    del store
    shutil.rmtree(raw, ignore_errors=True)
    dg = OxigraphStore(str(ours))
    report, t_dg = _timed(dg.load, Graph(), [nt])
    assert report.conforms, report.violations[:3]
    dg.close()
    return triples, t_raw, t_dg


def incremental(store_path: Path, work: Path, batch_deals: int, old_check: bool) -> None:
    """A batch of new deals, then a refused one, into the store at ``store_path``."""
    from dealgraph.graph.knowledge_graph import KnowledgeGraph
    from dealgraph.ontology.errors import DataError
    from dealgraph.ontology.shacl_sparql import compile_checks, validate_with_sparql

    batch = work / "batch.nt"
    n = write_batch(batch, batch_deals, seed=7, tag="batch")
    kg, t_open = _timed(KnowledgeGraph, f"oxigraph:{store_path}")
    _, t_count = _timed(kg._store.count)
    gained, t_load = _timed(kg.load, files=[batch])
    print(f"batch of {batch_deals} deals ({n} triples, {gained} new): open {t_open:.2f} s,")
    total = t_open + t_count + t_load
    print(f"  count {t_count:.2f} s, load {t_load:.2f} s (open + count + load {total:.2f} s)")
    full, t_full = _timed(validate_with_sparql, kg._store.inner.query, workers=2)
    assert full.conforms
    print(f"  the whole-store check (a first load's): {t_full:.1f} s")
    if old_check:  # every compiled query run as they were before the probes and screens
        inner = kg._store.inner
        _, t_old = _timed(lambda: [list(inner.query(c.sparql)) for c in compile_checks()])
        del inner
        print(f"  the whole-store check as every load ran it before (no probes, one thread): {t_old:.1f} s")
    bad = work / "bad.nt"
    write_batch(bad, batch_deals, seed=8, tag="bad")
    with open(bad, "a", encoding="utf-8") as fh:  # a second payer for a deal of the store
        fh.write(
            "<https://w3id.org/dealgraph/id/deal/d1> <https://w3id.org/dealgraph/ontology#payer> "
            "<https://w3id.org/dealgraph/id/entity/lab-1> .\n"
        )
    before, t0 = kg._store.count(), time.perf_counter()
    try:
        kg.load(files=[bad])
        raise AssertionError("the bad batch was accepted")
    except DataError as exc:
        t_bad = time.perf_counter() - t0
        print(f"  refused batch: {len(exc.problems)} problem(s): {exc.problems[0]}"[:150])
    assert len(kg._store.inner) == before
    kg.close()
    print(f"  refused batch: found and store restored in {t_bad:.2f} s (wall, since the load began)")


def bundled(store_path: Path, work: Path) -> None:
    """``dealgraph load data/`` into a copy of the store, as a command."""
    copy = work / "bundled"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store_path, copy)
    cli = [str(Path(sys.executable).with_name("dealgraph")), "load", str(ROOT / "data")]
    out, t = _timed(subprocess.run, [*cli, "--store", f"oxigraph:{copy}"], capture_output=True, text=True)
    print(f"dealgraph load data/ (a command, process start included): {t:.1f} s, exit {out.returncode}")
    print("  " + (out.stdout.strip() or out.stderr.strip()[-300:]).replace("\n", "\n  "))
    shutil.rmtree(copy, ignore_errors=True)


def main() -> None:  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deals", type=int, default=100_000, help="the size of --nt (for the record)")
    ap.add_argument("--nt", type=Path, required=True, help="generate.py's N-Triples of --deals deals")
    ap.add_argument("--dir", type=Path, required=True, help="where the stores are made")
    ap.add_argument("--batch", type=int, default=1000, help="deals in the incremental batch")
    ap.add_argument("--old-check", action="store_true", help="also time the check as it was before")
    ap.add_argument("--repeat", type=int, default=1, help="first loads to run (the best counts)")
    ap.add_argument("--reuse", action="store_true", help="reuse the dealgraph store of a former run")
    ap.add_argument("--clean", action="store_true", help="remove the stores at the end")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"--deals {args.deals} --nt {args.nt}")
    ours = args.dir / "dealgraph"
    if not (args.reuse and ours.exists()):
        ours = first_load(args.nt, args.dir, args.repeat)
    base = args.dir / "base"  # the filled store, kept as it was for the batches
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(ours, base)
    incremental(base, args.dir, args.batch, args.old_check)
    bundled(ours, args.dir)
    shutil.rmtree(base, ignore_errors=True)
    if args.clean:
        shutil.rmtree(ours, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover
    main()
