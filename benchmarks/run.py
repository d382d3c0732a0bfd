"""Benchmarks, measured in one run as ratios against baselines run beside them.

    python benchmarks/run.py --deals 10000 [--deals 100000 ...]

For each size: the synthetic graph of ``generate.py`` (seeded, planted loops) is written
as N-Triples and then

* **load**: ``dealgraph``'s validated, transactional load into the Oxigraph store vs raw
  ``pyoxigraph.Store.bulk_load`` of the same file;
* **SPARQL**: the named queries on the Oxigraph store (through rdflib/oxrdflib) vs raw
  pyoxigraph and vs rdflib's in-memory store;
* **loops**: the bounded loop search (``find_loops``, length <= 4) on the group graph vs
  ``networkx.simple_cycles(length_bound=4)`` on the same graph (skipped above 100k deals,
  where it does not finish in reasonable time) and python-igraph's bounded
  ``simple_cycles(max=4)`` (when installed), and the end-to-end
  ``vendor_financed_loops``; every planted loop must be found and none invented;
* **memory**: the peak resident size of the process.

Results go to ``benchmarks/RESULTS.md`` and ``benchmarks/results.json`` with a description
of the machine; then API lookup latency (p50/p99) under 50 concurrent clients on loopback
while a slow SPARQL query runs, against a trivial endpoint. Not yet measured: the remote
store, and runs at 1M deals (the validated load is too slow for that; see RESULTS.md).

The other benchmark scripts run from here too, each in its own process, on a file of
``generate.py`` (``--nt``): ``--explorer`` (first paint of the explorer's money map,
bench_explorer.py), ``--entity`` (one-entity answers, bench_entity.py), ``--loops``
(bench_loops.py), ``--load`` (bench_load.py) and ``--virtuoso`` (bench_virtuoso.py); their stores
are made under ``--bench-dir``. Without ``--deals`` only those run::

    python benchmarks/run.py --nt /work/bench/100k.nt --explorer --entity
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, write_ntriples  # noqa: E402

HERE = Path(__file__).resolve().parent
QUERIES = ("flows-by-payer", "loops-two-hops")
PREFIXES = {
    "dg": "https://w3id.org/dealgraph/ontology#",
    "ent": "https://w3id.org/dealgraph/id/entity/",
    "deal": "https://w3id.org/dealgraph/id/deal/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def _in_child(fn, budget: float) -> tuple[float, object]:
    """Run ``fn`` in a forked child for at most ``budget`` seconds: (seconds, result or None).

    A baseline that enumerates every cycle may run for hours on a large graph and cannot
    be interrupted inside C code; the child is killed at the budget instead.
    """
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child() -> None:
        send.send(fn())

    t0 = time.perf_counter()
    proc = ctx.Process(target=child)
    proc.start()
    out = recv.recv() if recv.poll(budget) else None
    elapsed = time.perf_counter() - t0
    proc.kill()
    proc.join()
    return (elapsed if out is not None else budget), out


def bench(n: int, seed: int = 42, budget: float = 300.0, e2e_budget: float = 1800.0) -> dict:
    import networkx as nx
    import pyoxigraph
    from rdflib import Graph

    from dealgraph.graph import KnowledgeGraph
    from dealgraph.graph.loops import find_loops, vendor_financed_loops
    from dealgraph.graph.sparql import named_queries

    work = Path(tempfile.mkdtemp(prefix="dealgraph-bench-"))
    res: dict = {"deals": n}
    try:
        g = generate(n, seed=seed)
        nt = work / "synthetic.nt"
        res["triples"] = write_ntriples(g, nt)
        res["planted_loops"] = len(g.planted)

        # --- load: dealgraph's bulk path (checkpoint, Oxigraph bulk load, the shapes
        # checked by SPARQL in the store, commit) vs raw bulk load of the same file
        raw = pyoxigraph.Store(str(work / "raw"))
        _, t_raw = _timed(raw.bulk_load, path=str(nt), format=pyoxigraph.RdfFormat.N_TRIPLES)
        kg = KnowledgeGraph(f"oxigraph:{work / 'store'}")
        _, t_load = _timed(kg.load, files=[nt])
        from dealgraph.ontology.shacl_sparql import validate_with_sparql

        _, t_checks = _timed(validate_with_sparql, raw.query)
        res["load"] = {
            "dealgraph_s": t_load,
            "raw_pyoxigraph_s": t_raw,
            "ratio_raw_over_dealgraph": t_raw / t_load,
            "checks_s": t_checks,
        }

        # --- SPARQL: oxigraph store vs raw pyoxigraph vs rdflib memory. The store's time
        # is kg.query (SPARQL through the store's rdflib interface, rows of RDF terms);
        # also recorded: kg.rows, rows of Python values as the analytics use them. rdflib's
        # memory store is run up to 100k deals (at 1M its parse alone takes tens of minutes).
        mem = None
        if n <= 100_000:
            mem = Graph()
            mem.parse(str(nt), format="nt")
        res["sparql"] = {}
        for name in QUERIES:
            q = named_queries()[name]
            rows_ox, t_ox = _timed(lambda q=q: len(list(kg.query(q))))
            t_rows = _timed(lambda q=q: len(kg.rows(q)))[1] if n < 1_000_000 else None
            _, t_rawq = _timed(lambda q=q: len(list(raw.query(q, prefixes=PREFIXES))))
            t_mem = _timed(lambda q=q: len(list(mem.query(q))))[1] if mem is not None else None
            res["sparql"][name] = {
                "rows": rows_ox,
                "oxigraph_store_s": t_ox,
                "python_rows_s": t_rows,
                "raw_pyoxigraph_s": t_rawq,
                "rdflib_memory_s": t_mem,
                "store_over_raw": t_ox / t_rawq if t_rawq else None,
                "memory_over_store": t_mem / t_ox if t_mem else None,
            }
        mem = None  # free it before the loop search

        # --- loops: bounded search vs networkx.simple_cycles on the same group graph
        group = {s: p for s, p in g.parents.items()}
        edges: dict = defaultdict(list)
        investments: dict = defaultdict(list)
        for did, kind, payer, payee, _amount in g.deals:
            a, b = group.get(payer, payer), group.get(payee, payee)
            edges[(a, b)].append(did)
            if kind == "equity-investment":
                investments[(a, b)].append(did)
        found, t_find = _timed(find_loops, edges, investments, 4)
        res["loops"] = {
            "find_loops_s": t_find,
            "found": len(found),
            "all_planted_found": {tuple(p) for p in g.planted} <= {tuple(p) for p in found},
            "none_invented": {tuple(p) for p in found} <= {tuple(p) for p in g.planted},
        }
        plain = [e for e in edges if e[0] != e[1]]  # a group paying itself is no loop

        def networkx_cycles() -> int:
            dg = nx.DiGraph(plain)
            return sum(1 for _ in nx.simple_cycles(dg, length_bound=4))

        t_nx, nx_count = _in_child(networkx_cycles, budget)
        res["loops"].update(
            networkx_s=t_nx,
            networkx_cycles=nx_count,
            networkx_finished=nx_count is not None,
            speedup_vs_networkx=t_nx / t_find if t_find else None,
        )
        try:
            import igraph

            def igraph_cycles() -> int:
                names = sorted({x for e in plain for x in e})
                index = {v: i for i, v in enumerate(names)}
                ig = igraph.Graph(n=len(names), directed=True, edges=[(index[a], index[b]) for a, b in plain])
                t0 = time.perf_counter()
                count = len(ig.simple_cycles(max=4))
                return count, time.perf_counter() - t0  # the search alone, not the build

            t_ig, ig_out = _in_child(igraph_cycles, budget)
            if ig_out is not None:
                ig_count, t_ig = ig_out
            else:
                ig_count = None
            res["loops"].update(
                igraph_s=t_ig,
                igraph_cycles=ig_count,
                igraph_finished=ig_count is not None,
                find_loops_over_igraph=t_find / t_ig if t_ig else None,
            )
        except ImportError:
            res["loops"]["igraph_s"] = None

        # end to end: read the deals from the store, build the projection, search; in a
        # child (its peak memory is the analysis's) with a time budget
        def end_to_end() -> tuple[int, float]:
            found = len(vendor_financed_loops(kg, 4))
            return found, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        t_e2e, e2e = _in_child(end_to_end, e2e_budget)
        res["loops"]["end_to_end_s"] = t_e2e
        res["loops"]["end_to_end_finished"] = e2e is not None
        res["loops"]["end_to_end_found"] = e2e[0] if e2e else None
        res["analysis_peak_rss_mb"] = e2e[1] if e2e else None
        kg.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return res


async def _client(
    host: str,
    port: int,
    path: str,
    requests: int,
    interval: float,
    times: list[float],
    errors: list[int],
    start_delay: float,
) -> None:
    """One keep-alive HTTP/1.1 client: ``requests`` GETs, one every ``interval`` seconds."""
    import asyncio
    import re

    await asyncio.sleep(start_delay)
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection(host, port)
    req = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    next_at = loop.time()
    for _ in range(requests):
        t0 = time.perf_counter()
        writer.write(req)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        await reader.readexactly(length)
        times.append(time.perf_counter() - t0)
        if not head.startswith(b"HTTP/1.1 200"):
            errors[0] += 1
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - loop.time()))
    writer.close()


def _load(base: str, path: str, clients: int, requests: int, interval: float) -> dict:
    import asyncio
    import random
    import urllib.parse

    url = urllib.parse.urlsplit(base)
    times: list[float] = []
    errors = [0]
    rng = random.Random(1)

    async def run() -> float:
        t0 = time.perf_counter()
        await asyncio.gather(
            *(
                _client(
                    url.hostname, url.port, path, requests, interval, times, errors, rng.random() * interval
                )
                for _ in range(clients)
            )
        )
        return time.perf_counter() - t0

    wall = asyncio.run(run())
    xs = sorted(times)

    def pct(q: float) -> float:
        return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000

    return {
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
        "max_ms": xs[-1] * 1000,
        "requests": len(xs),
        "errors": errors[0],
        "throughput_rps": len(xs) / wall,
    }


def api_latency(
    clients: int = 50,
    rate_per_client: float = 10.0,
    requests_per_client: int = 100,
    data_dir: Path | None = None,
) -> dict:
    """Entity lookups from ``clients`` concurrent keep-alive clients while a slow SPARQL
    query runs, against the same load on a trivial endpoint (/health).

    Two loads: *paced* (each client sends ``rate_per_client`` requests a second, the offered
    load of 50 interactive users) and *saturating* (each client sends its next request as
    soon as the last is answered, which measures the server's throughput: there, latency is
    clients / throughput whatever the handler does).
    """
    import subprocess
    import threading
    import urllib.parse
    import urllib.request

    sys.path.insert(0, str(HERE.parent))
    from tests.conftest import start_server

    proc, base = start_server(data_dir, env={"DEALGRAPH_QUERY_TIMEOUT": "120"})
    slow = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    entity = "anthropic" if data_dir is None else "lab-0"
    out: dict = {"clients": clients, "rate_per_client": rate_per_client}
    try:

        def slow_query() -> None:
            try:
                urllib.request.urlopen(base + "/sparql?query=" + slow, timeout=300).read()
            except OSError:
                pass  # stopped at the time limit: that is the point

        background = threading.Thread(target=slow_query, daemon=True)
        background.start()
        time.sleep(0.5)
        for name, interval in (("paced", 1 / rate_per_client), ("saturating", 0.0)):
            out[name] = {
                "lookup": _load(base, f"/entities/{entity}", clients, requests_per_client, interval),
                "trivial": _load(base, "/health", clients, requests_per_client, interval),
            }
        out["slow_query_running"] = background.is_alive()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:  # still draining the slow query
            proc.kill()
            proc.wait(10)
    return out


def fairness(
    duration: float = 20.0, flood_threads: int = 8, clients: int = 20, rate_per_client: float = 10.0
) -> dict:
    """Lookups and a polite SPARQL client while one client floods the endpoint.

    The flooder (one address, ``flood_threads`` threads) sends a heavy SPARQL query again as
    soon as each is answered. Measured: entity lookups from ``clients`` paced keep-alive
    clients and a polite client's small query every 0.5 s, first with no flood (the
    baseline), then during the flood; and what the flooder got (200, 504, 429, 503).
    Uvicorn trusts the forwarded address of loopback clients, so each client names its
    address in X-Forwarded-For.
    """
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request
    from collections import Counter

    sys.path.insert(0, str(HERE.parent))
    from tests.conftest import start_server

    proc, base = start_server(env={"DEALGRAPH_QUERY_TIMEOUT": "10"})
    heavy = (
        base
        + "/sparql?query="
        + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    )
    polite = base + "/sparql?query=" + urllib.parse.quote("ASK { ?s a dg:Deal }")
    requests = int(duration * rate_per_client)

    def ask(url: str, address: str) -> int:
        req = urllib.request.Request(url, headers={"X-Forwarded-For": address})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return 0

    def phase(flood: bool) -> dict:
        stop = threading.Event()
        flooder: Counter = Counter()
        polite_got: Counter = Counter()

        def flood_loop() -> None:
            while not stop.is_set():
                flooder[ask(heavy, "10.66.66.66")] += 1

        def polite_loop() -> None:
            while not stop.is_set():
                polite_got[ask(polite, "10.1.1.1")] += 1
                stop.wait(0.5)

        threads = [threading.Thread(target=polite_loop, daemon=True)]
        if flood:
            threads += [threading.Thread(target=flood_loop, daemon=True) for _ in range(flood_threads)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        lookups = _load(base, "/entities/anthropic", clients, requests, 1 / rate_per_client)
        stop.set()
        for t in threads:
            t.join(70)
        return {
            "lookup": lookups,
            "polite_sparql": {str(k): v for k, v in polite_got.items()},
            "flooder": {str(k): v for k, v in flooder.items()},
        }

    try:
        out = {
            "clients": clients,
            "rate_per_client": rate_per_client,
            "flood_threads": flood_threads,
            "baseline": phase(False),
            "flood": phase(True),
        }
    finally:
        proc.terminate()
        proc.wait(20)
    b, f = out["baseline"]["lookup"], out["flood"]["lookup"]
    out["lookup_p99_ratio"] = f["p99_ms"] / b["p99_ms"]
    out["lookup_p50_ratio"] = f["p50_ms"] / b["p50_ms"]
    return out


def machine() -> dict:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def write_results(results: list[dict], api: dict | None = None) -> None:
    """Write RESULTS.md and results.json; runs of other sizes already recorded are kept."""
    from dealgraph.ontology.shacl_sparql import compile_checks

    n_checks = len(compile_checks())
    info = machine()
    old = HERE / "results.json"
    earlier = json.loads(old.read_text()) if old.exists() else {}
    if earlier:
        sizes = {r["deals"] for r in results}
        results = sorted(
            [
                r
                for r in earlier.get("runs", [])
                if r["deals"] not in sizes and "load" in r and "checks_s" in r["load"]
            ]
            + results,
            key=lambda r: r["deals"],
        )
        if api is None and earlier.get("api", {}) and "paced" in earlier["api"]:
            api = earlier["api"]
    cli = earlier.get("cli_1m")  # measured by hand (see RESULTS.md), kept across runs
    (HERE / "results.json").write_text(
        json.dumps({"machine": info, "runs": results, "api": api, "cli_1m": cli}, indent=2)
    )
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {info}",
        "",
        "Generated by `python benchmarks/run.py`; ratios are against baselines run in the "
        "same process on the same data.",
        "",
    ]
    for r in results:
        lines += [
            f"## {r['deals']:,} deals ({r['triples']:,} triples, {r['planted_loops']} planted loops)",
            "",
        ]
        ld = r["load"]
        lines.append(
            f"- load: dealgraph {ld['dealgraph_s']:.2f} s vs raw pyoxigraph bulk load "
            f"{ld['raw_pyoxigraph_s']:.2f} s: {ld['ratio_raw_over_dealgraph']:.1%} of "
            "raw rate (target >= 70%)"
        )
        for name, q in r["sparql"].items():
            mem = (
                f"rdflib memory {q['rdflib_memory_s']:.3f} s (store is "
                f"x{q['memory_over_store']:.1f} faster, target >= 10)"
                if q["rdflib_memory_s"] is not None
                else "rdflib memory not run at this size"
            )
            lines.append(
                f"- `{name}` ({q['rows']:,} rows): store {q['oxigraph_store_s']:.3f} s, "
                f"raw {q['raw_pyoxigraph_s']:.3f} s (x{q['store_over_raw']:.2f}, target "
                f"<= 1.3), {mem}"
                + (
                    f"; as Python rows for the analytics {q['python_rows_s']:.3f} s"
                    if q.get("python_rows_s") is not None
                    else ""
                )
            )
        lp = r["loops"]

        def baseline(name: str, key: str, target: str, lp: dict = lp) -> str:
            if lp.get(f"{key}_s") is None:
                return f"; {name} not installed"
            if not lp.get(f"{key}_finished", True):
                return (
                    f"; {name} did not finish within {lp[f'{key}_s']:.0f} s (find_loops is "
                    f"over x{lp[f'{key}_s'] / lp['find_loops_s']:.0f} faster; {target})"
                )
            return (
                f"; {name} {lp[f'{key}_s']:.2f} s for {lp[f'{key}_cycles']:,} cycles "
                f"(find_loops is x{lp[f'{key}_s'] / lp['find_loops_s']:.1f} faster; {target})"
            )

        lines.append(
            f"- loops (length <= 4): find_loops {lp['find_loops_s']:.3f} s, "
            f"{lp['found']} found; all planted found: {lp['all_planted_found']}, none "
            f"invented: {lp['none_invented']}"
            f"{baseline('networkx.simple_cycles', 'networkx', 'target >= x100')}"
            f"{baseline('python-igraph simple_cycles', 'igraph', 'target: within x3')}"
            + (
                f"; end to end from the store (projection + search) "
                f"{lp['end_to_end_s']:.1f} s, {lp['end_to_end_found']} found"
                if lp.get("end_to_end_finished", True)
                else f"; end to end from the store did not finish within {lp['end_to_end_s']:.0f} s"
            )
        )
        lines.append(
            f"- peak memory: {r['peak_rss_mb']:.0f} MB for generation, load and queries"
            + (
                f"; {r['analysis_peak_rss_mb']:.0f} MB for the end-to-end analysis"
                if r.get("analysis_peak_rss_mb")
                else ""
            )
        )
        lines.append("")
        misses = []
        if ld["ratio_raw_over_dealgraph"] < 0.7:
            misses.append(
                f"load misses the 70% target by {0.7 - ld['ratio_raw_over_dealgraph']:.0%}"
                " of raw rate. The time over raw is the SHACL shape checks, "
                f"{ld.get('checks_s', 0):.1f} s of SPARQL over the whole store (the "
                "checkpoint is hard links, well under a second). They are "
                f"{n_checks} queries, each a scan of one property; with Oxigraph's bulk loader "
                "written in Rust and the checks in its SPARQL engine, closing the "
                "gap needs a validator inside the store (a streaming check during "
                "the bulk load), which pyoxigraph does not offer"
            )
        for name, q in r["sparql"].items():
            if q["memory_over_store"] and q["memory_over_store"] < 10:
                engine = q["rdflib_memory_s"] / q["raw_pyoxigraph_s"]
                misses.append(
                    f"`{name}` is x{q['memory_over_store']:.1f} faster than rdflib "
                    f"memory, short of x10; raw pyoxigraph itself is only "
                    f"x{engine:.1f} faster than rdflib on this query, which returns "
                    "every deal with nested OPTIONALs and sorts by IRI and value (on "
                    "10k deals, dropping its ORDER BY halves Oxigraph's time); the "
                    "store cannot be x10 faster than rdflib where its engine is not"
                )
            if q["store_over_raw"] and q["store_over_raw"] > 1.3:
                misses.append(
                    f"`{name}` on the store takes x{q['store_over_raw']:.2f} raw "
                    "pyoxigraph's time, over x1.3: oxrdflib turns every result term "
                    "into an rdflib term"
                )
        if lp.get("networkx_finished") and lp["speedup_vs_networkx"] < 100:
            misses.append(f"loops are x{lp['speedup_vs_networkx']:.0f} faster than networkx, short of x100")
        if lp.get("igraph_finished") and lp["find_loops_over_igraph"] > 3:
            misses.append(
                f"find_loops takes x{lp['find_loops_over_igraph']:.1f} python-igraph's time, over x3"
            )
        if r["deals"] >= 1_000_000 and lp["find_loops_s"] > 10:
            misses.append(f"loops at {r['deals']:,} deals take {lp['find_loops_s']:.1f} s, over 10 s")
        peak = max(r["peak_rss_mb"], r.get("analysis_peak_rss_mb") or 0)
        if peak > 6 * 1024:
            misses.append(f"peak memory {peak:.0f} MB is over 6 GB")
        if misses:
            lines += ["Targets missed, and why:", ""] + [f"- {m}" for m in misses] + [""]
    if cli:
        lines += [
            "## 1M deals the way a user runs them (separate processes)",
            "",
            f"How: {cli['how']}.",
            "",
            f"- `dealgraph load`: {cli['load_wall_s']:.0f} s, peak memory {cli['load_peak_rss_mb']:,} MB",
            f"- `dealgraph loops`: {cli['loops_wall_s']:.0f} s, {cli['loops_found']} loops, "
            f"peak memory {cli['loops_peak_rss_mb']:,} MB",
            "",
            "Both are under the 6 GB target. The benchmark process above peaks higher "
            "because it also holds the generated graph, two Oxigraph stores and "
            "million-row query results as Python objects, and its analysis child "
            "inherits those pages.",
            "",
        ]
    if api:
        p, sat = api["paced"], api["saturating"]
        lines += [
            f"## API lookups under {api['clients']} concurrent clients while a slow "
            "SPARQL query runs (bundled data)",
            "",
            f"Keep-alive HTTP/1.1 clients on loopback; the slow query (a triple cross "
            f"product) runs in its forked child all along (still running at the end: "
            f"{api['slow_query_running']}).",
            "",
            "| load | endpoint | p50 ms | p99 ms | max ms | requests/s | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, block in ((f"paced, {api['rate_per_client']:.0f}/s per client", p), ("saturating", sat)):
            for ep, key in (("`GET /entities/anthropic`", "lookup"), ("`GET /health`", "trivial")):
                b = block[key]
                lines.append(
                    f"| {label} | {ep} | {b['p50_ms']:.1f} | {b['p99_ms']:.1f} | "
                    f"{b['max_ms']:.1f} | {b['throughput_rps']:.0f} | {b['errors']} |"
                )
        lines.append("")
        verdict = (
            "met"
            if p["lookup"]["p99_ms"] <= 20 and p["lookup"]["errors"] == 0
            else f"missed by {p['lookup']['p99_ms'] - 20:.1f} ms"
        )
        lines += [
            f"Target (p99 <= 20 ms, no errors) at the paced load: {verdict}. Lookup p99 is "
            f"x{p['lookup']['p99_ms'] / p['trivial']['p99_ms']:.2f} the trivial "
            "endpoint's. At the saturating load latency is the queue of 50 clients "
            "divided by the throughput of one Python process, so it measures throughput, "
            "not the lookup.",
            "",
        ]
    if api and "fairness" in api:
        fa = api["fairness"]
        b, f = fa["baseline"], fa["flood"]
        lines += [
            "## Fairness: one client floods the SPARQL endpoint (bundled data)",
            "",
            f"{fa['flood_threads']} threads from one address send a heavy query again as "
            f"soon as each is answered; {fa['clients']} clients look up an entity "
            f"{fa['rate_per_client']:.0f} times a second each; a polite client sends a "
            "small SPARQL query every 0.5 s. Default limits (1 query at once and 30 s of "
            "query time a minute per client, 4 queries at once in all).",
            "",
            "| phase | lookup p50 ms | lookup p99 ms | lookup errors | polite SPARQL "
            "answers | flooder answers |",
            "|---|---|---|---|---|---|",
        ]

        def counts(c: dict) -> str:
            return ", ".join(f"{v} x {k}" for k, v in sorted(c.items())) or "-"

        for label, ph in (("no flood (baseline)", b), ("flood", f)):
            lk = ph["lookup"]
            lines.append(
                f"| {label} | {lk['p50_ms']:.1f} | {lk['p99_ms']:.1f} | "
                f"{lk['errors']} | {counts(ph['polite_sparql'])} | "
                f"{counts(ph['flooder'])} |"
            )
        lines += [
            "",
            f"Lookup p99 during the flood is x{fa['lookup_p99_ratio']:.2f} the "
            f"baseline's (p50 x{fa['lookup_p50_ratio']:.2f}). The flooder is answered 429 "
            "after a 0.5 s wait (before routing), and query workers run only on idle CPU "
            "(SCHED_IDLE). Run to run, the p99 ratio has ranged from x1.0 to x1.7 here "
            "(p99 of 4,000 lookups is the 40th slowest, so it is noisy); with 2 queries "
            "per client it was x2.3-x3.6, hence the default of 1.",
            "",
        ]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


#: the benchmarks run in their own processes (each script's docstring says what it measures):
#: option -> (script, its arguments from --nt, --nt-deals and --bench-dir)
OTHERS = {
    "explorer": (
        "bench_explorer.py",
        lambda a, d: ["--deals", a.nt_deals, "--nt", a.nt, "--store", d / "store"],
    ),
    "entity": ("bench_entity.py", lambda a, d: ["--deals", a.nt_deals, "--nt", a.nt, "--store", d / "store"]),
    "loops": (
        "bench_loops.py",
        lambda a, d: ["--deals", a.nt_deals, "--nt", a.nt, "--store", d / "loops-store"],
    ),
    "load": ("bench_load.py", lambda a, d: ["--deals", a.nt_deals, "--nt", a.nt, "--dir", d / "load"]),
    "virtuoso": (
        "bench_virtuoso.py",
        lambda a, d: ["--deals", a.nt_deals, "--nt", a.nt, "--dir", d / "virtuoso"],
    ),
}


def _other_options(ap: argparse.ArgumentParser) -> None:
    """The options that run the other benchmark scripts on a generated file (``--nt``)."""
    g = ap.add_argument_group(
        "other benchmarks, on an N-Triples file of generate.py (each in its own process)"
    )
    g.add_argument("--nt", type=Path, help="generate.py's N-Triples (e.g. /work/bench/100k.nt)")
    g.add_argument("--nt-deals", type=int, default=100_000, help="deals in --nt (for the record)")
    g.add_argument("--bench-dir", type=Path, help="where their stores are made (default: beside --nt)")
    for name, (script, _args) in OTHERS.items():
        g.add_argument(f"--{name}", action="store_true", help=f"run {script} on --nt")


def _run_others(args: argparse.Namespace) -> bool:
    """Run the benchmark scripts asked for, in turn (the machine is shared: never side by side)."""
    import subprocess

    asked = [name for name in OTHERS if getattr(args, name)]
    if asked and args.nt is None:
        raise SystemExit("--nt is needed for " + ", ".join("--" + n for n in asked))
    for name in asked:
        script, make = OTHERS[name]
        where = args.bench_dir or args.nt.with_suffix(".bench")
        where.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, str(HERE / script), *map(str, make(args, where))]
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=False)
    return bool(asked)


def main() -> None:
    ap = argparse.ArgumentParser(description="dealgraph benchmarks")
    ap.add_argument("--deals", type=int, action="append", help="size (repeatable)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--budget", type=float, default=300.0, help="seconds each cycle-enumerating baseline may run"
    )
    ap.add_argument(
        "--e2e-budget",
        type=float,
        default=1800.0,
        help="seconds the end-to-end loop analysis from the store may run",
    )
    ap.add_argument("--no-api", action="store_true", help="skip the API latency run")
    ap.add_argument(
        "--fairness-only",
        action="store_true",
        help="measure only the fairness run and add it to the recorded results",
    )
    ap.add_argument(
        "--report-only", action="store_true", help="rewrite RESULTS.md from results.json, measuring nothing"
    )
    _other_options(ap)
    args = ap.parse_args()
    if _run_others(args) and not args.deals:
        return  # only the benchmarks asked for by name
    if args.report_only:
        write_results([], None)
        return
    if args.fairness_only:
        api = json.loads((HERE / "results.json").read_text()).get("api") or {}
        api["fairness"] = fairness()
        print(json.dumps(api["fairness"], indent=2))
        write_results([], api)
        return
    results = []
    for n in args.deals or [10_000]:
        r = bench(n, args.seed, args.budget, args.e2e_budget)
        print(json.dumps(r, indent=2))
        results.append(r)
    api = None if args.no_api else api_latency()
    if api is not None:
        api["fairness"] = fairness()
    print(json.dumps(api, indent=2))
    write_results(results, api)


if __name__ == "__main__":
    main()
