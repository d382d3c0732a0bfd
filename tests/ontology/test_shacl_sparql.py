"""The SHACL shapes compiled to SPARQL find exactly what pyshacl finds.

pyshacl is the reference (the W3C SHACL Core semantics); each case breaks the mini data
set in one way that a shape forbids, and both validators must report the same set of
(focus node, path, message, value).
"""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from dealgraph.loaders import load_directory
from dealgraph.ontology.namespace import DG, deal_iri, entity_iri
from dealgraph.ontology.shacl import validate
from dealgraph.ontology.shacl_sparql import (
    UnsupportedShape,
    _compile,
    compile_checks,
    validate_with_sparql,
)

DEAL = deal_iri("bigco-lab-a-investment")


def _amount(g):
    return next(g.objects(DEAL, DG.amount))


def _one(g, cls):
    return sorted(g.subjects(RDF.type, cls))[0]


MUTATIONS = {
    "nothing": lambda g: None,
    "no evidence": lambda g: g.remove((DEAL, DG.evidence, None)),
    "no currency": lambda g: g.remove((_amount(g), DG.currency, None)),
    "bad currency": lambda g: g.set((_amount(g), DG.currency, Literal("usd"))),
    "dangling payee": lambda g: g.set((DEAL, DG.payee, entity_iri("no-such-lab"))),
    "two payers": lambda g: g.add((DEAL, DG.payer, entity_iri("lab-a"))),
    "unknown kind": lambda g: g.set((DEAL, DG.kind, DG.NoSuchKind)),
    "two statuses": lambda g: g.add((DEAL, DG.status, DG.Rumored)),
    "date as string": lambda g: g.set((DEAL, DG.date, Literal("2025-01-01"))),
    "value as integer": lambda g: g.set((_amount(g), DG.value, Literal(5))),
    "label with language": lambda g: g.set((entity_iri("lab-a"), RDFS.label, Literal("Lab A", lang="en"))),
    "empty quote": lambda g: g.set((_one(g, DG.Evidence), DG.quote, Literal(""))),
    "blank-node currency": lambda g: g.set((_amount(g), DG.currency, BNode())),
    "subsidiary of a deal": lambda g: g.add((entity_iri("lab-a"), DG.subsidiaryOf, DEAL)),
    "observation without value or unit": lambda g: (
        g.remove((_one(g, DG.Observation), DG.value, None)),
        g.remove((_one(g, DG.Observation), DG.unit, None)),
    ),
    "source without title": lambda g: g.remove((_one(g, DG.Source), DG.title, None)),
    "relationship to nobody": lambda g: g.set(
        (_one(g, DG.Relationship), DG.relObject, URIRef("https://example.org/nobody"))
    ),
    "typed as subclass only": lambda g: g.add((URIRef("https://example.org/x"), RDF.type, DG.AiLab)),
    "forecast not boolean": lambda g: g.set((_one(g, DG.Observation), DG.forecast, Literal("yes"))),
    "published as dateTime": lambda g: g.set(
        (_one(g, DG.Source), DG.published, Literal("2025-01-01T00:00:00", datatype=XSD.dateTime))
    ),
    # figures: at most 10^15, plain decimals (issue 10); engines read ill-formed ones apart
    "amount 1e400": lambda g: g.set((_amount(g), DG.value, _dec("1e400"))),
    "amount of 400 digits": lambda g: g.set((_amount(g), DG.value, _dec("1" + "0" * 400))),
    "amount INF": lambda g: g.set((_amount(g), DG.value, _dec("INF"))),
    "amount NaN": lambda g: g.set((_amount(g), DG.value, _dec("NaN"))),
    "amount 1e2": lambda g: g.set((_amount(g), DG.value, _dec("1e2"))),
    "amount zero": lambda g: g.set((_amount(g), DG.value, _dec("0.0"))),
    "amount negative": lambda g: g.set((_amount(g), DG.value, _dec("-5.0"))),
    "amount above the ceiling": lambda g: g.set((_amount(g), DG.value, _dec("1000000000000001.0"))),
    "amount at the ceiling": lambda g: g.set((_amount(g), DG.value, _dec("1000000000000000.0"))),
    "amount as double infinity": lambda g: g.set((_amount(g), DG.value, Literal(float("inf")))),
    "upper above the ceiling": lambda g: g.add((_amount(g), DG.upperValue, _dec("1e16"))),
    "observation below minus the ceiling": lambda g: g.set(
        (_one(g, DG.Observation), DG.value, _dec("-10000000000000000.0"))
    ),
    "negative observation": lambda g: g.set((_one(g, DG.Observation), DG.value, _dec("-5.5"))),
    "unknown unit": lambda g: g.set((_one(g, DG.Observation), DG.unit, Literal("EUR"))),
    "unit as an IRI": lambda g: g.set((_one(g, DG.Observation), DG.unit, URIRef("https://example.org/USD"))),
    "relationship with an unknown predicate": lambda g: g.set(
        (_one(g, DG.Relationship), DG.relPredicate, DG.payer)
    ),
}
# rdflib reads "1e2"^^xsd:decimal as "100" (its canonical form), so every validator sees 100
CONFORMING = {"nothing", "amount at the ceiling", "negative observation", "amount 1e2"}


