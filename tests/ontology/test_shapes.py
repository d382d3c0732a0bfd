"""SHACL shapes catch a deal without evidence, an amount without currency, dangling refs."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import RDF

from dealgraph.graph import KnowledgeGraph
from dealgraph.loaders import load_directory
from dealgraph.ontology import ontology_graph
from dealgraph.ontology.errors import DataError
from dealgraph.ontology.namespace import DG, deal_iri, entity_iri
from dealgraph.ontology.shacl import validate
from dealgraph.ontology.vocab import (
    BASES,
    BOUNDS,
    DEAL_KINDS,
    DEAL_STATUSES,
    METRICS,
    PRECISIONS,
    RATES,
    RELATIONSHIP_KINDS,
    ROLES,
    property_iri,
    term_iri,
)


@pytest.fixture
def mini_graph(mini_dir):
    return load_directory(mini_dir).graph


def test_mini_data_conforms(mini_graph):
    assert validate(mini_graph).conforms


def test_deal_without_evidence_is_caught(mini_graph):
    deal = deal_iri("bigco-lab-a-investment")
    mini_graph.remove((deal, DG.evidence, None))
    report = validate(mini_graph)
    assert not report.conforms
    assert any(v.focus == str(deal) and v.path == str(DG.evidence) for v in report.violations)


def test_amount_without_currency_is_caught(mini_graph):
    amount = next(mini_graph.objects(deal_iri("bigco-lab-a-investment"), DG.amount))
    mini_graph.remove((amount, DG.currency, None))
    report = validate(mini_graph)
    assert [v.path for v in report.violations] == [str(DG.currency)]
    assert "currency" in report.violations[0].message


def test_dangling_reference_is_caught(mini_graph):
    deal = deal_iri("bigco-lab-a-investment")
    mini_graph.set((deal, DG.payee, entity_iri("no-such-lab")))
    report = validate(mini_graph)
    assert any(
        v.path == str(DG.payee) and v.value == str(entity_iri("no-such-lab")) for v in report.violations
    )


def test_deal_without_payer_or_kind_is_caught(mini_graph):
    deal = deal_iri("bigco-lab-a-investment")
    mini_graph.remove((deal, DG.payer, None))
    mini_graph.remove((deal, DG.kind, None))
    paths = {v.path for v in validate(mini_graph).violations}
    assert {str(DG.payer), str(DG.kind)} <= paths


def test_observation_and_relationship_need_evidence(mini_graph):
    for node in list(mini_graph.subjects(RDF.type, DG.Observation)) + list(
        mini_graph.subjects(RDF.type, DG.Relationship)
    ):
        mini_graph.remove((node, DG.evidence, None))
    focus_types = {str(v.focus).split("/")[-2] for v in validate(mini_graph).violations}
    assert focus_types == {"observation", "relationship"}


def test_failed_shacl_load_names_file_and_line_and_changes_nothing(mini_dir):
    kg = KnowledgeGraph()
    data = load_directory(mini_dir)
    amount = next(data.graph.objects(deal_iri("bigco-lab-a-investment"), DG.amount))
    data.graph.remove((amount, DG.currency, None))
    with pytest.raises(DataError) as exc:
        kg.load(data)
    [problem] = exc.value.problems
    lines = (mini_dir / "sources" / "doc-a.yaml").read_text().splitlines()
    amount_line = 1 + next(i for i, t in enumerate(lines) if "value: 10_000_000_000" in t)
    assert problem.file.endswith("doc-a.yaml") and problem.line == amount_line
    assert problem.field == "currency"
    assert len(kg) == 0


def test_every_vocabulary_term_is_declared_with_label_and_comment():
    onto = ontology_graph()
    from rdflib.namespace import RDFS

    iris = [
        term_iri(t)
        for group in (ROLES, DEAL_KINDS, DEAL_STATUSES, BOUNDS, RATES, PRECISIONS, METRICS, BASES)
        for t in group
    ]
    iris += [property_iri(t) for t in RELATIONSHIP_KINDS]
    for iri in iris:
        assert (iri, RDFS.label, None) in onto, iri
        assert (iri, RDFS.comment, None) in onto, iri


def test_every_ontology_class_and_property_has_label_and_comment():
    from rdflib.namespace import OWL, RDFS

    onto = ontology_graph()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for s in onto.subjects(RDF.type, kind):
            assert onto.value(s, RDFS.label) is not None, s
            assert onto.value(s, RDFS.comment) is not None, s


def test_ontology_aligns_with_prov_schema_and_org():
    from rdflib.namespace import PROV, RDFS, SDO

    from dealgraph.ontology.namespace import ORG

    onto = ontology_graph()
    assert (DG.Organization, RDFS.subClassOf, ORG.Organization) in onto
    assert (DG.MonetaryAmount, RDFS.subClassOf, SDO.MonetaryAmount) in onto
    assert (DG.evidence, RDFS.subPropertyOf, PROV.wasDerivedFrom) in onto
    assert (DG.subsidiaryOf, RDFS.subPropertyOf, ORG.subOrganizationOf) in onto


def test_literal_values_are_decimal(mini_graph):
    values = list(mini_graph.objects(None, DG.value))
    assert values and all(isinstance(v, Literal) and v.datatype.endswith("#decimal") for v in values)
