"""Run SPARQL in a forked child process that is killed when its time is up.

rdflib evaluates queries in pure Python and cannot be interrupted from another thread, so
each query runs in a child process forked from the server (the graph is shared
copy-on-write, nothing is re-loaded). The parent waits without blocking the event loop; at
the time limit the child is killed, so the work really stops. Results are capped at
``max_rows`` rows (or triples) and serialized with rdflib's result serializers in the
child; a truncated result says so.

>>> from dealgraph import open_graph
>>> r = run_query(open_graph(), "SELECT ?n WHERE { ent:aws rdfs:label ?n }", "csv",
...               timeout=10, max_rows=5)
>>> r.body.decode().split(), r.truncated
(['n', 'Amazon', 'Web', 'Services'], False)
"""

from __future__ import annotations

import itertools
import json
import multiprocessing as mp
import os
import signal
from dataclasses import dataclass
from typing import Any

from rdflib import Graph
from rdflib.query import Result

from dealgraph.api.errors import ApiError
from dealgraph.graph.sparql import tsv_results
from dealgraph.ontology.namespace import bind_prefixes

__all__ = ["QueryResult", "run_query", "RESULT_TYPES", "GRAPH_TYPES"]

#: result format -> media type, for SELECT and ASK
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: graph format -> media type, for CONSTRUCT and DESCRIBE
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
}


@dataclass
class QueryResult:
    body: bytes
    media_type: str
    truncated: bool
    rows: int


def _take(items, limit: int) -> tuple[list, bool]:
    """The first ``limit`` items and whether there were more."""
    head = list(itertools.islice(iter(items), limit + 1))
    return head[:limit], len(head) > limit


def _serialize(kg, text: str, fmt: str, max_rows: int) -> tuple[bytes, str, bool, int]:
    result = kg.query(text)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        name = fmt if fmt in GRAPH_TYPES else "turtle"
        triples, truncated = _take(result.graph, max_rows)
        g = bind_prefixes(Graph())
        for t in triples:
            g.add(t)
        data = g.serialize(format=name)
        return (data.encode() if isinstance(data, str) else data), GRAPH_TYPES[name], truncated, len(triples)
    name = fmt if fmt in RESULT_TYPES else "json"
    if result.type == "ASK":
        rows, truncated = 1, False
        capped = result
    else:
        bindings, truncated = _take(result.bindings, max_rows)
        capped = Result("SELECT")
        capped.vars = result.vars
        capped.bindings = bindings
        rows = len(bindings)
    if name == "tsv":
        data = tsv_results(capped).encode()
    else:
        data = capped.serialize(format=name)
        if isinstance(data, str):
            data = data.encode()
        if name == "json" and truncated:
            doc = json.loads(data)
            doc["truncated"] = True
            data = json.dumps(doc).encode()
        elif name == "xml" and truncated:
            data = data.replace(b"<head>", b'<head><link href="urn:dealgraph:truncated"/>', 1)
    return data, RESULT_TYPES[name], truncated, rows


def _child(conn, kg, text: str, fmt: str, max_rows: int, timeout: float) -> None:
    # Never outlive the time limit, even if the server that forked us is killed before it
    # can kill us: the alarm's default action ends this process.
    signal.alarm(int(timeout) + 2)
    # A slow query must not starve the lookups the server answers meanwhile.
    os.nice(10)
    try:
        conn.send(("ok", _serialize(kg, text, fmt, max_rows)))
    except Exception as exc:  # noqa: BLE001 - any evaluation error goes back as a message
        conn.send(("error", f"{type(exc).__name__}: {' '.join(str(exc).split())}"))
    finally:
        conn.close()


def run_query(kg: Any, text: str, fmt: str, *, timeout: float, max_rows: int) -> QueryResult:
    """Run ``text`` in a forked child; raise ApiError 504 when it runs past ``timeout``."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, kg, text, fmt, max_rows, timeout),
                       daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise ApiError(504, f"query stopped after the {timeout:g} s time limit",
                           timeout_seconds=timeout)
        try:
            status, payload = parent.recv()
        except EOFError:
            raise ApiError(500, "query worker ended unexpectedly") from None
    finally:
        if proc.is_alive():
            os.kill(proc.pid, signal.SIGKILL)
        proc.join(1)
        parent.close()
    if status == "error":
        raise ApiError(400, f"query failed: {payload}")
    body, media_type, truncated, rows = payload
    return QueryResult(body=body, media_type=media_type, truncated=truncated, rows=rows)
