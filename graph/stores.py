"""Where the RDF lives, chosen by one setting (``--store``, ``DEALGRAPH_STORE``).

``memory``
    rdflib's embedded in-memory store (the default). Loads are validated with pyshacl.
``oxigraph:PATH``
    a persistent Oxigraph store on disk (pyoxigraph, seen through oxrdflib). A load is a
    transaction: a checkpoint of the store is taken first (RocksDB hard links, cheap), the
    data goes in, the shapes are checked by SPARQL, and then the checkpoint is dropped. A
    first load goes in by Oxigraph's bulk loader (without Python in the way) and the whole
    store is checked; a batch into a store that holds data is added in one transaction and
    checked at its own nodes only (``validate_focus``; CONTRIBUTING.md says why that is
    enough). A failed check, or a crash at any point, brings the checkpoint back: the
    next open finds the unfinished load and restores the store as it was.
``http://HOST:PORT/PATH[#LAYOUT]`` (or https)
    a SPARQL 1.1 Protocol + Graph Store Protocol server. ``LAYOUT`` names where the server
    puts its endpoints (:data:`LAYOUTS`: ``oxigraph`` (default), ``fuseki``, ``graphdb``,
    ``virtuoso``, ``neptune``). Queries and the shape checks run on the server. A load is
    posted to a staging named graph, checked there together with the data, and moved into
    the data by one SPARQL Update (``ADD``, one transaction); a failed check drops the
    staging graph. The data is the default graph, except where the server's default graph
    is the union of all its graphs (``virtuoso``: :attr:`Endpoints.data_graph`): there it is
    the named graph ``DATA_GRAPH``, and every query, check and count names its dataset
    (``default-graph-uri``), so the server's own graphs are never seen.

Each is a plugin of :mod:`dealgraph.graph.registry` (:data:`PLUGINS`, at the end of this
module, which the registry finds as it finds any module's); :func:`open_store` looks the spec
up there. What a backend must provide is :class:`StoreBackend`.

>>> open_store("memory").spec
'memory'
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import json
import os
import re
import shutil
import tempfile
import traceback
import urllib.error
import urllib.parse
import uuid
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from email.message import Message
from pathlib import Path
from typing import Any, ClassVar, cast

import httpx
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Variable

from ..ontology.errors import DataError, Problem
from ..ontology.namespace import bind_prefixes
from ..ontology.shacl import ValidationReport, validate
from ..ontology.shacl_sparql import validate_focus, validate_with_sparql
from ..ontology.syntaxes import RDF_SYNTAXES
from .export_rdf import DATA_GRAPH
from .parsing import PARSE_LOCK, prepare_query
from .registry import StorePlugin, store_help, store_plugin

# (and STORE_HELP, the --store help, read from the registry on access)
__all__ = [
    "open_store",
    "is_remote",
    "endpoints",
    "Endpoints",
    "LAYOUTS",
    "StoreBackend",
    "MemoryStore",
    "OxigraphStore",
    "RemoteStore",
    "Store",
    "BULK_SUFFIXES",
    "iso_duration",
]


def __getattr__(name: str) -> str:
    if name == "STORE_HELP":  # the --store help, from the registry (so plugins are in it)
        return store_help()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: a check run after the shapes, inside a load (see :meth:`StoreBackend.load`)
ExtraCheck = Callable[[], ValidationReport]

#: seconds a remote store may take to accept a connection (requests may then run long)
HTTP_CONNECT_TIMEOUT = 10.0

# Files Oxigraph's bulk loader reads directly (no rdflib parse).
BULK_SUFFIXES = {suffix: f.oxigraph for suffix, f in RDF_SYNTAXES.items() if f.oxigraph}

# (query, update, graph store) endpoints relative to the store URL, as each server's
# documentation lays them out.
LAYOUTS: dict[str, tuple[str, str, str]] = {
    "oxigraph": ("/query", "/update", "/store"),  # oxigraph serve
    "fuseki": ("/query", "/update", "/data"),  # http://host:3030/DATASET
    "graphdb": ("", "/statements", "/rdf-graphs/service"),  # http://host:7200/repositories/REPO
    "virtuoso": ("/sparql", "/sparql", "/sparql-graph-crud"),  # http://host:8890
    "neptune": ("/sparql", "/sparql", "/sparql/gsp/"),  # https://cluster:8182
}
# servers whose default graph is the union of all their graphs (their own system graphs
# too): the data is kept in the named graph DATA_GRAPH there
UNION_DEFAULT_LAYOUTS = frozenset({"virtuoso"})
# the named graphs a query may see on those servers: none (as on a store whose data is
# its default graph); a name no graph has
_NO_NAMED_GRAPH = "urn:dealgraph:no-named-graph"


def is_remote(spec: str) -> bool:
    """True for a store on a SPARQL server."""
    return spec.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a SPARQL server (and the named graph of the data, if not the default)."""

    query: str
    update: str
    store: str
    data_graph: str | None = None


