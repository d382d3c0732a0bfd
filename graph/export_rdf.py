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

DATA_GRAPH = URIRef(f"{ID}graph/data")
ONTOLOGY_GRAPH = URIRef(f"{ID}graph/ontology")


def serialize(kg: KnowledgeGraph, fmt: str, *, with_ontology: bool = False) -> str:
    """Serialize the data (and optionally the ontology) in an RDF format (a name or alias
    of :data:`PLUGINS`).

    TriG puts the data in the named graph ``dgid:graph/data`` (and the ontology in
    ``dgid:graph/ontology``); the other formats write one graph.
    """
    try:
        serializer = RDF_FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown RDF format {fmt!r}; choose from {', '.join(RDF_FORMATS)}") from None
    if serializer == TRIG.media_type:
        ds = Dataset()
        bind_prefixes(ds)
        data = ds.graph(DATA_GRAPH)
        data += kg.rdf
        if with_ontology:
            onto = ds.graph(ONTOLOGY_GRAPH)
            onto += kg.ontology
        return ds.serialize(format=serializer)
    g = kg.rdf
    if with_ontology:
        g = bind_prefixes(Graph())
        g += kg.rdf
        g += kg.ontology
    return g.serialize(format=serializer)


def _rdf_format(
    name: str, media_type: str, suffix: str, description: str, aliases: tuple[str, ...] = ()
) -> ExportFormat:
    """An RDF export format: :func:`serialize` in the format called ``name``."""

    def render(kg: KnowledgeGraph, with_ontology: bool = False) -> str:
        return serialize(kg, name, with_ontology=with_ontology)

    render.__name__ = render.__qualname__ = f"render_{name}"
    return ExportFormat(
        name, render, media_type, suffix, description, options=("with_ontology",), aliases=aliases
    )


# the built-in RDF formats: the registry takes PLUGINS
TURTLE = _rdf_format("turtle", "text/turtle", ".ttl", "RDF Turtle, provenance included", ("ttl",))
JSONLD = _rdf_format("jsonld", "application/ld+json", ".jsonld", "RDF JSON-LD", ("json-ld",))
NTRIPLES = _rdf_format("ntriples", "application/n-triples", ".nt", "RDF N-Triples", ("nt",))
TRIG = _rdf_format(
    "trig", "application/trig", ".trig", "RDF TriG: the data in its named graph (the ontology in another)"
)

PLUGINS = (TURTLE, JSONLD, NTRIPLES, TRIG)

#: export name or alias -> rdflib serializer: rdflib registers each of its serializers under
#: the format's media type too, so the media type names both
RDF_FORMATS = {n: f.media_type for f in PLUGINS for n in (f.name, *f.aliases)}
