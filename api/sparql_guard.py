"""Check a SPARQL request before it runs: read-only, no SERVICE, no FROM, no LOAD.

rdflib would fetch a ``SERVICE`` endpoint or a ``FROM`` graph over the network (or read it
from a file); the public endpoint refuses such queries before evaluation.

>>> check_query("SELECT * WHERE { ?s ?p ?o }").type
'SELECT'
>>> check_query("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
dealgraph.api.errors.ApiError: SERVICE is not allowed: the endpoint never calls other services
>>> check_query("INSERT DATA { <a:b> <a:c> <a:d> }")
Traceback (most recent call last):
...
dealgraph.api.errors.ApiError: SPARQL Update is not allowed: this endpoint is read-only
"""

from __future__ import annotations

from dataclasses import dataclass

from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from dealgraph.api.errors import ApiError

__all__ = ["CheckedQuery", "check_query"]


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    type: str  # SELECT, ASK, CONSTRUCT or DESCRIBE


def _walk(node):
    yield node
    if isinstance(node, ParseResults | list | tuple):
        for child in node:
            yield from _walk(child)
    if isinstance(node, ParseResults) or hasattr(node, "values"):
        try:
            values = list(node.values())
        except Exception:  # noqa: BLE001 - pyparsing containers vary
            values = []
        for child in values:
            yield from _walk(child)


def check_query(text: str) -> CheckedQuery:
    """Parse ``text`` and refuse updates, SERVICE, FROM / FROM NAMED; return its type."""
    try:
        parsed = parseQuery(text)
    except Exception as exc:  # noqa: BLE001 - pyparsing raises ParseException and others
        try:
            parseUpdate(text)
        except Exception:  # noqa: BLE001
            raise ApiError(400, f"SPARQL syntax error: {' '.join(str(exc).split())}") from None
        raise ApiError(403, "SPARQL Update is not allowed: this endpoint is read-only") from None
    query = parsed[1]
    qtype = getattr(query, "name", "") or type(query).__name__
    kind = qtype.replace("Query", "").upper()
    for node in _walk(parsed):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise ApiError(400, "SERVICE is not allowed: the endpoint never calls other services")
        if name == "DatasetClause":
            raise ApiError(400, "FROM and FROM NAMED are not allowed: queries run over this "
                                "dataset only and never load other graphs")
    if kind not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise ApiError(400, f"unsupported query form {qtype!r}")
    return CheckedQuery(text=text, type=kind)