def endpoints(spec: str) -> Endpoints:
    """The endpoints of a remote store spec ``URL[#LAYOUT]``.

    >>> endpoints("http://127.0.0.1:7878").store
    'http://127.0.0.1:7878/store'
    >>> endpoints("http://localhost:3030/ds#fuseki").query
    'http://localhost:3030/ds/query'
    >>> endpoints("http://h:7200/repositories/deals#graphdb").update
    'http://h:7200/repositories/deals/statements'
    >>> endpoints("http://127.0.0.1:8890#virtuoso").data_graph
    'https://w3id.org/dealgraph/id/graph/data'
    >>> endpoints("http://h#sesame")
    Traceback (most recent call last):
    ...
    ValueError: unknown store layout 'sesame': use one of fuseki, graphdb, neptune, oxigraph, virtuoso
    """
    base, _, layout = spec.partition("#")
    layout = layout or "oxigraph"
    if layout not in LAYOUTS:
        raise ValueError(f"unknown store layout {layout!r}: use one of {', '.join(sorted(LAYOUTS))}")
    q, u, s = LAYOUTS[layout]
    base = base.rstrip("/")
    data = str(DATA_GRAPH) if layout in UNION_DEFAULT_LAYOUTS else None
    return Endpoints(base + q, base + u, base + s, data)


class StoreBackend(ABC):
    """What a store backend provides: the contract :func:`open_store` returns.

    Required:

    ``spec``
        the ``--store`` value that opened it.
    ``graph``
        an rdflib :class:`~rdflib.Graph` view of the data (the default graph).
    :meth:`load`
        ``load(triples, files, extra_check) -> ValidationReport``: add ``triples`` (an rdflib
        Graph) and the RDF ``files`` (``.nt``, ``.ttl``, ``.nq``, ``.trig``) if the union
        conforms to the shapes (and ``extra_check()``, when given, conforms too); when it
        does not, or anything fails, the store is as it was. The default rewrites N-Quads and
        TriG files as N-Triples of their one graph (refusing any other named graph before the
        store is touched) and hands the rest to :meth:`_load`, which a backend provides.
    :meth:`query`
        ``query(sparql, init_ns, bindings) -> rdflib Result`` over the data.
    :meth:`run_checked`
        ``run_checked(text, parsed, init_ns, kind) -> rdflib Result``: run a public query
        that the guard judged (``parsed`` is rdflib's parse of ``text``), with no dataset
        clause, exactly as judged.
    :meth:`count`, :meth:`close`
        how many triples it holds; release it, harmlessly twice (the defaults use ``graph``).

    ``read_only`` (a class attribute, default False) says the store only answers queries:
    its :meth:`load` refuses, so callers and the conformance test skip writing to it.
    ``bulk_files`` (default False) says :meth:`load` reads RDF files faster than triples
    built in Python (a bulk loader or an upload), so callers hand it files when they can.

    Optional capabilities are ``None`` here; a backend that has one defines the method, and
    callers test it with ``getattr(store, name, None) is not None``:

    ``native_select(sparql, prefixes) -> (variable names, solutions)``
        a SELECT run by the engine itself, without rdflib terms in between (Oxigraph).
    ``query_connection(timeout) -> connection``
        a connection to the query endpoint opened now, for the sandboxed query worker that
        may open none (remote stores); ``run_checked`` then gets it as ``connection=``.
    """

    spec: str
    graph: Graph
    read_only: ClassVar[bool] = False
    bulk_files: ClassVar[bool] = False
    native_select: Callable[[str, dict[str, str]], tuple[list[str], Iterable]] | None = None
    query_connection: Callable[[float], object] | None = None

    def load(
        self, triples: Graph, files: Iterable[Path] = (), extra_check: ExtraCheck | None = None
    ) -> ValidationReport:
        """Add ``triples`` and ``files`` if the result conforms; else change nothing."""
        with _as_triples(files) as plain:  # named graphs are refused before the store is touched
            return self._load(triples, plain, extra_check)

    @abstractmethod
    def _load(self, triples: Graph, files: list[Path], extra_check: ExtraCheck | None) -> ValidationReport:
        """Add ``triples`` and the N-Triples/Turtle ``files`` if the union conforms (and
        ``extra_check()`` too); else change nothing. Returns the report."""

    @abstractmethod
    def query(self, sparql: str, init_ns: dict, bindings: dict | None = None) -> Result:
        """Run SPARQL (with ``init_ns`` prefixes and ``bindings``) over the data."""

    @abstractmethod
    def run_checked(
        self, text: str, parsed: Any, init_ns: dict, kind: str | None = None, connection: Any = None
    ) -> Result:
        """Run a judged public query (see the class docstring); ``connection`` is what
        :attr:`query_connection` opened, for a store that has one (others ignore it)."""

    def count(self) -> int:
        """How many triples the store holds."""
        return len(self.graph)

    def holds_at_least(self, n: int) -> bool:
        """Whether the store holds ``n`` triples or more (a store that can tells without
        counting them all)."""
        return self.count() >= n

    def close(self) -> None:
        """Release the store (a persistent one is flushed); closing twice is harmless."""
        if not getattr(self, "_closed", False):
            self._closed = True
            self.graph.close()


