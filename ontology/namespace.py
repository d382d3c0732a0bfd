"""Namespaces used by dealgraph's RDF.

>>> str(DG.Deal)
'https://w3id.org/dealgraph/ontology#Deal'
>>> entity_iri("aws")
rdflib.term.URIRef('https://w3id.org/dealgraph/id/entity/aws')
>>> local_id(entity_iri("aws"))
'aws'
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, XSD

__all__ = [
    "DG",
    "ID",
    "ORG",
    "SDO",
    "PROV",
    "entity_iri",
    "deal_iri",
    "observation_iri",
    "relationship_iri",
    "source_iri",
    "local_id",
    "bind_prefixes",
    "PREFIXES",
]

DG = Namespace("https://w3id.org/dealgraph/ontology#")
ID = Namespace("https://w3id.org/dealgraph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")

PREFIXES = {
    "dg": DG,
    "dgid": ID,
    "ent": Namespace(ID + "entity/"),
    "deal": Namespace(ID + "deal/"),
    "obs": Namespace(ID + "observation/"),
    "rel": Namespace(ID + "relationship/"),
    "src": Namespace(ID + "source/"),
    "org": ORG,
    "prov": PROV,
    "schema": SDO,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
    "skos": SKOS,
    "dcterms": DCTERMS,
}


def entity_iri(local: str) -> URIRef:
    return URIRef(f"{ID}entity/{local}")


def deal_iri(local: str) -> URIRef:
    return URIRef(f"{ID}deal/{local}")


def observation_iri(local: str) -> URIRef:
    return URIRef(f"{ID}observation/{local}")


def relationship_iri(local: str) -> URIRef:
    return URIRef(f"{ID}relationship/{local}")


def source_iri(document: str) -> URIRef:
    return URIRef(f"{ID}source/{document}")


def local_id(iri: URIRef | str) -> str:
    """The id after the last slash of a dealgraph resource IRI."""
    return str(iri).rsplit("/", 1)[-1]


def bind_prefixes(graph: Graph) -> Graph:
    """Bind dealgraph's usual prefixes on ``graph`` and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph
