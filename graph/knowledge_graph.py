"""The KnowledgeGraph: an RDF store (the source of truth) and its NetworkX projection.

>>> from dealgraph import open_graph
>>> kg = open_graph()
>>> kg.entity("aws")["group"]
'amazon'
>>> g = kg.nx()
>>> g.has_edge("openai", "aws")
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx
from networkx import MultiDiGraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result, ResultRow

from ..ontology import ontology_graph
from ..ontology.errors import DataError, Problem
from ..ontology.namespace import DG, ID, bind_prefixes, local_id, relationship_iri
from ..ontology.vocab import token_of
from .cards import (
    OBSERVATION_QUERY,
    RELATIONSHIP_EVIDENCE_QUERY,
    TEXTS_QUERY,
    UnknownEntityError,
    entity_card,
)
from .edge_table import note_load
from .export_rdf import serialize
from .parsing import prepare_query
from .projection import entity_rows, project, select_in, term
from .scope import ALL_DEALS_QUERY, Direction, entity_terms, project_paths, project_scope
from .stores import iso_duration, open_store

if TYPE_CHECKING:  # pragma: no cover
    from .results import EntityCard

__all__ = ["KnowledgeGraph", "Scope", "SPARQL_PREFIXES"]

SPARQL_PREFIXES = """PREFIX dg: <https://w3id.org/dealgraph/ontology#>
PREFIX ent: <https://w3id.org/dealgraph/id/entity/>
PREFIX deal: <https://w3id.org/dealgraph/id/deal/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
"""


#: Fewer triples than this and the whole projection answers questions about one entity:
#: it is built in well under a second, then shared by every question.
SMALL = 50_000

#: How many scoped views (and how many answers of each kind) a graph keeps: a server asked
#: about the same entities again answers from them (KnowledgeGraph.scoped, KnowledgeGraph.kept).
KEPT = 64
_KEPT_LOCK = threading.Lock()
T = TypeVar("T")


class KnowledgeGraph:
    """RDF data (entities, deals, observations, relationships, evidence) plus derived views.

    The RDF graph (``kg.rdf``) holds the data only; the ontology is kept apart
    (``kg.ontology``) and joined for validation and for queries that need it
    (:meth:`query` with ``with_ontology=True``).

    Loading is atomic: :meth:`load` validates the union of the current data and the new
    triples with SHACL first and changes nothing when validation fails.
    """

    def __init__(self, store: str = "memory") -> None:
        self.store = store
        self._store = open_store(store)
        self.ontology: Graph = ontology_graph()
        self._memo: dict[str, Any] = {}

    @property
    def rdf(self) -> Graph:
        """The data as an rdflib Graph (a view of the store)."""
        return self._store.graph

    # -- loading --------------------------------------------------------------------------

    def load(
        self,
        data: Any = None,
        origins: Mapping[str, tuple[str, int | None]] | None = None,
        files: Sequence[str | Path] = (),
    ) -> int:
        """Validate and add triples; return how many triples the store gained.

        ``data`` is an rdflib Graph or a loader result with ``.graph`` and ``.origins``;
        ``files`` are RDF files (``.nt``, ``.ttl``, ``.nq``, ``.trig``) that persistent and
        remote stores bulk-load without parsing them in Python. Raises
        :class:`~dealgraph.ontology.errors.DataError` (store unchanged) when the union
        would violate the SHACL shapes; each problem names the file and line the offending
        node came from, where known.
        """
        graph = getattr(data, "graph", data) if data is not None else Graph()
        origins = origins if origins is not None else getattr(data, "origins", {}) or {}
        paths = [Path(f) for f in files]
        before = self._store.count()
        report = self._store.load(graph, paths)
        if not report.conforms:
            problems = []
            for v in report.violations:
                file, line = origins.get(v.focus, (None, None))
                if file is None:
                    file, line = self._origin_of_part(v.focus, origins)
                if file is None:
                    file, line = _find_in_files(v.focus, paths)
                field = local_id(v.path).split("#")[-1] if v.path else None
                what = f"{_short(v.focus)}: {v.message}"
                if v.value and v.value != v.focus:
                    what += f" (value: {_short(v.value)})"
                problems.append(Problem(file, line, field, what))
            raise DataError(problems)
        self._memo.clear()
        changed = getattr(self._store, "changed_subjects", None)
        if changed:  # a checked batch: the edge table saved beside the store learns its rows
            note_load(self, changed, before)
        return self._store.count() - before

    def close(self) -> None:
        """Close the store (flushes a persistent store)."""
        self._store.close()

    @staticmethod
    def _origin_of_part(focus: str, origins: Mapping[str, tuple[str, int | None]]):
        # amounts and capacities live under their deal's IRI
        for iri, where in origins.items():
            if focus.startswith(iri + "/"):
                return where
        return None, None

    # -- queries --------------------------------------------------------------------------

    def query(self, sparql: str, *, with_ontology: bool = False, **kwargs: Any) -> Result:
        """Run SPARQL over the data (optionally joined with the ontology).

        Common prefixes (dg:, ent:, deal:, rdfs:, xsd:, ...) are predeclared.
        """
        if not with_ontology:
            return self._store.query(sparql, _INIT_NS, kwargs.get("initBindings"))
        graph = self.rdf
        if with_ontology:
            graph = Graph()
            graph += self.rdf
            graph += self.ontology
            bind_prefixes(graph)
        return graph.query(prepare_query(sparql, _INIT_NS), **kwargs)

    def run_checked(self, text: str, parsed: Any, kind: str | None = None, connection: Any = None) -> Result:
        """Run a query a guard has judged (``parsed`` is rdflib's parse of ``text``).

        The in-memory store evaluates ``parsed`` itself; Oxigraph and remote stores run
        ``text`` (a remote one over ``connection``, from :meth:`query_connection`). Used by
        the public SPARQL endpoint (see ``dealgraph.api.sparql_guard``).
        """
        return self._store.run_checked(text, parsed, _INIT_NS, kind, connection=connection)

    @property
    def bulk_files(self) -> bool:
        """Whether the store loads RDF files faster than triples (see StoreBackend)."""
        return self._store.bulk_files

    def query_connection(self, timeout: float) -> Any:
        """For a remote store, an open connection to its query endpoint; else None."""
        opener = getattr(self._store, "query_connection", None)
        return opener(timeout) if opener is not None else None

    def rows(self, sparql: str, **kwargs: Any) -> list[dict[str, Any]]:
        """SELECT results as dicts of Python values (IRIs of dealgraph ids as local ids)."""
        native = getattr(self._store, "native_select", None)
        if native is not None and not kwargs:
            # straight from pyoxigraph: no rdflib term objects in between
            names, solutions = native(sparql, _PREFIXES)
            return [{n: _py_ox(row[n]) for n in names} for row in solutions]
        result = self.query(sparql, **kwargs)
        names = [str(v) for v in result.vars or []]
        return [{n: _py(row[n]) for n in names} for row in result if isinstance(row, ResultRow)]

    def entity_ids(self) -> set[str]:
        """The ids of the entities in the store (resources under ``entity/`` with a label).

        >>> "aws" in KnowledgeGraph().entity_ids()
        False
        """
        query = (
            f"SELECT DISTINCT ?s WHERE {{ ?s rdfs:label ?label FILTER(STRSTARTS(STR(?s), '{ID}entity/')) }}"
        )
        return {row["s"] for row in self.rows(query)}

    def require_entity(self, *entity_ids: str) -> None:
        """Raise :class:`~dealgraph.graph.cards.UnknownEntityError` for the first id not in the graph.

        The one unknown-entity check: the error names the id and suggests close matches.

        >>> from dealgraph import open_graph
        >>> open_graph().require_entity("openai", "amazn")
        Traceback (most recent call last):
        ...
        dealgraph.graph.cards.UnknownEntityError: unknown entity 'amazn' (did you mean 'amazon'?)
        """
        g = self.nx()
        for entity_id in entity_ids:
            if entity_id not in g:
                raise UnknownEntityError(entity_id, sorted(g.nodes))

    def nx(self) -> nx.MultiDiGraph:
        """The NetworkX projection (built from the RDF with SPARQL, cached until next load)."""
        return self.memo("nx", lambda: project(self))

    def scoped(
        self,
        entity_ids: Iterable[str],
        hops: int = 0,
        direction: Direction = "both",
        rivals: bool = False,
        structure_links: bool = False,
        whole_if_small: bool = True,
    ) -> KnowledgeGraph:
        """A view of ``entity_ids``' neighbourhood that the analytics take in place of this graph.

        See :func:`dealgraph.graph.scope.project_scope` for what it holds; answers about
        those entities are the same as on the whole graph, at the neighbourhood's cost.
        With ``whole_if_small`` a graph whose projection is built already, or that holds
        fewer than :data:`SMALL` triples, answers itself (the same answers, no queries).

        >>> from dealgraph import open_graph
        >>> kg = open_graph()
        >>> kg.scoped(["aws"]) is kg
        True
        >>> kg.scoped(["aws"], whole_if_small=False).entity("aws") == kg.entity("aws")
        True
        """
        if whole_if_small and self._whole_is_cheap():
            return self
        ids = sorted(set(entity_ids))
        key = ("entities", tuple(ids), hops, direction, rivals, structure_links)
        return self._view(key, lambda: project_scope(self, ids, hops, direction, rivals, structure_links))

    def scoped_paths(
        self, a: str, b: str, max_length: int, any_edge: bool, whole_if_small: bool = True
    ) -> KnowledgeGraph:
        """A view holding every path of at most ``max_length`` edges from ``a`` to ``b``
        (:func:`dealgraph.graph.scope.project_paths`), or this graph as :meth:`scoped`."""
        if whole_if_small and self._whole_is_cheap():
            return self
        return self._view(
            ("paths", a, b, max_length, any_edge), lambda: project_paths(self, a, b, max_length, any_edge)
        )

    def scoped_deals(self, deal_ids: Iterable[str], whole_if_small: bool = True) -> KnowledgeGraph:
        """A view holding ``deal_ids`` with their tranches and totals (for deal cards), or
        this graph as :meth:`scoped`."""
        if whole_if_small and self._whole_is_cheap():
            return self
        ids = tuple(sorted(set(deal_ids)))
        return self._view(("deals", ids), lambda: project_scope(self, [], deals=ids))

    def _view(self, key: tuple, build: Callable[[], MultiDiGraph]) -> Scope:
        """The view ``key`` (the :data:`KEPT` last asked are kept until the next load)."""
        return self.kept("view", key, lambda: Scope(self, build()))

    def kept(self, kind: str, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept with the :data:`KEPT` last values of ``kind`` until the next load.

        Threads asking for the same key wait for one computation (a burst of first requests
        computes it once); different keys compute side by side.

        >>> from dealgraph import open_graph
        >>> kg = open_graph()
        >>> kg.kept("answer", ("trace", "aws"), lambda: 1), kg.kept("answer", ("trace", "aws"), lambda: 2)
        (1, 1)
        """
        values: OrderedDict[Hashable, Any] = self.memo(f"kept {kind}", OrderedDict)
        with _KEPT_LOCK:
            lock = self.memo(f"locks {kind}", dict).setdefault(key, threading.Lock())
        with lock:
            with _KEPT_LOCK:
                if key in values:
                    values.move_to_end(key)
                    return values[key]
            value = compute()
            with _KEPT_LOCK:
                values[key] = value
                while len(values) > KEPT:
                    values.popitem(last=False)
        return value

    def _whole_is_cheap(self) -> bool:
        """Whether the whole projection is built already or the store is small."""
        return self.memo_peek("nx") is not None or self.is_small()

    def is_small(self) -> bool:
        """Whether the store holds fewer than :data:`SMALL` triples (counted once per load):
        then the whole projection is built in well under a second.

        >>> from dealgraph import open_graph
        >>> open_graph().is_small()
        True
        """
        return bool(self.memo("small", lambda: not self._store.holds_at_least(SMALL)))

    def is_empty(self) -> bool:
        """Whether the store holds no triple (told without counting a large store's triples).

        >>> KnowledgeGraph().is_empty()
        True
        """
        return not self._store.holds_at_least(1)

    def deal_ids(self) -> list[str]:
        """Every deal id (the keys of the money edges)."""
        return sorted(k for _u, _v, k, d in self.nx().edges(keys=True, data=True) if d.get("edge") == "money")

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value derived from the data, computed once and forgotten at the next load."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def memo_peek(self, key: str) -> Any:
        """The memoized value for ``key``, or None when it has not been computed."""
        return self._memo.get(key)

    def entity(self, entity_id: str) -> EntityCard:
        """The entity card (see :func:`dealgraph.graph.cards.entity_card`)."""
        return entity_card(self, entity_id)

    def serialize(self, fmt: str, *, with_ontology: bool = False) -> str:
        """Serialize the data as ``turtle``, ``nt``/``ntriples``, ``json-ld``/``jsonld`` or ``trig``."""
        return serialize(self, fmt, with_ontology=with_ontology)

    def __len__(self) -> int:
        return self._store.count()


class Scope(KnowledgeGraph):
    """A neighbourhood of a :class:`KnowledgeGraph` that the analytics take in its place
    (see :mod:`dealgraph.graph.scope` and :meth:`KnowledgeGraph.scoped`).

    :meth:`nx` is the neighbourhood's projection; :meth:`rows` runs the per-entity lookups
    of the entity cards (aliases, relationship evidence, observations) for the entities and
    relationships it holds only, any other query on the whole store. It shares the store
    of the graph it was cut from and never loads.
    """

    def __init__(self, kg: KnowledgeGraph, graph: nx.MultiDiGraph):  # noqa: D107
        self.store = kg.store
        self._store = kg._store
        self.ontology = kg.ontology
        self._memo = {"nx": graph}
        self.whole = kg
        nodes = entity_terms(graph.nodes)
        rels = {d["relationship"] for _u, _v, d in graph.edges(data=True) if d.get("relationship")}
        self._restricted = {
            TEXTS_QUERY: ("?e", nodes),
            OBSERVATION_QUERY: ("?subject", nodes),
            RELATIONSHIP_EVIDENCE_QUERY: ("?r", [term(str(relationship_iri(r))) for r in rels]),
        }

    def load(self, *args: Any, **kwargs: Any) -> int:
        raise TypeError("a scoped view does not load: load the KnowledgeGraph it was cut from")

    def rows(self, sparql: str, **kwargs: Any) -> list[dict[str, Any]]:
        """SELECT results as dicts; the card lookups restricted to the neighbourhood."""
        if sparql in self._restricted and not kwargs:
            var, values = self._restricted[sparql]
            return select_in(self.whole, sparql, var, values)
        return self.whole.rows(sparql, **kwargs)

    def require_entity(self, *entity_ids: str) -> None:
        """Raise :class:`~dealgraph.graph.cards.UnknownEntityError` for the first id the store lacks."""
        for entity_id in entity_ids:
            if entity_id not in self.nx():
                raise UnknownEntityError(entity_id, sorted({row["e"] for row in entity_rows(self, None)}))

    def deal_ids(self) -> list[str]:
        """Every deal id of the store (asked of the store: for suggestions when a deal is unknown)."""
        return sorted({row["d"] for row in self.rows(ALL_DEALS_QUERY)})

    def _whole_is_cheap(self) -> bool:
        return False  # a view is narrowed again, never widened to the whole graph


def _find_in_files(iri: str, files: Sequence[Path]) -> tuple[str | None, int | None]:
    """The first line of ``files`` that mentions ``<iri>`` (for errors in bulk loads)."""
    needle = f"<{iri}>"
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                if needle in line:
                    return str(f), n
    return None, None


def _short(iri: str) -> str:
    s = str(iri)
    if s.startswith(str(ID)):
        return s[len(str(ID)) :]
    if s.startswith(str(DG)):
        return "dg:" + s[len(str(DG)) :]
    return s


def _py(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, URIRef):
        s = str(v)
        if s.startswith(str(ID)):
            return local_id(s)
        if s.startswith(str(DG)):
            return token_of(s)
        return s
    if getattr(v, "datatype", None) == XSD.duration:
        return iso_duration(str(v))  # keep ISO 8601 (P7Y), not a timedelta approximation
    if getattr(v, "ill_typed", False):  # a lexical form its datatype does not allow: as written
        return str(v)
    return v.toPython()


def _py_ox(v: Any) -> Any:
    """:func:`_py` for a pyoxigraph term (same Python values as rdflib would give)."""
    if v is None:
        return None
    kind = type(v).__name__
    if kind == "NamedNode":  # as _py does for an IRI, without making an rdflib term of it
        s = v.value
        if s.startswith(_ID):
            return s[s.rfind("/") + 1 :]
        return token_of(s) if s.startswith(_DG) else s
    if kind != "Literal":
        return str(v.value)
    datatype = v.datatype.value
    if datatype in _AS_WRITTEN or v.language:
        return v.value
    return _py(Literal(v.value, datatype=datatype))


# datatypes whose value is the lexical form itself (a duration: ISO 8601, as _py keeps it)
_AS_WRITTEN = {str(XSD.string), str(XSD.duration)}
_ID, _DG = str(ID), str(DG)
_INIT_NS = {p: ns for p, ns in bind_prefixes(Graph()).namespaces()}
_PREFIXES = {p: str(ns) for p, ns in _INIT_NS.items()}