class MemoryStore(StoreBackend):
    """rdflib's in-memory store: its rdflib view (``graph``), loads validated with pyshacl."""

    spec = "memory"

    def __init__(self) -> None:
        self.graph: Graph = bind_prefixes(Graph())

    def _load(self, triples: Graph, files: list[Path], extra_check: ExtraCheck | None) -> ValidationReport:
        """Validate the union of the data, ``triples`` and ``files`` with pyshacl; keep it
        only when it conforms."""
        candidate = Graph()
        candidate += self.graph
        candidate += triples
        for f in files:
            candidate.parse(str(f), format=_rdflib_format(f))
        report = validate(candidate)
        if report.conforms:
            self.graph = bind_prefixes(candidate)
        return report

    def query(self, sparql: str, init_ns: dict, bindings: dict | None = None) -> Result:
        # parsed under dealgraph's parse lock (pyparsing is not thread-safe on first use)
        return self.graph.query(prepare_query(sparql, init_ns), initBindings=bindings or {})

    def run_checked(
        self, text: str, parsed: Any, init_ns: dict, kind: str | None = None, connection: Any = None
    ) -> Result:
        """Run a public query that a guard judged: ``parsed`` is rdflib's parse of ``text``.

        rdflib evaluates the very tree the guard judged, with its dataset clause removed
        (a FROM graph would be fetched; the guard refuses FROM, this makes sure).
        """
        with PARSE_LOCK:
            query = translateQuery(parsed, initNs=init_ns)
        query.algebra["datasetClause"] = None
        return self.graph.query(query)


Store = MemoryStore  # its former name


class StoreBusy(OSError):
    """The store is held by another process (an ``oxigraph serve``, another dealgraph)."""

    store_message = True  # str() is a sentence for the user