def _dec(lexical: str) -> Literal:
    return Literal(lexical, datatype=XSD.decimal)


def _key(report, case=""):
    # blank-node labels differ between stores: compare those values by presence only
    return {
        (v.focus, v.path, v.message, "blank" if "blank" in case else _number(v.value))
        for v in report.violations
    }


def _number(value):
    """Numbers by value: Oxigraph answers canonical forms ("-5" for "-5.0", "INF" for "inf")."""
    from decimal import Decimal, InvalidOperation

    try:
        return str(Decimal(value).normalize()) if value is not None else None
    except InvalidOperation:
        return value


def _oxigraph_runner(graph):
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt").encode(), pyoxigraph.RdfFormat.N_TRIPLES)
    return lambda q: store.query(q)


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_compiled_checks_agree_with_pyshacl(mini_dir, case):
    g = load_directory(mini_dir).graph
    MUTATIONS[case](g)
    expected = validate(g)
    assert expected.conforms == (case in CONFORMING)
    on_rdflib = validate_with_sparql(lambda q: g.query(q))
    on_oxigraph = validate_with_sparql(_oxigraph_runner(g), workers=2)
    assert _key(on_rdflib, case) == _key(expected, case)
    assert _key(on_oxigraph, case) == _key(expected, case)


def test_staged_data_is_checked_with_the_default_graph(mini_dir):
    """Data staged in a named graph may refer to entities the default graph holds."""
    g = load_directory(mini_dir).graph
    store = pyoxigraph.Store()
    staging = "urn:dealgraph:staging:test"
    deal_triples = [t for t in g if str(t[0]).startswith(str(DEAL))]
    rest = g.serialize(format="nt")
    store.load(rest.encode(), pyoxigraph.RdfFormat.N_TRIPLES)
    for s, p, o in deal_triples:  # the deal again, and a second payer, staged only
        store.add(pyoxigraph.Quad(*(_ox(x) for x in (s, p, o)), pyoxigraph.NamedNode(staging)))
    store.add(
        pyoxigraph.Quad(_ox(DEAL), _ox(DG.payer), _ox(entity_iri("lab-a")), pyoxigraph.NamedNode(staging))
    )
    report = validate_with_sparql(lambda q: store.query(q), staging_graph=staging)
    assert [(v.focus, v.path) for v in report.violations] == [(str(DEAL), str(DG.payer))]


def _ox(term):
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype or XSD.string)))


def test_every_shape_constraint_is_compiled():
    kinds = {(c.shape.split("#")[-1], c.path.split("#")[-1], c.component) for c in compile_checks()}
    assert ("DealShape", "payer", "class") in kinds
    assert ("MonetaryAmountShape", "currency", "pattern") in kinds
    assert ("EvidenceShape", "quote", "minLength") in kinds
    assert ("ObservationShape", "unit", "in") in kinds
    assert ("RelationshipShape", "relPredicate", "in") in kinds


def test_an_unsupported_constraint_is_refused_not_skipped():
    from rdflib import Graph

    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix dg: <https://w3id.org/dealgraph/ontology#> .
        dg:S a sh:NodeShape ; sh:targetClass dg:Deal ;
           sh:property [ sh:path dg:payer ; sh:uniqueLang true ] .""",
        format="turtle",
    )
    from dealgraph.ontology import ontology_graph

    with pytest.raises(UnsupportedShape, match="uniqueLang"):
        _compile(shapes, ontology_graph(), lambda s, p, o: f"{s} {p} {o} .")
