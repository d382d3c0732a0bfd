"""The Python vocabularies (dealgraph.ontology.vocab) say what the Turtle declares.

The Turtle is the source of truth: the ontology (``dealgraph.ttl``) declares entity types
and roles as classes, the other kinds as individuals of a class, each with its token as
``skos:notation``; the shapes (``shapes.ttl``) list units and relationship kinds with
``sh:in``. A term added, removed or renamed in one place only fails here.
"""

from __future__ import annotations

import typing

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from dealgraph.loaders import models
from dealgraph.ontology import ontology_graph, shapes_graph, vocab
from dealgraph.ontology.namespace import DG
from dealgraph.ontology.vocab import property_iri, term_iri, token_of

# each vocabulary of individuals, and the class its individuals belong to
INDIVIDUALS = {
    "DEAL_KINDS": DG.DealKind,
    "DEAL_STATUSES": DG.DealStatus,
    "BOUNDS": DG.Bound,
    "RATES": DG.Rate,
    "PRECISIONS": DG.Precision,
    "METRICS": DG.Metric,
    "BASES": DG.AccountingBasis,
    "RELATIONSHIP_STATUSES": DG.RelationshipStatus,
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def _subclasses(onto: Graph, cls: URIRef) -> set[URIRef]:
    """The classes below ``cls`` (not ``cls`` itself)."""
    return {c for c in onto.transitive_subjects(RDFS.subClassOf, cls) if isinstance(c, URIRef)} - {cls}


def _listed(shape: URIRef, path: URIRef) -> list:
    """The ``sh:in`` list of the property shape of ``shape`` on ``path``."""
    shapes = shapes_graph()
    [listed] = [
        shapes.value(p, SH["in"])
        for p in shapes.objects(shape, SH.property)
        if shapes.value(p, SH.path) == path and shapes.value(p, SH["in"]) is not None
    ]
    return list(shapes.items(listed))


@pytest.mark.parametrize("name", sorted(INDIVIDUALS))
def test_individuals_are_the_vocabulary(onto, name):
    """Each individual of the class, by IRI and notation, is a token of the tuple, and back."""
    declared = {(s, str(onto.value(s, SKOS.notation))) for s in onto.subjects(RDF.type, INDIVIDUALS[name])}
    tokens = getattr(vocab, name)
    assert declared == {(term_iri(t), t) for t in tokens}
    assert len(set(tokens)) == len(tokens)


def test_roles_are_the_subclasses_of_organization(onto):
    assert _subclasses(onto, DG.Organization) == {term_iri(t) for t in vocab.ROLES}


def test_entity_types_are_the_entity_classes_that_are_not_roles(onto):
    entity_classes = _subclasses(onto, DG.Entity) - _subclasses(onto, DG.Organization)
    assert entity_classes == {term_iri(t) for t in vocab.ENTITY_TYPES}


def test_relationship_kinds_are_the_predicates_the_shapes_allow(onto):
    allowed = _listed(DG.RelationshipShape, DG.relPredicate)
    assert allowed == [property_iri(t) for t in vocab.RELATIONSHIP_KINDS]
    for p in allowed:
        assert (p, RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")) in onto, p


def test_units_are_the_units_the_shapes_allow():
    assert [str(u) for u in _listed(DG.ObservationShape, DG.unit)] == list(vocab.UNITS)
    assert set(vocab.MONEY_UNITS) <= set(vocab.UNITS)
    assert [str(u) for u in _listed(DG.QuantityShape, DG.unit)] == list(vocab.QUANTITY_UNITS)


def test_tokens_and_iris_map_both_ways():
    for name in [*INDIVIDUALS, "ROLES"]:
        for t in getattr(vocab, name):
            assert token_of(term_iri(t)) == t
    for t in vocab.RELATIONSHIP_KINDS:
        assert token_of(property_iri(t)) == t


def test_the_data_models_take_their_types_from_the_vocabulary():
    """loaders.models accepts exactly the tokens of each vocabulary (one definition)."""
    fields = {
        (models.Entity, "type"): vocab.ENTITY_TYPES,
        (models.Deal, "kind"): vocab.DEAL_KINDS,
        (models.Observation, "metric"): vocab.METRICS,
        (models.Observation, "unit"): vocab.UNITS,
        (models.Relationship, "kind"): vocab.RELATIONSHIP_KINDS,
        (models.Quantity, "unit"): vocab.QUANTITY_UNITS,
    }
    for (model, field), tokens in fields.items():
        assert typing.get_args(model.model_fields[field].annotation) == tokens, (model, field)
    status = models.Relationship.model_fields["status"].annotation
    assert typing.get_args(typing.get_args(status)[0]) == vocab.RELATIONSHIP_STATUSES
    assert models.DealKind is vocab.DealKind
