"""Where the RDF lives, chosen by one setting (``--store``, ``DEALGRAPH_STORE``).

``memory``
    rdflib's embedded in-memory store (the default).
``oxigraph:PATH``
    a persistent Oxigraph store on disk (pyoxigraph through oxrdflib). Loads are one
    Oxigraph transaction, so a crash mid-load leaves the store as it was.
``http://HOST:PORT`` (or https)
    a SPARQL server laid out as Oxigraph's (``/query`` for SPARQL, ``/store`` for the Graph
    Store Protocol): queries go to the server (rdflib's SPARQLStore); a load is one Graph
    Store Protocol POST of N-Triples to the default graph, a single transaction there.

>>> g = open_store("memory")
>>> len(g)
0
>>> open_store("ftp://x")
Traceback (most recent call last):
...
ValueError: unknown store 'ftp://x': use memory, oxigraph:PATH or http://HOST:PORT
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from dealgraph.ontology.namespace import bind_prefixes

__all__ = ["open_store", "is_remote", "add_all", "STORE_HELP"]

STORE_HELP = ("Where the graph lives: memory (default), oxigraph:PATH (persistent, on disk) "
              "or http://HOST:PORT (an Oxigraph-style SPARQL server).")


def is_remote(spec: str) -> bool:
    """True for a store on a SPARQL server."""
    return spec.startswith(("http://", "https://"))


def add_all(graph: Graph, triples: Graph, spec: str) -> None:
    """Add every triple of ``triples`` to ``graph`` in one transaction of its store."""
    if is_remote(spec):
        import urllib.request

        body = triples.serialize(format="nt").encode("utf-8")
        req = urllib.request.Request(spec.rstrip("/") + "/store?default", data=body,
                                     method="POST",
                                     headers={"Content-Type": "application/n-triples"})
        with urllib.request.urlopen(req, timeout=600) as resp:  # noqa: S310 - the user's store
            if resp.status >= 300:
                raise OSError(f"store answered {resp.status} to the load")
        return
    # one addN call: a single transaction on stores that have them (Oxigraph)
    graph.addN([(s, p, o, graph) for s, p, o in triples])


def open_store(spec: str = "memory") -> Graph:
    """An rdflib Graph backed by the store ``spec`` names (see the module docstring)."""
    if spec == "memory":
        return bind_prefixes(Graph())
    if spec.startswith("oxigraph:"):
        path = spec.removeprefix("oxigraph:")
        if not path:
            raise ValueError("oxigraph store needs a path: oxigraph:PATH")
        try:
            import oxrdflib  # noqa: F401  (registers the "Oxigraph" rdflib store plugin)
        except ImportError:
            raise ValueError("the oxigraph store needs the oxigraph extra: "
                             "pip install 'dealgraph[oxigraph]'") from None
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        g = Graph(store="Oxigraph", identifier=DATASET_DEFAULT_GRAPH_ID)
        g.open(path)
        return bind_prefixes(g)
    if is_remote(spec):
        from rdflib.plugins.stores.sparqlstore import SPARQLStore

        store = SPARQLStore(query_endpoint=spec.rstrip("/") + "/query", returnFormat="json")
        return bind_prefixes(Graph(store=store, identifier=DATASET_DEFAULT_GRAPH_ID))
    raise ValueError(f"unknown store {spec!r}: use memory, oxigraph:PATH or http://HOST:PORT")
