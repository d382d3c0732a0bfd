"""Where the RDF lives, chosen by one setting (``--store``, ``DEALGRAPH_STORE``).

``memory``
    rdflib's embedded in-memory store (the default).
``oxigraph:PATH``
    a persistent Oxigraph store on disk (pyoxigraph through oxrdflib). Loads are one
    Oxigraph transaction, so a crash mid-load leaves the store as it was.

>>> g = open_store("memory")
>>> len(g)
0
>>> open_store("ftp://x")
Traceback (most recent call last):
...
ValueError: unknown store 'ftp://x': use memory or oxigraph:PATH
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from dealgraph.ontology.namespace import bind_prefixes

__all__ = ["open_store", "STORE_HELP"]

STORE_HELP = "Where the graph lives: memory (default) or oxigraph:PATH (persistent, on disk)."


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
    raise ValueError(f"unknown store {spec!r}: use memory or oxigraph:PATH")
