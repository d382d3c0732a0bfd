"""The dealgraph ontology: vocabulary (Turtle), SHACL shapes, named SPARQL queries.

This package imports nothing from the rest of the project.

>>> from dealgraph.ontology import ontology_graph
>>> (DG.Deal, None, None) in ontology_graph()
True
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rdflib import Graph

from .namespace import DG, ID, bind_prefixes

__all__ = ["DG", "ID", "ontology_graph", "shapes_graph", "ONTOLOGY_FILE", "SHAPES_FILE"]

_HERE = resources.files(__name__)
ONTOLOGY_FILE = _HERE / "dealgraph.ttl"
SHAPES_FILE = _HERE / "shapes.ttl"


@lru_cache(maxsize=1)
def _parsed(name: str) -> Graph:
    g = Graph()
    g.parse(data=(_HERE / name).read_text(encoding="utf-8"), format="turtle")
    return bind_prefixes(g)


def ontology_graph() -> Graph:
    """A fresh copy of the ontology (classes, properties, vocabulary individuals)."""
    g = bind_prefixes(Graph())
    for t in _parsed("dealgraph.ttl"):
        g.add(t)
    return g


def shapes_graph() -> Graph:
    """The SHACL shapes graph (shared; do not modify)."""
    return _parsed("shapes.ttl")
