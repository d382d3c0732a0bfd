"""The first ``dealgraph loops`` after a load, with the edge table kept with the store.

    python benchmarks/bench_after_load.py --nt /work/bench/1m.nt --dir /work/bench/after

Steps, each a command (process start included), on one Oxigraph store:

1. ``dealgraph load NT --store S`` (bulk load), then ``dealgraph loops --json --store S``:
   the table is read from the store and saved beside it (``S.edges.json``);
2. ``dealgraph load BATCH --store S``: a batch of ``--batch`` new deals (``generate.py``, ids
   renamed), checked and added; the load records the rows it touched (``S.edges.delta.json``);
3. ``dealgraph loops --json --store S``: the first loops after the load (the measurement);
4. the baseline in the same run: the saved tables removed, ``dealgraph loops --json`` again,
   which reads the whole table from the store as every first loops after a load did before.

The answers of 3 and 4 must be the same loops; the times are printed with their ratio.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import write_batch  # noqa: E402
from bench_loops import run  # noqa: E402

DEALGRAPH = str(Path(sys.executable).with_name("dealgraph"))


def main() -> None:  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nt", type=Path, required=True)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=3600)
    args = ap.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    store = args.dir / "store"
    spec = ["--store", f"oxigraph:{store}"]

    def step(name: str, *cmd: str) -> dict:
        out = run([DEALGRAPH, *cmd, *spec], args.timeout)
        print(f"{name}: {out['seconds']} s, peak {out['peak_mb']} MB, exit {out['code']}", flush=True)
        return out

    step("bulk load", "load", str(args.nt))
    step("loops (table read and saved)", "loops", "--json")
    batch = args.dir / "batch.nt"
    write_batch(batch, args.batch, seed=7, tag="after")
    step(f"load a {args.batch}-deal batch", "load", str(batch))
    first = step("first loops after the load", "loops", "--json")
    for saved in args.dir.glob("store.edges*.json"):
        saved.unlink()
    base = step("baseline: loops reading the whole table again", "loops", "--json")
    same = first["out"] == base["out"]
    print(f"same loops: {same}; first loops after a load {base['seconds'] / first['seconds']:.1f}x faster")
    if not same:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
