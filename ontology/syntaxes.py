"""The RDF file syntaxes dealgraph reads, by file suffix: one table for every layer.

The loaders parse them with rdflib, the stores hand them to Oxigraph's bulk loader or send
them to a remote store with their media type.

>>> RDF_SYNTAXES[".ttl"].rdflib, RDF_SYNTAXES[".nq"].media_type, RDF_SYNTAXES[".jsonld"].oxigraph
('turtle', 'application/n-quads', None)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RdfSyntax", "RDF_SYNTAXES"]


@dataclass(frozen=True)
class RdfSyntax:
    """An RDF syntax: its rdflib parser name, media type, Oxigraph ``RdfFormat`` member (None
    when the bulk loader does not take it) and the name people know it by."""

    rdflib: str
    media_type: str
    oxigraph: str | None
    label: str


_JSON_LD = RdfSyntax("json-ld", "application/ld+json", None, "JSON-LD")

RDF_SYNTAXES: dict[str, RdfSyntax] = {
    ".ttl": RdfSyntax("turtle", "text/turtle", "TURTLE", "Turtle"),
    ".nt": RdfSyntax("nt", "application/n-triples", "N_TRIPLES", "N-Triples"),
    ".nq": RdfSyntax("nquads", "application/n-quads", "N_QUADS", "N-Quads"),
    ".trig": RdfSyntax("trig", "application/trig", "TRIG", "TriG"),
    ".jsonld": _JSON_LD,
    ".json-ld": _JSON_LD,
}