class OxigraphStore(StoreBackend):
    """A persistent Oxigraph store with checkpointed, validated loads (module docstring)."""

    bulk_files = True

    def __init__(self, path: str) -> None:
        try:
            import oxrdflib  # noqa: F401  (registers the "Oxigraph" rdflib store plugin)
        except ImportError:
            raise ValueError(
                "the oxigraph store needs the oxigraph extra: pip install 'dealgraph[oxigraph]'"
            ) from None
        self.spec = f"oxigraph:{path}"
        self.path = Path(path)
        self.checkpoint = self.path.with_name(self.path.name + ".checkpoint")
        self.marker = self.path.with_name(self.path.name + ".loading")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._count: int | None = None  # the triples held, once counted (see count)
        self._added: int | None = None  # the triples the load in progress adds, when known
        #: the subjects of the triples the last load added, when it was a checked batch (None
        #: after a bulk load or a failed one): what the saved edge table updates from
        self.changed_subjects: set[Any] | None = None
        self.recover()
        self._open()

    def _open(self) -> None:
        g = Graph(store="Oxigraph", identifier=DATASET_DEFAULT_GRAPH_ID)
        try:
            g.open(str(self.path))
        except OSError as exc:
            raise self._busy(exc) or exc from None
        self.graph = bind_prefixes(g)

    def _busy(self, exc: OSError) -> StoreBusy | None:
        """``exc`` as :class:`StoreBusy` when it is RocksDB's lock held by someone else."""
        if "lock" not in str(exc).lower():
            return None
        return StoreBusy(
            f"the store {self.path} is in use by another process (an oxigraph "
            "server or another dealgraph): stop it, or give that server's URL "
            "as --store"
        )

    def _check_not_in_use(self) -> None:
        """Raise StoreBusy if another process has the store open (before undoing anything)."""
        import pyoxigraph as ox

        try:
            probe = ox.Store(str(self.path))
        except OSError as exc:
            busy = self._busy(exc)
            if busy is not None:
                raise busy from None
            return  # a damaged store: the checkpoint replaces it anyway
        del probe  # closes it, releasing the lock

    @property
    def inner(self) -> Any:
        """The pyoxigraph Store behind the rdflib view (oxrdflib's store keeps it as ``_inner``)."""
        store: Any = self.graph.store  # an oxrdflib OxigraphStore (an optional dependency)
        return store._inner

    def recover(self, *, ours: bool = False) -> bool:
        """Undo a load that did not finish (the process died); True if one was undone.

        ``ours``: the unfinished load is this object's own (a failed check), so no other
        process can be running it.
        """
        if not (self.marker.exists() or self.checkpoint.exists()):
            return False
        if not ours:  # a load in another process leaves the same files: never undo it
            self._check_not_in_use()
        if self.marker.exists() and self.checkpoint.exists():
            # the load had begun: the checkpoint is the truth
            shutil.rmtree(self.path, ignore_errors=True)
            os.replace(self.checkpoint, self.path)
            self.marker.unlink()
            return True
        if self.marker.exists():  # no checkpoint to go back to (it was removed by hand)
            self.marker.unlink()
            return False
        # died while taking the checkpoint: store untouched
        shutil.rmtree(self.checkpoint, ignore_errors=True)
        return False

    def _load(self, triples: Graph, files: list[Path], extra_check: ExtraCheck | None) -> ValidationReport:
        self.inner.flush()
        try:
            self.inner.backup(str(self.checkpoint))
            _touch_atomically(self.marker)  # from here on, a crash restores the checkpoint
        except BaseException:  # a full disk: the store is untouched; drop a partial checkpoint
            if not self.marker.exists():
                self.marker.with_name(self.marker.name + ".tmp").unlink(missing_ok=True)
                shutil.rmtree(self.checkpoint, ignore_errors=True)
            raise
        try:
            report = self._fill_and_check(triples, files, extra_check)
        except BaseException as exc:
            traceback.clear_frames(exc.__traceback__)  # they hold the store open
            self._restore()
            raise
        if not report.conforms:
            self.changed_subjects = None
            self._restore()
            return report
        self.marker.unlink()  # committed
        shutil.rmtree(self.checkpoint, ignore_errors=True)
        known = self._count is not None and self._added is not None
        self._count = self._count + self._added if known else None  # type: ignore[operator]
        return report

    def _fill_and_check(
        self, triples: Graph, files: Iterable[Path], extra_check: ExtraCheck | None
    ) -> ValidationReport:
        """Add the data and check it. Into a store that holds data, a batch of up to
        ``_SCOPED_MAX_BYTES`` is added in one transaction and checked at its own subjects
        (:func:`validate_focus`); a first load, or a larger one, is bulk-loaded and the
        whole store is checked. Sets ``_added``: the triples gained, when known."""
        store, files = self.inner, list(files)
        self._added = None
        self.changed_subjects = None
        if _holds_data(store) and _batch_bytes(triples, files) <= _SCOPED_MAX_BYTES:
            batch = _parsed(triples, files)
            new = {q for q in batch if q not in store}
            store.extend(new)  # one transaction
            store.flush()
            self._added = len(new)
            self.changed_subjects = {q.subject for q in new}
            report = validate_focus(store, {q.subject for q in batch}, workers=1)
        else:
            self._bulk_load(triples, files)
            report = validate_with_sparql(store.query, workers=min(4, os.cpu_count() or 1))
        if report.conforms and extra_check is not None:
            report = extra_check()
        return report

    def _bulk_load(self, triples: Graph, files: list[Path]) -> None:
        import pyoxigraph as ox

        store = self.inner
        if len(triples):
            store.bulk_load(triples.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        for f in files:
            try:
                store.bulk_load(path=str(f), format=getattr(ox.RdfFormat, BULK_SUFFIXES[f.suffix]))
            except SyntaxError as exc:
                raise _syntax_error(f, exc) from None
        store.flush()

    def query(self, sparql: str, init_ns: dict, bindings: dict | None = None) -> Result:
        # the text goes to Oxigraph (through oxrdflib); rdflib does not parse it
        return self.graph.query(sparql, initNs=init_ns, initBindings=bindings or {})

    def run_checked(
        self, text: str, parsed: Any, init_ns: dict, kind: str | None = None, connection: Any = None
    ) -> Result:
        """Run a judged public query on Oxigraph: the canonical ``text``, on a pinned dataset.

        The default graph and the named graphs are given explicitly, which overrides any
        FROM / FROM NAMED in the text (the guard refuses them; this makes sure).
        """
        import pyoxigraph as ox
        from oxrdflib._converter import from_ox  # oxrdflib's own term conversion

        def term(x: Any) -> Identifier:  # a solution's value: a term, never a triple or None
            return cast(Identifier, from_ox(x))

        store = self.inner
        result = store.query(
            text,
            prefixes={k: str(v) for k, v in init_ns.items()},
            default_graph=ox.DefaultGraph(),
            named_graphs=list(store.named_graphs()),
        )
        if isinstance(result, ox.QueryBoolean):
            out = Result("ASK")
            out.askAnswer = bool(result)
        elif isinstance(result, ox.QuerySolutions):
            out = Result("SELECT")
            out.vars = [Variable(v.value) for v in result.variables]
            out.bindings = (
                {v: term(x) for v, x in zip(out.vars, row, strict=True) if x is not None} for row in result
            )
        else:
            out = Result("CONSTRUCT")
            out.graph = Graph()
            out.graph += (cast(tuple[Identifier, Identifier, Identifier], from_ox(t)) for t in result)
        return out

    def count(self) -> int:
        # pyoxigraph counts in Rust (through rdflib it would be a SPARQL COUNT, x20 slower), but
        # by reading every triple (0.45 s at 100k deals): counted once, then kept by each load
        if self._count is None:
            self._count = len(self.inner)
        return self._count

    def holds_at_least(self, n: int) -> bool:
        # the first n quads, not all of them (counting 13M triples takes 2.5 s)
        if self._count is not None:
            return self._count >= n
        # (counted in Rust, as len() does, over every graph as len() does, stopping at n)
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ ?s ?p ?o }} LIMIT {n} }}"
        solutions = cast(Any, self.inner.query(text, use_default_graph_as_union=True))
        return int(next(iter(solutions))["n"].value) >= n

    def native_select(self, sparql: str, prefixes: dict[str, str]) -> tuple[list[str], Iterable]:
        """Run a SELECT on pyoxigraph itself: (variable names, solutions)."""
        solutions = self.inner.query(sparql, prefixes=prefixes)
        return [v.value for v in solutions.variables], solutions

    def _restore(self) -> None:
        self.graph.close()
        gc.collect()  # the last reference to the pyoxigraph store releases its lock
        self.recover(ours=True)
        self._open()


class _SPARQLView(SPARQLStore):
    """rdflib's read-only SPARQL store, sending its queries through a callable.

    rdflib turns triple patterns, counts and queries on the :class:`~rdflib.Graph` view into
    SPARQL (with the prefixes and bindings written in); ``send`` takes the text to the server
    (the remote store's httpx client), so rdflib's own HTTP client (urllib) is never used.
    """

    def __init__(self, endpoint: str, send: Callable[[str], Result]) -> None:
        super().__init__(query_endpoint=endpoint)
        self._send = send

    def _query(self, *args: Any, **kwargs: Any) -> Result:
        # (query, default_graph=...): the view is the default graph, so rdflib names none
        self._queries += 1
        return self._send(args[0] if args else kwargs["query"])


class RemoteStore(StoreBackend):
    """A SPARQL 1.1 Protocol + Graph Store Protocol server (module docstring).

    Every request goes through httpx: a store's one :attr:`http` client (kept-alive
    connections, a connect timeout), or, for the sandboxed query worker, the client that
    :meth:`query_connection` hands over with its connection already open. Results are
    parsed by rdflib's result parsers, chosen by the answer's media type.
    """

    bulk_files = True

    def __init__(self, spec: str, urls: Endpoints | None = None) -> None:
        self.spec = spec
        self.endpoints = urls or endpoints(spec)
        self._http: httpx.Client | None = None  # made on first use
        view = _SPARQLView(self.endpoints.query, lambda text: self._send_query(self.http, text))
        self.graph = bind_prefixes(Graph(store=view, identifier=DATASET_DEFAULT_GRAPH_ID))

    def query(self, sparql: str, init_ns: dict, bindings: dict | None = None) -> Result:
        # rdflib's SPARQLStore writes in the prefixes, and the bindings as VALUES; "__UNION__":
        # the server's default graph, not a named one
        return self.graph.store.query(sparql, init_ns, bindings or {}, "__UNION__")

    def query_connection(self, timeout: float) -> httpx.Client:
        """An httpx client holding a connection to the query endpoint, opened now.

        The public endpoint takes it before forking a query worker; the worker, which may
        open no connection itself (``dealgraph.api.sandbox``), sends its query through it:
        httpx reuses the idle connection in the client's pool. httpx opens a connection
        only to send a request, so one small query (``ASK {}``) is sent here to open it. A
        server that closes the connection after answering leaves none: an OSError says so.
        """
        client = _http_client(timeout)
        try:
            body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
            resp = _request(client, self.endpoints.query, body, "application/x-www-form-urlencoded")
            if resp.headers.get("connection", "").lower() == "close" or resp.http_version == "HTTP/1.0":
                raise OSError(f"{self.endpoints.query} closes its connections after each answer")
        except BaseException:
            client.close()
            raise
        return client

    def run_checked(
        self,
        text: str,
        parsed: Any,
        init_ns: dict,
        kind: str | None = None,
        connection: httpx.Client | None = None,
    ) -> Result:
        """Send a judged public query's canonical ``text`` to the server.

        Through ``connection`` (see :meth:`query_connection`) when given, else :attr:`http`.
        The prefixes go first, one per line; the judged text follows unchanged.
        """
        body = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in init_ns.items()) + text
        return self._send_query(connection or self.http, body)

    def _dataset(self, *graphs: str) -> list[tuple[str, str]]:
        """The protocol's dataset parameters of a query: where the data is a named graph,
        it (and ``graphs``) as the default graph and no named graph; else none."""
        data = self.endpoints.data_graph
        if data is None:
            return []
        return [("default-graph-uri", g) for g in (data, *graphs)] + [("named-graph-uri", _NO_NAMED_GRAPH)]

    def _send_query(self, client: httpx.Client, text: str, graphs: tuple[str, ...] = ()) -> Result:
        """POST ``text`` to the query endpoint (on the data, and ``graphs``, where the data is a
        named graph); the answer parsed by rdflib's result parsers, durations in ISO 8601."""
        body = urllib.parse.urlencode([("query", text), *self._dataset(*graphs)]).encode()
        resp = _request(
            client, self.endpoints.query, body, "application/x-www-form-urlencoded", _QUERY_ACCEPT
        )
        if resp.status_code >= 300:
            why = " ".join(resp.text.split())[:300]
            raise ValueError(f"the store answered {resp.status_code}: {why}")
        if "x-sparql-maxrows" in resp.headers:  # Virtuoso: the answer reached its row limit
            raise ValueError(
                f"the store cut the answer at {resp.headers['x-sparql-maxrows']} rows: raise the "
                "server's limit (Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)"
            )
        media = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        return Result.parse(io.BytesIO(_iso_durations(resp.content, media)), content_type=media)

    def _rows(self, sparql: str, graphs: tuple[str, ...] = ()) -> list[tuple]:
        return [tuple(r) for r in self._send_query(self.http, sparql, graphs) if isinstance(r, ResultRow)]

    @property
    def http(self) -> httpx.Client:
        """The store's one ``httpx.Client`` (connections kept alive and reused)."""
        if self._http is None:
            self._http = _http_client(3600.0)  # a bulk load or an ADD may take long
        return self._http

    def _post(self, url: str, body: bytes, content_type: str) -> None:
        """POST ``body``; an answer of 300 or more raises ``urllib.error.HTTPError`` (with the
        status as ``code`` and the body readable), a failed connection ``URLError`` (both
        OSErrors, from :func:`_request`): the load and the command line tell them apart by
        those types."""
        resp = _request(self.http, url, body, content_type)
        if resp.status_code >= 300:
            headers = Message()
            for name, value in resp.headers.multi_items():
                headers[name] = value
            raise urllib.error.HTTPError(
                url, resp.status_code, resp.reason_phrase, headers, io.BytesIO(resp.content)
            )

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        super().close()

    def update(self, sparql: str) -> None:
        """Send a SPARQL Update to the server."""
        self._post(
            self.endpoints.update,
            urllib.parse.urlencode({"update": sparql}).encode(),
            "application/x-www-form-urlencoded",
        )

    def _load(
        self, triples: Graph, files: list[Path], extra_check: Callable[[], ValidationReport] | None
    ) -> ValidationReport:
        staging = f"urn:dealgraph:staging:{uuid.uuid4()}"
        target = self.endpoints.store + "?" + urllib.parse.urlencode({"graph": staging})
        data = self.endpoints.data_graph
        try:
            if len(triples):
                self._post(target, triples.serialize(format="nt").encode("utf-8"), "application/n-triples")
            for f in files:
                self._post_file(target, f)
            if data is None:  # the checks read the default graph and the staging graph
                report = validate_with_sparql(self._rows, staging_graph=staging, workers=4)
            else:  # the checks' dataset is the data graph and the staging graph, merged
                report = validate_with_sparql(
                    lambda q: self._rows(_values_in_select(q), (staging,)), workers=4
                )
            if report.conforms:
                # one update request: one transaction on the server
                into = "DEFAULT" if data is None else f"<{data}>"
                self.update(f"ADD <{staging}> TO {into} ; DROP SILENT GRAPH <{staging}>")
                return report
        except BaseException:
            self.update(f"DROP SILENT GRAPH <{staging}>")
            raise
        self.update(f"DROP SILENT GRAPH <{staging}>")
        return report

    def _post_file(self, target: str, f: Path) -> None:
        """POST the RDF file ``f``; a refusal (400; Virtuoso answers 500 with its message in
        an HTML page) is a DataError naming the line."""
        with open(f, "rb") as fh:
            try:
                self._post(target, fh.read(), RDF_SYNTAXES[f.suffix].media_type)
            except urllib.error.HTTPError as exc:
                if exc.code != 400 and not (exc.code == 500 and self.endpoints.data_graph):
                    raise
                why = exc.read().decode("utf-8", "replace").strip()
                why = " ".join(why.split("<xmp>")[-1].split("</xmp>")[0].split())
                m = re.search(r"\bline (\d+)", why)
                line = _line_of_original(f, int(m.group(1))) if m else None
                raise DataError([Problem(_original(f), line, None, f"the store refused it: {why}")]) from None


_XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"
# a duration in N-Triples (or Turtle with full IRIs) whose lexical form is a bare number
_NUMBER_DURATION = re.compile(rb'"(-?[0-9]+(?:\.[0-9]*)?)"\^\^<' + re.escape(_XSD_DURATION.encode()) + rb">")


def iso_duration(lexical: str) -> str:
    """An ``xsd:duration``'s lexical form in ISO 8601, also from Virtuoso's stored form.

    Virtuoso 7 keeps a duration as one number, whole months (``P5Y`` is ``60``) or seconds
    (``P1D`` is ``86400.0``), and answers with it: that number is written back as ISO 8601
    (the same value; ``P18M`` comes back as ``P1Y6M``). Any other text passes unchanged.

    >>> iso_duration("60"), iso_duration("18"), iso_duration("86400.0"), iso_duration("P7Y")
    ('P5Y', 'P1Y6M', 'P1D', 'P7Y')
    >>> iso_duration("-12"), iso_duration("5430.5"), iso_duration("0.0")
    ('-P1Y', 'PT1H30M30.5S', 'PT0S')
    """
    m = re.fullmatch(r"(-?)([0-9]+)(\.[0-9]*)?", lexical.strip())
    if m is None:
        return lexical
    sign, whole, fraction = m.groups()
    if fraction is None:  # whole months
        years, months = divmod(int(whole), 12)
        return f"{sign}P" + (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
    days, rest = divmod(Decimal(whole + fraction), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    time = "".join(f"{n.normalize():f}{u}" for n, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    if not (days or time):
        time = "0S"
    return f"{sign}P" + (f"{days:f}D" if days else "") + (f"T{time}" if time else "")


def _values_in_select(sparql: str) -> str:
    """``sparql`` with each ``MINUS { VALUES ... }`` written ``MINUS { SELECT * { VALUES ... } }``
    (the same query; Virtuoso 7.2's compiler fails on the first with "side effect var passed").

    >>> _values_in_select("SELECT ?v { ?s ?p ?v MINUS { VALUES ?v { 1 2 } } }")
    'SELECT ?v { ?s ?p ?v MINUS { SELECT * { VALUES ?v { 1 2 } } } }'
    """
    return re.sub(r"MINUS \{ (VALUES \?\w+ \{[^{}]*\}) \}", r"MINUS { SELECT * { \1 } }", sparql)


def _iso_durations(content: bytes, media: str) -> bytes:
    """A query's answer with every ``xsd:duration`` written in ISO 8601 (:func:`iso_duration`):
    rdflib reads them then, instead of logging a traceback for each bare number."""
    if _XSD_DURATION.encode() not in content:
        return content
    if media != "application/sparql-results+json":  # RDF: N-Triples (asked for first), Turtle
        return _NUMBER_DURATION.sub(
            lambda m: b'"' + iso_duration(m.group(1).decode()).encode() + m.group(0)[len(m.group(1)) + 1 :],
            content,
        )
    answer = json.loads(content)
    for row in answer.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("datatype") == _XSD_DURATION:
                term["value"] = iso_duration(term["value"])
    return json.dumps(answer).encode()


# what a query asks for: SPARQL results (SELECT, ASK) or RDF (CONSTRUCT, DESCRIBE)
_QUERY_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"


# the TLS settings of every client (made once: loading the CA certificates takes ~0.1 s, and
# the public endpoint makes a client per query)
_tls_context = functools.cache(httpx.create_ssl_context)


def _http_client(timeout: float) -> httpx.Client:
    """An httpx client: connecting is quick or hopeless; a request may take ``timeout``."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=HTTP_CONNECT_TIMEOUT),
        follow_redirects=False,
        verify=_tls_context(),
    )


def _request(
    client: httpx.Client, url: str, body: bytes, content_type: str, accept: str | None = None
) -> httpx.Response:
    """POST ``body`` to ``url``; a failed connection raises ``urllib.error.URLError`` (an
    OSError, as the callers expect of an unreachable server)."""
    headers = {"Content-Type": content_type, **({"Accept": accept} if accept else {})}
    try:
        return client.post(url, content=body, headers=headers)
    except httpx.TransportError as exc:
        raise urllib.error.URLError(str(exc) or type(exc).__name__) from None


def _rdflib_format(path: Path) -> str:
    return RDF_SYNTAXES[path.suffix].rdflib


# -- named graphs -------------------------------------------------------------------------
# The store holds one graph: the shapes are checked there. Quads in the default graph load;
# so do those in DATA_GRAPH, where ``dealgraph export trig`` puts the data. Any other named
# graph is refused (a deal hidden in one would skip the checks), naming file, line and graph.

_QUAD_SUFFIXES = {".nq", ".trig"}
_ORIGINAL: dict[str, str] = {}  # converted file -> the user's file, for messages


def _original(f: Path) -> str:
    return _ORIGINAL.get(str(f), str(f))


def _line_of_original(f: Path, line: int | None) -> int | None:
    """``line`` of ``f``, or for a rewritten quads file the line of the user's file that
    names the subject of that triple."""
    if line is None or str(f) not in _ORIGINAL:
        return line
    with open(f, encoding="utf-8", errors="replace") as fh:
        text = next((x for n, x in enumerate(fh, 1) if n == line), "")
    m = re.match(r"\s*<([^>]*)>", text)
    return _first_line_naming(Path(_ORIGINAL[str(f)]), m.group(1)) if m else None


@contextlib.contextmanager
def _as_triples(files: Iterable[Path]):
    """``files`` with every N-Quads/TriG file rewritten as N-Triples of its one graph."""
    files = [Path(f) for f in files]
    if not any(f.suffix in _QUAD_SUFFIXES for f in files):
        yield files
        return
    with tempfile.TemporaryDirectory(prefix="dealgraph-quads-") as tmp:
        out = []
        for i, f in enumerate(files):
            if f.suffix in _QUAD_SUFFIXES:
                nt = Path(tmp) / f"{i}.nt"
                _write_default_graph(f, nt)
                _ORIGINAL[str(nt)] = str(f)
                f = nt
            out.append(f)
        try:
            yield out
        finally:
            for f in out:
                _ORIGINAL.pop(str(f), None)


def _write_default_graph(f: Path, out: Path) -> None:
    """Write the triples of the quads file ``f`` that are in the default graph or in
    ``DATA_GRAPH`` to ``out`` (N-Triples); DataError, naming the line, for any other graph."""
    try:
        refused = _default_graph_by_oxigraph(f, out)
    except ImportError:  # a remote store without the oxigraph extra: rdflib reads it
        refused = _default_graph_by_rdflib(f, out)
    if refused is None:
        return
    why = (
        f"named graph <{refused}> is not loaded: the store holds one graph; put the triples in "
        f"the default graph (or in <{DATA_GRAPH}>, as dealgraph export trig does)"
        if refused != f"{DATA_GRAPH[:-4]}ontology"
        else f"named graph <{refused}> holds the ontology, which is not data: export without --with-ontology"
    )
    raise DataError([Problem(str(f), _first_line_naming(f, refused), "graph", why)])


def _default_graph_by_oxigraph(f: Path, out: Path) -> str | None:
    """:func:`_write_default_graph` by Oxigraph's streaming parser: the first other graph's
    name (``_:b`` for a blank node), or None."""
    import pyoxigraph as ox

    fmt = ox.RdfFormat.N_QUADS if f.suffix == ".nq" else ox.RdfFormat.TRIG
    refused: list[str] = []

    def triples() -> Iterator[Any]:
        for q in ox.parse(path=str(f), format=fmt):
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph) or (isinstance(g, ox.NamedNode) and g.value == str(DATA_GRAPH)):
                yield q.triple
            else:
                refused.append(g.value if isinstance(g, ox.NamedNode) else f"_:{g.value}")
                return

    try:
        with open(out, "wb") as fh:
            ox.serialize(triples(), fh, ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise DataError([Problem(str(f), exc.lineno, None, str(exc.msg))]) from None
    return refused[0] if refused else None


def _default_graph_by_rdflib(f: Path, out: Path) -> str | None:
    """:func:`_write_default_graph` by rdflib (the whole file in memory)."""
    ds = Dataset()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ds.parse(str(f), format=_rdflib_format(f))
    except Exception as exc:  # rdflib's parsers raise many types
        line = getattr(exc, "lines", None)
        where = line + 1 if isinstance(line, int) else None
        raise DataError([Problem(str(f), where, None, " ".join(str(exc).split()))]) from None
    plain = Graph()
    for g in ds.graphs():
        if g.identifier in (DATASET_DEFAULT_GRAPH_ID, DATA_GRAPH):
            plain += g
        elif len(g):
            return g.identifier.n3().strip("<>")
    plain.serialize(str(out), format="nt", encoding="utf-8")
    return None


def _uchar(iri: str, hexes: str) -> str:
    """``iri`` with its characters outside printable ASCII written as \\uXXXX escapes."""
    return re.sub(r"[^\x21-\x7e]", lambda m: "\\u" + hexes.format(ord(m.group())), iri)


def _first_line_naming(f: Path, iri: str) -> int | None:
    """The first line of ``f`` naming ``iri`` in full or as a prefixed name (a streaming scan)."""
    forms = [
        f"<{iri}>",
        iri if iri.startswith("_:") else None,
        *(f"<{_uchar(iri, hexes)}>" for hexes in ("{:04X}", "{:04x}")),
    ]
    with open(f, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            m = re.match(r"\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", line, re.I)
            if m and iri.startswith(m.group(2)) and len(iri) > len(m.group(2)):
                local = iri[len(m.group(2)) :]
                escaped = re.sub(r"([~.!$&'()*+,;=/?#@%-])", r"\\\1", local)  # graph\/data
                forms += [f"{m.group(1)}:{local}", f"{m.group(1)}:{escaped}"]
            if any(form and form in line for form in forms):
                return n
    # an IRI broken across lines or by control characters: its longest plain stretches
    parts = sorted(set(re.split(r"[^\x21-\x7e]|[\\/<>]", iri)), key=len, reverse=True)
    for part in [p for p in parts if len(p) >= 4][:3]:
        with open(f, encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                if part in line:
                    return n
    return None


# A batch up to this size (its files, plus ~100 bytes per triple given) is parsed into
# Python, added in one transaction and checked at its own nodes; a larger one is bulk-loaded.
_SCOPED_MAX_BYTES = 64 * 2**20  # about 35,000 deals of N-Triples


def _batch_bytes(triples: Graph, files: list[Path]) -> int:
    return 100 * len(triples) + sum(f.stat().st_size for f in files)


def _holds_data(store: Any) -> bool:
    """Whether the pyoxigraph ``store`` holds any triple (len() would read them all)."""
    return next(iter(store.quads_for_pattern(None, None, None)), None) is not None


def _syntax_error(f: Path, exc: SyntaxError) -> DataError:
    """Oxigraph's parse error in ``f`` as a DataError naming the user's file and line."""
    return DataError([Problem(_original(f), _line_of_original(f, exc.lineno), None, str(exc.msg))])


def _parsed(triples: Graph, files: list[Path]) -> list[Any]:
    """``triples`` and the N-Triples/Turtle ``files`` as pyoxigraph quads (default graph),
    parsed once: the quads that are added are the ones whose subjects are checked (a Turtle
    ``[]`` gets a new blank node at each parse)."""
    import pyoxigraph as ox

    out: list[Any] = []
    if len(triples):
        out += ox.parse(triples.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    for f in files:
        try:
            out += ox.parse(path=str(f), format=getattr(ox.RdfFormat, BULK_SUFFIXES[f.suffix]))
        except SyntaxError as exc:
            raise _syntax_error(f, exc) from None
    return out


def _touch_atomically(path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as fh:
        fh.write("a dealgraph load is in progress; its checkpoint restores the store\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def open_store(spec: str = "memory") -> StoreBackend:
    """The store ``spec`` names: the registered plugin of its scheme opens it.

    >>> open_store("ftp://x")
    Traceback (most recent call last):
    ...
    ValueError: unknown store 'ftp://x': use memory, oxigraph:PATH...
    """
    return store_plugin(spec).factory(spec)


def _open_oxigraph(spec: str) -> OxigraphStore:
    path = spec.removeprefix("oxigraph").removeprefix(":")
    if not path:
        raise ValueError("oxigraph store needs a path: oxigraph:PATH")
    return OxigraphStore(path)


def _open_memory(spec: str) -> MemoryStore:
    return MemoryStore()


# the built-in stores: the registry takes PLUGINS
MEMORY = StorePlugin("memory", _open_memory, help="default")
OXIGRAPH = StorePlugin("oxigraph", _open_oxigraph, usage="oxigraph:PATH", help="persistent, on disk")
REMOTE = StorePlugin(
    "http",
    RemoteStore,
    usage="http://HOST:PORT[/PATH][#LAYOUT]",
    help="a SPARQL server; LAYOUT is " + ", ".join(list(LAYOUTS)[:-1]) + f" or {list(LAYOUTS)[-1]}",
    aliases=("https",),
)
PLUGINS = (MEMORY, OXIGRAPH, REMOTE)
