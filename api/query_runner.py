"""Judge and run a public SPARQL query in a forked worker that is killed at its time limit.

rdflib evaluates queries in pure Python and cannot be interrupted from another thread, and
parsing alone can take long (pyparsing on a 9,000-term expression), so everything a query
costs happens in a child process forked from the server (the graph is shared
copy-on-write, nothing is re-loaded):

1. the child takes away its own network access (:func:`dealgraph.api.sandbox.forbid_network`);
2. it makes the canonical text and judges it (:func:`dealgraph.api.sparql_guard.check_query`);
3. it evaluates exactly what was judged (:meth:`KnowledgeGraph.run_checked`) and serializes
   at most ``max_rows`` rows (or triples) with rdflib's result serializers.

The parent waits without blocking the event loop; at the time limit the child is killed,
so the work really stops, parse included. For a remote store the parent opens one connection to the
store's query endpoint before forking (an httpx client holding it, from the store's
``query_connection``); the worker sends the canonical text over it (it can open no
connection of its own). A truncated result says so.

(:func:`dealgraph.graph.sparql.run_query` is the other way to run SPARQL: the command line's,
trusted, in process, rendered for a terminal.)

>>> from dealgraph import open_graph
>>> r = run_sandboxed(open_graph(), "SELECT ?n WHERE { ent:aws rdfs:label ?n }", lambda t: "csv",
...                   timeout=10, max_rows=5)
>>> r.body.decode().split(), r.truncated, r.type
(['n', 'Amazon', 'Web', 'Services'], False, 'SELECT')
"""

from __future__ import annotations

import itertools
import json
import multiprocessing as mp
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph
from rdflib.query import Result

from ..graph.sparql import tsv_results
from ..ontology.namespace import bind_prefixes
from .errors import ApiError
from .negotiation import GRAPH_TYPES, RESULT_TYPES
from .sandbox import SandboxError, forbid_network, supported
from .sparql_guard import check_query

__all__ = ["QueryResult", "run_sandboxed"]


@dataclass
class QueryResult:
    body: bytes
    media_type: str
    truncated: bool
    rows: int
    type: str  # SELECT, ASK, CONSTRUCT or DESCRIBE


def _take(items, limit: int) -> tuple[list, bool]:
    """The first ``limit`` items and whether there were more."""
    head = list(itertools.islice(iter(items), limit + 1))
    return head[:limit], len(head) > limit


def _serialize(result: Result, fmt: str, max_rows: int) -> tuple[bytes, str, bool, int]:
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        name = fmt if fmt in GRAPH_TYPES else "turtle"
        triples, truncated = _take(result.graph, max_rows)
        g = bind_prefixes(Graph())
        for t in triples:
            g.add(t)
        return g.serialize(format=name, encoding="utf-8"), GRAPH_TYPES[name], truncated, len(triples)
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
        data = capped.serialize(format=name) or b""
        if name == "json" and truncated:
            doc = json.loads(data)
            doc["truncated"] = True
            data = json.dumps(doc, allow_nan=False).encode()
        elif name == "xml" and truncated:
            data = data.replace(b"<head>", b'<head><link href="urn:dealgraph:truncated"/>', 1)
    return data, RESULT_TYPES[name], truncated, rows


def _child(
    conn, kg, text: str, negotiate: Callable[[str], str], max_rows: int, timeout: float, connection: Any
) -> None:
    # Never outlive the time limit, even if the server that forked us is killed before it
    # can kill us: the alarm's default action ends this process.
    signal.alarm(int(timeout) + 2)
    # A slow query must not starve the lookups the server answers meanwhile: the worker
    # runs only when the server leaves a core idle (SCHED_IDLE; nice 10 where that is absent).
    os.nice(10)
    if hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass
    try:
        if supported():
            forbid_network()
        checked = check_query(text)
        fmt = negotiate(checked.type)
        # a remote store is reached over the one connection the parent opened for us
        result = kg.run_checked(checked.text, checked.parsed, checked.type, connection)
        conn.send(("ok", checked.type, _serialize(result, fmt, max_rows)))
    except ApiError as exc:
        conn.send(("error", exc.status, exc.message, exc.details))
    except SandboxError as exc:
        conn.send(("error", 503, f"the query sandbox could not be set up: {exc}", {}))
    except RecursionError:
        conn.send(("error", 400, "the query nests too deeply to evaluate", {}))
    except Exception as exc:  # noqa: BLE001 - any evaluation error goes back as a message
        conn.send(("error", 400, f"query failed: {_describe(exc)}", {}))
    finally:
        conn.close()


def _describe(exc: BaseException) -> str:
    """An engine error for the client: its message, no Python class names."""
    if isinstance(exc, UnicodeError):
        return "the query or its results are not valid Unicode"
    text = " ".join(str(exc).split()) or "the engine could not evaluate it"
    return text[:500]


def run_sandboxed(
    kg: Any, text: str, negotiate: Callable[[str], str], *, timeout: float, max_rows: int
) -> QueryResult:
    """Judge and run ``text``; ``negotiate`` maps the query type to a result format.

    Raises :class:`ApiError`: 400/403 from the guard, 406 from ``negotiate``, 504 when the
    query (parse included) runs past ``timeout`` seconds.
    """
    try:  # opened here, before the fork: the sandboxed worker cannot open connections
        connection = kg.query_connection(timeout)
    except OSError as exc:
        raise ApiError(503, f"the store's server cannot be reached: {exc.strerror or exc}") from None
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child, daemon=True, args=(child, kg, text, negotiate, max_rows, timeout, connection)
    )
    proc.start()
    child.close()
    if connection is not None:
        connection.close()  # the worker has its own copy
    try:
        if not parent.poll(timeout):
            raise ApiError(504, f"query stopped after the {timeout:g} s time limit", timeout_seconds=timeout)
        try:
            message = parent.recv()
        except EOFError:
            raise ApiError(500, "query worker ended unexpectedly") from None
    finally:
        if proc.is_alive() and proc.pid is not None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.join(1)
        parent.close()
    if message[0] == "error":
        _, status, msg, details = message
        raise ApiError(status, msg, **details)
    _, qtype, payload = message
    body, media_type, truncated, rows = payload
    return QueryResult(body=body, media_type=media_type, truncated=truncated, rows=rows, type=qtype)
