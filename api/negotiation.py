"""Content negotiation: the one place a route turns an ``Accept`` header into a format.

:func:`negotiate` picks from a table of media types; the SPARQL endpoint's tables are here
too (:data:`RESULT_FORMATS` for SELECT and ASK, :data:`GRAPH_FORMATS` for CONSTRUCT and
DESCRIBE), and :func:`sparql_format` chooses for a query form.

>>> negotiate("text/csv;q=0.5, application/sparql-results+json", accept_table(RESULT_FORMATS), "json")
'json'
>>> sparql_format("text/csv", "ASK")
Traceback (most recent call last):
...
dealgraph.api.errors.ApiError: cannot answer in any of: text/csv
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import ApiError

__all__ = [
    "negotiate",
    "accept_table",
    "sparql_format",
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "RESULT_TYPES",
    "GRAPH_TYPES",
]

#: SPARQL results formats (SELECT, ASK): format -> its media type, then the other media types
#: a client may ask for it by (names as rdflib's result serializers know them)
RESULT_FORMATS: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
#: RDF formats (CONSTRUCT, DESCRIBE), the same way (names as rdflib's serializers know them)
GRAPH_FORMATS: dict[str, tuple[str, ...]] = {
    "turtle": ("text/turtle", "application/x-turtle"),
    "nt": ("application/n-triples", "text/plain"),
    "json-ld": ("application/ld+json", "application/json"),
    "xml": ("application/rdf+xml",),
}
#: format -> the media type it is served as
RESULT_TYPES = {name: media[0] for name, media in RESULT_FORMATS.items()}
GRAPH_TYPES = {name: media[0] for name, media in GRAPH_FORMATS.items()}


def accept_table(formats: Mapping[str, tuple[str, ...]], only: tuple[str, ...] = ()) -> dict[str, str]:
    """media type -> format, for :func:`negotiate` (the formats in ``only``, if given)."""
    return {m: name for name, media in formats.items() if not only or name in only for m in media}


def negotiate(accept: str, table: Mapping[str, str], default: str) -> str:
    """Pick a format from an Accept header (q-values honoured, the first of the best wins).

    ``table`` maps media types to formats; ``*/*`` (or no header) gets ``default``. When the
    header names nothing in the table: 406, listing the media types that are.
    """
    best, best_q = None, -1.0
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        fmt = table.get(media) or (default if media in ("*/*", "") else None)
        if fmt and q > best_q and q > 0:
            best, best_q = fmt, q - i * 1e-6
    if best is None:
        if accept.strip():
            raise ApiError(406, f"cannot answer in any of: {accept}", available=sorted(set(table)))
        return default
    return best


# SPARQL 1.1 Query Results CSV and TSV define no form for a boolean (ASK) result
_ASK_ACCEPT = accept_table(RESULT_FORMATS, only=("json", "xml"))
_RESULT_ACCEPT = accept_table(RESULT_FORMATS)
_GRAPH_ACCEPT = accept_table(GRAPH_FORMATS)


def sparql_format(accept: str, kind: str) -> str:
    """The format to answer a query of form ``kind`` (SELECT, ASK, CONSTRUCT, DESCRIBE) in,
    for this Accept header (406 when none fits)."""
    if kind == "ASK":
        return negotiate(accept, _ASK_ACCEPT, "json")
    if kind == "SELECT":
        return negotiate(accept, _RESULT_ACCEPT, "json")
    return negotiate(accept, _GRAPH_ACCEPT, "turtle")
