"""RDF exports of the graph with rdflib's serializers (provenance included).

Each format is registered in :mod:`dealgraph.graph.registry` (as ``turtle``, ``jsonld``,
``ntriples`` and ``trig``, with the aliases ``ttl``, ``json-ld`` and ``nt``).

>>> from dealgraph import open_graph
>>> "dg:quote" in open_graph().serialize("turtle")
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, URIRef

from ..ontology.namespace import ID, bind_prefixes
from .registry import ExportFormat

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["RDF_FORMATS", "serialize", "DATA_GRAPH", "ONTOLOGY_GRAPH"]

#: export name -> rdflib serializer name
RDF_FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "nt",
    "nt": "nt",
    "jsonld": "json-ld",
    "json-ld": "json-ld",
    "trig": "trig",
}
DATA_GRAPH = URIRef(f"{ID}graph/data")
ONTOLOGY_GRAPH = URIRef(f"{ID}graph/ontology")


def serialize(kg: KnowledgeGraph, fmt: str, *, with_ontology: bool = False) -> str:
    """Serialize the data (and optionally the ontology) in an RDF format.

    TriG puts the data in the named graph ``dgid:graph/data`` (and the ontology in
    ``dgid:graph/ontology``); the other formats write one graph.
    """
    try:
        name = RDF_FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown RDF format {fmt!r}; choose from {', '.join(RDF_FORMATS)}") from None
    if name == "trig":
        ds = Dataset()
        bind_prefixes(ds)
        data = ds.graph(DATA_GRAPH)
        for t in kg.rdf:
            data.add(t)
        if with_ontology:
            onto = ds.graph(ONTOLOGY_GRAPH)
            for t in kg.ontology:
                onto.add(t)
        return ds.serialize(format="trig")
    g = kg.rdf
    if with_ontology:
        g = bind_prefixes(Graph())
        for t in kg.rdf:
            g.add(t)
        for t in kg.ontology:
            g.add(t)
    return g.serialize(format=name)


def _renderer(fmt: str):
    def render(kg: KnowledgeGraph, with_ontology: bool = False) -> str:
        return serialize(kg, fmt, with_ontology=with_ontology)

    render.__name__ = render.__qualname__ = f"render_{RDF_FORMATS[fmt].replace('-', '')}"
    return render


# the built-in RDF formats: the registry takes PLUGINS (they are also the entry points
# of the group dealgraph.exports in pyproject.toml)
_RDF = {"options": ("with_ontology",)}
TURTLE = ExportFormat(
    "turtle",
    _renderer("turtle"),
    "text/turtle",
    ".ttl",
    "RDF Turtle, provenance included",
    aliases=("ttl",),
    **_RDF,
)
JSONLD = ExportFormat(
    "jsonld",
    _renderer("jsonld"),
    "application/ld+json",
    ".jsonld",
    "RDF JSON-LD",
    aliases=("json-ld",),
    **_RDF,
)
NTRIPLES = ExportFormat(
    "ntriples",
    _renderer("ntriples"),
    "application/n-triples",
    ".nt",
    "RDF N-Triples",
    aliases=("nt",),
    **_RDF,
)
TRIG = ExportFormat(
    "trig",
    _renderer("trig"),
    "application/trig",
    ".trig",
    "RDF TriG: the data in its named graph (the ontology in another)",
    **_RDF,
)

PLUGINS = (TURTLE, JSONLD, NTRIPLES, TRIG)
