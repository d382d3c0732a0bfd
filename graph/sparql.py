"""Run SPARQL and format results with rdflib's serializers.

>>> from dealgraph import open_graph
>>> print(run_query(open_graph(), "SELECT ?n WHERE { ent:aws rdfs:label ?n }", "csv").strip())
n
Amazon Web Services
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from rdflib.query import Result, ResultRow

from ..ontology.namespace import bind_prefixes

if TYPE_CHECKING:  # pragma: no cover
    from .knowledge_graph import KnowledgeGraph

__all__ = ["run_query", "FORMATS", "tsv_results", "named_queries", "Rows"]


@dataclass(frozen=True)
class Rows:
    """SELECT results for a front end to draw as a table: variable names and text cells."""

    header: list[str]
    rows: list[list[str]]


def named_queries() -> dict[str, str]:
    """The packaged named queries (``ontology/queries/*.rq``), by name.

    >>> sorted(named_queries())[:2]
    ['conflicting-figures', 'entity-relationships']
    """
    folder = resources.files("dealgraph.ontology") / "queries"
    return {p.name[:-3]: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name.endswith(".rq")}


FORMATS = ("table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld")


def run_query(kg: KnowledgeGraph, sparql: str, fmt: str = "table") -> str | Rows:
    """Run ``sparql`` and render it as ``fmt``; :class:`Rows` for a SELECT as ``table``.

    SELECT/ASK results use rdflib's SPARQL result serializers (json, csv, tsv, xml);
    CONSTRUCT/DESCRIBE results are graphs (turtle, ntriples, jsonld).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    try:
        result = kg.query(sparql)
    except Exception as exc:  # pyparsing / rdflib raise many types for bad SPARQL
        raise ValueError(f"bad SPARQL: {' '.join(str(exc).split())}") from None
    if result.graph is not None:  # CONSTRUCT, DESCRIBE
        name = {"table": "turtle", "turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}.get(fmt)
        if name is None:
            raise ValueError(f"a {result.type} query gives a graph: use turtle, ntriples or jsonld")
        return bind_prefixes(result.graph).serialize(format=name)
    if fmt in ("turtle", "ntriples", "jsonld"):
        raise ValueError(f"a {result.type} query gives results: use table, json, csv, tsv or xml")
    if fmt == "table":
        if result.type == "ASK":
            return "true" if result.askAnswer else "false"
        return Rows(
            [str(v) for v in result.vars or []],
            [["" if v is None else str(v) for v in row] for row in result if isinstance(row, ResultRow)],
        )
    if fmt == "tsv":
        return tsv_results(result)
    text = (result.serialize(format=fmt) or b"").decode("utf-8")
    if fmt == "json":
        text = json.dumps(json.loads(text), indent=2, allow_nan=False)
    return text


def tsv_results(result: Result) -> str:
    """SPARQL 1.1 TSV results (rdflib parses TSV results but has no TSV serializer).

    The header names the variables with ``?``; each term is written in N-Triples syntax
    (``<iri>``, ``"literal"``, ``_:b0``), unbound values as empty fields. ASK results are
    not defined for TSV and are written as ``true``/``false``.
    """
    if result.type == "ASK":
        return "true\n" if result.askAnswer else "false\n"
    lines = ["\t".join(f"?{v}" for v in result.vars or [])]
    for row in result:
        assert isinstance(row, ResultRow)  # a SELECT's rows
        lines.append("\t".join("" if t is None else t.n3() for t in row))
    return "\n".join(lines) + "\n"
